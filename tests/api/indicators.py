"""Indicators, targets, periods, measurements, bulk imports and analytics through the API, for
the tests (issue 6): shapes, bodies, creating, moving a measurement through its workflow,
importing, rolling up, and the units of the seed.

Every helper takes the client to call as. The seeded indicators (db/seed/plan-1994.json) are
read, never written, except COMMUNE-AWARENESS for 2017, whose measurements belong to the
done-when test (test_analytics.py) alone. Every other test makes its own indicator (a code no
other test uses) and enters its data there, so that no test changes another's counts.
"""

import uuid

from checks import seed_units
from names import checked_names
from plans import created, today

PROVINCE = "89"


def periods_around_today():
    """(this year, next year, this month, next month) as period ids, in the province's time."""
    now = today()
    next_month = (now.year + now.month // 12, now.month % 12 + 1)
    return (str(now.year), str(now.year + 1), f"{now.year}{now.month:02d}", "%d%02d" % next_month)
# The 11 district-level units of 2016-2020 (GSO 883-894; there is no 885), each with its People's
# Committee UBND-<code>.
DISTRICTS = ("883", "884", "886", "887", "888", "889", "890", "891", "892", "893", "894")
DISTRICT_COMMITTEES = tuple(f"UBND-{d}" for d in DISTRICTS)

INDICATOR_KEYS = {"code", "name", "name_en", "source_clause", "description", "plan", "level",
                  "period_type", "value_type", "direction", "rollup", "threshold",
                  "pilot_model_type", "reporting_agencies", "source", "note", "version",
                  "created_at", "updated_at", "archived_at"}
TARGET_KEYS = {"id", "indicator", "period", "applies_from", "applies_to", "operator", "value",
               "unit_of_measure", "scope_unit", "baseline", "rounding", "note", "version",
               "created_at", "updated_at", "archived_at"}
MEASUREMENT_KEYS = {"id", "indicator", "unit", "period", "value", "comment", "evidence", "status",
                    "review_note", "entered_by", "agency", "reviewed_by", "version",
                    "created_at", "updated_at", "late_entry"}
PERIOD_KEYS = {"id", "type", "start", "end", "cut_off", "due"}
SUMMARY_KEYS = {"status", "counts", "conflicts", "dry_run"}
COUNT_KEYS = {"imported", "updated", "ignored", "rejected"}
CONFLICT_KEYS = {"index", "field", "code", "message"}
FILE_CONFLICT_KEYS = CONFLICT_KEYS | {"row"}  # a CSV row's conflict names its spreadsheet row
SHEET_CONFLICT_KEYS = FILE_CONFLICT_KEYS | {"sheet"}  # an XLSX row's, its sheet too
# What analytics items carry beside the numbers: names beside codes (names.checked_names).
NAMED_KEYS = {"unit_name", "indicator", "indicator_name"}
ANALYTICS_ITEM_KEYS = {"unit", "period", "numerator", "denominator", "value", "units_reporting",
                       "units_expected", "target", "targets", "attainment"}

LEVELS = {"province": 1, "district": 2, "commune": 3}
ENTERERS = ("admin", "coordinator", "manager", "officer")
REVIEWERS = ("admin", "coordinator", "manager")

# --- the units of the seed (db/seed/admin-units.json) ------------------------------------------

_UNITS = seed_units()


def communes(district=None):
    """The commune-level units (of `district`, or all 156), in code order."""
    return sorted(c for c, u in _UNITS.items()
                  if u["level"] == 3 and (district is None or u["parent"] == district))


def district_of(commune):
    return _UNITS[commune]["parent"]


# --- indicators and targets ---------------------------------------------------------------------

def new_indicator_code(prefix="T"):
    """An indicator code no other test uses (`T-3F9A0C2B1D`)."""
    return f"{prefix}-{uuid.uuid4().hex[:10].upper()}"


def new_indicator_body(**fields):
    """A valid new indicator: communes, yearly, true or false, rolled up as a share, reported
    by the district committees; `fields` on top."""
    return {"code": new_indicator_code(),
            "name": "Xã, phường, thị trấn có hình thức tuyên truyền phòng, chống mại dâm (thử)",
            "name_en": "Communes with an awareness activity (test)", "source_clause": "II.3.1.b",
            "level": "commune", "period_type": "yearly", "value_type": "boolean",
            "direction": "increase", "rollup": "share",
            "reporting_agencies": list(DISTRICT_COMMITTEES), **fields}


def indicator_path(code, *rest):
    """/v1/indicators/{code}[/rest...]"""
    return "/".join([f"/v1/indicators/{code}", *rest])


def target_path(code, target_id, *rest):
    return "/".join([indicator_path(code, "targets", str(target_id)), *rest])


def create_indicator(editor, headers=None, **fields):
    """POST /v1/indicators as `editor`; must be 201. Returns the Indicator."""
    return created(editor.post_json("/v1/indicators", new_indicator_body(**fields),
                                    headers=headers), "an indicator")


def new_target_body(**fields):
    return {"period": "2017", "operator": ">=", "value": 75, "rounding": "ceil",
            "scope_unit": PROVINCE, **fields}


def create_target(editor, code, headers=None, **fields):
    """POST /v1/indicators/{code}/targets; must be 201. Returns the Target."""
    return created(editor.post_json(indicator_path(code, "targets"), new_target_body(**fields),
                                    headers=headers), f"a target of {code}")


# --- measurements -------------------------------------------------------------------------------

def measurement_path(measurement_id, *rest):
    """/v1/measurements/{id}[/rest...]"""
    return "/".join([f"/v1/measurements/{measurement_id}", *rest])


def measurement_body(indicator, unit, period="2017", value=True, **fields):
    return {"indicator": indicator, "unit": unit, "period": period, "value": value, **fields}


def post_measurement(client, indicator, unit, period="2017", value=True, headers=None, **fields):
    """POST /v1/measurements; the response."""
    return client.post_json("/v1/measurements",
                            measurement_body(indicator, unit, period, value, **fields),
                            headers=headers)


def enter(client, indicator, unit, period="2017", value=True, **fields):
    """POST /v1/measurements; must be 201. Returns the Measurement (a draft)."""
    return created(post_measurement(client, indicator, unit, period, value, **fields),
                   f"a measurement of {indicator} for {unit} in {period}")


def step(client, measurement_id, action, note=None, headers=None):
    """POST /v1/measurements/{id}/{action} (submit, approve, return, unapprove); the response.
    `note` is sent as {"note"} (return needs one)."""
    path = measurement_path(measurement_id, action)
    if note is None:
        return client.request("POST", path, headers=headers)
    return client.post_json(path, {"note": note}, headers=headers)


def moved(client, measurement_id, action, note=None):
    """A workflow step that must succeed (200); returns the Measurement after it."""
    r = step(client, measurement_id, action, note)
    assert r.status_code == 200, f"{action} of measurement {measurement_id} -> " \
                                 f"{r.status_code}: {r.text[:500]}"
    return r.json()


def approved(enterer, reviewer, indicator, unit, period="2017", value=True, **fields):
    """A measurement entered by `enterer`, submitted, and approved by `reviewer`."""
    m = enter(enterer, indicator, unit, period, value, **fields)
    moved(enterer, m["id"], "submit")
    return moved(reviewer, m["id"], "approve")


def all_measurements(client, **params):
    """Every measurement of GET /v1/measurements that `client` sees with `params`."""
    items, _ = client.walk("/v1/measurements", params, limit=500)
    for m in items:
        assert set(m) == MEASUREMENT_KEYS, m
    return items


# --- bulk import --------------------------------------------------------------------------------

def row(indicator, unit, period="2017", value=True, comment=None):
    """An import row (JSON); `comment` only when given."""
    out = {"indicator": indicator, "unit": unit, "period": period, "value": value}
    if comment is not None:
        out["comment"] = comment
    return out


def import_params(dry_run=None, atomic=None):
    params = {}
    if dry_run is not None:
        params["dry_run"] = "true" if dry_run else "false"
    if atomic is not None:
        params["atomic"] = "true" if atomic else "false"
    return params


def import_json(client, rows, dry_run=None, atomic=None, headers=None, body=None):
    """POST /v1/measurements/import with {"rows": rows} (or `body` as it is); the response."""
    target = "/v1/measurements/import"
    return client.send_json("POST", target, {"rows": rows} if body is None else body,
                            params=import_params(dry_run, atomic), headers=headers)


def import_csv(client, text, dry_run=None, atomic=None, headers=None,
               content_type="text/csv; charset=utf-8"):
    """POST /v1/measurements/import with a CSV body (str or bytes); the response."""
    data = text.encode() if isinstance(text, str) else text
    return client.request("POST", "/v1/measurements/import", data=data,
                          params=import_params(dry_run, atomic),
                          headers={"Content-Type": content_type, **(headers or {})})


def summary(response, status=200, keep_import=False):
    """The import summary of `response`, which must have `status`; checks its shape, and that
    it names its import (an id) exactly when it wrote, which it leaves out unless
    `keep_import`."""
    assert response.status_code == status, (
        f"expected {status}, got {response.status_code}: {response.text[:800]}")
    assert response.headers["Content-Type"].split(";")[0].strip() == "application/json", \
        response.headers["Content-Type"]
    body = response.json()
    wrote = status == 200 and not body["dry_run"] and (body["counts"]["imported"] or
                                                       body["counts"]["updated"])
    assert set(body) == (SUMMARY_KEYS | {"import"} if wrote else SUMMARY_KEYS), body
    if wrote:
        assert isinstance(body["import"], int) and body["import"] > 0, body
        if not keep_import:
            del body["import"]
    assert set(body["counts"]) == COUNT_KEYS, body
    for c in body["conflicts"]:
        assert set(c) in (CONFLICT_KEYS, FILE_CONFLICT_KEYS, SHEET_CONFLICT_KEYS), c
    return body


def counts(imported=0, updated=0, ignored=0, rejected=0):
    return {"imported": imported, "updated": updated, "ignored": ignored, "rejected": rejected}


def conflicts(body):
    """The conflicts of an import summary as sorted (index, field, code)."""
    return sorted((c["index"], c["field"], c["code"]) for c in body["conflicts"])


# --- analytics ----------------------------------------------------------------------------------

def analytics_params(indicator, period, unit=PROVINCE, level=None, include_unapproved=None):
    """The query of GET /v1/analytics; unit None leaves `unit` out (the whole country)."""
    params = {"indicator": indicator, "period": period}
    if unit is not None:
        params["unit"] = unit
    if level is not None:
        params["level"] = str(level)
    if include_unapproved is not None:
        params["include_unapproved"] = "true" if include_unapproved else "false"
    return params


def analytics(client, indicator, period, unit=PROVINCE, level=None, include_unapproved=None):
    """GET /v1/analytics; must be 200. Returns its items, each checked for its keys."""
    body = client.json("/v1/analytics",
                       analytics_params(indicator, period, unit, level, include_unapproved))
    assert set(body) == {"items"}, body
    for item in body["items"]:
        assert set(item) - {"report_period"} == ANALYTICS_ITEM_KEYS | NAMED_KEYS, item
        assert item.get("report_period") != item["period"], item
        assert item["indicator"] == indicator, item
    items = checked_names(client, body["items"])
    for item in items:
        del item["indicator"]
    return items


def by_unit(items):
    """{unit: item} of analytics items of one period."""
    out = {i["unit"]: i for i in items}
    assert len(out) == len(items), f"a unit twice in {items}"
    return out
