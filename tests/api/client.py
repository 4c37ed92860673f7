"""HTTP access for the API tests.

`Api` wraps a requests session and validates every response against the OpenAPI document
(`openapi_check.OpenApi.validate`) before the test sees it. It sends `Authorization: Bearer` with
an access token of its user (`settings.DEFAULT_USER` unless made with `as_user`), which `Sessions`
gets once through `POST /v1/auth/token` and again when it nears its expiry; `anonymous()` sends no
token, `with_token(t)` a given one, and a request's own `Authorization` header (None: none at all)
wins over both.

Reading one's own writes: every answer's `Planmon-Write-Position` (a server with a replica sends
it after each write) is kept, process-wide, in READ_YOUR_WRITES, the latest one winning; when
READ_YOUR_WRITES.enabled (external mode, see conftest.py) each request sends it back as
`Planmon-Read-After`, so the server reads from its replica only once the replica has replayed
every write this process saw (of any user: an admin's new user signs in next), else from the
primary. A request's own `Planmon-Read-After` header (None: none at all) wins.

`raw_request` and `reset_mid_answer` speak HTTP/1.1 over a plain socket for what requests cannot
send (chunked bodies over the limit, literal `%` in the request line, a connection reset
mid-answer). Every network operation is bounded by a timeout.

Keep-alive: a connection idle for the server's HTTP_CONNECTION_TIMEOUT_S may be closed by the
server at the very moment the client reuses it, and the request then fails without an answer
(HTTP/1.1 lets a client retry; requests does not). `Session` never reuses a connection that has
been idle nearly that long: it opens a new one instead, as a careful client does.
"""

import json
import re
import select
import socket
import struct
import threading
import time
import unicodedata
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

from openapi_check import media_type, parse_json_strict
from settings import HTTP_CONNECTION_TIMEOUT_S

DEFAULT_TIMEOUT = 15
MAX_PAGES = 1000
# A cached access token is renewed when it has less than this left (the outage tests must not
# need a login while the database is away).
RENEW_BEFORE_S = 300
# What a test that counts audit events asks of a token before it marks the log (audit.recorded):
# enough that no renewal, itself a sign-in event, can fall between the mark and the count.
FRESH_FOR_S = RENEW_BEFORE_S + 240


def fold(text):
    """Lower case without Vietnamese diacritics, with đ -> d and runs of spaces collapsed."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return " ".join(text.lower().split())


def encode_query(params):
    """Query string with spaces as %20 (the `+` form is tested on its own)."""
    if not params:
        return ""
    return "?" + urlencode(params, quote_via=quote)


def wal_position(text):
    """A WAL position such as 0/16B3748 as a number, or None when `text` is not one."""
    m = re.fullmatch(r"([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})", text or "")
    return (int(m.group(1), 16) << 32) + int(m.group(2), 16) if m else None


class ReadYourWrites:
    """The latest Planmon-Write-Position seen by this process, sent back as Planmon-Read-After
    when `enabled`. Thread-safe."""

    def __init__(self):
        self.enabled = False
        self._lock = threading.Lock()
        self._latest = (0, None)  # (as a number, as the server wrote it)

    def saw(self, position):
        """Keeps `position` (a Planmon-Write-Position, or None) if it is the latest."""
        number = wal_position(position)
        if number is not None:
            with self._lock:
                if number > self._latest[0]:
                    self._latest = (number, position)

    def saw_primary(self, conn):
        """Keeps the current WAL position of the primary `conn` (a psycopg connection) is
        connected to: what was written there outside the API (SQL, planmon commands)."""
        with conn.cursor() as cur:
            self.saw(cur.execute("SELECT pg_current_wal_lsn()::text").fetchone()[0])

    def headers(self, headers):
        """`headers` with Planmon-Read-After added when enabled, a position is known and
        `headers` has none."""
        position = self._latest[1]
        if (not self.enabled or position is None
                or any(k.lower() == "planmon-read-after" for k in headers)):
            return headers
        return {**headers, "Planmon-Read-After": position}


READ_YOUR_WRITES = ReadYourWrites()


class Session(requests.Session):
    """A requests session that drops its pooled connections once they have been idle for
    `idle_s` seconds, before the server's keep-alive timeout can close one under a request."""

    def __init__(self, idle_s=HTTP_CONNECTION_TIMEOUT_S - 2):
        super().__init__()
        self.idle_s = idle_s
        self.last_used = time.monotonic()

    def request(self, *args, **kw):
        if time.monotonic() - self.last_used > self.idle_s:
            self.close()  # empties the adapters' pools; they open new connections on demand
        try:
            return super().request(*args, **kw)
        finally:
            self.last_used = time.monotonic()


class SourceAddressAdapter(HTTPAdapter):
    """Connects from a given local address (any of 127.0.0.0/8 reaches a server on 127.0.0.1),
    so that a test can be a client address of its own."""

    def __init__(self, address, **kw):
        self.address = address
        super().__init__(**kw)

    def init_poolmanager(self, *args, **kw):
        kw["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kw)


class Sessions:
    """Passwords and access tokens of the users the suite calls as. Thread-safe.

    A token comes from `POST /v1/auth/token` (validated like any response) and is reused until
    it has less than RENEW_BEFORE_S seconds left.
    """

    def __init__(self, base_url, spec, timeout=DEFAULT_TIMEOUT):
        self._api = Api(base_url, spec, timeout)
        self._passwords = {}
        self._tokens = {}  # username -> (access token, time.monotonic() when it expires)
        self._lock = threading.Lock()
        self._login_lock = threading.Lock()  # one sign-in at a time on self._api's session

    def add(self, username, password):
        """Remember the password of `username` (and forget any token of the old one)."""
        with self._lock:
            self._passwords[username] = password
            self._tokens.pop(username, None)

    def password(self, username):
        with self._lock:
            return self._passwords[username]

    def login(self, username, password=None):
        """POST /v1/auth/token for `username`; returns the response, whatever its status."""
        if password is None:
            password = self.password(username)
        with self._login_lock:
            return self._api.post_json("/v1/auth/token",
                                       {"username": username, "password": password})

    def token(self, username, fresh_for=RENEW_BEFORE_S):
        """A current access token of `username`, logging in when there is none or it has less
        than `fresh_for` seconds left."""
        with self._lock:
            cached = self._tokens.get(username)
            if cached and cached[1] - time.monotonic() > fresh_for:
                return cached[0]
        started = time.monotonic()
        r = self.login(username)
        assert r.status_code == 200, f"login as {username} -> {r.status_code}: {r.text[:300]}"
        body = r.json()
        with self._lock:
            self._tokens[username] = (body["access_token"], started + body["expires_in"])
        return body["access_token"]

    def forget(self, username):
        """Drop the cached token of `username` (its sessions were ended)."""
        with self._lock:
            self._tokens.pop(username, None)


class Api:
    """A client whose every response has been validated against the OpenAPI document."""

    def __init__(self, base_url, spec, timeout=DEFAULT_TIMEOUT, *, sessions=None, user=None,
                 token=None, session=None):
        self.base_url = base_url.rstrip("/")
        self.spec = spec
        self.timeout = timeout
        self.sessions = sessions
        self.user = user  # calls as this user (a token from `sessions`) ...
        self.token = token  # ... or with this token; neither: no Authorization header
        self.session = session or Session()
        parts = urlsplit(self.base_url)
        self.host, self.port = parts.hostname, parts.port

    def _variant(self, *, user=None, token=None, session=None):
        return Api(self.base_url, self.spec, self.timeout, sessions=self.sessions, user=user,
                   token=token, session=session or self.session)

    def clone(self):
        """The same caller on its own connection pool (requests sessions are not thread-safe)."""
        return self._variant(user=self.user, token=self.token, session=Session())

    def from_address(self, address):
        """The same caller, connecting from local address `address` (e.g. 127.0.0.7)."""
        session = Session()
        session.mount("http://", SourceAddressAdapter(address))
        return self._variant(user=self.user, token=self.token, session=session)

    def on(self, server):
        """The same caller on another planmon instance (a PlanmonServer); tokens still come
        from this client's server."""
        return Api(server.base_url, self.spec, self.timeout, sessions=self.sessions,
                   user=self.user, token=self.token)

    def as_user(self, username):
        """The same server, called as `username` (a demo user or one a test registered)."""
        return self._variant(user=username)

    def anonymous(self):
        """The same server, called without an Authorization header."""
        return self._variant()

    def with_token(self, token):
        """The same server, called with `Authorization: Bearer <token>`."""
        return self._variant(token=token)

    def authorization(self, fresh_for=FRESH_FOR_S):
        """The Authorization header this client sends, or None; its token good for at least
        `fresh_for` more seconds (a sign-in now, when it is not). A test calls it before it
        marks what it counts (audit events, a snapshot), so that no sign-in of this client falls
        inside; each request asks only for RENEW_BEFORE_S."""
        if self.token is not None:
            return f"Bearer {self.token}"
        if self.user is not None:
            return f"Bearer {self.sessions.token(self.user, fresh_for)}"
        return None

    def auth_headers(self, headers=None):
        """`headers` plus this client's Authorization header (for raw requests)."""
        out = dict(headers or {})
        if any(k.lower() == "authorization" for k in out):
            return out  # given: no token is looked up, so no sign-in happens behind the caller
        auth = self.authorization(RENEW_BEFORE_S)
        if auth:
            out["Authorization"] = auth
        return out

    def request(self, method, target, *, params=None, headers=None, data=None, timeout=None,
                validate=True):
        """Send `method target` (target: path with an optional query) and validate the answer.

        `headers` may set Authorization itself; None as its value sends none.
        """
        url = self.base_url + target + encode_query(params)
        headers = READ_YOUR_WRITES.headers(self.auth_headers(headers))
        if not any(k.lower() == "accept-language" for k in headers):
            headers["Accept-Language"] = "en"  # problems in English unless a test asks otherwise
        r = self.session.request(method, url, headers=headers, data=data,
                                 timeout=timeout or self.timeout, allow_redirects=False)
        READ_YOUR_WRITES.saw(r.headers.get("Planmon-Write-Position"))
        if validate:
            self.spec.validate(method, urlsplit(r.request.url).path, r, request_headers=headers)
        return r

    def get(self, target, **kw):
        return self.request("GET", target, **kw)

    def head(self, target, **kw):
        return self.request("HEAD", target, **kw)

    def send_json(self, method, target, body, *, headers=None,
                  content_type="application/json", **kw):
        """`method target` with `body` serialised as JSON (bytes and str are sent as they are)."""
        if isinstance(body, str):
            body = body.encode()
        elif not isinstance(body, (bytes, bytearray)):
            body = json.dumps(body, ensure_ascii=False).encode()
        return self.request(method, target, data=body,
                            headers={"Content-Type": content_type, **(headers or {})}, **kw)

    def post_json(self, target, body, **kw):
        return self.send_json("POST", target, body, **kw)

    def put_json(self, target, body, **kw):
        return self.send_json("PUT", target, body, **kw)

    def patch_json(self, target, body, **kw):
        return self.send_json("PATCH", target, body, **kw)

    def json(self, target, params=None, **kw):
        """GET that must answer 200; returns the parsed body."""
        r = self.get(target, params=params, **kw)
        assert r.status_code == 200, f"GET {r.request.url} -> {r.status_code}: {r.text[:500]}"
        return r.json()

    def walk(self, path, params=None, limit=None, via="cursor"):
        """Every item of a list, page by page, following `next_cursor` or the `Link` header.

        Checks on each page that the Link header and next_cursor agree and that the page is no
        larger than the limit. Returns (items, number of pages).
        """
        params = dict(params or {})
        if limit is not None:
            params["limit"] = limit
        cap = min(int(limit), 500) if isinstance(limit, int) else 500
        items, pages = [], 0
        r = self.get(path, params=params)
        while True:
            assert r.status_code == 200, f"{r.request.url} -> {r.status_code}: {r.text[:300]}"
            body = r.json()
            next_target = check_link_header(r, body, path, params)
            assert len(body["items"]) <= cap, f"{len(body['items'])} items on a page of {cap}"
            items.extend(body["items"])
            pages += 1
            if body["next_cursor"] is None:
                return items, pages
            assert pages < MAX_PAGES, f"{path} {params}: more than {MAX_PAGES} pages"
            if via == "link":
                r = self.get(next_target)
            else:
                r = self.get(path, params={**params, "cursor": body["next_cursor"]})


def check_link_header(response, body, path, params):
    """The Link header of a list page agrees with next_cursor; returns its target or None."""
    link = response.headers.get("Link")
    cursor = body["next_cursor"]
    if cursor is None:
        assert link is None, f"last page carries Link: {link}"
        return None
    assert link is not None, "a page with next_cursor has no Link header"
    target, rel = link.split(";", 1)
    assert rel.strip().replace(" ", "") == 'rel="next"', link
    target = target.strip()
    assert target.startswith("<") and target.endswith(">"), link
    target = target[1:-1]
    parts = urlsplit(target)
    assert not parts.scheme and not parts.netloc, f"Link target is not a relative reference: {link}"
    assert parts.path == path, f"Link path {parts.path} is not {path}"
    query = parse_qsl(parts.query, keep_blank_values=True)
    names = [k for k, _ in query]
    assert len(names) == len(set(names)), f"Link repeats a parameter: {link}"
    query = dict(query)
    assert query.pop("cursor", None) == cursor, f"Link cursor differs from next_cursor {cursor!r}"
    expected = {k: str(v) for k, v in params.items() if k != "cursor"}
    assert query == expected, f"Link keeps {query}, the request had {expected}"
    return target


class RawResponse:
    """Minimal response parsed from a socket, shaped like requests.Response for the validator."""

    def __init__(self, status_code, reason, headers, content):
        self.status_code = status_code
        self.reason = reason
        self.headers = headers
        self.content = content

    @property
    def text(self):
        return self.content.decode("utf-8", "replace")

    def json(self):
        return parse_json_strict(self.content)

    def __repr__(self):
        return f"<RawResponse {self.status_code} {dict(self.headers)} {self.content[:200]!r}>"


def _decode_chunked(data):
    out, pos = b"", 0
    while True:
        end = data.find(b"\r\n", pos)
        if end < 0:
            raise ValueError("truncated chunked body")
        size = int(data[pos:end].split(b";")[0], 16)
        if size == 0:
            return out
        out += data[end + 2:end + 2 + size]
        pos = end + 2 + size + 2


def parse_response(data, head=False):
    """Parse one HTTP/1.1 response from bytes; raises ValueError when incomplete."""
    sep = data.find(b"\r\n\r\n")
    if sep < 0:
        raise ValueError(f"no complete response head in {data[:200]!r}")
    lines = data[:sep].decode("iso-8859-1").split("\r\n")
    version, status, *reason = lines[0].split(" ", 2)
    if not version.startswith("HTTP/1."):
        raise ValueError(f"not an HTTP response: {lines[0]!r}")
    headers = CaseInsensitiveDict()
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name, value = name.strip(), value.strip()
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    body = data[sep + 4:]
    status = int(status)
    if head or status in (204, 304) or 100 <= status < 200:
        body = b""
    elif "chunked" in headers.get("Transfer-Encoding", "").lower():
        body = _decode_chunked(body)
    elif "Content-Length" in headers:
        n = int(headers["Content-Length"])
        if len(body) < n:
            raise ValueError(f"body has {len(body)} of {n} bytes")
        body = body[:n]
    return RawResponse(status, reason[0] if reason else "", headers, body)


def _complete(data, head):
    try:
        parse_response(data, head)
        return True
    except ValueError:
        return False


def raw_request(host, port, payload, *, timeout=10, head=False, chunk_size=16384):
    """Send raw bytes (bytes or an iterable of bytes) and read one response.

    Sending stops early when the server has already answered (it may refuse a large request before
    reading it all); errors while sending are ignored for that reason. Reading stops at a complete
    response or end of stream. Raises ValueError when no complete response arrives in time.
    """
    deadline = time.monotonic() + timeout
    chunks = [payload] if isinstance(payload, (bytes, bytearray)) else payload
    with socket.create_connection((host, port), timeout=timeout) as s:
        try:
            for piece in chunks:
                for i in range(0, len(piece), chunk_size):
                    if select.select([s], [], [], 0)[0]:
                        raise StopIteration
                    s.sendall(piece[i:i + chunk_size])
        except (StopIteration, BrokenPipeError, ConnectionResetError):
            pass
        data = b""
        while time.monotonic() < deadline and not _complete(data, head):
            s.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                got = s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                break
            if not got:
                break
            data += got
    return parse_response(data, head)


def reset_mid_answer(host, port, payload, *, wait_for_bytes=1, timeout=5):
    """Send a request, read `wait_for_bytes` bytes of the answer (0: none), then reset (RST)."""
    s = socket.create_connection((host, port), timeout=timeout)
    try:
        s.sendall(payload)
        got = b""
        deadline = time.monotonic() + timeout
        while len(got) < wait_for_bytes and time.monotonic() < deadline:
            try:
                more = s.recv(wait_for_bytes - len(got))
            except (socket.timeout, ConnectionResetError):
                break
            if not more:
                break
            got += more
        return got
    finally:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()


def http_request_bytes(method, target, host, headers=None, body=b""):
    """An HTTP/1.1 request with Connection: close."""
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}", "Connection: close"]
    for k, v in (headers or {}).items():
        lines.append(f"{k}: {v}")
    if body and not any(k.lower() in ("content-length", "transfer-encoding")
                        for k in (headers or {})):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def is_problem(response):
    return media_type(response.headers.get("Content-Type")) == "application/problem+json"


def parse_metrics(text):
    """Prometheus text format -> list of (name, {label: value}, float value)."""
    samples = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)", line)
        assert m, f"not a Prometheus sample line: {line!r}"
        labels = dict(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', m.group(3) or ""))
        samples.append((m.group(1), labels, float(m.group(4))))
    return samples
