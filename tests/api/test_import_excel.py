"""CSV as Excel writes it, and the measurement export that re-imports (issue 21, items 2 and 5):
POST /v1/measurements/import reads a leading UTF-8 byte-order mark, a `;` separator (the header
line says which) with decimal commas, CRLF and quoted line breaks, the columns in any order under
their English, ASCII-Vietnamese or entry-template names, and restores a cell that planmon's CSV
writer neutralised against formulas. A conflict names the row as a spreadsheet shows it.
GET /v1/measurements?format=csv exports the whole list with the import's own header, and the
file imports back changing nothing.

Each test imports into indicators of its own.
"""

import pytest

from checks import assert_problem
from indicators import (all_measurements, communes, counts, create_indicator, import_csv,
                        import_json, row)

OFFICER = "longxuyen.officer"
OWN = communes("883")  # Long Xuyên's 13 communes (UBND-883)
OTHER = communes("884")  # Châu Đốc's


@pytest.fixture
def officer(api):
    client = api.as_user(OFFICER)
    client.authorization()
    return client


def export(client, **params):
    r = client.get("/v1/measurements", params={"format": "csv", **params})
    assert r.status_code == 200, r.text[:500]
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8"
    return r.content


def stored(client, indicator):
    return {(m["unit"], m["period"]): (m["value"], m["comment"])
            for m in all_measurements(client, indicator=indicator)}


def test_the_export_re_imports_unchanged(officer, coordinator):
    indicator = create_indicator(coordinator)["code"]
    rows = [row(indicator, OWN[0], value=True, comment="=SUM(A1:A3) buổi, \"chính thức\""),
            row(indicator, OWN[1], value=False, comment="Chưa tổ chức;\nsẽ làm quý sau"),
            row(indicator, OWN[2], value=True, comment="-5 hộ, +2 khóm, @xã")]
    assert import_json(officer, rows).json()["counts"] == counts(imported=3)
    data = export(officer, indicator=indicator)
    assert data.startswith(b"\xef\xbb\xbf" b"indicator,unit,period,value,comment\r\n")
    assert b"'=SUM(A1:A3)" in data, "a formula-like cell is neutralised in the file"
    before = stored(officer, indicator)
    r = import_csv(officer, data)
    assert r.status_code == 200, r.text
    assert r.json()["counts"] == counts(ignored=3)
    assert stored(officer, indicator) == before


def test_excel_csv_with_semicolons_and_decimal_commas_imports(officer, coordinator):
    indicator = create_indicator(coordinator, value_type="number", rollup="sum")["code"]
    text = ("\ufeffchi_tieu;don_vi;ky;gia_tri;ghi_chu\r\n"
            f"{indicator};{OWN[0]};2017;12,5;\"Báo cáo; đợt 1\"\r\n"
            f"{indicator};{OWN[1]};2017;-0,25;\r\n"
            f"{indicator};{OWN[2]};2017;3;'=1+2\r\n")
    r = import_csv(officer, text.encode("utf-8"))
    assert r.status_code == 200, r.text
    assert r.json()["counts"] == counts(imported=3)
    assert stored(officer, indicator) == {(OWN[0], "2017"): (12.5, "Báo cáo; đợt 1"),
                                          (OWN[1], "2017"): (-0.25, None),
                                          (OWN[2], "2017"): (3, "=1+2")}


def test_the_templates_captions_and_any_column_order_are_read(officer, coordinator):
    indicator = create_indicator(coordinator)["code"]
    text = ("Trạng thái,Kỳ,Mã đơn vị,Tên đơn vị,Mã chỉ tiêu,Tên chỉ tiêu,Giá trị,Ghi chú\n"
            f"draft,2017,{OWN[0]},Phường Mỹ Bình,{indicator},Tuyên truyền,true,Đã làm\n"
            f",2017,{OWN[1]},Phường Mỹ Long,{indicator},Tuyên truyền,false,\n")
    r = import_csv(officer, text)
    assert r.status_code == 200, r.text
    assert stored(officer, indicator) == {(OWN[0], "2017"): (True, "Đã làm"),
                                          (OWN[1], "2017"): (False, None)}
    text = f"UNIT , Indicator,PERIOD,Value\n{OWN[2]},{indicator},2017,true\n"
    assert import_csv(officer, text).json()["counts"] == counts(imported=1)


def test_a_conflict_names_the_row_a_spreadsheet_shows(officer, coordinator):
    indicator = create_indicator(coordinator)["code"]
    text = ("indicator,unit,period,value,comment\r\n"
            f"{indicator},{OWN[0]},2017,true,\"hai\r\ndòng\"\r\n"  # row 2, over two lines
            "\r\n"  # row 3, blank
            f"{indicator},{OTHER[0]},2017,true,\r\n")  # row 4: Châu Đốc's, out of scope
    r = import_csv(officer, text)
    assert r.status_code == 422, r.text
    [c] = r.json()["conflicts"]
    assert (c["index"], c["row"], c["code"]) == (1, 4, "out_of_scope")
    assert "row" not in import_json(officer, [row(indicator, OTHER[0])]).json()["conflicts"][0]


def test_an_export_is_whole_never_a_page(officer):
    r = officer.get("/v1/measurements", params={"format": "csv", "limit": "10"})
    assert_problem(r, 400, "invalid_parameter", "limit")


def test_an_export_longer_than_export_max_rows_is_413(api, coordinator, extra_server):
    small = api.as_user("coordinator").on(extra_server(EXPORT_MAX_ROWS="2"))
    indicator = create_indicator(coordinator)["code"]
    import_json(coordinator, [row(indicator, unit) for unit in OWN[:3]])
    assert_problem(small.get("/v1/measurements", params={"format": "csv",
                                                         "indicator": indicator}),
                   413, "payload_too_large")
    assert small.get("/v1/measurements",
                     params={"format": "csv", "indicator": indicator,
                             "unit": OWN[0]}).status_code == 200
