"""The 1994 seed marks what it infers, and its README lists exactly those inferences.

Every fact of db/seed/plan-1994.json that the seed infers rather than reads in the decision
carries `source: "inferred"` (task agency entries, section addressees, indicators) or an
`inferred` `lead_agency_source` / `recipient_source` / `frequency_source`, with its basis in the
note beside it; db/seed/README-plan-1994.md lists each one once in the table of "## Every
inference". Every agency code the seed names is one that `planmon seed` makes.
"""

import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SEED = ROOT / "db" / "seed"
SOURCES = {"text", "inferred"}
HEADING = "## Every inference"
HEADER = ["where", "fact", "basis"]


def load(name):
    return json.loads((SEED / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def plan():
    return load("plan-1994.json")


# --- what the JSON marks ---------------------------------------------------------------------

def sourced_facts(plan):
    """(locator, source, note) for every fact that carries a source, in file order."""
    out = []
    for t in plan["tasks"]:
        for e in t["agencies"]:
            out.append((f"tasks[{t['key']}].agencies[{e['agency']}]", e.get("source"),
                        e.get("note")))
    for s in plan["sections"]:
        for e in s.get("addressees") or []:
            out.append((f"sections[{s['code']}].addressees[{e['agency']}]", e.get("source"),
                        e.get("note")))
    for m in plan["pilot_model_types"]:
        out.append((f"pilot_model_types[{m['code']}].lead_agency", m.get("lead_agency_source"),
                    m.get("lead_agency_note")))
    for o in plan["reporting_obligations"]:
        for field in ("recipient", "frequency"):
            out.append((f"reporting_obligations[{o['code']}].{field}", o.get(f"{field}_source"),
                        o.get(f"{field}_note")))
    for i in plan["indicators"]:
        out.append((f"indicators[{i['code']}]", i.get("source"), i.get("note")))
    return out


def inferred_locators(plan):
    return [at for at, source, _ in sourced_facts(plan) if source == "inferred"]


def inferred_marks(obj):
    """How many `"source": "inferred"` and `"*_source": "inferred"` the JSON holds, anywhere."""
    if isinstance(obj, dict):
        return sum((k == "source" or k.endswith("_source")) and v == "inferred"
                   for k, v in obj.items()) + sum(inferred_marks(v) for v in obj.values())
    if isinstance(obj, list):
        return sum(inferred_marks(v) for v in obj)
    return 0


# --- what the README lists -------------------------------------------------------------------

def readme_rows(text):
    """The rows of the first table after the "## Every inference" heading: [[where, fact,
    basis]], with the backticks around `where` removed."""
    lines = text.splitlines()
    assert HEADING in lines, f"the README has no '{HEADING}' section"
    rest = lines[lines.index(HEADING) + 1:]
    end = next((k for k, line in enumerate(rest) if line.startswith("## ")), len(rest))
    table = [line for line in rest[:end] if line.startswith("|")]
    assert table, f"no table under '{HEADING}'"

    def cells(line):
        assert line.endswith("|"), f"a table row that does not end with '|': {line}"
        return [c.strip() for c in line[1:-1].split("|")]

    assert cells(table[0]) == HEADER, f"the table's columns are {cells(table[0])}, not {HEADER}"
    assert re.fullmatch(r"\|(\s*:?-+:?\s*\|){3}", table[1].replace(" ", "")), table[1]
    rows = []
    for line in table[2:]:
        row = cells(line)
        assert len(row) == 3, f"not three cells (a '|' inside a cell?): {line}"
        row[0] = row[0].strip("`")
        assert all(row), f"an empty cell: {line}"
        rows.append(row)
    return rows


def differences(json_locators, rows):
    """What the README misses and what it lists in excess, as messages."""
    listed = [r[0] for r in rows]
    dup = sorted({w for w in listed if listed.count(w) > 1})
    missing = [w for w in json_locators if w not in set(listed)]
    extra = [w for w in listed if w not in set(json_locators)]
    out = []
    if missing:
        out.append("inferred in the JSON but not listed in the README:\n  " + "\n  ".join(missing))
    if extra:
        out.append("listed in the README but not inferred in the JSON:\n  " + "\n  ".join(extra))
    if dup:
        out.append("listed more than once:\n  " + "\n  ".join(dup))
    return out


def test_the_readme_lists_every_inference_and_no_other_fact(plan):
    rows = readme_rows((SEED / "README-plan-1994.md").read_text(encoding="utf-8"))
    problems = differences(inferred_locators(plan), rows)
    assert not problems, "\n".join(problems)


def test_the_comparison_reports_what_each_side_misses():
    rows = [["tasks[a].agencies[X]", "f", "b"], ["indicators[Z]", "f", "b"],
            ["indicators[Z]", "f", "b"]]
    got = differences(["tasks[a].agencies[X]", "tasks[b].agencies[Y]"], rows)
    assert got == ["inferred in the JSON but not listed in the README:\n  tasks[b].agencies[Y]",
                   "listed in the README but not inferred in the JSON:\n  indicators[Z]\n"
                   "  indicators[Z]",
                   "listed more than once:\n  indicators[Z]"]


def test_every_inferred_mark_of_the_json_is_one_the_list_covers(plan):
    """An inferred mark in a place sourced_facts does not look at would escape the README."""
    assert inferred_marks(plan) == len(inferred_locators(plan))
    assert len(set(inferred_locators(plan))) == len(inferred_locators(plan)), \
        "two facts share a locator (an agency twice on one task?)"


def test_every_fact_has_a_source_of_text_or_inferred(plan):
    bad = [f"{at}: {source!r}" for at, source, _ in sourced_facts(plan) if source not in SOURCES]
    assert not bad, "\n".join(bad)


def test_every_inferred_fact_states_its_basis(plan):
    bad = [at for at, source, note in sourced_facts(plan)
           if source == "inferred" and not (isinstance(note, str) and note.strip())]
    assert not bad, "inferred without a note:\n" + "\n".join(bad)


# --- agency codes ----------------------------------------------------------------------------

def known_codes():
    """The codes `planmon seed` makes: agencies.json, and per unit its People's Committee
    (UBND-), the district People's Councils (HDND-), procuracies (VKSND-) and courts (TAND-), the
    inspection teams of every level (DKTLN-) and the province's social work centre (TTCTXH-89)."""
    units = load("admin-units.json")
    province = units["province"]["gso_code"]
    districts = [d["gso_code"] for d in units["districts"]]
    communes = [c["gso_code"] for d in units["districts"] for c in d["communes"]]
    every = [province] + districts + communes
    codes = {a["code"] for a in load("agencies.json")["agencies"]}
    codes |= {f"UBND-{u}" for u in every} | {f"DKTLN-{u}" for u in every}
    codes |= {f"{k}-{d}" for k in ("HDND", "VKSND", "TAND") for d in districts}
    codes.add(f"TTCTXH-{province}")
    return codes, districts, communes


def referenced_codes(plan):
    """(where, code) for every agency code the plan names."""
    out = [("plan.lead_agency", plan["plan"]["lead_agency"])]
    for t in plan["tasks"]:
        out += [(f"tasks[{t['key']}]", e["agency"]) for e in t["agencies"]]
    for s in plan["sections"]:
        out += [(f"sections[{s['code']}]", e["agency"]) for e in s.get("addressees") or []]
    for m in plan["pilot_model_types"]:
        out.append((f"pilot_model_types[{m['code']}]", m["lead_agency"]))
    for i in plan["indicators"]:
        out += [(f"indicators[{i['code']}]", c) for c in i["reporting_agencies"]]
    for o in plan["reporting_obligations"]:
        out += [(f"reporting_obligations[{o['code']}]", o[f])
                for f in ("reporter", "recipient") if o[f] is not None]
    return out


def test_every_agency_code_is_one_the_seed_makes(plan):
    known, _, _ = known_codes()
    groups = {g["code"]: g["members"] for g in plan["agency_groups"]}
    assert not set(groups) & known, "a group code is also an agency's"
    bad = []
    for g, members in groups.items():
        for m in members or []:
            if m not in known:
                bad.append(f"agency_groups[{g}]: member {m} is no agency the seed makes")
    for where, code in referenced_codes(plan):
        if code in groups:
            if not groups[code]:
                bad.append(f"{where}: group {code} is used but lists no members")
        elif code not in known:
            bad.append(f"{where}: {code} is no agency the seed makes")
    assert not bad, "\n".join(bad)


def test_the_groups_of_the_new_bodies_list_every_unit_of_their_level(plan):
    _, districts, communes = known_codes()
    groups = {g["code"]: g["members"] for g in plan["agency_groups"]}
    expected = {"UBND-DISTRICTS": [f"UBND-{d}" for d in districts],
                "HDND-DISTRICTS": [f"HDND-{d}" for d in districts],
                "VKSND-DISTRICTS": [f"VKSND-{d}" for d in districts],
                "TAND-DISTRICTS": [f"TAND-{d}" for d in districts],
                "DKTLN-DISTRICTS": [f"DKTLN-{d}" for d in districts],
                "DKTLN-COMMUNES": [f"DKTLN-{c}" for c in communes]}
    assert {g: sorted(groups.get(g) or []) for g in expected} == \
        {g: sorted(m) for g, m in expected.items()}
    assert len(expected["DKTLN-COMMUNES"]) == 156 and len(districts) == 11
