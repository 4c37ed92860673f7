"""Times as clients send them (issue 16, defect 6): every time is RFC 3339 with an offset (or Z),
or it is refused — a body field with 422, a query parameter with 400 — so that nothing is read in
whatever zone the database session happens to run in; a date without a time is a day in the
province's calendar; and the service's sessions run in UTC whatever the database's own zone, so
that no result depends on the server's configuration. (The time a report was handed in:
test_obligations.py.)
"""

import datetime
import urllib.parse

import psycopg
import pytest
from psycopg import sql

from checks import assert_problem
from conftest import _require_env
from documents import create_document
from plans import PROVINCE_TZ, today

# The time bounds of the lists and of the reports.
TIME_BOUNDS = [("/v1/tasks", "updated_since"), ("/v1/measurements", "updated_since"),
               ("/v1/audit-events", "since"), ("/v1/audit-events", "until"),
               ("/v1/reports/2017VN", "as_of")]
WITHOUT_OFFSET = ["2024-12-20T23:30:00", "2024-12-20T23:30:00.000", "2024-12-20 23:30:00",
                  "2024-12-20T23:30", "2024-12-20T23:30:00+7", "2024-12-20T23:30:00+0700"]
NOT_TIMES = ["yesterday", "2024-02-30", "2024-12-20T24:00:00Z", "20/12/2024", "1e9"]


@pytest.mark.parametrize("path,param", TIME_BOUNDS)
@pytest.mark.parametrize("value", WITHOUT_OFFSET + NOT_TIMES)
def test_a_time_bound_without_an_offset_is_refused(admin, path, param, value):
    body = assert_problem(admin.get(path, params={param: value}), 400, "invalid_parameter", param)
    assert "offset" in body["errors"][0]["message"], body


@pytest.mark.parametrize("path,param", TIME_BOUNDS[:4])
@pytest.mark.parametrize("value", ["2024-12-20T23:30:00+07:00", "2024-12-20T16:30:00Z",
                                   "2024-12-20T16:30:00.123456z", "2024-12-20t16:30:00-00:00",
                                   "2024-12-20"])
def test_a_time_bound_with_an_offset_or_a_day_is_taken(admin, path, param, value):
    r = admin.get(path, params={param: value, "limit": 1})
    assert r.status_code == 200, r.text[:300]


def events_of(admin, entity_id, **bounds):
    items, _ = admin.walk("/v1/audit-events", {"entity_type": "documents",
                                               "entity_id": entity_id, **bounds}, limit=100)
    return items


def test_a_day_given_for_a_time_bound_is_that_day_in_the_province(admin, coordinator):
    """since=D is the moment D begins in An Giang (17:00 UTC the day before), until=D is
    exclusive: a document created now is in [today, tomorrow) and not in [.., today)."""
    doc = str(create_document(coordinator)["id"])
    day, tomorrow = today(), today() + datetime.timedelta(days=1)
    assert [e["action"] for e in events_of(admin, doc, since=day.isoformat())] == ["create"]
    assert [e["action"] for e in events_of(admin, doc, until=tomorrow.isoformat())] == ["create"]
    assert events_of(admin, doc, until=day.isoformat()) == []
    assert events_of(admin, doc, since=tomorrow.isoformat()) == []
    start = datetime.datetime.combine(day, datetime.time(), PROVINCE_TZ)
    in_utc = start.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert [e["action"] for e in events_of(admin, doc, since=in_utc)] == ["create"]


@pytest.mark.own_server("changes the database's settings as its superuser")
def test_the_services_sessions_run_in_utc_whatever_the_databases_zone(base_env):
    """The service role's TimeZone is UTC (ALTER ROLE ... SET: it holds behind PgBouncer too),
    so the zone the database or the server is configured with changes no answer."""
    url = base_env["DATABASE_URL"]
    database = urllib.parse.urlparse(url).path.lstrip("/")
    superuser = _require_env("PG_SUPERUSER_URL")["PG_SUPERUSER_URL"]
    with psycopg.connect(superuser, autocommit=True, connect_timeout=10) as su:
        su.execute(sql.SQL("ALTER DATABASE {} SET TimeZone = 'Pacific/Kiritimati'")
                   .format(sql.Identifier(database)))
        try:
            with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
                assert conn.execute("SHOW TimeZone").fetchone()[0] == "UTC"
        finally:
            su.execute(sql.SQL("ALTER DATABASE {} RESET TimeZone").format(sql.Identifier(database)))
