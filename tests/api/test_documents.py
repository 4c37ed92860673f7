"""Legal documents (issue 5, item 1): the decision and the texts it cites, seeded; added, read,
listed, searched and changed through /v1/documents; archived instead of deleted, and restored.
Everyone signed in reads them; admins and coordinators edit them and alone see what is archived.
"""

import re

import pytest

from audit import recorded
from checks import assert_problem, check_etag, check_not_modified, problem_core, seed_documents
from client import fold
from documents import (DOCUMENT_KEYS, TYPES, archive_document, archived_document,
                       create_document, doc_path, get_document, new_document_body, new_number,
                       patch_document, restore_document)
from settings import DEMO_USERS

TIMESTAMP = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")
SERVER_OWNED = ["id", "version", "created_at", "updated_at", "archived_at", "created_by"]
EDITORS = ("admin", "coordinator")
READERS = sorted(u for u, (_, role) in DEMO_USERS.items() if role not in EDITORS)


def all_documents(client, **params):
    items, _ = client.walk("/v1/documents", params, limit=500)
    for d in items:
        assert set(d) == DOCUMENT_KEYS
    return items


def ids(items):
    return [d["id"] for d in items]


# --- the seeded documents -----------------------------------------------------------------------

def test_the_six_seeded_documents_are_the_first_six(api):
    first = all_documents(api)[:6]
    assert ids(first) == [1, 2, 3, 4, 5, 6]
    expected = seed_documents()
    assert [{k: d[k] for k in expected[0]} for d in first] == expected
    for d in first:
        assert d["version"] == 1 and d["archived_at"] is None
        assert TIMESTAMP.match(d["created_at"]) and d["updated_at"] == d["created_at"]


def test_the_seeded_numbers_are_the_decisions(api):
    numbers = {d["number"]: d["type"] for d in all_documents(api)[:6]}
    assert numbers == {"1994/QĐ-UBND": "quyet_dinh", "361/QĐ-TTg": "quyet_dinh",
                       "155/2007/QĐ-TTg": "quyet_dinh", "77/2015/QH13": "luat",
                       "09/2019/NĐ-CP": "nghi_dinh", "1432/TTr-SLĐTBXH": "other"}


@pytest.mark.parametrize("doc_id", [1, 2, 3, 4, 5])
def test_a_document_reads_alone_with_an_etag(api, doc_id):
    check_etag(api, doc_path(doc_id))
    listed = next(d for d in all_documents(api) if d["id"] == doc_id)
    assert get_document(api, doc_id)[0] == listed


@pytest.mark.parametrize("form", ["same", "weak", "star"])
def test_a_document_honours_if_none_match(api, form):
    check_not_modified(api, doc_path(1), form)


def test_different_documents_have_different_etags(api):
    assert len({api.get(doc_path(n)).headers["ETag"] for n in range(1, 6)}) == 5


@pytest.mark.parametrize("doc_id", ["999999999", "0", "abc", "-1", "1.0", "1e2", "%31x"])
def test_an_unknown_or_malformed_id_is_404(api, doc_id):
    assert_problem(api.get(f"/v1/documents/{doc_id}"), 404, "not_found")


def test_a_document_takes_no_query_parameter(api):
    assert_problem(api.get(doc_path(1), params={"lang": "en"}), 400, "unknown_parameter", "lang")


# --- adding -------------------------------------------------------------------------------------

@pytest.mark.parametrize("editor", EDITORS)
def test_an_editor_adds_a_document_with_location_and_etag(api, editor):
    body = new_document_body()
    r = api.as_user(editor).post_json("/v1/documents", body)
    assert r.status_code == 201, r.text
    doc = r.json()
    assert set(doc) == DOCUMENT_KEYS
    assert {k: doc[k] for k in body} == body
    assert doc["version"] == 1 and doc["archived_at"] is None
    assert TIMESTAMP.match(doc["created_at"]) and doc["updated_at"] == doc["created_at"]
    assert r.headers["Location"] == doc_path(doc["id"])
    assert get_document(api, doc["id"]) == (doc, r.headers["ETag"])


def test_only_number_type_and_title_are_needed(coordinator):
    body = {"number": new_number("CV-SLĐTBXH"), "type": "cong_van",
            "title": "Về việc báo cáo kết quả phòng, chống mại dâm 6 tháng đầu năm 2017"}
    r = coordinator.post_json("/v1/documents", body)
    assert r.status_code == 201, r.text
    doc = r.json()
    assert {k: doc[k] for k in ("issuer", "signer", "issued", "effective", "title_en")} == {
        "issuer": "", "signer": None, "issued": None, "effective": None, "title_en": None}


@pytest.mark.parametrize("doc_type", TYPES)
def test_every_document_type_is_accepted(coordinator, doc_type):
    assert create_document(coordinator, type=doc_type)["type"] == doc_type


@pytest.mark.parametrize("fields", [
    {"title": "t" * 1000}, {"issuer": "i" * 200}, {"signer": "s" * 200},
    {"issued": "2016-02-29", "effective": "2016-02-29"}, {"issued": None, "effective": "2020-01-01"},
    {"issuer": None},
], ids=["title of 1000", "issuer of 200", "signer of 200", "a leap day",
        "effective without issued", "issuer null"])
def test_values_at_the_edges_are_accepted(coordinator, fields):
    r = coordinator.post_json("/v1/documents", new_document_body(**fields))
    assert r.status_code == 201, r.text


def test_a_number_of_64_characters_is_accepted(coordinator):
    number = new_number().ljust(64, "0")
    assert create_document(coordinator, number=number)["number"] == number


def assert_not_added(client, db, body, status, code, field):
    before = db.execute("SELECT count(*) FROM document").fetchone()[0]
    assert_problem(client.post_json("/v1/documents", body), status, code, field)
    assert db.execute("SELECT count(*) FROM document").fetchone()[0] == before


@pytest.mark.parametrize("field,value", [
    ("type", "decree"), ("type", "Quyet_dinh"), ("type", None), ("type", 3),
    ("number", ""), ("number", "N" * 65), ("number", None), ("number", 1994),
    ("title", ""), ("title", "t" * 1001), ("title", None), ("title", ["x"]),
    ("issued", "2016-02-30"), ("issued", "15/07/2016"), ("issued", "20160715"),
    ("issued", "2016-7-15"), ("effective", "2016-07-15T00:00:00Z"), ("issued", 2016),
    ("issuer", "i" * 201), ("signer", "s" * 201), ("signer", 5), ("title_en", "t" * 1001),
])
def test_a_bad_value_is_422_naming_the_field(coordinator, db, field, value):
    assert_not_added(coordinator, db, new_document_body(**{field: value}), 422,
                     "validation_failed", field)


@pytest.mark.parametrize("missing", ["number", "type", "title"])
def test_a_missing_field_is_422_naming_it(coordinator, db, missing):
    body = new_document_body()
    del body[missing]
    assert_not_added(coordinator, db, body, 422, "validation_failed", missing)


@pytest.mark.parametrize("field,value", [("number", "   "), ("title", " \t ")])
def test_a_blank_number_or_title_is_422_naming_it(coordinator, db, field, value):
    assert_not_added(coordinator, db, new_document_body(**{field: value}), 422,
                     "validation_failed", field)


def test_an_effective_date_before_the_issue_date_is_422_naming_it(coordinator, db):
    body = new_document_body(issued="2016-07-15", effective="2016-07-14")
    assert_not_added(coordinator, db, body, 422, "validation_failed", "effective")


@pytest.mark.parametrize("field", SERVER_OWNED)
def test_a_server_owned_field_is_400_naming_it(coordinator, db, field):
    value = {"id": 77, "version": 1, "created_by": "coordinator"}.get(field,
                                                                      "2016-07-15T00:00:00Z")
    assert_not_added(coordinator, db, new_document_body(**{field: value}), 400, "bad_request",
                     field)


@pytest.mark.parametrize("field", ["signer_capacity", "cited_in", "Number", "search_text"])
def test_an_unknown_field_is_400_naming_it(coordinator, db, field):
    assert_not_added(coordinator, db, new_document_body(**{field: "x"}), 400, "bad_request",
                     field)


@pytest.mark.parametrize("number", ["1994/QĐ-UBND", "09/2019/NĐ-CP"])
def test_a_number_that_is_taken_is_409_naming_it(coordinator, db, number):
    assert_not_added(coordinator, db, new_document_body(number=number), 409, "conflict",
                     "number")


def test_an_archived_documents_number_stays_taken(coordinator, db):
    doc_id = archived_document(coordinator)
    number = coordinator.json(doc_path(doc_id))["number"]
    assert_not_added(coordinator, db, new_document_body(number=number), 409, "conflict",
                     "number")


@pytest.mark.parametrize("body", [b"[]", b'"x"', b"{", b'{"number": "1", "number": "2"}'],
                         ids=["array", "string", "truncated", "repeated key"])
def test_a_body_that_is_not_one_json_object_is_400(coordinator, body):
    assert_problem(coordinator.post_json("/v1/documents", body), 400, "invalid_json")


# --- listing and searching ----------------------------------------------------------------------

def test_the_list_is_ordered_by_id_and_pages(api, coordinator):
    for _ in range(3):
        create_document(coordinator)
    whole = all_documents(api)
    assert ids(whole) == sorted(ids(whole)) and len(whole) >= 8
    paged, pages = api.walk("/v1/documents", limit=3, via="link")
    assert paged == whole and pages >= 3


@pytest.mark.parametrize("doc_type", ["quyet_dinh", "luat", "nghi_dinh", "chi_thi"])
def test_the_type_filter(api, doc_type):
    assert all_documents(api, type=doc_type) == [
        d for d in all_documents(api) if d["type"] == doc_type]


SEEDED_ON_PROSTITUTION = {"1994/QĐ-UBND", "361/QĐ-TTg", "155/2007/QĐ-TTg"}


@pytest.mark.parametrize("q,numbers", [
    ("mai dam", SEEDED_ON_PROSTITUTION),
    ("MẠI DÂM", SEEDED_ON_PROSTITUTION),
    ("phòng, chống", SEEDED_ON_PROSTITUTION),
    ("phong, chong mai dam", {"1994/QĐ-UBND", "361/QĐ-TTg"}),
    ("PHÒNG, CHỐNG MẠI DÂM", {"1994/QĐ-UBND", "361/QĐ-TTg"}),
    ("chinh quyen dia phuong", {"77/2015/QH13"}),
    ("Tổ chức Chính quyền", {"77/2015/QH13"}),
    ("qd-ubnd", {"1994/QĐ-UBND"}),
    ("qd-ttg", {"361/QĐ-TTg", "155/2007/QĐ-TTg"}),
    ("QĐ-UBND", {"1994/QĐ-UBND"}),
    ("nđ-cp", {"09/2019/NĐ-CP"}),
    ("che do bao cao", {"09/2019/NĐ-CP"}),
    ("local government", {"77/2015/QH13"}),
    ("inter-agency coordination", {"155/2007/QĐ-TTg"}),
    ("an giang", {"1994/QĐ-UBND"}),
], ids=lambda v: v if isinstance(v, str) else None)
def test_q_finds_seeded_documents_whatever_the_diacritics(api, q, numbers):
    found = {d["number"] for d in all_documents(api, q=q) if d["id"] <= 5}
    assert found == numbers


def test_q_ignores_the_punctuation_between_words(api):
    """People write the programme's name "phòng, chống mại dâm" or "phòng chống mại dâm" alike;
    `phong chong mai dam` must find the two texts named so."""
    found = {d["number"] for d in all_documents(api, q="phong chong mai dam") if d["id"] <= 5}
    assert found == {"1994/QĐ-UBND", "361/QĐ-TTg"}


def test_q_folds_tone_mark_placement(api, coordinator):
    doc = create_document(coordinator, title="Kế hoạch của UBND huyện Thoại Sơn về xã Vĩnh Hoà")
    for q in ("vinh hoa", "Vĩnh Hòa", "Vĩnh Hoà", "VĨNH HOÀ"):
        assert doc["id"] in ids(all_documents(api, q=q)), q


def test_q_matches_what_fold_matches(api):
    everything = all_documents(api)
    for q in ("ke hoach", "quyet dinh", "2016"):
        expected = [d for d in everything
                    if fold(q) in fold(f"{d['number']} {d['title']} {d['title_en'] or ''}")]
        assert all_documents(api, q=q) == expected, q


def test_filters_combine(api):
    assert {d["number"] for d in all_documents(api, type="quyet_dinh", q="ban hanh")
            if d["id"] <= 5} == {"1994/QĐ-UBND", "155/2007/QĐ-TTg"}


@pytest.mark.parametrize("param,value", [("type", "decree"), ("type", "LUAT"), ("limit", "0"),
                                         ("include_archived", "yes"),
                                         ("include_archived", "1"), ("cursor", "nonsense")])
def test_a_bad_list_parameter_is_400_naming_it(api, param, value):
    assert_problem(api.get("/v1/documents", params={param: value}), 400, "invalid_parameter",
                   param)


def test_an_unknown_list_parameter_is_400(api):
    assert_problem(api.get("/v1/documents", params={"number": "1994/QĐ-UBND"}), 400,
                   "unknown_parameter", "number")


# --- changing -----------------------------------------------------------------------------------

@pytest.mark.parametrize("content_type", ["application/merge-patch+json", "application/json"])
def test_a_patch_changes_the_fields_given_and_nothing_else(coordinator, content_type):
    doc = create_document(coordinator)
    _, etag = get_document(coordinator, doc["id"])
    r = coordinator.patch_json(doc_path(doc["id"]), {"effective": "2017-04-01"},
                               headers={"If-Match": etag}, content_type=content_type)
    assert r.status_code == 200, r.text
    after = r.json()
    assert after["effective"] == "2017-04-01" and after["version"] == 2
    unchanged = set(DOCUMENT_KEYS) - {"effective", "version", "updated_at"}
    assert {k: after[k] for k in unchanged} == {k: doc[k] for k in unchanged}
    assert after["updated_at"] >= doc["updated_at"] and r.headers["ETag"] != etag
    assert get_document(coordinator, doc["id"]) == (after, r.headers["ETag"])


def test_null_clears_an_optional_field(coordinator):
    doc = create_document(coordinator)
    r = patch_document(coordinator, doc["id"], {"signer": None, "issued": None,
                                                "effective": None, "title_en": None,
                                                "issuer": None})
    assert r.status_code == 200, r.text
    assert {k: r.json()[k] for k in ("signer", "issued", "effective", "title_en", "issuer")} == {
        "signer": None, "issued": None, "effective": None, "title_en": None, "issuer": ""}


@pytest.mark.parametrize("field", ["number", "type", "title"])
def test_null_cannot_clear_a_required_field(coordinator, field):
    doc = create_document(coordinator)
    assert_problem(patch_document(coordinator, doc["id"], {field: None}), 422,
                   "validation_failed", field)
    assert get_document(coordinator, doc["id"])[0] == doc


@pytest.mark.parametrize("body,status,code,field", [
    ({"number": "1994/QĐ-UBND"}, 409, "conflict", "number"),
    ({"type": "decree"}, 422, "validation_failed", "type"),
    ({"issued": "2017-02-29"}, 422, "validation_failed", "issued"),
    ({"id": 9}, 400, "bad_request", "id"),
    ({"archived_at": None}, 400, "bad_request", "archived_at"),
    ({"note": "x"}, 400, "bad_request", "note"),
])
def test_a_refused_patch_changes_nothing(coordinator, body, status, code, field):
    doc = create_document(coordinator)
    assert_problem(patch_document(coordinator, doc["id"], body), status, code, field)
    assert get_document(coordinator, doc["id"])[0] == doc


def test_patching_an_unknown_document_is_404(coordinator):
    assert_problem(patch_document(coordinator, 999999999, {"title": "x"}, '"0000000000000000"'),
                   404, "not_found")


# --- archiving and restoring --------------------------------------------------------------------

@pytest.fixture
def archived(coordinator):
    """A document, archived: (its id, the document before)."""
    doc = create_document(coordinator)
    r = archive_document(coordinator, doc["id"])
    assert r.status_code == 204 and r.content == b"", r.text
    return doc["id"], doc


def test_an_archived_document_is_kept_with_its_archive_time(coordinator, archived):
    doc_id, before = archived
    after, _ = get_document(coordinator, doc_id)
    assert TIMESTAMP.match(after["archived_at"]) and after["version"] == before["version"] + 1
    assert {k: after[k] for k in ("number", "title", "type")} == \
        {k: before[k] for k in ("number", "title", "type")}


@pytest.mark.parametrize("user", READERS)
def test_an_archived_document_does_not_exist_for_other_roles(api, archived, user):
    doc_id, _ = archived
    client = api.as_user(user)
    r = client.get(doc_path(doc_id))
    assert_problem(r, 404, "not_found")
    assert problem_core(r) == problem_core(client.get(doc_path(999999999))), \
        "an archived document can be told from one that does not exist"
    assert doc_id not in ids(all_documents(client))


@pytest.mark.parametrize("editor", EDITORS)
def test_archived_documents_leave_the_list_but_editors_may_ask_for_them(api, archived, editor):
    doc_id, _ = archived
    client = api.as_user(editor)
    assert doc_id not in ids(all_documents(client))
    assert doc_id not in ids(all_documents(client, include_archived="false"))
    with_archived = all_documents(client, include_archived="true")
    assert doc_id in ids(with_archived) and ids(with_archived) == sorted(ids(with_archived))
    assert [d for d in with_archived if d["archived_at"] is None] == all_documents(client)


@pytest.mark.parametrize("user", READERS)
def test_include_archived_is_403_for_other_roles(api, user):
    r = api.as_user(user).get("/v1/documents", params={"include_archived": "true"})
    assert_problem(r, 403, "forbidden", "include_archived")


def test_an_archived_document_cannot_be_changed_or_archived_again(coordinator, archived):
    doc_id, _ = archived
    before = get_document(coordinator, doc_id)
    assert_problem(patch_document(coordinator, doc_id, {"title": "x"}), 409, "conflict")
    assert_problem(archive_document(coordinator, doc_id), 409, "conflict")
    assert get_document(coordinator, doc_id) == before


def test_a_restore_brings_it_back_for_everyone(api, coordinator, archived):
    doc_id, before = archived
    r = restore_document(coordinator, doc_id)
    assert r.status_code == 200, r.text
    restored = r.json()
    assert restored["archived_at"] is None and restored["version"] == before["version"] + 2
    assert {k: restored[k] for k in ("number", "title", "issued")} == \
        {k: before[k] for k in ("number", "title", "issued")}
    assert get_document(api, doc_id) == (restored, r.headers["ETag"])
    assert doc_id in ids(all_documents(api))


def test_a_document_that_is_not_archived_cannot_be_restored(coordinator):
    doc = create_document(coordinator)
    assert_problem(restore_document(coordinator, doc["id"]), 409, "conflict")
    assert get_document(coordinator, doc["id"])[0] == doc


@pytest.mark.parametrize("doc_id", ["999999999", "abc"])
def test_restoring_or_archiving_an_unknown_document_is_404(coordinator, doc_id):
    assert_problem(restore_document(coordinator, doc_id), 404, "not_found")
    assert_problem(archive_document(coordinator, doc_id, '"0000000000000000"'), 404, "not_found")


def test_a_restore_takes_no_body(coordinator, archived):
    doc_id, _ = archived
    r = coordinator.post_json(doc_path(doc_id, "restore"), {"reason": "archived by mistake"})
    assert_problem(r, 415, "unsupported_media_type")


def test_an_archive_takes_no_body(coordinator):
    doc = create_document(coordinator)
    etag = get_document(coordinator, doc["id"])[1]
    r = coordinator.send_json("DELETE", doc_path(doc["id"]), {"reason": "duplicate"},
                              headers={"If-Match": etag})
    assert_problem(r, 415, "unsupported_media_type")


# --- every write is audited ---------------------------------------------------------------------

def test_each_write_of_a_document_records_one_event_naming_it(coordinator, audit_log):
    writes = [
        ("create", lambda: coordinator.post_json("/v1/documents", new_document_body())),
        ("update", lambda: patch_document(coordinator, doc_id, {"title_en": "Changed"})),
        ("archive", lambda: archive_document(coordinator, doc_id)),
        ("restore", lambda: restore_document(coordinator, doc_id)),
    ]
    doc_id = None
    for version, (action, write) in enumerate(writes, 1):
        r, events = recorded(audit_log, coordinator, write)
        assert r.status_code in (200, 201, 204), r.text
        doc_id = doc_id or r.json()["id"]
        assert [(e["action"], e["entity_type"], e["entity_id"], e["version"], e["user"])
                for e in events] == [(action, "documents", str(doc_id), version, "coordinator")]
