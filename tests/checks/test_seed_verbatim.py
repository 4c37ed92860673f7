"""Every Vietnamese text of the 1994 seed is a verbatim excerpt of the decision's text, and the
check reports each kind of text that is not."""

import copy
import json
import pathlib
import subprocess
import sys

import pytest

import seed_verbatim

CHECK = pathlib.Path(__file__).with_name("seed_verbatim.py")


def run(*args):
    return subprocess.run([sys.executable, str(CHECK), *map(str, args)], capture_output=True,
                          text=True, timeout=60)


@pytest.fixture(scope="module")
def plan():
    return json.loads(seed_verbatim.PLAN.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def source():
    return seed_verbatim.SOURCE.read_text(encoding="utf-8")


def test_every_seeded_text_is_a_verbatim_excerpt_of_the_decision():
    r = run()
    assert r.returncode == 0, r.stdout


def test_the_source_is_the_one_the_readme_cites():
    readme = (seed_verbatim.ROOT / "db" / "seed" / "README-plan-1994.md").read_text("utf-8")
    assert "db/seed/source/qd-1994-2016-an-giang.txt" in readme
    assert "/work/" not in readme + json.dumps(json.loads(
        seed_verbatim.PLAN.read_text(encoding="utf-8"))["note"])


def task(plan, key):
    return next(t for t in plan["tasks"] if t["key"] == key)


def indicator(plan, code):
    return next(i for i in plan["indicators"] if i["code"] == code)


def set_title(key, title):
    return lambda p: task(p, key).__setitem__("title", title)


# planted change -> what the report must say (then, if any, what its second line must say)
PLANTED = {
    "a word dropped from an excerpt title": (
        set_title("ii32b-review", "Tổ chức rà soát về nhóm người có nguy cơ cao"),
        "tasks[ii32b-review].title: not verbatim"),
    "a tone mark moved (hòa for hoà)": (
        lambda p: next(m for m in p["pilot_model_types"] if m["code"] == "PM3").__setitem__(
            "target_text", next(m for m in p["pilot_model_types"] if m["code"] == "PM3")
            ["target_text"].replace("hoà nhập", "hòa nhập")),
        "pilot_model_types[PM3].target_text: not verbatim"),
    "the source's typo corrected in a quotation": (
        lambda p: task(p, "ii33b-hr-service-package")["agencies"][0].__setitem__(
            "note", "R3 default: Điều 2 'Giao Sở Lao động - Thương binh và Xã hội chủ trì'."),
        "quotation not verbatim"),
    "quotation pieces out of order": (
        lambda p: task(p, "ii33b-hr-service-package")["agencies"][0].__setitem__(
            "note", "V.1 'tổ chức thực hiện ... Chủ trì, xây dựng kế hoạch'."),
        "quotation not verbatim"),
    "an elided title of four fragments": (
        lambda p: task(p, "v1-report-6m").__setitem__(
            "title", "Định kỳ tổng hợp báo cáo Chủ tịch tỉnh tình hình kết quả"),
        "tasks[v1-report-6m].title: not 2-3 in-order fragments"),
    "an elided title that is verbatim": (
        lambda p: task(p, "v1-report-6m").__setitem__(
            "title", "Định kỳ 6 tháng, hàng năm tổng hợp báo cáo Chủ tịch Ủy ban nhân dân tỉnh"),
        "tasks[v1-report-6m].title: declared elided but verbatim"),
    "an elided name across two paragraphs": (
        lambda p: indicator(p, "MEDIA-MONTHLY-DIST").__setitem__(
            "name", "Thông tin về phòng, chống mại dâm được đăng tải Đến năm 2017, đạt 75%"),
        "indicators[MEDIA-MONTHLY-DIST].name: not 2-3 in-order fragments"),
    "an elided title without its basis": (
        lambda p: task(p, "v1-report-6m").__setitem__("title_basis", "excerpt"),
        "tasks[v1-report-6m].title: not verbatim"),
    "a basis outside its set": (
        lambda p: task(p, "v1-report-6m").__setitem__("title_basis", "paraphrase"),
        "tasks[v1-report-6m].title: unknown title_basis='paraphrase'"),
    "a heading read without its basis": (
        lambda p: p["documents"][0].__setitem__("title_basis", "excerpt"),
        "documents[1994/QĐ-UBND].title: not verbatim", "documents[1994/QĐ-UBND].issuer"),
    "a section's text paraphrased": (
        lambda p: p["sections"][-1].__setitem__(
            "text", p["sections"][-1]["text"].replace("chịu trách nhiệm", "có trách nhiệm")),
        "sections[D3].text: not verbatim"),
    "a word cut in the middle": (
        set_title("ii32b-review", "ổ chức rà soát, đánh giá về nhóm người có nguy cơ cao"),
        "tasks[ii32b-review].title: not verbatim"),
}


@pytest.mark.parametrize("kind", sorted(PLANTED))
def test_a_planted_text_that_is_not_verbatim_is_reported(plan, source, kind):
    planted = copy.deepcopy(plan)
    change, *said = PLANTED[kind]
    change(planted)
    problems = seed_verbatim.check(planted, source)
    assert len(problems) == len(said), problems
    assert all(s in p for s, p in zip(said, problems)), problems


def test_a_planted_text_fails_the_command(plan, tmp_path):
    planted = copy.deepcopy(plan)
    set_title("ii31b-media", "Nâng cao hiệu quả truyền thông qua báo chí")(planted)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(planted, ensure_ascii=False), encoding="utf-8")
    r = run(path, seed_verbatim.SOURCE)
    assert r.returncode == 1 and "tasks[ii31b-media].title: not verbatim" in r.stdout, r.stdout


@pytest.mark.parametrize("text", [
    "Thông tin về phòng, chống mại dâm\n\nđược   đăng tải",     # whitespace (N1)
    "Tổ chức rà soát, đánh giá về nhóm người có nguy cơ cao",   # NFC (N1), the NFD below
    "tổ chức rà soát, đánh giá về nhóm người có nguy cơ cao",   # first letter's case (N3)
])
def test_the_allowed_edits_pass(plan, source, text):
    import unicodedata
    for form in ("NFC", "NFD"):
        planted = copy.deepcopy(plan)
        set_title("ii32b-review", unicodedata.normalize(form, text))(planted)
        assert seed_verbatim.check(planted, source) == []
