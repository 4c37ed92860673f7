"""Pilot models, reporting obligations, submissions, completeness and the reports through the API,
for the tests (issue 7): shapes, paths, bodies, creating and moving things, the reporting periods
around today, a province of a test's own, reading a report as JSON and as CSV, and the seeded
model types and obligations as db/seed/plan-1994.json has them.

Every helper takes the client to call as. The seeded model types and obligations are read, never
written. A test that counts makes its own plan, province, model type, agencies and obligation
(codes no other test uses), so that what other tests do never changes its numbers.
"""

import codecs
import csv
import datetime
import io
import json
import time
import uuid

from names import NAME_MEMBERS, checked_names
from plans import created, patch, seed_plan_file
from reference import create_unit

TYPE_KEYS = {"code", "name", "name_en", "source_clause", "description", "target_text",
             "target_count", "target_unit", "target_districts", "target_date", "lead_agency",
             "lead_agency_source", "lead_agency_note", "task", "version", "created_at",
             "updated_at", "sites_active", "districts_active"}
SITE_KEYS = {"id", "model_type", "name", "district", "host_agency", "status", "start_date",
             "evaluation_date", "beneficiaries", "evidence", "notes", "version", "created_at",
             "updated_at", "archived_at"}
OBLIGATION_KEYS = {"code", "source_clause", "task", "description", "reporters", "recipient",
                   "recipient_source", "recipient_note", "mode", "frequency", "frequency_source",
                   "frequency_note", "period_type", "expected_periods", "applies_from",
                   "applies_to", "due_days", "due_rule", "note", "version", "created_at",
                   "updated_at", "archived_at"}
SUBMISSION_KEYS = {"id", "obligation", "agency", "period", "due", "submitted_at", "on_time",
                   "document_link", "note", "submitted_by", "version", "created_at",
                   "late_entry"}
COMPLETENESS_KEYS = {"agency", "agency_name", "period", "expected", "submitted", "on_time",
                     "late", "missing", "late_entries"}
STATUS_CHANGE_KEYS = {"id", "status", "previous_status", "effective_on", "note", "late_entry",
                      "author", "agency", "created_at"}

SITE_STATUSES = ("planned", "piloting", "evaluated", "scaled_up", "stopped")
# The moves a site's status may make; stopped is final.
TRANSITIONS = {("planned", "piloting"), ("planned", "stopped"), ("piloting", "evaluated"),
               ("piloting", "stopped"), ("evaluated", "scaled_up"), ("evaluated", "stopped"),
               ("scaled_up", "stopped")}
ACTIVE = ("piloting", "evaluated", "scaled_up")
# The service's default days after a period's end before a report is due (REPORT_DUE_DAYS).
REPORT_DUE_DAYS = 5

REPORT_KEYS = {"period", "as_of", "plan", "unit", "unit_name", "indicators", "tasks",
               "task_status", "overdue", "pilots", "completeness", "updates", "funding"}
REPORT_INDICATOR_KEYS = {"unit", "unit_name", "period", "numerator", "denominator", "value",
                         "units_reporting", "units_expected", "target", "attainment", "section",
                         "section_title", "indicator", "name", "target_operator", "target_value"}
# Each table of a report and its CSV columns, in order: each code's name beside it.
CSV_COLUMNS = {
    "indicators": ["section", "indicator", "name", "period", "unit", "unit_name", "numerator",
                   "denominator", "value", "units_reporting", "units_expected",
                   "target_operator", "target_value", "attainment"],
    "tasks": ["section", "agency", "agency_name", "total", "not_started", "in_progress", "done",
              "cancelled", "overdue"],
    "task_status": ["id", "key", "section", "source_clause", "title", "lead", "lead_names",
                    "status", "percent_done", "due_date", "due_basis", "recurrence", "overdue",
                    "last_update", "last_update_on", "last_update_recorded_at", "late_entry"],
    "overdue": ["id", "section", "source_clause", "title", "status", "percent_done",
                "occurrence", "due_date", "due_basis", "lead", "lead_names"],
    "pilots": ["model_type", "indicator", "indicator_name", "period", "sites", "districts",
               "target_operator", "target_value", "target_unit", "attainment"],
    "completeness": ["agency", "agency_name", "period", "expected", "submitted", "on_time",
                     "late", "missing", "late_entries"],
    "updates": ["id", "task", "occurred_on", "created_at", "late_entry", "occurrence", "agency",
                "agency_name", "author", "status", "percent_done", "note"],
    "funding": ["agency", "agency_name", "lines", "allocated", "spent", "entries",
                "over_allocation_entries"],
}
# The columns without the names: what report(), report_csv() and cells() give, the names checked.
BARE_COLUMNS = {t: [c for c in cols if c not in NAME_MEMBERS] for t, cols in CSV_COLUMNS.items()}
TABLES = tuple(CSV_COLUMNS)
# The keys of a row of each table in JSON (indicators: REPORT_INDICATOR_KEYS).
ROW_KEYS = {
    "tasks": set(CSV_COLUMNS["tasks"]),
    "task_status": set(CSV_COLUMNS["task_status"]),
    "overdue": set(CSV_COLUMNS["overdue"]),
    "pilots": set(CSV_COLUMNS["pilots"]),
    "completeness": COMPLETENESS_KEYS,
    "updates": set(CSV_COLUMNS["updates"]),
    "funding": set(CSV_COLUMNS["funding"]),
}

# --- paths --------------------------------------------------------------------------------------


def type_path(code, *rest):
    """/v1/pilot-model-types/{code}[/rest...]"""
    return "/".join([f"/v1/pilot-model-types/{code}", *rest])


def site_path(site_id, *rest):
    """/v1/pilot-sites/{id}[/rest...]"""
    return "/".join([f"/v1/pilot-sites/{site_id}", *rest])


def obligation_path(code, *rest):
    """/v1/reporting-obligations/{code}[/rest...]"""
    return "/".join([f"/v1/reporting-obligations/{code}", *rest])


def submissions_path(code):
    return obligation_path(code, "submissions")


# --- pilot model types and sites ---------------------------------------------------------------

def new_code(prefix):
    """A code no other test uses (`PM-3F9A0C2B`)."""
    return f"{prefix}-{uuid.uuid4().hex[:8].upper()}"


def new_type_body(**fields):
    """A valid new pilot model type: 2 districts by the end of 2026, led by DOLISA."""
    return {"code": new_code("PMT"), "name": "Mô hình thử nghiệm hỗ trợ tại cộng đồng",
            "name_en": "A trial support model in the community", "source_clause": "II.3.3.b",
            "description": "Thí điểm tại 02 huyện.", "target_text": "Đến năm 2026: 02 huyện",
            "target_count": 2, "target_unit": "district", "target_districts": 2,
            "target_date": "2026-12-31", "lead_agency": "SLDTBXH", **fields}


def create_type(editor, **fields):
    """POST /v1/pilot-model-types; must be 201. Returns the model type."""
    return created(editor.post_json("/v1/pilot-model-types", new_type_body(**fields)),
                   "a pilot model type")


def new_site_body(model_type, district, host_agency="SLDTBXH", **fields):
    return {"model_type": model_type, "name": "Điểm thí điểm tại Trung tâm công tác xã hội",
            "district": district, "host_agency": host_agency, **fields}


def create_site(client, model_type, district, host_agency="SLDTBXH", **fields):
    """POST /v1/pilot-sites; must be 201. Returns the site."""
    return created(client.post_json("/v1/pilot-sites",
                                    new_site_body(model_type, district, host_agency, **fields)),
                   "a pilot site")


def changed(client, path, body):
    """PATCH path with its current ETag; must be 200. Returns the object."""
    r = patch(client, path, body)
    assert r.status_code == 200, f"PATCH {path} {body} -> {r.status_code}: {r.text[:500]}"
    return r.json()


def move(client, site_id, status, **fields):
    """The site moved to `status` (must succeed); returns it."""
    return changed(client, site_path(site_id), {"status": status, **fields})


def all_sites(client, **params):
    items, _ = client.walk("/v1/pilot-sites", params, limit=500)
    for s in items:
        assert set(s) == SITE_KEYS, s
    return items


# --- obligations and submissions ----------------------------------------------------------------

def new_obligation_body(reporters, **fields):
    """A valid new six-monthly obligation (Vietnamese 6-month periods) of `reporters` to DOLISA."""
    return {"code": new_code("RO-T"), "source_clause": "V.1",
            "description": "Báo cáo 6 tháng kết quả thực hiện kế hoạch (thử)",
            "reporters": list(reporters), "recipient": "SLDTBXH", "mode": "assigned",
            "frequency": "six_monthly", "period_type": "vn_six_monthly", **fields}


def create_obligation(editor, reporters, **fields):
    """POST /v1/reporting-obligations; must be 201. Returns the obligation."""
    return created(editor.post_json("/v1/reporting-obligations",
                                    new_obligation_body(reporters, **fields)),
                   "a reporting obligation")


def submit(client, code, **body):
    """POST a submission of obligation `code`; the response."""
    return client.post_json(submissions_path(code), body)


def submitted(client, code, **body):
    """A submission that must be recorded (201); returns it."""
    r = submit(client, code, **body)
    assert r.status_code == 201, f"submitting {code} {body} -> {r.status_code}: {r.text[:500]}"
    assert set(r.json()) == SUBMISSION_KEYS, r.json()
    return r.json()


def completeness(client, period, agency=None):
    """GET /v1/reporting-completeness; must be 200. Returns its items, each checked."""
    params = {"period": period}
    if agency is not None:
        params["agency"] = agency
    body = client.json("/v1/reporting-completeness", params)
    assert set(body) == {"items"}, body
    for item in body["items"]:
        assert set(item) == COMPLETENESS_KEYS, item
    return checked_names(client, body["items"])


def row_of(expected, submitted_=0, on_time=0, late=0, agency=None, period=None, late_entries=0):
    """A completeness row: `expected` reports, of which `submitted_` handed in (`late_entries`
    of them recorded after their due date)."""
    return {"agency": agency, "period": period, "expected": expected, "submitted": submitted_,
            "on_time": on_time, "late": late, "missing": expected - submitted_,
            "late_entries": late_entries}


# --- periods and moments ------------------------------------------------------------------------

def vn_half(day):
    """The Vietnamese 6-month reporting period holding `day`: (id, start, end) — VNS1 runs from
    15/12 of the year before to 14/06, VNS2 from 15/06 to 14/12."""
    y = day.year
    if day >= datetime.date(y, 12, 15):
        return f"{y + 1}VNS1", datetime.date(y, 12, 15), datetime.date(y + 1, 6, 14)
    if day < datetime.date(y, 6, 15):
        return f"{y}VNS1", datetime.date(y - 1, 12, 15), datetime.date(y, 6, 14)
    return f"{y}VNS2", datetime.date(y, 6, 15), datetime.date(y, 12, 14)


def previous_vn_half(period_id):
    """The 6-month period before `period_id` (2026VNS2 -> 2026VNS1 -> 2025VNS2)."""
    year, half = int(period_id[:4]), period_id[-1]
    start = datetime.date(year - 1, 12, 15) if half == "1" else datetime.date(year, 6, 15)
    return vn_half(start - datetime.timedelta(days=1))


def calendar_half(vn_id):
    """The calendar half-year that stands for six-monthly indicators in a VN 6-month report:
    2026VNS2 -> (2026S2, 2026-07-01, 2026-12-31)."""
    year, half = int(vn_id[:4]), vn_id[-1]
    if half == "1":
        return f"{year}S1", datetime.date(year, 1, 1), datetime.date(year, 6, 30)
    return f"{year}S2", datetime.date(year, 7, 1), datetime.date(year, 12, 31)


def calendar_year(vn_id):
    year = int(vn_id[:4])
    return f"{year}", datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def due_of(end, due_days=REPORT_DUE_DAYS):
    """A report's due date: the day after the period's end plus the due days."""
    return (end + datetime.timedelta(days=1 + due_days)).isoformat()


def moment():
    """A moment between two writes: the clock now (RFC 3339 UTC with microseconds), with a short
    pause on each side so that no write before or after shares it."""
    time.sleep(0.3)
    now = datetime.datetime.now(datetime.timezone.utc)
    time.sleep(0.3)
    return now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def attainment(met, value, goal, start, end, day):
    """The attainment rule of the analytics issue for a `>=` target judged on `day`: achieved
    when met; missed when not and the period is over; before that on_track when `value` has
    reached the target's share of the period elapsed so far, else at_risk."""
    if met:
        return "achieved"
    if day > end:
        return "missed"
    elapsed = 0.0 if day < start else ((day - start).days + 1) / ((end - start).days + 1)
    return "on_track" if value >= goal * elapsed else "at_risk"


# --- a province of a test's own -----------------------------------------------------------------

def make_province(admin, districts=2, communes=2):
    """A new province-level unit with `districts` districts of `communes` communes each;
    returns (province code, {district code: [commune codes]}), codes in creation order."""
    province = create_unit(admin, None, "tinh")["code"]
    tree = {}
    for _ in range(districts):
        d = create_unit(admin, province, "huyen")["code"]
        tree[d] = [create_unit(admin, d, "xa")["code"] for _ in range(communes)]
    return province, tree


# --- reports ------------------------------------------------------------------------------------

def report_path(period):
    return f"/v1/reports/{period}"


def report(client, period, **params):
    """GET /v1/reports/{period} as JSON; must be 200. Returns the report, its shape checked, its
    names beside codes checked and left out (names.checked_names)."""
    body = client.json(report_path(period), params)
    assert set(body) == REPORT_KEYS, sorted(body)
    for item in body["indicators"]:
        assert set(item) == REPORT_INDICATOR_KEYS, item
    for table, keys in ROW_KEYS.items():
        for row in body[table]:
            assert set(row) == keys, (table, row)
    checked_names(client, [{"unit": body["unit"], "unit_name": body.pop("unit_name")}])
    for table in ("indicators", *ROW_KEYS):
        body[table] = checked_names(client, body[table])
    return body


BOM = codecs.BOM_UTF8


def report_csv(client, period, table, headers=None, **params):
    """One table of a report as CSV (format=csv unless `headers` ask for it): checks the
    content type, the byte-order mark, the CRLF line ends and the header row; returns the rows
    as lists of strings."""
    if headers is None:
        params = {"format": "csv", **params}
    r = client.get(report_path(period), params={**params, "table": table}, headers=headers)
    assert r.status_code == 200, f"{r.request.url} -> {r.status_code}: {r.text[:500]}"
    assert r.headers["Content-Type"].replace(" ", "").lower() == "text/csv;charset=utf-8", \
        r.headers["Content-Type"]
    data = r.content
    assert data.startswith(BOM), f"the CSV does not start with the UTF-8 BOM: {data[:20]!r}"
    text = data[len(BOM):].decode("utf-8")
    assert text.endswith("\r\n"), f"the CSV does not end with CRLF: {text[-20:]!r}"
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert text.count("\r\n") >= len(rows), "a line of the CSV does not end with CRLF"
    assert "\n" not in text.replace("\r\n", ""), "a bare LF in the CSV"
    assert rows[0] == CSV_COLUMNS[table], rows[0]
    out = []
    for row in rows[1:]:
        assert len(row) == len(CSV_COLUMNS[table]), row
        named = dict(zip(CSV_COLUMNS[table], row))
        parsed = {k: (parse_cell(v, []) if k in ("lead", "lead_names") else v or None)
                  for k, v in named.items()}
        checked_names(client, [parsed])
        out.append([named[c] for c in BARE_COLUMNS[table]])
    return out


def cells(row, table):
    """A CSV row of report_csv (its names left out) as {column: text}."""
    assert len(row) == len(BARE_COLUMNS[table]), row
    return dict(zip(BARE_COLUMNS[table], row))


def as_cell(value):
    """How a JSON value of a report is written in its CSV: '' for null, text as it is, numbers
    as numbers (compared as such), lists of texts joined by "; ", other lists as JSON text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "; ".join(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value if isinstance(value, str) else float(value)


def parse_cell(text, like):
    """A CSV cell read like the value `like` it should equal (numbers as float, lists of texts
    split at "; ", other lists parsed)."""
    if isinstance(like, list) and not text.startswith("["):
        return text.split("; ") if text else []
    if text == "" or like is None:
        return None if text == "" else text
    if isinstance(like, bool):
        assert text in ("true", "false"), f"a boolean cell reads {text!r}"
        return text == "true"
    if isinstance(like, (int, float)):
        return float(text)
    if isinstance(like, (list, dict)):
        return json.loads(text)
    return text


def assert_csv_equals(rows, expected, table):
    """The CSV rows of `table` say what the expected rows (dicts of JSON values) say."""
    columns = BARE_COLUMNS[table]
    got = [cells(r, table) for r in rows]
    assert len(got) == len(expected), f"{table}: {len(got)} CSV rows, expected {len(expected)}"
    for g, e in zip(got, expected):
        for c in columns:
            want = e[c]
            have = parse_cell(g[c], want)
            if isinstance(want, (int, float)) and not isinstance(want, bool):
                want = float(want)
            assert have == want, f"{table} column {c}: CSV {g[c]!r}, expected {e[c]!r} in {e}"


# --- the seed (db/seed/plan-1994.json) ----------------------------------------------------------

# The seed file's period forms and the period types the API names.
SEED_PERIOD_TYPES = {None: None, "VNS1": "vn_six_monthly", "VNS1/VNS2": "vn_six_monthly",
                     "VN": "vn_yearly", "YYYY": "yearly"}


def seed_types():
    """The pilot model types of the seed file, in code order."""
    return sorted(seed_plan_file()["pilot_model_types"], key=lambda t: t["code"])


def seed_obligations():
    """The reporting obligations of the seed file, in code order, each with `reporters` (its
    reporter, a group such as UBND-DISTRICTS expanded to its members)."""
    data = seed_plan_file()
    groups = {g["code"]: g["members"] for g in data["agency_groups"]}
    out = []
    for o in data["reporting_obligations"]:
        out.append({**o, "reporters": groups.get(o["reporter"], [o["reporter"]])})
    return sorted(out, key=lambda o: o["code"])


def seed_task_ids(client, plan_id):
    """{key: id} of the seeded plan's tasks."""
    items, _ = client.walk("/v1/tasks", {"plan": plan_id}, limit=500)
    return {t["key"]: t["id"] for t in items if t["key"]}

