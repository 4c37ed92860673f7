"""The audit trail through the API, for the tests: what a request recorded, and histories.

`AuditLog(reader)` reads GET /v1/audit-events as `reader` (admin, coordinator or auditor).
`recorded(log, client, action)` runs `action()` and returns its result with the events recorded
since just before it, oldest first. The suite runs one test at a time, so those are the action's
own events; the caller's sign-in happens before the mark, so its login is not among them.
"""

import uuid

from client import FRESH_FOR_S, MAX_PAGES

# Audit events that record no change of an object (they never reach a history or the feed).
SESSION_ACTIONS = ("login", "login_failed", "token_refresh", "token_revoke")


def new_request_id():
    return f"test-{uuid.uuid4().hex}"


def changes_by_field(event):
    """An event's `changes` as {field: (old, new)}, or {field: "redacted"}."""
    out = {}
    for c in event["changes"]:
        assert c["field"] not in out, f"field {c['field']} twice in {event}"
        out[c["field"]] = "redacted" if c.get("redacted") else (c.get("old"), c["new"])
    return out


class AuditLog:
    def __init__(self, reader):
        self.reader = reader

    def newest_id(self):
        """The newest event's id: the mark a count of events since starts from. The reader's
        token is made good for minutes first, so that no renewal (a sign-in, itself an event)
        falls between the mark and the count."""
        self.reader.authorization(FRESH_FOR_S)
        items = self.reader.json("/v1/audit-events", {"limit": 1})["items"]
        return items[0]["id"] if items else 0

    def since(self, mark, **filters):
        """Events with an id above `mark` (matching `filters`), oldest first."""
        out, params = [], {**filters, "limit": 100}
        for _ in range(MAX_PAGES):
            body = self.reader.json("/v1/audit-events", params)
            fresh = [e for e in body["items"] if e["id"] > mark]
            out.extend(fresh)
            if len(fresh) < len(body["items"]) or body["next_cursor"] is None:
                return sorted(out, key=lambda e: e["id"])
            params["cursor"] = body["next_cursor"]
        raise AssertionError(f"more than {MAX_PAGES} pages of audit events")


def recorded(log, client, action):
    """(action(), the events recorded while it ran, oldest first)."""
    client.authorization()  # sign in now, for minutes: the login is not the action's
    mark = log.newest_id()
    result = action()
    return result, log.since(mark)


def history(client, path, limit=500):
    """Every event of an object's history (GET {path}/history), oldest first."""
    items, _ = client.walk(f"{path}/history", limit=limit)
    return items
