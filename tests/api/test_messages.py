"""Messages in the caller's language (issue 19, item 1): a problem's title and detail, and every
field error's message, are Vietnamese when Accept-Language prefers it (vi, vi-VN), English
otherwise or without the header; the codes, which programs read, are the same in both. The
Vietnamese comes from service/messages/vi.tsv (tests/checks/messages.py keeps it complete).
"""

import re

import pytest

from checks import assert_problem
from plans import create_plan, patch, plan_path

VIETNAMESE = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]",
                        re.I)


def catalogue():
    """{English: Vietnamese} of the catalogue, for the messages these tests name."""
    from pathlib import Path
    path = Path(__file__).resolve().parents[2] / "service" / "messages" / "vi.tsv"
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and "\t" in line:
            en, vi = line.split("\t", 1)
            out[en] = vi
    return out


def both(client, method, path):
    """A request asked for in English and in Vietnamese: (en response, vi response)."""
    return [client.request(method, path, headers={"Accept-Language": language})
            for language in ("en", "vi-VN,vi;q=0.9,en;q=0.5")]


def check_pair(en, vi, status, code, field=None):
    """The same problem in both languages: same status, code and field codes; the Vietnamese
    title, detail and field messages Vietnamese, the English ones English."""
    e, v = assert_problem(en, status, code, field), assert_problem(vi, status, code, field)
    assert (e["type"], e["status"], e["code"]) == (v["type"], v["status"], v["code"])
    assert [(x["field"], x["code"]) for x in e.get("errors", [])] == \
        [(x["field"], x["code"]) for x in v.get("errors", [])]
    for text in [v["title"], v["detail"]] + [x["message"] for x in v.get("errors", [])]:
        assert VIETNAMESE.search(text), f"not Vietnamese: {text!r}"
    for text in [e["title"], e["detail"]] + [x["message"] for x in e.get("errors", [])]:
        assert not VIETNAMESE.search(text), f"not English: {text!r}"
    assert v["title"] != e["title"] and v["detail"] != e["detail"]
    return e, v


def test_a_bad_limit_is_400_in_vietnamese(api):
    en, vi = both(api, "GET", "/v1/agencies?limit=0")
    e, v = check_pair(en, vi, 400, "invalid_parameter", "limit")
    words = catalogue()
    assert v["title"] == words["A parameter has an invalid value"]
    assert v["errors"][0]["message"] == words["%s must be a whole number from %ld to %ld"].replace(
        "%s", "limit", 1).replace("%ld", "1", 1).replace("%ld", "500", 1)
    assert e["errors"][0]["message"] == "limit must be a whole number from 1 to 500"


def test_an_unknown_task_is_404_in_vietnamese(api):
    en, vi = both(api, "GET", "/v1/tasks/999999999")
    e, v = check_pair(en, vi, 404, "not_found")
    assert v["detail"] == catalogue()["There is no such task."]
    assert e["detail"] == "There is no such task."


def test_a_stale_if_match_is_412_in_vietnamese(api, coordinator):
    path = plan_path(create_plan(coordinator)["id"])
    answers = [patch(coordinator, path, {"title_en": "x"}, etag='"0000000000000000"',
                     headers={"Accept-Language": language})
               for language in ("en", "vi")]
    check_pair(*answers, 412, "precondition_failed")


def test_a_bad_body_field_is_422_in_vietnamese(api, coordinator):
    body = {"code": "KH-X", "title": "   ", "period_start": "2017-01-01",
            "period_end": "2017-12-31"}
    answers = [coordinator.post_json("/v1/plans", body, headers={"Accept-Language": language})
               for language in ("en", "vi")]
    e, v = check_pair(*answers, 422, "validation_failed", "title")
    assert v["errors"][0]["message"].startswith("title ")


@pytest.mark.parametrize("language", [None, "", "en", "fr", "en-US,vi;q=0.5", "vi;q=0"])
def test_without_a_preference_for_vietnamese_messages_are_english(api, language):
    headers = {"Accept-Language": language}  # None: requests sends no such header
    r = api.get("/v1/tasks/999999999", headers=headers)
    assert assert_problem(r, 404, "not_found")["detail"] == "There is no such task."
