"""Excel both ways (issue 21, items 3 and 4): GET /v1/measurements/template gives the XLSX a
district officer fills in (a row per unit in the caller's scope at the indicator's level, code and
name locked, the value validated by the indicator's value type, the values already entered with
their status, instructions in Vietnamese), and POST /v1/measurements/import takes it back — or any
plain sheet with the import's header — with the JSON and CSV import's rules: checked row by row,
atomic, dry-runnable, a conflict naming its sheet and row as Excel shows them. Hostile workbooks
(a zip bomb, 100,000 entries, deep XML, entities, a truncated file, a DOCX renamed) are refused
with a 4xx at once, without the server growing.

The workbooks are filled with python3-openpyxl, as a person's Excel would write them; each test
enters an indicator of its own (the template of the decision's COMMUNE-AWARENESS has the same
shape: the shared database's other tests write that one).
"""

import io
import re
import time
import zipfile
from pathlib import Path

import pytest

from checks import assert_problem, fast_enough
from indicators import all_measurements, communes, counts, create_indicator, summary

openpyxl = pytest.importorskip("openpyxl")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OFFICER = "longxuyen.officer"
OWN = communes("883")  # Long Xuyên's 13 communes
OTHER = communes("884")  # Châu Đốc's


@pytest.fixture
def officer(api):
    client = api.as_user(OFFICER)
    client.authorization()
    return client


def template(client, indicator, period="2017", **params):
    r = client.get("/v1/measurements/template",
                   params={"indicator": indicator, "period": period, **params})
    assert r.status_code == 200, r.text[:500]
    assert r.headers["Content-Type"] == XLSX
    return openpyxl.load_workbook(io.BytesIO(r.content))


def upload(client, data, **params):
    return client.request("POST", "/v1/measurements/import", data=data,
                          params={k: str(v).lower() for k, v in params.items()},
                          headers={"Content-Type": XLSX}, timeout=60)


def saved(book):
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def header(sheet):
    return [c.value for c in sheet[1]]


def test_the_template_has_a_locked_row_per_unit_and_a_validated_value(officer, coordinator):
    code = create_indicator(coordinator)["code"]
    book = template(officer, code)
    assert book.sheetnames == [code, "Hướng dẫn"]
    sheet = book[code]
    assert header(sheet) == ["Mã chỉ tiêu", "Tên chỉ tiêu", "Mã đơn vị", "Tên đơn vị", "Kỳ",
                             "Giá trị", "Ghi chú", "Trạng thái"]
    units = [sheet.cell(row=r, column=3).value for r in range(2, sheet.max_row + 1)]
    assert units == OWN, "a row per commune of Long Xuyên, the officer's scope"
    assert sheet.protection.sheet
    assert sheet.cell(row=2, column=3).protection.locked
    assert not sheet.cell(row=2, column=6).protection.locked
    [validation] = sheet.data_validations.dataValidation
    assert validation.type == "list" and "TRUE" in validation.formula1
    assert sheet.freeze_panes == "A2"
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert "Hướng dẫn" in book["Hướng dẫn"]["A1"].value


def test_the_decisions_commune_awareness_template_has_long_xuyens_13_communes(officer):
    sheet = template(officer, "COMMUNE-AWARENESS")["COMMUNE-AWARENESS"]
    assert [sheet.cell(row=r, column=3).value for r in range(2, sheet.max_row + 1)] == OWN
    assert len(OWN) == 13


def test_a_filled_template_imports_and_a_second_upload_changes_nothing(officer, coordinator):
    code = create_indicator(coordinator)["code"]
    book = template(officer, code)
    sheet = book[code]
    for r in range(2, sheet.max_row + 1):
        sheet.cell(row=r, column=6).value = r % 3 != 0
    comment = sheet.cell(row=2, column=7)
    comment.value = "=SUM(A1:A3) buổi tuyên truyền"
    comment.data_type = "s"  # typed into the template's text-formatted comment column
    data = saved(book)
    dry = summary(upload(officer, data, dry_run=True))
    assert (dry["conflicts"], dry["counts"]) == ([], counts(imported=13))
    assert summary(upload(officer, data))["counts"] == counts(imported=13)
    stored = {m["unit"]: m for m in all_measurements(officer, indicator=code)}
    assert set(stored) == set(OWN)
    assert stored[OWN[0]]["comment"] == "=SUM(A1:A3) buổi tuyên truyền"
    assert summary(upload(officer, data))["counts"] == counts(ignored=13)
    again = template(officer, code)[code]
    assert again.cell(row=2, column=8).value == "draft", "the template shows what was entered"


def test_a_unit_outside_the_scope_is_rejected_with_its_sheet_and_excel_row(officer,
                                                                            coordinator):
    code = create_indicator(coordinator)["code"]
    book = template(officer, code)
    sheet = book[code]
    sheet.cell(row=2, column=6).value = True
    sheet.cell(row=5, column=3).value = OTHER[0]  # a commune of Châu Đốc
    sheet.cell(row=5, column=6).value = False
    r = upload(officer, saved(book))
    body = summary(r, 422)
    [c] = body["conflicts"]
    assert (c["row"], c["sheet"], c["code"]) == (5, code, "out_of_scope")


def test_a_plain_sheet_with_the_import_header_imports(officer, coordinator):
    code = create_indicator(coordinator, value_type="percentage", rollup="share")["code"]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["indicator", "unit", "period", "numerator", "denominator", "comment"])
    sheet.append([code, OWN[0], "2017", 3, 4, "ba phần tư"])
    sheet.append([code, OWN[1], 2017, 0, 5, None])
    assert summary(upload(officer, saved(book)))["counts"] == counts(imported=2)
    values = {m["unit"]: m["value"] for m in all_measurements(officer, indicator=code)}
    assert values == {OWN[0]: {"numerator": 3, "denominator": 4},
                      OWN[1]: {"numerator": 0, "denominator": 5}}


def test_the_template_refuses_what_it_cannot_make(officer):
    for params, field in [({"period": "2017"}, "indicator"),
                          ({"indicator": "COMMUNE-AWARENESS"}, "period"),
                          ({"indicator": "COMMUNE-AWARENESS", "period": "2017X"}, "period")]:
        assert_problem(officer.get("/v1/measurements/template", params=params), 400,
                       "invalid_parameter", field)
    r = officer.get("/v1/measurements/template",
                    params={"indicator": "NO-SUCH", "period": "2017"})
    assert_problem(r, 422, "validation_failed", "indicator")
    r = officer.get("/v1/measurements/template",
                    params={"indicator": "COMMUNE-AWARENESS", "period": "201703"})
    assert_problem(r, 422, "validation_failed", "period")
    assert_problem(officer.as_user("viewer").get(
        "/v1/measurements/template", params={"indicator": "COMMUNE-AWARENESS",
                                             "period": "2017"}), 403, "forbidden")


# --- hostile workbooks ------------------------------------------------------------------------


def zip_of(parts):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


WORKBOOK = {  # a workbook of one sheet, the sheet itself left to the caller
    "[Content_Types].xml": "<Types/>",
    "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                       '2006/main" xmlns:r="http://schemas.openxmlformats.org/'
                       'officeDocument/2006/relationships"><sheets><sheet name="A" '
                       'sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/'
                                  'package/2006/relationships"><Relationship Id="rId1" '
                                  'Target="worksheets/sheet1.xml" Type="x"/></Relationships>',
}


def workbook_with(shared_strings):
    """A minimal workbook whose shared strings part is `shared_strings`."""
    return zip_of({
        "[Content_Types].xml": "<Types/>",
        "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                           '2006/main" xmlns:r="http://schemas.openxmlformats.org/'
                           'officeDocument/2006/relationships"><sheets><sheet name="A" '
                           'sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/'
                                      'package/2006/relationships"><Relationship Id="rId1" '
                                      'Target="worksheets/sheet1.xml" Type="x"/></Relationships>',
        "xl/worksheets/sheet1.xml": '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v>'
                                    '</c></row></sheetData></worksheet>',
        "xl/sharedStrings.xml": shared_strings,
    })


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    """A workbook whose sheet unpacks to 1 GiB of zeros (about 1 MB on the wire)."""
    path = tmp_path_factory.mktemp("xlsx") / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in WORKBOOK.items():
            z.writestr(name, data)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * (1 << 24)
            for _ in range(64):
                part.write(chunk)
    return path.read_bytes()


def many_entries():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for i in range(100_000):
            z.writestr(f"x/{i}", b"")
    return out.getvalue()


def rss_kib(pid):
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.M).group(1))


def test_hostile_workbooks_are_refused_at_once_without_growing_the_server(
        officer, bomb, server, build_kind):
    deep = "<sst>" + "<si>" * 100 + "</si>" * 100 + "</sst>"
    entity = ('<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
              "<sst><si><t>&x;</t></si></sst>")
    laughs = ('<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
              '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><sst><si><t>&b;</t></si></sst>')
    docx = officer.get("/v1/reports/2017VN", params={"format": "docx", "unit": "89",
                                                     "plan": seed_plan(officer)}).content
    assert docx.startswith(b"PK")
    good = workbook_with("<sst><si><t>x</t></si></sst>")
    cases = {"a zip bomb of 1 GiB": (bomb, 413), "100,000 entries": (many_entries(), 413),
             "deep XML": (workbook_with(deep), 400), "an external entity": (
                 workbook_with(entity), 400), "entities": (workbook_with(laughs), 400),
             "a truncated file": (good[:len(good) // 2], 400), "a DOCX renamed": (docx, 400)}
    pid = getattr(getattr(server, "proc", None), "pid", None)
    before = rss_kib(pid) if pid else None
    for name, (data, status) in cases.items():
        started = time.monotonic()
        r = upload(officer, data)
        seconds = time.monotonic() - started
        assert r.status_code == status, (name, r.status_code, r.text[:300])
        assert r.headers["Content-Type"].startswith("application/problem+json"), name
        if build_kind == "release":
            assert seconds < 1, (name, seconds)
    if before is not None and build_kind == "release":
        assert rss_kib(pid) - before < 64 * 1024, "the peak RSS grew by 64 MiB or more"


# --- 10,000 rows ------------------------------------------------------------------------------


@pytest.mark.timing
def test_10000_xlsx_rows_import_in_under_3_seconds(patient_coordinator, build_kind):
    months = [f"{y}{m:02d}" for y in range(2016, 2022) for m in range(1, 13)]
    coordinator = patient_coordinator

    def attempt():
        code = create_indicator(coordinator, period_type="monthly", value_type="count",
                                rollup="sum")["code"]
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("Số liệu")
        sheet.append(["indicator", "unit", "period", "value", "comment"])
        rows = [(code, unit, month, (int(unit) + i) % 7, f"Tháng {month}")
                for i, month in enumerate(months) for unit in communes()][:10_000]
        for r in rows:
            sheet.append(list(r))
        data = saved(book)
        started = time.monotonic()
        r = coordinator.request("POST", "/v1/measurements/import", data=data,
                                headers={"Content-Type": XLSX}, timeout=120)
        seconds = time.monotonic() - started
        assert summary(r)["counts"] == counts(imported=10_000)
        return seconds

    fast_enough(attempt, 3.0, build_kind)


# --- the report as a workbook -----------------------------------------------------------------


def seed_plan(api):
    """The id of the decision's plan (the shared database holds the tests' plans too)."""
    plans, _ = api.walk("/v1/plans", limit=500)
    return str(next(p["id"] for p in plans if p["code"] == "KH-1994-2016"))


def test_the_report_as_a_workbook_holds_every_table_with_the_json_numbers(api):
    plan = seed_plan(api)
    body = api.json("/v1/reports/2017VNS1", {"plan": plan, "unit": "89"})
    r = api.get("/v1/reports/2017VNS1", params={"format": "xlsx", "lang": "vi",
                                                "as_of": body["as_of"], "plan": plan, "unit": "89"})
    assert r.status_code == 200 and r.headers["Content-Type"] == XLSX
    assert r.headers["Content-Disposition"] == 'attachment; filename="bao-cao-2017VNS1.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert book.sheetnames[0] == "Thông tin"
    info = {row[0].value: row[1].value for row in book["Thông tin"].iter_rows()}
    assert info["Kỳ báo cáo"] == "2017VNS1" and info["Số liệu tại thời điểm"] == body["as_of"]
    assert len(book.sheetnames) == 9  # the information sheet and the report's 8 tables
    assert book.sheetnames[-1] == "Kinh phí"
    for sheet in book.worksheets:
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row), sheet.title
    indicators = book["Chỉ tiêu"]
    head = header(indicators)
    assert head[:3] == ["Mục", "Mã chỉ tiêu", "Tên chỉ tiêu"] and "Tên đơn vị" in head
    assert indicators.freeze_panes == "A2" and indicators.auto_filter.ref
    got = {row[1]: dict(zip(head, row)) for row in indicators.iter_rows(min_row=2,
                                                                          values_only=True)}
    for item in body["indicators"]:
        row = got[item["indicator"]]
        for key, caption in [("numerator", "Tử số"), ("denominator", "Mẫu số"),
                             ("value", "Giá trị"), ("units_reporting", "Đơn vị có số liệu")]:
            assert row[caption] == item[key], (item["indicator"], key)
    tasks = book["Tình hình nhiệm vụ"]
    head = header(tasks)
    first = dict(zip(head, next(tasks.iter_rows(min_row=2, values_only=True))))
    assert first["Tiến độ"] == body["task_status"][0]["percent_done"] / 100
    assert tasks.cell(row=2, column=head.index("Tiến độ") + 1).number_format == "0.0%"
    lead = body["task_status"][0]["lead"][0]
    assert api.json(f"/v1/agencies/{lead}")["name"] in first["Tên cơ quan chủ trì"]


def test_the_workbook_speaks_english_when_asked(api):
    r = api.get("/v1/reports/2017VNS1",
                params={"format": "xlsx", "plan": seed_plan(api), "unit": "89"},
                headers={"Accept-Language": "en"})
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert book.sheetnames[:2] == ["Information", "Indicators"]
    assert header(book["Indicators"])[:2] == ["Section", "Indicator"]


def test_the_measurement_list_exports_as_a_workbook_with_names(officer, coordinator):
    code = create_indicator(coordinator)["code"]
    book = template(officer, code)
    sheet = book[code]
    sheet.cell(row=2, column=6).value = True
    sheet.cell(row=3, column=6).value = False
    summary(upload(officer, saved(book)))
    r = officer.get("/v1/measurements", params={"format": "xlsx", "indicator": code,
                                                "lang": "vi"})
    assert r.status_code == 200 and r.headers["Content-Type"] == XLSX
    export = openpyxl.load_workbook(io.BytesIO(r.content))["Số liệu"]
    head = header(export)
    rows = [dict(zip(head, row)) for row in export.iter_rows(min_row=2, values_only=True)]
    assert [(row["Mã đơn vị"], row["Giá trị"]) for row in rows] == [(OWN[0], "true"),
                                                                     (OWN[1], "false")]
    assert rows[0]["Tên đơn vị"] and rows[0]["Tên cơ quan nhập"] and rows[0]["Tên chỉ tiêu"]
    assert export.freeze_panes == "A2"
    assert all(c.data_type != "f" for row in export.iter_rows() for c in row)


# --- imports as resources, review in bulk -----------------------------------------------------


def test_an_import_that_wrote_is_a_resource_and_is_approved_as_one(officer, coordinator, api):
    code = create_indicator(coordinator)["code"]
    book = template(officer, code)
    sheet = book[code]
    for r in range(2, 6):
        sheet.cell(row=r, column=6).value = r % 2 == 0
    body = summary(upload(officer, saved(book)), keep_import=True)
    record = officer.json(f"/v1/measurement-imports/{body['import']}")
    assert (record["username"], record["agency"], record["format"]) == (OFFICER, "UBND-883",
                                                                        "xlsx")
    assert record["summary"]["counts"] == counts(imported=4)
    ids = record["measurements"]
    assert sorted(ids) == sorted(m["id"] for m in all_measurements(officer, indicator=code))
    assert_problem(api.as_user("chaudoc.officer").get(
        f"/v1/measurement-imports/{body['import']}"), 404, "not_found")
    done = officer.post_json("/v1/measurements/submit", {"import": body["import"]})
    assert done.status_code == 200, done.text
    assert done.json() == {"status": "submitted", "count": 4, "ids": ids}
    manager = api.as_user("longxuyen.manager")
    r = manager.post_json("/v1/measurements/approve", {"ids": ids})
    assert r.status_code == 200, r.text
    assert {m["status"] for m in all_measurements(officer, indicator=code)} == {"approved"}


def test_a_bulk_step_is_all_or_nothing_and_names_the_measurement_it_refuses(officer,
                                                                           coordinator, api):
    code = create_indicator(coordinator)["code"]
    book = template(officer, code)
    sheet = book[code]
    for r in range(2, 5):
        sheet.cell(row=r, column=6).value = True
    body = summary(upload(officer, saved(book)), keep_import=True)
    ids = officer.json(f"/v1/measurement-imports/{body['import']}")["measurements"]
    manager = api.as_user("longxuyen.manager")
    r = manager.post_json("/v1/measurements/approve", {"ids": ids})  # drafts: not submitted
    assert_problem(r, 409, "conflict")
    assert any(e["field"] == "ids" and str(ids[0]) in e["message"] for e in r.json()["errors"])
    assert {m["status"] for m in all_measurements(officer, indicator=code)} == {"draft"}
    other = api.as_user("chaudoc.officer")
    r = other.post_json("/v1/measurements/submit", {"ids": ids})  # outside its scope
    assert r.status_code in (403, 404), r.text
    assert {m["status"] for m in all_measurements(officer, indicator=code)} == {"draft"}
    for bad in [{}, {"ids": []}, {"ids": [0]}, {"ids": ids, "import": body["import"]},
                {"import": "x"}]:
        assert officer.post_json("/v1/measurements/submit", bad).status_code == 422, bad
    assert_problem(officer.post_json("/v1/measurements/submit", {"import": 999999999}), 422,
                   "validation_failed", "import")


# --- the other lists as workbooks -------------------------------------------------------------


def workbook(client, path, **params):
    r = client.get(path, params={"format": "xlsx", "lang": "vi", **params})
    assert r.status_code == 200, r.text[:300]
    assert r.headers["Content-Type"] == XLSX
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    head = header(sheet)
    return head, [dict(zip(head, row)) for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_tasks_export_with_their_lead_agencies_by_name(api):
    plan = seed_plan(api)
    head, rows = workbook(api, "/v1/tasks", plan=plan, section="V.1")
    items, _ = api.walk("/v1/tasks", {"plan": plan, "section": "V.1"}, limit=500)
    assert [r["Mã"] for r in rows] == [t["id"] for t in items]
    assert "Sở Lao động - Thương binh và Xã hội" in rows[0]["Tên cơ quan chủ trì"]
    assert rows[0]["Tiến độ"] == items[0]["percent_done"] / 100


def test_analytics_export_numbers_equal_the_json(api, officer, coordinator):
    code = create_indicator(coordinator)["code"]
    book = template(officer, code)
    sheet = book[code]
    for r in range(2, 8):
        sheet.cell(row=r, column=6).value = r % 2 == 0
    summary(upload(officer, saved(book)))
    params = {"indicator": code, "period": "2017", "unit": "883", "level": "3",
              "include_unapproved": "true"}
    coordinator_items = coordinator.json("/v1/analytics", params)["items"]
    head, rows = workbook(coordinator, "/v1/analytics", **params)
    assert [(r["Mã đơn vị"], r["Tử số"], r["Mẫu số"]) for r in rows] == [
        (i["unit"], i["numerator"], i["denominator"]) for i in coordinator_items]
    assert all(r["Tên đơn vị"] and r["Mã chỉ tiêu"] == code for r in rows)


def test_completeness_and_audit_exports(api):
    head, rows = workbook(api.as_user("coordinator"), "/v1/reporting-completeness",
                          period="2017VNS1")
    assert head[:2] == ["Cơ quan, đơn vị", "Tên cơ quan, đơn vị"]
    auditor = api.as_user("auditor")
    head, rows = workbook(auditor, "/v1/audit-events", entity_type="agencies",
                          entity_id="SLDTBXH")
    assert rows and all(r["Mã đối tượng"] == "SLDTBXH" for r in rows)
    assert_problem(auditor.get("/v1/audit-events", params={"format": "xlsx", "limit": "5"}),
                   400, "invalid_parameter", "limit")
