"""A webhook receiver for the tests: a small HTTP server on 127.0.0.1 that records every
delivery planmon sends it, checks its Standard Webhooks signature, and answers as told — 2xx, a
failure for a share of the requests, or slowly.

It listens on 127.0.0.1 and is registered as http://localhost:PORT/...: the suite's servers run
with WEBHOOK_ALLOW_HOSTS=localhost (settings.server_settings), the one name a webhook may use to
reach a loopback address.
"""

import base64
import hashlib
import hmac
import json
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from checks import eventually


def signature_valid(secret, message_id, timestamp, body, signature_header):
    """Whether `signature_header` (`v1,<base64>`, possibly several separated by spaces) signs
    `message_id.timestamp.body` with `secret` (whsec_<base64 key>) — the receiver's check that
    README shows."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(part.startswith("v1,") and hmac.compare_digest(part[3:], expected)
               for part in signature_header.split())


class Server(ThreadingHTTPServer):
    # the deliveries of several instances come at once: a backlog of 5 (the default) would
    # refuse connections, failures the test did not ask for
    request_queue_size = 256
    daemon_threads = True


class Receiver:
    """Records deliveries; `fail_share` of requests get 500, `slow_share` are answered after
    `slow_s` seconds; `fail_first` requests fail before any succeeds."""

    def __init__(self, fail_share=0.0, slow_share=0.0, slow_s=0.0, fail_first=0, seed=7):
        self.lock = threading.Lock()
        self.requests = []  # every request: dict(id, timestamp, signature, body, raw, answered)
        self.fail_share, self.slow_share, self.slow_s = fail_share, slow_share, slow_s
        self.fail_first = fail_first
        self.random = random.Random(seed)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    failing = (len(receiver.requests) < receiver.fail_first
                               or receiver.random.random() < receiver.fail_share)
                    slow = receiver.random.random() < receiver.slow_share
                if slow:
                    time.sleep(receiver.slow_s)
                status = 500 if failing else 200
                entry = {"id": self.headers.get("webhook-id"),
                         "timestamp": self.headers.get("webhook-timestamp"),
                         "signature": self.headers.get("webhook-signature", ""),
                         "content_type": self.headers.get("Content-Type"),
                         "raw": raw, "answered": status}
                try:
                    entry["body"] = json.loads(raw)
                except ValueError:
                    entry["body"] = None
                with receiver.lock:
                    receiver.requests.append(entry)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path="/hook"):
        return f"http://localhost:{self.port}{path}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def delivered(self):
        """The requests answered 2xx, in arrival order."""
        with self.lock:
            return [r for r in self.requests if 200 <= r["answered"] < 300]

    def events(self, kind=None, where=None):
        """The bodies of the deliveries answered 2xx, of `kind` and matching `where(data)`."""
        return [r["body"] for r in self.delivered()
                if r["body"] and (kind is None or r["body"]["type"] == kind)
                and (where is None or where(r["body"]["data"]))]

    def wait_for(self, kind, where=None, count=1, timeout=20.0):
        """Waits until at least `count` deliveries of `kind` matching `where` arrived; returns
        them. A delivery follows its change by the notifier's poll and the change feed's
        horizon, so it is waited for (bounded), never slept for."""
        return eventually(lambda: (lambda found: found if len(found) >= count else None)(
            self.events(kind, where)), f"{count} {kind} deliveries", timeout=timeout)
