"""Legal documents through the API, for the tests: bodies, creating, reading and changing them.

Every helper takes the client to call as; `admin` in a name means the caller must be allowed to
edit documents (admin or coordinator).
"""

import uuid

DOCUMENT_KEYS = {"id", "number", "type", "issuer", "signer", "issued", "effective", "title",
                 "title_en", "version", "archived_at", "created_at", "updated_at"}
TYPES = ("luat", "nghi_quyet", "nghi_dinh", "quyet_dinh", "chi_thi", "thong_tu", "ke_hoach",
         "cong_van", "other")


def doc_path(doc_id, *rest):
    """/v1/documents/{id}[/rest...]"""
    return "/".join([f"/v1/documents/{doc_id}", *rest])


def new_number(suffix="KH-UBND"):
    """A document number no other test uses, shaped like the province's (`123/KH-UBND`)."""
    return f"{uuid.uuid4().int % 10**9}/{suffix}-{uuid.uuid4().hex[:6].upper()}"


def new_document_body(**fields):
    """A valid new document (a provincial plan), with `fields` on top."""
    return {"number": new_number(), "type": "ke_hoach", "issuer": "Ủy ban nhân dân tỉnh An Giang",
            "signer": "Lê Văn Nưng", "issued": "2017-03-10", "effective": "2017-03-10",
            "title": "Kế hoạch tuyên truyền phòng, chống mại dâm năm 2017",
            "title_en": "Plan for prostitution-prevention awareness in 2017", **fields}


def create_document(editor, headers=None, **fields):
    """POST /v1/documents as `editor`; must be 201. Returns the Document."""
    r = editor.post_json("/v1/documents", new_document_body(**fields), headers=headers)
    assert r.status_code == 201, f"creating a document -> {r.status_code}: {r.text[:500]}"
    return r.json()


def get_document(client, doc_id):
    """GET /v1/documents/{id}; must be 200. Returns (Document, ETag)."""
    r = client.get(doc_path(doc_id))
    assert r.status_code == 200, f"GET document {doc_id} -> {r.status_code}: {r.text[:300]}"
    return r.json(), r.headers["ETag"]


def if_match(client, doc_id, etag):
    """The If-Match header for a change: `etag` None is the current ETag as `client` reads it,
    False sends none."""
    if etag is None:
        etag = get_document(client, doc_id)[1]
    return {"If-Match": etag} if etag else {}


def patch_document(client, doc_id, body, etag=None, headers=None):
    """PATCH /v1/documents/{id} (merge patch) with If-Match (see if_match); the response."""
    return client.patch_json(doc_path(doc_id), body,
                             headers={**if_match(client, doc_id, etag), **(headers or {})},
                             content_type="application/merge-patch+json")


def archive_document(client, doc_id, etag=None, headers=None):
    """DELETE /v1/documents/{id} with If-Match (see if_match); the response."""
    return client.request("DELETE", doc_path(doc_id),
                          headers={**if_match(client, doc_id, etag), **(headers or {})})


def restore_document(client, doc_id, headers=None):
    """POST /v1/documents/{id}/restore (no body); the response."""
    return client.request("POST", doc_path(doc_id, "restore"), headers=headers)


def archived_document(editor, **fields):
    """A new document, archived by `editor`; returns its id."""
    doc_id = create_document(editor, **fields)["id"]
    r = archive_document(editor, doc_id)
    assert r.status_code == 204, f"archiving {doc_id} -> {r.status_code}: {r.text[:300]}"
    return doc_id
