#!/usr/bin/python3
"""make_fixtures.py: writes the openpyxl fixtures of tests/unit/test_xlsx.c into this directory.

    /usr/bin/python3 tests/unit/xlsx/make_fixtures.py

openpyxl.xlsx  "Số liệu": shared strings (Vietnamese), a date, a date-time, a boolean, whole and
               fractional numbers, an error, a formula without a cached value, an empty row, a
               cell after empty columns; "Ghi chú": a second sheet.
date1904.xlsx  the 1904 date system (workbookPr date1904="1").
excel.xlsx     parts as Excel writes them (this openpyxl writes inline strings, not shared ones):
               shared strings with rich-text runs, a phonetic run and kept spaces, the built-in
               date format 14 and a custom one, formulas with cached results (a number and a
               t="str" string), a 1900-02-29 serial, cells and rows without r.

The zip entries are rewritten with a fixed time so that running it again gives the same bytes.
The hostile workbooks are built by the test itself, and the libxlsxwriter ones too."""
import datetime
import io
import os
import zipfile

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

HERE = os.path.dirname(os.path.abspath(__file__))
FIXED = datetime.datetime(2024, 1, 1)


def save(wb, name):
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(out.getvalue())


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
EXCEL_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><workbookPr defaultThemeVersion="166925"/>'
        '<sheets><sheet name="Báo cáo" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{PKG}">'
        f'<Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="/xl/worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId4" Type="{REL}/sharedStrings" Target="./sharedStrings.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<styleSheet xmlns="{MAIN}"><numFmts count="2">'
        '<numFmt numFmtId="164" formatCode="[$-42A]dd/mm/yyyy;@"/>'
        '<numFmt numFmtId="165" formatCode="#,##0.00 &quot;đ&quot;"/></numFmts>'
        '<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>'
        '<cellXfs count="4"><xf numFmtId="0" xfId="0"/><xf numFmtId="14" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="164" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" xfId="0" applyNumberFormat="1"/>'
        "</cellXfs></styleSheet>"
    ),
    "xl/sharedStrings.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<sst xmlns="{MAIN}" count="5" uniqueCount="5">'
        "<si><t>Chỉ tiêu</t></si>"
        '<si><r><rPr><b/></rPr><t xml:space="preserve">Tổng </t></r><r><t>cộng</t></r></si>'
        '<si><t>漢字</t><rPh sb="0" eb="2"><t>かんじ</t></rPh><phoneticPr fontId="1"/></si>'
        '<si><t xml:space="preserve">  hai khoảng trắng  </t></si>'
        "<si><t/></si>"
        "</sst>"
    ),
    "xl/worksheets/sheet1.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><dimension ref="A1:E6"/><sheetData>'
        '<row r="1" spans="1:5"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c></row>'
        '<row r="2"><c r="A2" s="1"><v>45382</v></c><c r="B2" s="2"><v>45657.5</v></c>'
        '<c r="C2" s="3"><v>1234.5</v></c><c r="D2"><f>C2*2</f><v>2469</v></c>'
        '<c r="E2" t="str"><f>"Mã "&amp;A1</f><v>Mã Chỉ tiêu</v></c></row>'
        '<row r="4"><c s="1"><v>60</v></c><c s="1"><v>59</v></c><c s="1"><v>61</v></c>'
        '<c s="1"><v>1</v></c></row>'
        "<row><c><v>-0.5</v></c><c t=\"b\"><v>0</v></c></row>"
        '<row r="6"><c r="B6" t="e"><v>#DIV/0!</v></c><c r="C6" t="s"><v>4</v></c></row>'
        "</sheetData></worksheet>"
    ),
}


def write_parts(parts, name):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for part, text in parts.items():
            info = zipfile.ZipInfo(part, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, text.encode("utf-8"))
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(out.getvalue())


def main():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Số liệu"
    ws.append(["Chỉ tiêu", "Ngày", "Giá trị", "Đạt"])
    ws.append(["Xã Mỹ Hòa Hưng", datetime.date(2024, 3, 31), 42, True])
    ws.append([])  # row 3: empty, left out
    ws.append(["Tỷ lệ hộ nghèo", datetime.datetime(2024, 12, 31, 18, 30), 87.5, False])
    ws["C5"] = 3.25  # row 5: A and B empty
    ws["A6"] = "=C2*2"  # a formula: openpyxl writes no cached value, so an empty row
    ws["A7"] = "#N/A"  # an error cell
    ws["B7"] = "  lề  "  # spaces kept
    ws2 = wb.create_sheet("Ghi chú")
    ws2.append(["second sheet", 1])
    save(wb, "openpyxl.xlsx")

    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "Mac"
    ws.append([datetime.date(2024, 3, 31), datetime.date(1904, 1, 1)])
    save(wb, "date1904.xlsx")

    write_parts(EXCEL_PARTS, "excel.xlsx")


if __name__ == "__main__":
    main()
