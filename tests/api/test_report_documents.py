"""The report as a document (issue 20): GET /v1/reports/{period} as a PDF (cairo and Pango,
Liberation Serif embedded) or a DOCX (WordprocessingML), in the administrative form of Decree
30/2020/NĐ-CP, Appendix I, with the same content as the JSON report: the issuing body under its
parent, the national title and motto, the number and date, "BÁO CÁO" and the summary, the body in
the plan's order (general situation, results per section, indicators with the rule in words,
pilot models, reporting completeness, what falls due next), charts, "Nơi nhận:" and the signer.

The fixture is fixed: a planmon of this module's own on a new database seeded with the decision,
its clock set to 5 January 2018 (PLANMON_TEST_TODAY), and a back-filled history of 2017 (task
updates, commune measurements of two districts, a pilot site, DOLISA's six-monthly report). So
the document never changes with the year it is rendered in, and the images of page 1 and of a
chart page under tests/api/expected/ show what it looks like. When a change to the document is
intended, tests/api/expected/regenerate writes them anew.
"""

import os
import re
import subprocess
import tempfile
import time
import unicodedata
import zipfile
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path

import pytest

from checks import assert_problem, fast_enough
from indicators import approved
from plans import post_update
from reporting import create_site, submitted
from server import rss_mib, run_planmon

TODAY = "2018-01-05"
PERIOD = "2017VN"
EXPECTED = Path(__file__).resolve().parent / "expected"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SIGNED = {"number": "12", "date": TODAY, "signer_title": "KT. Giám đốc / Phó Giám đốc",
          "signer_name": "Nguyễn Văn A"}
DISTRICTS = ("883", "884")  # Long Xuyên, Châu Đốc: their communes report COMMUNE-AWARENESS


@pytest.fixture(scope="module")
def fresh_env():
    return {"PLANMON_TEST_TODAY": TODAY}


@pytest.fixture(scope="module")
def history(fresh_planmon):
    """2017 as it happened, recorded now: updates of three tasks of the decision, the awareness
    measurements of the communes of two districts (two thirds of them ran a session), a pilot
    site of model 1 in Long Xuyên, and DOLISA's report of the first half, handed in on time."""
    api = fresh_planmon.api
    admin, coordinator = api.as_user("admin"), api.as_user("coordinator")
    tasks = report_json(api)["task_status"]
    for task, body in zip(tasks[:3], [
            {"occurred_on": "2017-03-10", "status": "in_progress", "percent_done": 40,
             "note": "Đã tổ chức 12 buổi tuyên truyền tại các xã, phường, thị trấn"},
            {"occurred_on": "2017-08-21", "status": "done", "percent_done": 100,
             "note": "Hoàn thành phóng sự chuyên đề & chuyên mục <Phòng, chống mại dâm>"},
            {"occurred_on": "2017-11-02", "status": "in_progress", "percent_done": 25}]):
        r = post_update(admin, task["id"], body)
        assert r.status_code == 201, r.text
    for district in DISTRICTS:
        communes = [u["code"] for u in api.json("/v1/admin-units",
                                                {"parent": district, "limit": 100})["items"]]
        for i, commune in enumerate(communes):
            approved(coordinator, coordinator, "COMMUNE-AWARENESS", commune, "2017", i % 3 != 2)
    create_site(admin, "PM1", "883", "SLDTBXH", name="Điểm tư vấn tại phường Mỹ Bình")
    submitted(admin, "RO-V1-6M", agency="SLDTBXH", period="2017VNS1",
              submitted_at="2017-06-18T09:00:00+07:00")
    return api


def report_json(api, **params):
    r = api.get(f"/v1/reports/{PERIOD}", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def document(api, media=PDF, period=PERIOD, **params):
    """The report as a document (by ?format=); must be 200 with that media type."""
    r = api.get(f"/v1/reports/{period}",
                params={"format": "pdf" if media == PDF else "docx", **params})
    assert r.status_code == 200, r.text[:500]
    assert r.headers["Content-Type"].split(";")[0] == media
    return r


def normal(text):
    """NFC, one space for any run of blanks (line breaks of wrapped text included)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def vn(number, decimals=1):
    """A number as the document writes it: "1.234", "75,5" (as domain/vn_text.c)."""
    text = f"{round(float(number), decimals):,.{decimals}f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def pdf_text(data, first=None, last=None):
    pages = [] if first is None else ["-f", str(first), "-l", str(last or first)]
    out = subprocess.run(["pdftotext", "-raw", *pages, "-", "-"], input=data,
                         capture_output=True, check=True, timeout=60).stdout
    return normal(out.decode("utf-8"))


def pdf_pages(data):
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", "-"], input=data,
                          capture_output=True, check=True, timeout=60).stdout.decode()
    return re.findall(r"^Page\s+\d+ size:\s+(.*)$", info, re.M)


STATUS = {"not_started": "Chưa thực hiện", "in_progress": "Đang thực hiện", "done": "Hoàn thành",
          "cancelled": "Dừng thực hiện"}
ATTAINMENT = {"achieved": "đạt", "missed": "không đạt", "on_track": "đúng tiến độ",
              "at_risk": "có nguy cơ không đạt", "no_data": "chưa có số liệu",
              "undated": "chỉ tiêu chưa có thời hạn"}


def frame_texts():
    return ["ỦY BAN NHÂN DÂN TỈNH AN GIANG", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
            "Số: 12/BC-SLĐTBXH", "An Giang, ngày 05 tháng 01 năm 2018", "BÁO CÁO",
            "Kết quả thực hiện Kế hoạch thực hiện Chương trình phòng, chống mại dâm giai đoạn "
            "2016 - 2020 trên địa bàn tỉnh An Giang năm 2017",
            "Nơi nhận:", "- Ủy ban nhân dân tỉnh An Giang;", "- Lưu: VT, SLĐTBXH.",
            "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn A"]


def content_texts(body):
    """What of the JSON report the document must hold: every task's title and status (with its
    percent), every indicator's numbers and attainment."""
    texts = []
    for t in body["task_status"]:
        texts += [normal(t["title"]), f"{STATUS[t['status']]} ({t['percent_done']}%)"]
    for row in body["indicators"]:
        texts.append(normal(row["name"]))
        if row["numerator"] is not None and row["denominator"] is not None:
            texts.append(f"{vn(row['numerator'])}/{vn(row['denominator'])}")
        if row["value"] is not None:
            texts.append(vn(row["value"]))
        if row["attainment"] is not None:
            texts.append(f": {ATTAINMENT[row['attainment']]}")
    return texts


# --- the PDF ----------------------------------------------------------------------------------


def test_the_pdf_holds_the_frame_every_task_and_every_indicator_of_the_json(history):
    body = report_json(history)
    text = pdf_text(document(history, **SIGNED).content)
    missing = [t for t in frame_texts() + content_texts(body) if t not in text]
    assert missing == [], missing[:10]
    assert any(row["attainment"] == "achieved" or row["value"] for row in body["indicators"]), \
        "the fixture has measured indicators"


def test_the_rule_of_an_indicator_reads_in_words(history):
    row = next(r for r in report_json(history)["indicators"]
               if r["indicator"] == "COMMUNE-AWARENESS")
    words = (f"{vn(row['numerator'])}/{vn(row['denominator'])} xã, phường, thị trấn, "
             f"đạt {vn(row['value'])}% (")
    assert words in pdf_text(document(history).content)


def test_only_embedded_liberation_serif_subsets_and_a4_pages(history):
    data = document(history).content
    fonts = subprocess.run(["pdffonts", "-"], input=data, capture_output=True, check=True,
                           timeout=60).stdout.decode().splitlines()[2:]
    assert fonts, "the PDF names its fonts"
    for line in fonts:
        name, *_ = line.split()
        assert re.fullmatch(r"[A-Z]{6}\+LiberationSerif(-Bold|-Italic|-BoldItalic)?", name), line
        assert re.search(r"\byes\s+yes\s+yes\b", line), f"embedded, subset, with ToUnicode: {line}"
    sizes = pdf_pages(data)
    assert len(sizes) >= 2 and set(sizes) == {"595.28 x 841.89 pts (A4)"}, sizes


def test_the_same_report_renders_the_same_bytes(history, build_kind):
    if build_kind != "release":
        pytest.skip("byte for byte against the release build (the sanitizers' threads may move "
                    "a justified line's spacing by a thousandth of an em)")
    assert document(history, **SIGNED).content == document(history, **SIGNED).content


def test_the_file_is_named_after_the_period_and_the_issuing_agency(history):
    r = document(history)
    assert r.headers["Content-Disposition"] == \
        f'attachment; filename="bao-cao-{PERIOD}-SLDTBXH.pdf"'
    r = document(history, DOCX, unit="883")
    assert r.headers["Content-Disposition"] == \
        f'attachment; filename="bao-cao-{PERIOD}-UBND-883.docx"'


def test_accept_chooses_the_document_when_format_is_not_given(history):
    r = history.get(f"/v1/reports/{PERIOD}", headers={"Accept": PDF})
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    r = history.get(f"/v1/reports/{PERIOD}", headers={"Accept": DOCX})
    assert r.status_code == 200 and r.content.startswith(b"PK")


def test_a_district_report_is_issued_by_its_peoples_committee(history):
    text = pdf_text(document(history, unit="883").content)
    for t in ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ LONG XUYÊN", "Số: …/BC-UBND",
              "Long Xuyên, ngày … tháng … năm …", "- Lưu: VT, UBND."]:
        assert t in text
    assert "SỞ LAO ĐỘNG" not in text


def test_what_the_data_lacks_reads_as_lacking(history):
    text = pdf_text(document(history).content)
    assert "chưa có số liệu" in text
    assert "PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI" in text and "Trong năm 2018" in text


def test_as_of_is_printed_only_when_asked_for(history):
    assert "tại thời điểm" not in pdf_text(document(history).content)
    body = report_json(history, as_of="2017-12-31")
    text = pdf_text(document(history, as_of="2017-12-31").content)
    assert f"tại thời điểm {body['as_of']}" in text


# --- images for people to look at ------------------------------------------------------------


def page_image(data, page):
    """Page `page` of the PDF `data` as pdftoppm renders it at 60 dpi, in grey."""
    from PIL import Image
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "report.pdf"
        pdf.write_bytes(data)
        subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", "-f", str(page), "-l",
                        str(page), str(pdf), str(Path(tmp) / "page")], check=True, timeout=60)
        with Image.open(Path(tmp) / "page.png") as image:
            return image.convert("L")


def differing_share(a, b, threshold=64):
    """The share of pixels whose grey levels differ by more than `threshold`."""
    from PIL import ImageChops
    if a.size != b.size:
        return 1.0
    diff = ImageChops.difference(a, b).point(lambda v: 255 if v > threshold else 0)
    return sum(1 for v in diff.getdata() if v) / (a.size[0] * a.size[1])


def compare_with_expected(image, name):
    path = EXPECTED / name
    if os.environ.get("PLANMON_UPDATE_EXPECTED") == "1":
        image.save(path, optimize=True)
        return
    from PIL import Image
    assert path.exists(), f"{path} is missing: run tests/api/expected/regenerate"
    share = differing_share(Image.open(path).convert("L"), image)
    assert share <= 0.005, (f"{name}: {share:.2%} of pixels differ from the committed image "
                            f"(an intended change: tests/api/expected/regenerate)")


def test_page_one_looks_as_committed(history):
    compare_with_expected(page_image(document(history, **SIGNED).content, 1),
                          "report-2017VN-page1.png")


def test_the_first_chart_page_looks_as_committed(history):
    data = document(history, **SIGNED).content
    pages = len(pdf_pages(data))
    chart = next(p for p in range(1, pages + 1) if "Biểu đồ:" in pdf_text(data, p))
    compare_with_expected(page_image(data, chart), "report-2017VN-chart.png")


def test_a_one_pixel_change_passes_and_a_moved_block_fails_the_comparison(history):
    from PIL import ImageChops
    image = page_image(document(history).content, 1)
    dotted = image.copy()
    dotted.putpixel((10, 10), 0 if image.getpixel((10, 10)) > 128 else 255)
    assert differing_share(image, dotted) < 0.005
    assert differing_share(image, ImageChops.offset(image, 0, 12)) > 0.005


# --- the DOCX ---------------------------------------------------------------------------------


def docx_of(data, tmp_path):
    """The DOCX read with python-docx (Debian's python3-docx, under /usr/bin/python3): its
    paragraphs (style, text), tables (style, cells) and section as JSON."""
    path = tmp_path / "report.docx"
    path.write_bytes(data)
    script = r"""
import json, sys, docx
d = docx.Document(sys.argv[1])
def cells(t):
    return [[c.text for c in row.cells] for row in t.rows]
s = d.sections[0]
print(json.dumps({
    "paragraphs": [[p.style.name, p.text] for p in d.paragraphs],
    "tables": [{"style": t.style.name if t.style is not None else None, "cells": cells(t),
                "paragraphs": [[p.style.name, p.text] for row in t.rows for c in row.cells
                               for p in c.paragraphs]} for t in d.tables],
    "styles": [st.name for st in d.styles],
    "page": [s.page_width.mm, s.page_height.mm, s.left_margin.mm, s.right_margin.mm,
             s.top_margin.mm, s.bottom_margin.mm],
    "first_page_header": s.different_first_page_header_footer,
    "images": len(d.inline_shapes)}, ensure_ascii=False))
"""
    out = subprocess.run(["/usr/bin/python3", "-c", script, str(path)], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    import json
    return json.loads(out.stdout)


def test_the_docx_opens_with_the_styles_frame_and_tables_of_the_report(history, tmp_path):
    body = report_json(history)
    doc = docx_of(document(history, DOCX, **SIGNED).content, tmp_path)
    assert {"Heading 1", "Heading 2", "Heading 3", "Table Grid"} <= set(doc["styles"])
    [w, h, left, right, top, bottom] = [round(v) for v in doc["page"]]
    assert (w, h) == (210, 297) and 30 <= left <= 35 and 15 <= right <= 20
    assert 20 <= top <= 25 and 20 <= bottom <= 25 and doc["first_page_header"]
    top_level = {text for _, text in doc["paragraphs"]}
    in_tables = {text for t in doc["tables"] for _, text in t["paragraphs"]}
    assert "BÁO CÁO" in top_level
    for text in ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 "Nơi nhận:", "Số: 12/BC-SLĐTBXH", "An Giang, ngày 05 tháng 01 năm 2018",
                 "- Lưu: VT, SLĐTBXH.", "Nguyễn Văn A"]:
        assert text in in_tables, text
    headings = [text for style, text in doc["paragraphs"] if style == "Heading 1"]
    assert headings[:2] == ["I. TÌNH HÌNH CHUNG", "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ"]
    grid_rows = [row for t in doc["tables"] if t["style"] == "Table Grid" for row in t["cells"]]
    for task in body["task_status"]:
        assert any(normal(task["title"]) in map(normal, row) and
                   f"{STATUS[task['status']]} ({task['percent_done']}%)" in row
                   for row in grid_rows), task["title"]
    everything = normal(" ".join(top_level | in_tables))
    missing = [t for t in content_texts(body) if t not in everything]
    assert missing == [], missing[:10]
    assert doc["images"] >= 2, "the charts are pictures in the DOCX"


def test_the_docx_is_a_well_formed_package(history):
    with zipfile.ZipFile(BytesIO(document(history, DOCX).content)) as z:
        assert z.testzip() is None
        names = set(z.namelist())
        assert {"[Content_Types].xml", "word/document.xml", "word/styles.xml"} <= names
        assert any(n.startswith("word/media/") and n.endswith(".png") for n in names)
        from xml.dom import minidom
        for name in names:
            if name.endswith(".xml") or name.endswith(".rels"):
                minidom.parseString(z.read(name))
        assert b"Times New Roman" in z.read("word/styles.xml")


# --- refusals ---------------------------------------------------------------------------------


def test_bad_input_is_a_problem_never_part_of_a_file(history):
    for period, status in [("2017XX", 400), ("2017Q3", 400), ("2030VN", 422)]:
        r = history.get(f"/v1/reports/{period}", params={"format": "pdf"})
        assert r.status_code == status, (period, r.text)
        assert r.headers["Content-Type"].startswith("application/problem+json")
    r = history.get(f"/v1/reports/{PERIOD}", params={"format": "pdf",
                                                     "signer_title": "A" * 10240})
    assert_problem(r, 400, "invalid_parameter")
    assert not r.content.startswith(b"%PDF")
    r = history.as_user("coordinator").get(f"/v1/reports/{PERIOD}",
                                           params={"format": "docx", "agency": "NO-SUCH"})
    assert_problem(r, 400, "invalid_parameter")
    r = history.get(f"/v1/reports/{PERIOD}", params={"number": "12"})
    assert_problem(r, 400, "invalid_parameter")
    r = history.get(f"/v1/reports/{PERIOD}", params={"format": "pdf", "table": "tasks"})
    assert_problem(r, 400, "invalid_parameter")


def test_an_issuing_agency_outside_the_callers_scope_is_forbidden(history):
    officer = history.as_user("longxuyen.officer")
    r = officer.get(f"/v1/reports/{PERIOD}", params={"format": "pdf", "agency": "SLDTBXH"})
    assert_problem(r, 403, "forbidden")
    own = officer.json("/v1/me")["agency"]
    assert document(officer, agency=own, unit="883").content.startswith(b"%PDF-")
    assert document(history.as_user("coordinator"), agency="SYT").content.startswith(b"%PDF-")


def test_twenty_at_once_get_documents_or_503_with_retry_after(history):
    def fetch(_):
        return history.clone().get(f"/v1/reports/{PERIOD}", params={"format": "pdf"},
                                   timeout=120)

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(fetch, range(20)))
    for r in answers:
        assert r.status_code in (200, 503), r.text[:300]
        if r.status_code == 200:
            assert r.content.startswith(b"%PDF-") and r.content.rstrip().endswith(b"%%EOF")
        else:
            assert int(r.headers["Retry-After"]) > 0
    assert any(r.status_code == 200 for r in answers)


# --- time and memory --------------------------------------------------------------------------


@pytest.mark.timing
def test_a_district_report_renders_in_under_half_a_second(history, build_kind):
    def attempt():
        started = time.monotonic()
        document(history, unit="883")
        return time.monotonic() - started

    fast_enough(attempt, 0.5, build_kind)


def test_ten_seconds_after_twenty_renders_the_server_holds_under_96_mib(history, fresh_planmon,
                                                                        build_kind):
    if build_kind != "release":
        pytest.skip("the sanitizers' shadow memory is not the server's")
    for _ in range(20):
        document(history)
    time.sleep(10)
    assert rss_mib(fresh_planmon.server.proc.pid) < 96


# --- the command line -------------------------------------------------------------------------


def test_planmon_report_writes_the_same_document(history, fresh_planmon, planmon_bin, base_env,
                                                 tmp_path):
    env = {**base_env, "DATABASE_URL": fresh_planmon.database_url, "PLANMON_TEST_TODAY": TODAY}
    out = tmp_path / "report.pdf"
    result = run_planmon(planmon_bin, ["report", "--period", PERIOD, "--format", "pdf", "-o",
                                       str(out), "--number", "12", "--date", TODAY,
                                       "--signer-title", SIGNED["signer_title"],
                                       "--signer-name", SIGNED["signer_name"]], env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert out.read_bytes().startswith(b"%PDF-")
    assert pdf_text(out.read_bytes()) == pdf_text(document(history, **SIGNED).content)
    bad = tmp_path / "bad.pdf"
    result = run_planmon(planmon_bin, ["report", "--period", "2030VN", "-o", str(bad)], env)
    assert result.returncode == 1 and "422" in result.stderr
    assert not bad.exists() and not list(tmp_path.glob("bad.pdf.partial*"))
