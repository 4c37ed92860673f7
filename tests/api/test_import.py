"""Bulk import of measurements (issue 6, item 4): POST /v1/measurements/import takes JSON
{"rows": [{"indicator", "unit", "period", "value", "comment"}]} or CSV with the header
indicator,unit,period,value,comment. Each row is checked like a single entry (value type, level,
period type, scope); the answer is the import summary: a row that changes nothing is `ignored`,
one that changes a draft or submitted value `updated` (back to draft), a new one `imported`, a
refused one `rejected` with its index. An import is one transaction: all valid rows or none
(atomic, the default: 422 and nothing written when a row is refused), or with atomic=false the
valid rows and a `partial` status. dry_run=true says what would happen and writes nothing. The
route alone takes bodies up to IMPORT_MAX_BYTES (16 MiB), and 10,000 rows import in under 2
seconds with the release build.

Each test imports into indicators of its own.
"""

import json
import time
import uuid

import pytest

from audit import changes_by_field, recorded
from checks import assert_problem, fast_enough
from client import http_request_bytes, raw_request
from conftest import table_digests
from indicators import (DISTRICTS, all_measurements, approved, communes, conflicts, counts,
                        create_indicator, enter, import_csv, import_json, measurement_path, moved,
                        periods_around_today, row, summary)
from plans import read
from settings import MAX_BODY_BYTES

OFFICER, MANAGER, OTHER_OFFICER = "longxuyen.officer", "longxuyen.manager", "chaudoc.officer"
OWN = communes("883")  # the 13 communes of Long Xuyên (UBND-883)
OTHER = communes("884")  # the 7 of Châu Đốc (UBND-884)
IMPORT_MAX_BYTES = 16 * 1024 * 1024
WRITTEN_TABLES = ("measurement", "audit_event")


@pytest.fixture
def indicator(coordinator):
    """A fresh commune-level yearly boolean indicator, reported by the district committees."""
    return create_indicator(coordinator)["code"]


@pytest.fixture
def officer(api):
    """longxuyen.officer (UBND-883), signed in (a sign-in is audited: not during a test's
    before-and-after comparison of the tables)."""
    client = api.as_user(OFFICER)
    client.authorization()
    return client


def stored(client, indicator):
    """{(unit, period): (value, comment, status)} of the indicator's measurements."""
    return {(m["unit"], m["period"]): (m["value"], m["comment"], m["status"])
            for m in all_measurements(client, indicator=indicator)}


def ok(imported=0, updated=0, ignored=0, dry_run=False):
    return {"status": "ok", "counts": counts(imported, updated, ignored), "conflicts": [],
            "dry_run": dry_run}


def csv_text(lines):
    return "".join(line + "\r\n" for line in lines)


HEADER = "indicator,unit,period,value,comment"


# --- the JSON and CSV paths ---------------------------------------------------------------------

def test_a_json_import_enters_drafts_for_the_officers_communes(officer, indicator, audit_log):
    rows = [row(indicator, OWN[0], "2017", True, "Tổ chức 2 buổi"),
            row(indicator, OWN[1], "2017", False), row(indicator, OWN[2], "2018", True)]
    r, events = recorded(audit_log, officer, lambda: import_json(officer, rows))
    assert summary(r) == ok(imported=3)
    got = {m["unit"] + "/" + m["period"]: m for m in all_measurements(officer,
                                                                       indicator=indicator)}
    assert {k: (m["value"], m["comment"], m["status"], m["entered_by"], m["agency"])
            for k, m in got.items()} == {
        f"{OWN[0]}/2017": (True, "Tổ chức 2 buổi", "draft", OFFICER, "UBND-883"),
        f"{OWN[1]}/2017": (False, None, "draft", OFFICER, "UBND-883"),
        f"{OWN[2]}/2018": (True, None, "draft", OFFICER, "UBND-883")}
    assert sorted((e["action"], e["entity_type"], e["entity_id"]) for e in events) == sorted(
        ("import", "measurements", str(m["id"])) for m in got.values())


def test_a_csv_import_enters_the_same(officer, indicator):
    text = csv_text([HEADER, f"{indicator},{OWN[0]},2017,true,Tổ chức 2 buổi",
                     f"{indicator},{OWN[1]},2017,false,", f"{indicator},{OWN[2]},2017,1,",
                     f"{indicator},{OWN[3]},2017,0,", f"{indicator},{OWN[4]},2017,TRUE,"])
    assert summary(import_csv(officer, text)) == ok(imported=5)
    assert stored(officer, indicator) == {
        (OWN[0], "2017"): (True, "Tổ chức 2 buổi", "draft"),
        (OWN[1], "2017"): (False, None, "draft"), (OWN[2], "2017"): (True, None, "draft"),
        (OWN[3], "2017"): (False, None, "draft"), (OWN[4], "2017"): (True, None, "draft")}


def test_quoted_csv_fields_keep_commas_quotes_and_line_breaks(officer, indicator):
    comment = 'Họp dân tại ấp 1, ấp 2; chủ đề "phòng, chống mại dâm"\nvà HIV'
    quoted = '"' + comment.replace('"', '""') + '"'
    text = csv_text([HEADER, f'"{indicator}","{OWN[0]}","2017","true",{quoted}'])
    assert summary(import_csv(officer, text)) == ok(imported=1)
    assert stored(officer, indicator) == {(OWN[0], "2017"): (True, comment, "draft")}


def test_a_csv_without_the_comment_column_or_a_final_line_break_is_read(officer, indicator):
    text = f"indicator,unit,period,value\n{indicator},{OWN[0]},2017,true\n\n" \
           f"{indicator},{OWN[1]},2017,false"
    assert summary(import_csv(officer, text)) == ok(imported=2)
    assert stored(officer, indicator) == {(OWN[0], "2017"): (True, None, "draft"),
                                          (OWN[1], "2017"): (False, None, "draft")}


@pytest.mark.parametrize("value_type,rollup,cell,value", [
    ("count", "sum", "17", 17), ("count", "sum", "0", 0),
    ("number", "sum", "2.5", 2.5), ("number", "latest", "-0.75", -0.75),
    ("percentage", "share", "3/4", {"numerator": 3, "denominator": 4}),
    ("text", "none", '"Đã tổ chức 3 buổi, 120 lượt người"', "Đã tổ chức 3 buổi, 120 lượt người"),
])
def test_csv_values_are_read_by_the_indicators_value_type(officer, coordinator, value_type,
                                                          rollup, cell, value):
    code = create_indicator(coordinator, value_type=value_type, rollup=rollup)["code"]
    assert summary(import_csv(officer, csv_text([HEADER, f"{code},{OWN[0]},2017,{cell},"]))) == \
        ok(imported=1)
    assert stored(officer, code) == {(OWN[0], "2017"): (value, None, "draft")}


@pytest.mark.parametrize("value_type,rollup,cell", [
    ("boolean", "share", "yes"), ("boolean", "share", ""), ("boolean", "share", "2"),
    ("count", "sum", "-1"), ("count", "sum", "2.5"), ("count", "sum", "ba"),
    ("number", "sum", "2,5"), ("number", "sum", ""),
    ("percentage", "share", "5/4"), ("percentage", "share", "1/0"), ("percentage", "share", "75%"),
    ("percentage", "share", "3/"),
])
def test_a_csv_value_not_of_the_type_is_rejected_naming_value(officer, coordinator, value_type,
                                                              rollup, cell):
    code = create_indicator(coordinator, value_type=value_type, rollup=rollup)["code"]
    line = f'{code},{OWN[0]},2017,"{cell}",'
    body = summary(import_csv(officer, csv_text([HEADER, line])), 422)
    assert conflicts(body) == [(0, "value", "type")]
    assert stored(officer, code) == {}


# --- ignored and updated ------------------------------------------------------------------------

def test_a_row_that_changes_nothing_is_ignored_and_a_changed_one_updated(officer, indicator,
                                                                         audit_log):
    first = [row(indicator, OWN[0], value=True, comment="a"), row(indicator, OWN[1], value=True),
             row(indicator, OWN[2], value=False)]
    assert summary(import_json(officer, first)) == ok(imported=3)
    second = [row(indicator, OWN[0], value=True, comment="a"),  # the same
              row(indicator, OWN[1], value=False),  # another value
              row(indicator, OWN[2], value=False, comment="đã kiểm tra"),  # another comment
              row(indicator, OWN[3], value=True)]  # new
    r, events = recorded(audit_log, officer, lambda: import_json(officer, second))
    assert summary(r) == ok(imported=1, updated=2, ignored=1)
    assert len(events) == 3 and {e["action"] for e in events} == {"import"}
    assert stored(officer, indicator) == {
        (OWN[0], "2017"): (True, "a", "draft"), (OWN[1], "2017"): (False, None, "draft"),
        (OWN[2], "2017"): (False, "đã kiểm tra", "draft"), (OWN[3], "2017"): (True, None, "draft")}
    r, events = recorded(audit_log, officer, lambda: import_json(officer, second))
    assert summary(r) == ok(ignored=4) and events == []


def test_an_imported_measurement_is_audited_as_an_entered_one_is(officer, indicator, audit_log):
    """An import's rows are audited all at once by its statement (migration 0026), an entry's
    row by row: the events say the same, field by field, for a new measurement and for a change."""
    entered, by_entry = recorded(audit_log, officer,
                                 lambda: enter(officer, indicator, OWN[0], "2017", True,
                                               comment="Tổ chức 2 buổi"))
    r, by_import = recorded(audit_log, officer, lambda: import_json(
        officer, [row(indicator, OWN[1], "2017", True, "Tổ chức 2 buổi")]))
    assert summary(r) == ok(imported=1)
    [made], [imported] = by_entry, by_import
    assert (made["action"], imported["action"]) == ("create", "import")

    def same_but_unit_and_id(event):
        fields = changes_by_field(event)
        return {k: v for k, v in fields.items() if k not in ("id", "unit", "late_entry")}

    assert same_but_unit_and_id(made) == same_but_unit_and_id(imported)
    assert changes_by_field(imported)["unit"] == (None, OWN[1])
    assert (imported["version"], imported["agency"]) == (1, made["agency"])

    r, by_import = recorded(audit_log, officer, lambda: import_json(
        officer, [row(indicator, OWN[1], "2017", False, "Tổ chức 3 buổi")]))
    assert summary(r) == ok(updated=1)
    [changed] = by_import
    assert (changed["action"], changed["entity_id"], changed["version"]) == (
        "import", imported["entity_id"], 2)
    assert changes_by_field(changed) == {"value_bool": (True, False),
                                         "comment": ("Tổ chức 2 buổi", "Tổ chức 3 buổi")}


def test_an_updated_row_returns_a_submitted_value_to_draft(officer, indicator):
    m = enter(officer, indicator, OWN[0], "2017", True)
    moved(officer, m["id"], "submit")
    assert summary(import_json(officer, [row(indicator, OWN[0], value=False)])) == ok(updated=1)
    got = read(officer, measurement_path(m["id"]))[0]
    assert (got["value"], got["status"], got["version"]) == (False, "draft", 3)


def test_a_submitted_value_imported_again_unchanged_stays_submitted(officer, indicator):
    m = enter(officer, indicator, OWN[0], "2017", True)
    moved(officer, m["id"], "submit")
    assert summary(import_json(officer, [row(indicator, OWN[0], value=True)])) == ok(ignored=1)
    assert read(officer, measurement_path(m["id"]))[0]["status"] == "submitted"


# --- the lock -----------------------------------------------------------------------------------

def test_a_row_that_would_change_an_approved_value_is_rejected_as_locked(api, officer,
                                                                          indicator):
    m = approved(officer, api.as_user(MANAGER), indicator, OWN[0], "2017", True)
    rows = [row(indicator, OWN[0], value=False), row(indicator, OWN[1], value=True)]
    body = summary(import_json(officer, rows), 422)
    assert body["status"] == "rejected" and conflicts(body) == [(0, "value", "locked")]
    assert body["counts"] == counts(rejected=1)
    body = summary(import_json(officer, rows, atomic=False))
    assert (body["status"], body["counts"]) == ("partial", counts(imported=1, rejected=1))
    assert read(officer, measurement_path(m["id"]))[0] == m
    # un-approved, it takes the import again
    moved(api.as_user(MANAGER), m["id"], "unapprove")
    assert summary(import_json(officer, rows)) == ok(updated=1, ignored=1)
    assert read(officer, measurement_path(m["id"]))[0]["value"] is False


def test_a_row_equal_to_an_approved_value_changes_nothing_and_is_ignored(api, officer, indicator):
    """Re-importing the file a district already had approved changes nothing (PRODUCT.md: a
    row that changes nothing is ignored)."""
    m = approved(officer, api.as_user(MANAGER), indicator, OWN[0], "2017", True, comment="x")
    assert summary(import_json(officer, [row(indicator, OWN[0], value=True, comment="x")])) == \
        ok(ignored=1)
    assert read(officer, measurement_path(m["id"]))[0] == m


# --- atomic, partial and dry runs ---------------------------------------------------------------

def bad_and_good_rows(indicator):
    """Rows 0, 2 and 4 are valid for the officer of UBND-883; 1 and 3 are not."""
    return [row(indicator, OWN[0]), row(indicator, OTHER[0]), row(indicator, OWN[1], value=False),
            row(indicator, OWN[2], period="2017Q1"), row(indicator, OWN[3])]


BAD_CONFLICTS = [(1, "unit", "out_of_scope"), (3, "period", "wrong_type")]


def test_an_atomic_import_with_a_refused_row_writes_nothing(officer, indicator, db, audit_log):
    before = table_digests(db, WRITTEN_TABLES)
    r = import_json(officer, bad_and_good_rows(indicator))
    body = summary(r, 422)
    assert (body["status"], body["counts"], body["dry_run"]) == (
        "rejected", counts(rejected=2), False)
    assert conflicts(body) == BAD_CONFLICTS
    assert all(c["message"] for c in body["conflicts"])
    assert table_digests(db, WRITTEN_TABLES) == before


def test_atomic_true_is_the_default(officer, indicator):
    body = summary(import_json(officer, bad_and_good_rows(indicator), atomic=True), 422)
    assert conflicts(body) == BAD_CONFLICTS and stored(officer, indicator) == {}


def test_a_partial_import_writes_the_valid_rows(officer, indicator):
    body = summary(import_json(officer, bad_and_good_rows(indicator), atomic=False))
    assert (body["status"], body["counts"]) == ("partial", counts(imported=3, rejected=2))
    assert conflicts(body) == BAD_CONFLICTS
    assert set(stored(officer, indicator)) == {(OWN[0], "2017"), (OWN[1], "2017"),
                                               (OWN[3], "2017")}


def test_a_partial_import_of_only_refused_rows_is_rejected(officer, indicator):
    body = summary(import_json(officer, [row(indicator, OTHER[0])], atomic=False))
    assert (body["status"], body["counts"]) == ("rejected", counts(rejected=1))


@pytest.mark.parametrize("atomic", [None, False])
def test_a_dry_run_says_what_would_happen_and_writes_nothing(officer, indicator, db, atomic):
    enter(officer, indicator, OWN[0], "2017", True)
    enter(officer, indicator, OWN[1], "2017", True)
    rows = [row(indicator, OWN[0], value=True), row(indicator, OWN[1], value=False),
            row(indicator, OWN[2]), row(indicator, OTHER[0])]
    before = table_digests(db, WRITTEN_TABLES)
    r = import_json(officer, rows, dry_run=True, atomic=atomic)
    body = summary(r, 200)
    if atomic is None:  # atomic: the import would be refused
        assert (body["status"], body["counts"]) == ("rejected", counts(rejected=1))
    else:
        assert (body["status"], body["counts"]) == (
            "partial", counts(imported=1, updated=1, ignored=1, rejected=1))
    assert body["dry_run"] is True and conflicts(body) == [(3, "unit", "out_of_scope")]
    assert table_digests(db, WRITTEN_TABLES) == before


def test_a_dry_run_of_valid_rows_is_ok_and_writes_nothing(officer, indicator, db):
    rows = [row(indicator, u) for u in OWN]
    before = table_digests(db, WRITTEN_TABLES)
    assert summary(import_json(officer, rows, dry_run=True)) == ok(imported=len(OWN),
                                                                   dry_run=True)
    text = csv_text([HEADER] + [f"{indicator},{u},2017,true," for u in OWN])
    assert summary(import_csv(officer, text, dry_run=True)) == ok(imported=len(OWN),
                                                                  dry_run=True)
    assert table_digests(db, WRITTEN_TABLES) == before
    assert summary(import_json(officer, rows, dry_run=False)) == ok(imported=len(OWN))


# --- scope --------------------------------------------------------------------------------------

def test_rows_outside_the_callers_scope_are_rejected_by_index(api, indicator):
    rows = [row(indicator, OTHER[0]), row(indicator, OWN[0]), row(indicator, OTHER[1])]
    body = summary(import_json(api.as_user(OTHER_OFFICER), rows, atomic=False))
    assert conflicts(body) == [(1, "unit", "out_of_scope")]
    body = summary(import_json(api.as_user(OFFICER), rows, atomic=False))
    assert conflicts(body) == [(0, "unit", "out_of_scope"), (2, "unit", "out_of_scope")]
    assert body["counts"] == counts(imported=1, rejected=2)


def test_rows_of_an_indicator_not_naming_the_agency_are_out_of_scope(api, coordinator):
    code = create_indicator(coordinator, reporting_agencies=["SYT"])["code"]
    other = create_indicator(coordinator)["code"]
    health = api.as_user("health.officer")
    body = summary(import_json(health, [row(code, OTHER[0]), row(other, OTHER[0])],
                               atomic=False))
    assert (body["counts"], conflicts(body)) == (counts(imported=1, rejected=1),
                                                 [(1, "unit", "out_of_scope")])


def test_a_csv_row_out_of_scope_is_rejected_by_its_index(officer, indicator):
    text = csv_text([HEADER, f"{indicator},{OWN[0]},2017,true,",
                     f"{indicator},{OTHER[0]},2017,true,"])
    body = summary(import_csv(officer, text), 422)
    assert conflicts(body) == [(1, "unit", "out_of_scope")]


@pytest.mark.parametrize("user", ["viewer", "auditor"])
def test_roles_that_enter_nothing_import_nothing(api, indicator, db, user):
    client = api.as_user(user)
    client.authorization()  # signed in before: the sign-in is audited
    before = table_digests(db, WRITTEN_TABLES)
    assert_problem(import_json(client, [row(indicator, OWN[0])]), 403, "forbidden")
    assert table_digests(db, WRITTEN_TABLES) == before


def test_the_coordinator_imports_anywhere(coordinator, indicator):
    rows = [row(indicator, u) for u in (OWN[0], OTHER[0])]
    assert summary(import_json(coordinator, rows)) == ok(imported=2)


# --- rows checked like single entries -----------------------------------------------------------

def test_each_row_is_checked_like_a_single_entry(officer, coordinator, indicator):
    monthly = create_indicator(coordinator, period_type="monthly", value_type="count",
                               rollup="sum")["code"]
    rows = [
        row("NO-SUCH-INDICATOR", OWN[0]),  # 0
        row("PILOT-PM1", "883", "2020", 1),  # 1: derived from the pilot-site registry
        row(indicator, "99999"),  # 2
        row(indicator, OWN[0], "2017Q9"),  # 3
        row(indicator, OWN[0], "201703"),  # 4
        row(indicator, "883"),  # 5: a district for a commune indicator
        row(indicator, OWN[0], "2014"),  # 6: before the unit existed
        row(indicator, OWN[0], value="true"),  # 7
        row(monthly, OWN[0], "201703", 2.5),  # 8
        {"indicator": indicator, "unit": OWN[0], "period": "2017"},  # 9: no value
        "not a row",  # 10
        {"indicator": indicator, "unit": OWN[1], "period": "2017", "value": True,
         "status": "approved"},  # 11: a field the server owns
        row(indicator, OWN[2], comment="c" * 5001),  # 12
        row(indicator, OWN[3]),  # 13: valid
    ]
    body = summary(import_json(officer, rows, atomic=False))
    got = conflicts(body)
    assert [(i, field) for i, field, _ in got] == [
        (0, "indicator"), (1, "indicator"), (2, "unit"), (3, "period"), (4, "period"),
        (5, "unit"), (6, "unit"), (7, "value"), (8, "value"), (9, "value"), (10, "row"),
        (11, "status"), (12, "comment")]
    assert [code for _, _, code in got[:11]] == [
        "unknown", "derived", "unknown", "invalid", "wrong_type", "wrong_level", "not_existing",
        "type", "type", "required", "type"]
    assert body["counts"] == counts(imported=1, rejected=13)
    assert set(stored(officer, indicator)) == {(OWN[3], "2017")}


def test_a_row_for_a_period_that_has_not_begun_is_rejected_not_started(officer, indicator):
    this_year, next_year, _, _ = periods_around_today()
    rows = [row(indicator, OWN[0], next_year), row(indicator, OWN[1], this_year)]
    body = summary(import_json(officer, rows, atomic=False))
    assert conflicts(body) == [(0, "period", "not_started")]
    assert set(stored(officer, indicator)) == {(OWN[1], this_year)}


def test_a_csv_line_with_another_number_of_cells_is_rejected(officer, indicator):
    text = csv_text([HEADER, f"{indicator},{OWN[0]},2017,true,,extra",
                     f"{indicator},{OWN[1]},2017", f"{indicator},{OWN[2]},2017,true,ok"])
    body = summary(import_csv(officer, text, atomic=False))
    assert conflicts(body) == [(0, "row", "columns"), (1, "row", "columns")]
    assert set(stored(officer, indicator)) == {(OWN[2], "2017")}


def test_a_measurement_named_twice_in_one_import_is_rejected_the_second_time(officer,
                                                                             indicator):
    rows = [row(indicator, OWN[0], value=True), row(indicator, OWN[0], value=False)]
    r = import_json(officer, rows, atomic=False)
    assert r.status_code < 500, f"{r.status_code}: {r.text[:500]}"
    body = summary(r)
    assert [c[0] for c in conflicts(body)] == [1], body
    assert stored(officer, indicator) == {(OWN[0], "2017"): (True, None, "draft")}


# --- malformed bodies ---------------------------------------------------------------------------

@pytest.mark.parametrize("body,status,code,field", [
    ({"rows": [], "dry_run": True}, 400, "bad_request", "dry_run"),
    ({"row": []}, 400, "bad_request", "row"),
    ({"rows": {"indicator": "X"}}, 422, "validation_failed", "rows"),
    ({}, 422, "validation_failed", "rows"),
    ([], 400, None, None),
    ('{"rows": [', 400, "invalid_json", None),
    ('{"rows": [], "rows": []}', 400, "invalid_json", None),
])
def test_a_malformed_json_import_is_refused(officer, db, body, status, code, field):
    before = table_digests(db, WRITTEN_TABLES)
    r = import_json(officer, None, body=body)
    assert_problem(r, status, code or r.json()["code"], field)
    assert table_digests(db, WRITTEN_TABLES) == before


@pytest.mark.parametrize("text", [
    "indicator,unit,period\nX,30280,2017\n",  # a column missing
    "indicator,unit,period,value,note\n",  # a column misnamed
    "indicator,unit,period,value,comment,extra\n",  # a column of no field
    "",
])
def test_a_csv_with_another_header_is_400(officer, db, text):
    before = table_digests(db, WRITTEN_TABLES)
    assert_problem(import_csv(officer, text), 400, "bad_request")
    assert table_digests(db, WRITTEN_TABLES) == before


@pytest.mark.parametrize("lines", [
    [HEADER, 'T-X,30280,2017,true,"unclosed'],
    [HEADER, 'T-X,30280,2017,true,"closed"after'],
    [HEADER, 'T-X,30280,2017,tr"ue,'],
])
def test_a_malformed_csv_is_400(officer, lines):
    assert_problem(import_csv(officer, csv_text(lines)), 400, "bad_request")


def test_a_csv_that_is_not_utf8_is_400(officer, indicator):
    text = csv_text([HEADER, f"{indicator},{OWN[0]},2017,true,café"]).encode("latin-1")
    assert_problem(import_csv(officer, text), 400, "bad_request")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "application/xml"])
def test_another_media_type_is_415(officer, indicator, content_type):
    text = csv_text([HEADER, f"{indicator},{OWN[0]},2017,true,"])
    assert_problem(import_csv(officer, text, content_type=content_type), 415,
                   "unsupported_media_type")
    assert stored(officer, indicator) == {}


@pytest.mark.parametrize("params,field", [({"dry_run": "maybe"}, "dry_run"),
                                          ({"atomic": "1x"}, "atomic")])
def test_a_bad_import_parameter_is_400_naming_it(officer, indicator, params, field):
    r = officer.send_json("POST", "/v1/measurements/import", {"rows": [row(indicator, OWN[0])]},
                          params=params)
    assert_problem(r, 400, "invalid_parameter", field)
    assert stored(officer, indicator) == {}


def test_an_unknown_import_parameter_is_400(officer, indicator):
    r = officer.send_json("POST", "/v1/measurements/import", {"rows": [row(indicator, OWN[0])]},
                          params={"mode": "replace"})
    assert_problem(r, 400, "unknown_parameter", "mode")


def test_an_empty_import_is_ok_and_does_nothing(officer):
    assert summary(import_json(officer, [])) == ok()
    assert summary(import_csv(officer, HEADER + "\r\n")) == ok()


def test_an_import_body_over_import_max_bytes_is_413(officer):
    target = "/v1/measurements/import"
    big = b'{"rows": [' + b" " * IMPORT_MAX_BYTES + b"]}"
    headers = officer.auth_headers({"Content-Type": "application/json"})
    r = raw_request(officer.host, officer.port,
                    http_request_bytes("POST", target, f"{officer.host}:{officer.port}", headers,
                                       big), timeout=60)
    officer.spec.validate("POST", target, r, request_headers=headers)
    assert_problem(r, 413, "payload_too_large")


# --- idempotent imports -------------------------------------------------------------------------

def test_a_retried_import_with_the_same_key_runs_once(officer, indicator, audit_log):
    rows = [row(indicator, u) for u in OWN[:3]]
    key = {"Idempotency-Key": f"idem-{uuid.uuid4()}"}
    first = import_json(officer, rows, headers=key)
    assert summary(first) == ok(imported=3)
    again, events = recorded(audit_log, officer, lambda: import_json(officer, rows, headers=key))
    assert (again.status_code, again.content) == (200, first.content) and events == []
    assert again.headers.get("Idempotent-Replayed") == "true"


def test_a_dry_run_and_the_real_import_with_one_key_are_not_the_same_request(officer, indicator,
                                                                            db):
    """Defect: the request hash left out the query string, so the real import sent with the key
    of its dry run was answered with the dry run's replay, and nothing was written. The key now
    names the dry run alone: the real import with it is 422 (the key was used with another
    request), and with a key of its own it writes."""
    rows = [row(indicator, u) for u in OWN[:3]]
    key = {"Idempotency-Key": f"idem-{uuid.uuid4()}"}
    dry = import_json(officer, rows, dry_run=True, headers=key)
    assert summary(dry) == ok(imported=3, dry_run=True)
    real = import_json(officer, rows, dry_run=False, headers=key)
    assert_problem(real, 422, "validation_failed", "Idempotency-Key")
    assert "Idempotent-Replayed" not in real.headers
    assert stored(officer, indicator) == {}
    own_key = {"Idempotency-Key": f"idem-{uuid.uuid4()}"}
    assert summary(import_json(officer, rows, dry_run=False, headers=own_key)) == ok(imported=3)
    assert len(stored(officer, indicator)) == 3


def test_the_same_query_in_another_order_is_the_same_request(officer, indicator):
    rows = [row(indicator, u) for u in OWN[:2]]
    key = {"Idempotency-Key": f"idem-{uuid.uuid4()}"}
    target = "/v1/measurements/import"
    first = officer.send_json("POST", f"{target}?dry_run=false&atomic=true", {"rows": rows},
                              headers=key)
    assert summary(first) == ok(imported=2)
    again = officer.send_json("POST", f"{target}?atomic=true&dry_run=false", {"rows": rows},
                              headers=key)
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert (again.status_code, again.content) == (first.status_code, first.content)


# --- 10,000 rows --------------------------------------------------------------------------------

ROWS = 10_000


@pytest.fixture
def a_webhook_for_deadlines(admin, hooks, receiver):
    """An enabled webhook that listens to deadlines only: events of kinds no one asks for cost an
    import nothing, whether or not other webhooks are enabled (migration 0024)."""
    return hooks(admin, {"url": receiver.url(), "events": ["due_today", "overdue"]})


@pytest.mark.timing
def test_10000_rows_import_in_under_2_seconds(patient_coordinator, db, build_kind,
                                              a_webhook_for_deadlines):
    """156 communes x 65 months (201601-202105) of a monthly commune indicator, the first
    10,000: a body larger than MAX_BODY_BYTES, which this route alone takes. Each try imports a
    new indicator's rows, and then the same file again."""
    coordinator = patient_coordinator

    def attempt():
        code = create_indicator(coordinator, period_type="monthly")["code"]
        months = [(y, m) for y in range(2016, 2022) for m in range(1, 13)][:65]
        note = "Báo cáo tháng {m}/{y} của đơn vị {unit}: đã tổ chức tuyên truyền tại ấp, khóm"
        rows = [row(code, unit, f"{y}{m:02d}", (y + m + int(unit)) % 3 == 0,
                    note.format(m=m, y=y, unit=unit))
                for y, m in months for unit in communes()][:ROWS]
        data = json.dumps({"rows": rows}, ensure_ascii=False).encode()
        assert len(data) > MAX_BODY_BYTES
        started = time.monotonic()
        r = coordinator.request("POST", "/v1/measurements/import", data=data,
                                headers={"Content-Type": "application/json"}, timeout=120)
        seconds = time.monotonic() - started
        assert summary(r) == ok(imported=ROWS)
        assert db.execute("SELECT count(*), count(*) FILTER (WHERE status = 'draft')"
                          " FROM measurement WHERE indicator = %s",
                          (code,)).fetchone() == (ROWS, ROWS)
        assert db.execute("SELECT count(*) FROM audit_event WHERE entity_type = 'measurements'"
                          " AND action = 'import' AND row ->> 'indicator' = %s",
                          (code,)).fetchone()[0] == ROWS
        # the same file again changes nothing
        started = time.monotonic()
        r = coordinator.request("POST", "/v1/measurements/import", data=data,
                                headers={"Content-Type": "application/json"}, timeout=120)
        again = time.monotonic() - started
        assert summary(r) == ok(ignored=ROWS)
        return max(seconds, again)

    fast_enough(attempt, 2.0, build_kind)


@pytest.mark.timing
def test_10000_csv_rows_import_in_under_2_seconds(patient_coordinator, build_kind,
                                                  a_webhook_for_deadlines):
    coordinator = patient_coordinator

    def attempt():
        code = create_indicator(coordinator, period_type="monthly", value_type="count",
                                rollup="sum")["code"]
        months = [f"{y}{m:02d}" for y in range(2016, 2022) for m in range(1, 13)]
        lines = [HEADER] + [f"{code},{unit},{month},{(int(unit) + i) % 7}," for i, month in
                            enumerate(months) for unit in communes()][:ROWS]
        started = time.monotonic()
        r = import_csv(coordinator, csv_text(lines))
        seconds = time.monotonic() - started
        assert summary(r) == ok(imported=ROWS)
        first_month = all_measurements(coordinator, indicator=code, period="201601")
        assert len(first_month) == len(communes())
        return seconds

    fast_enough(attempt, 2.0, build_kind)


def test_every_district_imports_its_own_communes(api, make_user, coordinator):
    """One import per district committee, each of its own communes: 156 rows in all."""
    code = create_indicator(coordinator)["code"]
    for district in DISTRICTS:
        user = make_user(agency=f"UBND-{district}", role="officer")["username"]
        rows = [row(code, c) for c in communes(district)]
        assert summary(import_json(api.as_user(user), rows)) == ok(imported=len(rows))
    assert len(all_measurements(coordinator, indicator=code)) == 156
