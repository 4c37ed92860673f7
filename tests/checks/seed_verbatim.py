#!/usr/bin/python3
"""Checks that every Vietnamese text of the 1994 seed is a verbatim excerpt of the decision.

The decision's text is db/seed/source/qd-1994-2016-an-giang.txt; the seed is
db/seed/plan-1994.json. The rule is the one db/seed/README-plan-1994.md states ("Verbatim texts"):

  N1  Both sides are compared after Unicode NFC and with every run of whitespace (space, U+00A0,
      tab, newline, the blank line that joins paragraphs) made one space, ends stripped. Nothing
      else is normalised: not tone-mark placement ("hoà"/"hòa"), not "…" against "...", not the
      source's typos ("Sở Lao đông").
  N2  A text is found in the source at word boundaries.
  N3  Its first letter may differ in case only (an excerpt that starts mid-sentence).
  N4  A document whose title_basis is "heading" (the decision's upper-case heading, written in
      sentence case) has its title and issuer compared case-folded.
  N5  A text whose basis is "elided" (tasks[].title_basis, indicators[].name_basis,
      agency_groups[].name_basis) is 2 or 3 fragments, in order, of one paragraph (line) of the
      source, cut at word boundaries; it must not be verbatim as a whole (then its basis is
      "excerpt"). In a quotation inside an English note ('...' holding Vietnamese), an ellipsis
      standing as a word (" ... " or " … ") separates pieces found in order in one paragraph.
  Exempt: English fields (apart from their quotations), codes, dates, enums, documents[].cited_in
  (labels), the title of a document whose title_basis is "own_title" (the cited document's own
  title, which the decision does not give), and every field of a document the decision does not
  cite (title_basis "not_cited").

usage: seed_verbatim.py [PLAN_JSON [SOURCE_TXT]]   (default: the repository's seed and source)
Exit 0 when every text passes; 1 with one line per text that does not.
"""

import json
import pathlib
import re
import sys
import unicodedata

ROOT = pathlib.Path(__file__).resolve().parents[2]
PLAN = ROOT / "db" / "seed" / "plan-1994.json"
SOURCE = ROOT / "db" / "seed" / "source" / "qd-1994-2016-an-giang.txt"

BASES = {
    "tasks.title_basis": {"excerpt", "elided"},
    "indicators.name_basis": {"excerpt", "elided"},
    "agency_groups.name_basis": {"excerpt", "elided"},
    "documents.title_basis": {"heading", "excerpt", "citation", "own_title", "not_cited"},
}
# A Vietnamese quotation inside English prose: '...' opened after a space or "(" and closed before
# a space, punctuation or the end, holding at least one non-ASCII letter.
QUOTE = re.compile(r"(?:(?<=[\s(])|^)'([^']*[^\x00-\x7f][^']*)'(?=[\s,.;:)\-]|$)")
ELLIPSIS = re.compile(r"(?:^|\s)(?:\.\.\.|…)(?=\s|$)")


def norm(text):
    """N1."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def _first_case(text):
    """N3: the text with its first letter as written, upper-cased and lower-cased."""
    return {text, text[:1].upper() + text[1:], text[:1].lower() + text[1:]}


class Source:
    """The decision's text, normalised (N1), as a whole and by paragraph (line)."""

    def __init__(self, raw):
        self.whole = norm(raw)
        self.paragraphs = [norm(line) for line in raw.splitlines() if norm(line)]

    @staticmethod
    def _bounded(hay, start, end):
        return ((start == 0 or not hay[start - 1].isalnum())
                and (end == len(hay) or not hay[end].isalnum()))

    @classmethod
    def find(cls, piece, hay, start=0, first_case=True):
        """The end of the first occurrence of `piece` in `hay` from `start` at word boundaries
        (N2; N3 when `first_case`), or -1."""
        best = -1
        for variant in (_first_case(piece) if first_case else {piece}):
            at = hay.find(variant, start)
            while at >= 0 and not cls._bounded(hay, at, at + len(variant)):
                at = hay.find(variant, at + 1)
            if at >= 0 and (best < 0 or at + len(variant) < best):
                best = at + len(variant)
        return best

    def verbatim(self, text):
        return bool(norm(text)) and self.find(norm(text), self.whole) >= 0

    def casefolded(self, text):
        return bool(norm(text)) and self.find(norm(text).casefold(), self.whole.casefold()) >= 0

    def in_order(self, pieces):
        """Whether `pieces` occur in order, at word boundaries, in one paragraph."""
        for para in self.paragraphs:
            pos = 0
            for k, piece in enumerate(pieces):
                pos = self.find(piece, para, pos, first_case=(k == 0))
                if pos < 0:
                    break
            else:
                return True
        return False

    def elided(self, text, most=3):
        """N5: the fewest fragments (2..most) of `text`'s words found in order in one paragraph,
        or None."""
        words = norm(text).split(" ")
        for count in range(2, most + 1):
            for cuts in _cuts(len(words), count):
                bounds = (0,) + cuts + (len(words),)
                pieces = [" ".join(words[a:b]) for a, b in zip(bounds, bounds[1:])]
                if self.in_order(pieces):
                    return pieces
        return None

    def quotation(self, quote):
        pieces = [norm(x) for x in ELLIPSIS.split(quote) if norm(x)]
        if not pieces:
            return True
        if len(pieces) == 1:
            return self.verbatim(pieces[0])
        return self.in_order(pieces)


def _cuts(n, count):
    """Every way to cut n words into `count` non-empty runs: the inner cut positions."""
    if count == 1:
        yield ()
        return
    for first in range(1, n - count + 2):
        for rest in _cuts(n - first, count - 1):
            yield (first,) + tuple(first + r for r in rest)


def texts(plan):
    """(locator, text, rule) for every Vietnamese text of the seed the rule covers; rule is
    "plain", "heading", "elided" or "basis:<field>=<value>" for a basis outside its set."""
    out = []

    def based(kind, item, field):
        value = item.get(field)
        return value if value in BASES[kind] else f"basis:{field}={value!r}"

    out.append(("plan.title", plan["plan"]["title"], "plain"))
    for g in plan["agency_groups"]:
        rule = based("agency_groups.name_basis", g, "name_basis")
        out.append((f"agency_groups[{g['code']}].name", g["name"],
                    "elided" if rule == "elided" else rule if rule.startswith("basis:")
                    else "plain"))
    for d in plan["documents"]:
        at = f"documents[{d['number']}]"
        basis = based("documents.title_basis", d, "title_basis")
        if basis.startswith("basis:"):
            out.append((f"{at}.title", d["title"], basis))
            continue
        if basis == "not_cited":
            continue
        if basis != "own_title":
            out.append((f"{at}.title", d["title"], "heading" if basis == "heading" else "plain"))
        for field in ("issuer", "signer", "signer_capacity"):
            if d.get(field):
                out.append((f"{at}.{field}", d[field],
                            "heading" if basis == "heading" and field == "issuer" else "plain"))
    for s in plan["sections"]:
        at = f"sections[{s['code']}]"
        out.append((f"{at}.title", s["title"], "plain"))
        for k, h in enumerate(s.get("heading_path") or []):
            out.append((f"{at}.heading_path[{k}]", h, "plain"))
        for field in ("text", "targets_text"):
            if s.get(field):
                out.append((f"{at}.{field}", s[field], "plain"))
    for t in plan["tasks"]:
        at = f"tasks[{t['key']}]"
        rule = based("tasks.title_basis", t, "title_basis")
        out.append((f"{at}.title", t["title"], "plain" if rule == "excerpt" else rule))
        for field in ("description", "date_quote", "recurrence_quote"):
            if t.get(field):
                out.append((f"{at}.{field}", t[field], "plain"))
    for m in plan["pilot_model_types"]:
        for field in ("name", "description", "target_text"):
            out.append((f"pilot_model_types[{m['code']}].{field}", m[field], "plain"))
    for i in plan["indicators"]:
        at = f"indicators[{i['code']}]"
        rule = based("indicators.name_basis", i, "name_basis")
        out.append((f"{at}.name", i["name"], "plain" if rule == "excerpt" else rule))
        out.append((f"{at}.target_text", i["target_text"], "plain"))
    for o in plan["reporting_obligations"]:
        out.append((f"reporting_obligations[{o['code']}].description", o["description"],
                    "plain"))
    return out


def _english(key):
    return key in ("note", "due_rule", "rule") or key.endswith("_note") or key.endswith("_en")


def quotations(obj, at="$"):
    """(locator, quotation) for every Vietnamese quotation inside an English field."""
    out = []
    if isinstance(obj, dict):
        for key, value in obj.items():
            if isinstance(value, str) and _english(key):
                out += [(f"{at}.{key} '{q}'", q) for q in QUOTE.findall(value)]
            elif key != "cited_in":
                out += quotations(value, f"{at}.{key}")
    elif isinstance(obj, list):
        for k, value in enumerate(obj):
            name = k
            if isinstance(value, dict):
                name = value.get("code") or value.get("key") or value.get("number") or \
                    value.get("agency") or k
            out += quotations(value, f"{at}[{name}]")
    return out


def check(plan, raw_source):
    """The problems of `plan` against the decision's text `raw_source`: one string each."""
    src = Source(raw_source)
    problems = []
    for at, text, rule in texts(plan):
        if rule.startswith("basis:"):
            problems.append(f"{at}: unknown {rule[6:]}")
        elif not isinstance(text, str) or not norm(text):
            problems.append(f"{at}: empty")
        elif rule == "plain" and not src.verbatim(text):
            problems.append(f"{at}: not verbatim: {text!r}")
        elif rule == "heading" and not src.casefolded(text):
            problems.append(f"{at}: not the heading, case-folded: {text!r}")
        elif rule == "elided":
            if src.verbatim(text):
                problems.append(f"{at}: declared elided but verbatim (basis excerpt): {text!r}")
            elif src.elided(text) is None:
                problems.append(f"{at}: not 2-3 in-order fragments of one paragraph: {text!r}")
    for at, quote in quotations(plan):
        if not src.quotation(quote):
            problems.append(f"{at}: quotation not verbatim")
    return problems


def main(argv):
    plan_path = pathlib.Path(argv[1]) if len(argv) > 1 else PLAN
    source_path = pathlib.Path(argv[2]) if len(argv) > 2 else SOURCE
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    problems = check(plan, source_path.read_text(encoding="utf-8"))
    for p in problems:
        print(p)
    if not problems:
        print(f"{len(texts(plan))} texts and {len(quotations(plan))} quotations verbatim")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
