"""Reference data through the API, for the tests (issue 5, item 7): administrative units and
agencies as the admin adds and changes them — shapes, codes no other test uses, bodies, and
creating, reading and changing them.

Every unit a test adds lies under a province-level unit of the test module's own, never under
89: the seeded province, its districts and communes keep the counts that other tests check. The
codes of new units are 5 digits from 90000 to 99998 (99999 and 885 are the "unknown" codes of
other tests) that no unit has yet; the names carry a tag of letters unique to the call and no
character that `?q=` treats specially. The People's Committees a test adds are named `UBND …`,
not `Ủy ban nhân dân …`, so that searches for the seeded committees find exactly those.
"""

import random
import uuid

UNIT_KEYS = {"code", "name", "type", "level", "parent", "path", "valid_from", "valid_to",
             "counts", "current_since", "former", "version"}
FORMER_KEYS = {"name", "type", "valid_from", "valid_to"}
AGENCY_KEYS = {"code", "name", "name_en", "kind", "unit", "valid_from", "valid_to", "short_name",
               "parent", "version"}

# The types a unit of each level may have (the contract of issue 5).
LEVEL_TYPES = {1: ("tinh", "thanh_pho"), 2: ("thanh_pho", "thi_xa", "huyen"),
               3: ("phuong", "thi_tran", "xa")}
UNIT_TYPES = ("tinh", "thanh_pho", "thi_xa", "huyen", "phuong", "thi_tran", "xa")
# The Vietnamese word a unit's name starts with, by type.
TYPE_WORDS = {"tinh": "Tỉnh", "thanh_pho": "Thành phố", "thi_xa": "Thị xã", "huyen": "Huyện",
              "phuong": "Phường", "thi_tran": "Thị trấn", "xa": "Xã"}
AGENCY_KINDS = ("people_committee", "office", "steering_committee", "department", "police",
                "border_guard", "media", "party", "procuracy", "court", "mass_organisation",
                "foreign_partner")

# Unit codes other tests use as codes no unit has.
RESERVED_UNIT_CODES = {"99999"}
_taken_here = set()


def tag():
    """Letters no other call returns (a unit's or an agency's name stays unique with it)."""
    n = uuid.uuid4().int
    letters = ""
    for _ in range(6):
        n, r = divmod(n, 26)
        letters += chr(ord("A") + r)
    return letters


# --- paths --------------------------------------------------------------------------------------

def unit_path(code, *rest):
    """/v1/admin-units/{code}[/rest...]"""
    return "/".join([f"/v1/admin-units/{code}", *rest])


def agency_path(code, *rest):
    """/v1/agencies/{code}[/rest...]"""
    return "/".join([f"/v1/agencies/{code}", *rest])


# --- codes and bodies ---------------------------------------------------------------------------

def new_unit_code(client):
    """A 5-digit unit code that no unit has (asked of the server as `client`) and that no other
    call of this function returned."""
    for _ in range(200):
        code = str(random.randint(90000, 99998))
        if code in RESERVED_UNIT_CODES or code in _taken_here:
            continue
        r = client.get(unit_path(code))
        if r.status_code == 404:
            _taken_here.add(code)
            return code
        assert r.status_code == 200, f"GET {unit_path(code)} -> {r.status_code}: {r.text[:300]}"
    raise AssertionError("no free unit code found in 200 tries")


def new_agency_code(prefix="T"):
    """An agency code no other test uses (`T-3F9A0C2B`)."""
    return f"{prefix}-{uuid.uuid4().hex[:8].upper()}"


def unit_name(unit_type, words="Thử Nghiệm"):
    """A unit's name as the official list writes it: its type's word, then the name proper."""
    return f"{TYPE_WORDS[unit_type]} {words} {tag()}"


def new_unit_body(client, parent, unit_type, **fields):
    """A valid new unit of `unit_type` under `parent` (None: a province-level unit), valid from
    2015-08-31 like the seeded units, with `fields` on top."""
    body = {"code": new_unit_code(client), "name": unit_name(unit_type), "type": unit_type,
            "valid_from": "2015-08-31"}
    if parent is not None:
        body["parent"] = parent
    return {**body, **fields}


def new_agency_body(**fields):
    """A valid new agency (a department with an English name), with `fields` on top."""
    t = tag()
    return {"code": new_agency_code(), "name": f"Sở Thử Nghiệm {t}",
            "name_en": f"Department of Trials {t}", "kind": "department", **fields}


def committee_body(unit_code, **fields):
    """A valid new People's Committee of unit `unit_code`, with `fields` on top."""
    t = tag()
    return {"code": f"UBND-{unit_code}-{t}", "name": f"UBND Thử Nghiệm {t}",
            "name_en": f"People's Committee of Trials {t}", "kind": "people_committee",
            "unit": unit_code, **fields}


# --- creating, reading, changing ----------------------------------------------------------------

def created(r, what):
    assert r.status_code == 201, f"creating {what} -> {r.status_code}: {r.text[:500]}"
    return r.json()


def create_unit(admin, parent, unit_type, headers=None, **fields):
    """POST /v1/admin-units as `admin`; must be 201. Returns the unit."""
    body = new_unit_body(admin, parent, unit_type, **fields)
    return created(admin.post_json("/v1/admin-units", body, headers=headers), f"unit {body}")


def create_agency(admin, headers=None, **fields):
    """POST /v1/agencies as `admin`; must be 201. Returns the agency."""
    body = new_agency_body(**fields)
    return created(admin.post_json("/v1/agencies", body, headers=headers), f"agency {body}")


def create_committee(admin, unit_code, **fields):
    """POST /v1/agencies of a People's Committee of `unit_code`; must be 201. Returns it."""
    body = committee_body(unit_code, **fields)
    return created(admin.post_json("/v1/agencies", body), f"committee {body}")


def read(client, path):
    """GET path; must be 200. Returns (body, ETag)."""
    r = client.get(path)
    assert r.status_code == 200, f"GET {path} -> {r.status_code}: {r.text[:300]}"
    return r.json(), r.headers["ETag"]


def patch(client, path, body, etag=None, headers=None, content_type=None):
    """PATCH path (merge patch) with If-Match: `etag` None is the current ETag as `client`
    reads it, False sends none. The response."""
    if etag is None:
        etag = read(client, path)[1]
    return client.patch_json(path, body,
                             headers={**({"If-Match": etag} if etag else {}), **(headers or {})},
                             content_type=content_type or "application/merge-patch+json")


def patched(client, path, body):
    """PATCH path with the current ETag; must be 200. Returns the object after it."""
    r = patch(client, path, body)
    assert r.status_code == 200, f"PATCH {path} {body} -> {r.status_code}: {r.text[:500]}"
    return r.json()


