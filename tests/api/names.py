"""Names beside codes (issue 19, item 3): analytics, report and completeness rows carry the name of
each unit, agency and indicator they name by code, in JSON and CSV.

`checked_names(client, rows)` checks every name member of the rows against the names the API
lists for the codes, and returns the rows without them, so that a test may compare the rest with
rows it builds from codes alone. The names are read once per kind and read again when one does
not match (a test may rename an agency).
"""

# name member -> (code member, list path, key of a listed item)
NAME_MEMBERS = {"agency_name": ("agency", "/v1/agencies", "code"),
                "lead_names": ("lead", "/v1/agencies", "code"),
                "unit_name": ("unit", "/v1/admin-units", "code"),
                "indicator_name": ("indicator", "/v1/indicators", "code")}

_names = {}


def _listed(client, path, key, fresh=False):
    if fresh or path not in _names:
        params = {"include_archived": "true"} if path == "/v1/indicators" else None
        items, _ = client.as_user("admin").walk(path, params, limit=500)
        _names[path] = {i[key]: i["name"] for i in items}
    return _names[path]


def name_of(client, path, key, code):
    names = _listed(client, path, key)
    if code not in names:
        names = _listed(client, path, key, fresh=True)
    return names.get(code)


def _expected(client, path, key, codes):
    if isinstance(codes, list):
        return [name_of(client, path, key, c) or c for c in codes]
    return name_of(client, path, key, codes)


def checked_names(client, rows, members=tuple(NAME_MEMBERS)):
    """`rows` (dicts) without their name `members`, each checked against the code beside it."""
    out = []
    for row in rows:
        row = dict(row)
        for member in members:
            if member not in row:
                continue
            code_member, path, key = NAME_MEMBERS[member]
            got = row.pop(member)
            want = _expected(client, path, key, row[code_member])
            if got != want:
                _listed(client, path, key, fresh=True)
                want = _expected(client, path, key, row[code_member])
            assert got == want, f"{member} of {row[code_member]!r} is {got!r}, not {want!r}"
        out.append(row)
    return out
