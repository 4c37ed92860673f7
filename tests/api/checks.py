"""Assertions and reference data shared by the API tests.

Reference data comes from the repository's seed file (the official GSO list) and from the
decision's text as the contract encodes it, never from the server.
"""

import json
import os
import re
import time
import unicodedata

from psycopg import sql

from settings import SEED_PLAN_PATH, SEED_UNITS_PATH

UNIT_TYPES = {"Tỉnh": "tinh", "Thành phố": "thanh_pho", "Thị xã": "thi_xa", "Huyện": "huyen",
              "Phường": "phuong", "Thị trấn": "thi_tran", "Xã": "xa"}

# Every body the decision names (sections II-V), with its kind and a piece of its Vietnamese name
# (folded: no diacritics, lower case).
DECISION_AGENCIES = {
    "UBND-89": ("people_committee", "uy ban nhan dan"),
    "VPUBND": ("office", "van phong"),
    "BCD138": ("steering_committee", "ban chi dao"),
    "SLDTBXH": ("department", "lao dong - thuong binh va xa hoi"),
    "CAT": ("police", "cong an"),
    "BDBP": ("border_guard", "bien phong"),
    "STTTT": ("department", "thong tin va truyen thong"),
    "SVHTTDL": ("department", "van hoa, the thao va du lich"),
    "SYT": ("department", "y te"),
    "STP": ("department", "tu phap"),
    "SKHDT": ("department", "ke hoach va dau tu"),
    "STC": ("department", "tai chinh"),
    "SGDDT": ("department", "giao duc va dao tao"),
    "DPTTH": ("media", "phat thanh"),
    "BAG": ("media", "bao an giang"),
    "BTGTU": ("party", "tuyen giao"),
    "VKSND": ("procuracy", "kiem sat nhan dan"),
    "TAND": ("court", "toa an nhan dan"),
    "MTTQ": ("mass_organisation", "mat tran to quoc"),
    "HLHPN": ("mass_organisation", "phu nu"),
    "TINHDOAN": ("mass_organisation", "doan"),
    "HND": ("mass_organisation", "nong dan"),
    "HCCB": ("mass_organisation", "cuu chien binh"),
    "LDLD": ("mass_organisation", "lien doan lao dong"),
    "KANDAL": ("foreign_partner", "kandal"),
    "TAKEO": ("foreign_partner", "takeo"),
}


def seed_units():
    """{code: expected unit fields} from db/seed/admin-units.json."""
    with open(SEED_UNITS_PATH, encoding="utf-8") as f:
        data = json.load(f)
    units = {}

    def add(entry, level, path):
        name, vn_type = entry["name"], entry["type"]
        # "Thị Trấn Long Bình": the list is not consistent in the type's case
        assert name.lower().startswith(vn_type.lower() + " "), f"{name!r} does not start with {vn_type!r}"
        units[entry["gso_code"]] = {
            "name": name, "type": UNIT_TYPES[vn_type], "level": level,
            "parent": path[-2] if len(path) > 1 else None, "path": path,
            "bare_name": name[len(vn_type) + 1:]}

    prov = data["province"]
    add(prov, 1, [prov["gso_code"]])
    for d in data["districts"]:
        add(d, 2, [prov["gso_code"], d["gso_code"]])
        for c in d["communes"]:
            add(c, 3, [prov["gso_code"], d["gso_code"], c["gso_code"]])
    return units


DOCUMENT_FIELDS = ("number", "type", "issuer", "signer", "issued", "effective", "title",
                   "title_en")


def seed_documents():
    """The legal documents of db/seed/plan-1994.json, each with the fields a Document shows."""
    with open(SEED_PLAN_PATH, encoding="utf-8") as f:
        data = json.load(f)
    return [{k: d[k] for k in DOCUMENT_FIELDS} for d in data["documents"]]


def nfc(text):
    return unicodedata.normalize("NFC", text)


def assert_problem(response, status, code, field=None):
    """The response is the problem `code` with `status` (its schema was already validated)."""
    assert response.status_code == status, (
        f"expected {status} {code}, got {response.status_code}: {response.text[:500]}")
    body = response.json()
    assert body["code"] == code, f"expected code {code}, got {body}"
    if field is not None:
        fields = [e["field"] for e in body.get("errors", [])]
        assert fields and fields[0] == field, f"expected errors[0].field {field!r}, got {body}"
    return body


def assert_field_error(response, status, code, field, field_code=None):
    """The problem `code` whose first error names `field` (with `field_code` when given)."""
    body = assert_problem(response, status, code, field)
    if field_code is not None:
        assert body["errors"][0]["code"] == field_code, f"expected {field}: {field_code}: {body}"
    return body


# If-None-Match values that match an ETag (RFC 9110, 13.1.2: weak comparison, lists, "*").
IF_NONE_MATCH_FORMS = {
    "same": "{etag}",
    "in-a-list": '"0000000000000000", {etag}',
    "weak": "W/{etag}",
    "star": "*",
}


def check_etag(api, path):
    """A 200 with a strong ETag of 16 hex digits that is stable while the object is; returns it."""
    r1 = api.get(path)
    assert r1.status_code == 200, r1.text
    etag = r1.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-fA-F]{16}"', etag), etag
    r2 = api.get(path)
    assert r2.headers["ETag"] == etag, "the ETag of an unchanged object changed"
    assert r2.json() == r1.json()
    r = api.get(path, headers={"If-None-Match": '"0000000000000000"'})
    assert r.status_code == 200 and r.json() == r1.json(), "a non-matching If-None-Match"
    return etag


def check_not_modified(api, path, form):
    """If-None-Match in the given form (a key of IF_NONE_MATCH_FORMS) gives 304 with the ETag."""
    etag = api.get(path).headers["ETag"]
    header = IF_NONE_MATCH_FORMS[form].format(etag=etag)
    for method in ("GET", "HEAD"):
        r = api.request(method, path, headers={"If-None-Match": header})
        assert r.status_code == 304, f"{method} with If-None-Match: {header} -> {r.status_code}"
        assert r.content == b""
        assert r.headers["ETag"] == etag, "a 304 must repeat the ETag"


def assert_distinct_etags(api, paths):
    """Different objects have different ETags."""
    tags = {api.get(p).headers["ETag"] for p in paths}
    assert len(tags) == len(paths), f"ETags of {paths} collide"


# --- authentication -----------------------------------------------------------------------------

CHALLENGE = 'Bearer realm="planmon"'
INVALID_TOKEN_CHALLENGE = 'Bearer realm="planmon", error="invalid_token"'
EXPIRED_TOKEN_CHALLENGE = ('Bearer realm="planmon", error="invalid_token", '
                           'error_description="token expired"')


def problem_core(response):
    """A problem body without what differs from request to request (request id, path)."""
    body = response.json()
    return {k: v for k, v in body.items() if k not in ("request_id", "instance")}


def assert_unauthorized(response, token_sent=True):
    """401 `unauthorized` with the bearer challenge (error="invalid_token" when a token was
    sent); returns the problem body."""
    body = assert_problem(response, 401, "unauthorized")
    expected = INVALID_TOKEN_CHALLENGE if token_sent else CHALLENGE
    assert response.headers.get("WWW-Authenticate") == expected, (
        f"WWW-Authenticate: {response.headers.get('WWW-Authenticate')!r}, expected {expected!r}")
    return body


def assert_token_refused(api, token, path="/v1/me"):
    """A request with `token` is refused exactly like any other refused token; returns the
    problem body without its request id and path."""
    r = api.with_token(token).get(path)
    assert_unauthorized(r, token_sent=True)
    return problem_core(r)


def assert_token_accepted(api, token, path="/v1/me"):
    r = api.with_token(token).get(path)
    assert r.status_code == 200, f"a good token was refused: {r.status_code} {r.text[:300]}"
    return r


def assert_no_secret(body):
    """No password or password hash anywhere in a (JSON) response body."""
    text = json.dumps(body)
    assert "password" not in text.lower(), f"a password field in a response: {text[:500]}"
    assert "$argon2" not in text, f"a password hash in a response: {text[:500]}"


def codes(items):
    """The `code` of each item, in order."""
    return [i["code"] for i in items]


def count_rows(db, table):
    """The number of rows of `table` (schema public) through the test's connection `db`."""
    return db.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]


def eventually(probe, what, timeout=10.0, interval=0.05):
    """Polls `probe()` until it returns a truthy value and returns that value; fails the test
    naming `what` when `timeout` seconds pass first. For what the product makes visible a moment
    after the write that caused it — the change feed, a replica, a delivery — and never a fixed
    sleep: the wait ends as soon as the thing is there, and is bounded when it never comes."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what}: not within {timeout:.0f} s (last: {value!r})")
        time.sleep(interval)


def feed_caught_up(client):
    """Waits until the change feed serves every change committed so far (Planmon-Feed-Lag
    0.000: no transaction that began earlier is still running), so that a follower polling
    now sees the writes the test has made. Returns the lag header of the last probe."""
    def lag():
        r = client.get("/v1/changes", params={"limit": 1})
        assert r.status_code == 200, r.text[:300]
        return r.headers["Planmon-Feed-Lag"] == "0.000"
    return eventually(lag, "the change feed to serve every committed change")


def load_share():
    """How many times over the machine's cores are asked for at once: the 1-minute load average
    per core, at least 1. A timing limit is for a machine the test has to itself; on a machine
    twice as busy (a second test run beside this one) a fair share of it is half as fast."""
    try:
        load = os.getloadavg()[0]
    except OSError:
        return 1.0
    return max(1.0, load / (os.cpu_count() or 1))


def fast_enough(attempt, limit, build_kind, tries=3):
    """A timing check: runs `attempt()` — the timed work with its own checks, returning the
    seconds it took — until one run takes under `limit` seconds (scaled by load_share() when the
    machine is busier than its cores), at most `tries` times, so that a moment of load on a
    shared machine does not fail the test, while a real slowdown still does (every run over the
    limit). Timings are the release build's: against the sanitizer build the checks run once and
    the time is not judged. Tests that use it carry the `timing` marker."""
    taken = []
    for _ in range(tries if build_kind == "release" else 1):
        taken.append(attempt())
        allowed = limit * load_share()
        if build_kind != "release" or taken[-1] < allowed:
            return taken
    raise AssertionError(f"every try took over the limit ({limit} s, {allowed:.2f} s at the "
                         f"machine's load): {', '.join(f'{t:.2f} s' for t in taken)}")