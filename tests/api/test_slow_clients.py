"""Slow and greedy clients (issue 8, item 3).

- 300 connections that send a partial request and then trickle one byte a second (slowloris)
  do not keep other clients from being answered (each normal GET within NORMAL_ANSWER_S), and
  once they stop sending, the server closes them after HTTP_CONNECTION_TIMEOUT_S;
- connections that never send anything are closed after HTTP_CONNECTION_TIMEOUT_S, not before;
- HTTP_PER_IP_CONNECTIONS caps the open connections of one client address: one more is closed
  without an answer while other addresses are served, and the address is served again once its
  connections close.

`limit` above the maximum and other bad `limit` values (400) are checked in test_pagination.py.
Everything runs against servers of its own (extra_server), with sockets that are always closed;
the soft limit on open files is raised when it is too low for the sockets of this module.
"""

import random
import resource
import select
import socket
import time

import pytest

TIMEOUT_S = 3  # HTTP_CONNECTION_TIMEOUT_S of the server under test
SLOW = 300
IDLE = 20
TRICKLE_S = 6  # longer than TIMEOUT_S: a trickling connection is not idle
NORMAL_ANSWER_S = 1.0
CLOSE_MARGIN_S = 2.5  # closed at most this long after the timeout
PER_IP = 5
PATH = "/v1/admin-units/89"


@pytest.fixture(autouse=True)
def enough_file_descriptors():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 4 * (SLOW + IDLE) + 256  # ours, and the server's (it inherits the limit)
    if soft != resource.RLIM_INFINITY and soft < want:
        new = want if hard == resource.RLIM_INFINITY else min(want, hard)
        assert new >= want, f"open-file limit {soft}/{hard} is below the {want} this module needs"
        resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))


class Sockets:
    """Plain TCP connections to a server, closed on exit."""

    def __init__(self, port, n, source="127.0.0.1"):
        self.port, self.n, self.source = port, n, source
        self.socks = []

    def __enter__(self):
        for _ in range(self.n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.socks.append(s)
            s.bind((self.source, 0))
            s.settimeout(5)
            s.connect(("127.0.0.1", self.port))
            s.setblocking(False)
        return self

    def __exit__(self, *exc):
        for s in self.socks:
            s.close()

    def send_all(self, data):
        """Sends `data` on every connection; returns how many took it."""
        sent = 0
        for s in self.socks:
            try:
                sent += s.send(data) > 0
            except OSError:
                pass
        return sent

    def closed_by_peer(self, wait=0.0):
        """The connections the server has closed (end of stream or reset), after waiting for
        news for up to `wait` seconds."""
        select.select(self.socks, [], [], wait)
        closed = []
        for s in self.socks:
            try:
                if s.recv(65536, socket.MSG_PEEK) == b"":
                    closed.append(s)
            except BlockingIOError:
                pass
            except OSError:
                closed.append(s)
        return closed

    def wait_all_closed(self, since, limit):
        """Seconds from `since` (a time.monotonic()) until the server has closed every connection
        (None: not within `limit` of `since`)."""
        while time.monotonic() - since < limit:
            if len(self.closed_by_peer(0.1)) == len(self.socks):
                return time.monotonic() - since
        return None


def timed_get(client):
    started = time.monotonic()
    r = client.clone().get(PATH, timeout=10)
    return r.status_code, time.monotonic() - started


def test_slowloris_does_not_starve_others_and_idle_connections_close(api, extra_server):
    srv = extra_server(HTTP_CONNECTION_TIMEOUT_S=str(TIMEOUT_S))
    client = api.on(srv)
    assert timed_get(client)[0] == 200
    with Sockets(srv.port, IDLE) as idle, Sockets(srv.port, SLOW) as slow:
        idle_opened = time.monotonic()
        assert slow.send_all(f"GET {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".encode()) == SLOW
        answers = []
        for second in range(TRICKLE_S):
            tick = last_byte = time.monotonic()
            slow.send_all(b"a")
            while time.monotonic() - tick < 0.9:
                answers.append(timed_get(client))
                time.sleep(0.1)
            if second == TIMEOUT_S + 1:
                idle_closed = len(idle.closed_by_peer())
            if second == 0:
                early_idle_closed = len(idle.closed_by_peer())
        still_open = SLOW - len(slow.closed_by_peer())
        closed_after = slow.wait_all_closed(last_byte, TIMEOUT_S + CLOSE_MARGIN_S)
        idle_wait = idle.wait_all_closed(time.monotonic(), 0.1)
    slowest = max(s for _, s in answers)
    print(f"\n[slowloris] {SLOW} trickling connections for {TRICKLE_S} s: {len(answers)} normal "
          f"GETs, statuses {sorted(set(c for c, _ in answers))}, slowest {slowest:.3f} s; "
          f"{still_open} trickling connections open at the end, all closed "
          f"{closed_after if closed_after is None else round(closed_after, 2)} s after the last "
          f"byte; idle connections: {early_idle_closed} of {IDLE} closed in the first second, "
          f"{idle_closed} by {TIMEOUT_S + 2} s")
    assert all(code == 200 for code, _ in answers), answers
    assert slowest <= NORMAL_ANSWER_S, f"a normal GET took {slowest:.2f} s"
    assert early_idle_closed == 0, "idle connections were closed before the timeout"
    assert idle_closed == IDLE and idle_wait is not None, \
        f"{idle_closed} of {IDLE} idle connections closed {TIMEOUT_S + 2} s after opening " \
        f"(timeout {TIMEOUT_S} s; opened {time.monotonic() - idle_opened:.1f} s ago)"
    assert closed_after is not None, \
        f"trickling connections still open {TIMEOUT_S + CLOSE_MARGIN_S} s after their last byte"
    assert srv.alive()


def loopback():
    """A loopback address (127.0.0.0/8) that no other test connects from."""
    return f"127.{random.randint(1, 254)}.{random.randint(0, 254)}.{random.randint(1, 254)}"


def test_connections_per_address_are_limited(api, extra_server):
    srv = extra_server(HTTP_PER_IP_CONNECTIONS=str(PER_IP), HTTP_CONNECTION_TIMEOUT_S="10")
    here, elsewhere = loopback(), loopback()
    with Sockets(srv.port, PER_IP, here) as held:
        time.sleep(0.2)
        assert not held.closed_by_peer(), "connections within the limit were closed"
        with Sockets(srv.port, 1, here) as extra:
            extra.send_all("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            refused = len(extra.closed_by_peer(2.0)) == 1
            try:
                answer = extra.socks[0].recv(100)
            except OSError as e:
                answer = repr(e)
        other = api.on(srv).from_address(elsewhere).get(PATH, timeout=5).status_code
    time.sleep(0.3)  # the server notices the closed connections
    again = api.on(srv).from_address(here).get(PATH, timeout=5).status_code
    print(f"\n[per address] limit {PER_IP}: connection {PER_IP + 1} closed: {refused} "
          f"(read {answer!r}); another address: {other}; the address again once its "
          f"connections closed: {again}")
    assert refused and not answer, f"connection {PER_IP + 1} from one address got {answer!r}"
    assert other == 200
    assert again == 200
