#!/usr/bin/python3
"""Checks that every statement the service sends to PostgreSQL is constant SQL.

Every call of a libpq statement function (PQexec, PQexecParams, PQsendQuery, PQsendQueryParams,
PQprepare, PQsendPrepare) or of the service's own wrappers (db_exec, db_fetch_one, db_fetch_page)
must take, as its SQL argument, a string literal or a `static const char NAME[]` defined in the same file from
string literals and macros, which may take string literals (so no SQL is ever built from input), or a `cond ? A : B` of such
names, or `TABLE[i]` of a `static const char *const TABLE[]` whose every element is such a text (the
statements of a list, one per sort). A call that cannot follow the rule says why on its line with a comment
`/* sql-constant: <reason> */` (the two in the tree: db_exec's own forwarding, and migrations,
which are compiled-in files).

usage: sql_constant.py [SRC_DIR]   (default: service/src next to this repository's tests/)
Exit 0 when every call complies; 1 with one line per violation otherwise.
"""

import pathlib
import re
import sys

FUNCTIONS = {  # name -> index of the SQL argument
    "PQexec": 1, "PQexecParams": 1, "PQsendQuery": 1, "PQsendQueryParams": 1, "PQprepare": 2,
    "PQsendPrepare": 2,
    "db_exec": 1, "db_fetch_one": 1, "db_fetch_page": 1, "db_change_one": 1,
}
CALL = re.compile(r"\b(" + "|".join(FUNCTIONS) + r")\s*\(")
# Its value runs to the first ';' outside a string literal ("'; '" is SQL, not C).
CONST_DEF = re.compile(
    r'static\s+const\s+char\s+(\w+)\s*\[\s*\]\s*=\s*((?:"(?:[^"\\]|\\.)*"|[^;"])*);', re.S)
# String literals, macros, and macros given string literals (TASK_SELECT("$3::date", "$4")):
# the SQL of a constant is a sequence of these tokens and nothing else.
_LIT = r'"(?:[^"\\]|\\.)*"'
_LITS = _LIT + r'(?:\s*' + _LIT + r')*'
# literals, a macro name, or a macro given literals (UNIT_SORTED(DB_NAME_KEY("l.name")))
_ARG = (r'(?:' + _LITS + r'|[A-Z_][A-Z0-9_]*(?:\s*\(\s*' + _LITS + r'(?:\s*,\s*' + _LITS
        + r')*\s*\))?)')
TOKEN = re.compile(r'\s*(?:' + _LIT + r'|[A-Z_][A-Z0-9_]*(?:\s*\(\s*' + _ARG
                   + r'(?:\s*,\s*' + _ARG + r')*\s*\))?)', re.S)


class LITERAL_PART:  # noqa: N801 - used like the compiled pattern it replaces
    """Whether a text is made only of TOKENs: matched token by token, so that a long SQL text
    that is not constant is refused at once, never after exponential backtracking."""

    @staticmethod
    def match(text):
        i, n = 0, len(text)
        while i < n:
            m = TOKEN.match(text, i)
            if not m or m.end() == i:
                return text[i:].strip() == "" and i > 0
            i = m.end()
        return n > 0


EXEMPT = "sql-constant:"


def strip_comments(text):
    """Blanks comments but keeps line numbers and string literals."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text[i] == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def arguments(text, start):
    """The top-level comma-separated arguments of the call whose '(' is at text[start]."""
    depth, args, cur, i = 0, [], [], start
    while i < len(text):
        c = text[i]
        if c == '"':
            j = i + 1
            while j < len(text) and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            cur.append(text[i:j + 1])
            i = j + 1
            continue
        if c in "([{":
            depth += 1
            if depth == 1:
                i += 1
                continue
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                args.append("".join(cur).strip())
                return args
        elif c == "," and depth == 1:
            args.append("".join(cur).strip())
            cur = []
            i += 1
            continue
        cur.append(c)
        i += 1
    return args


TABLE_DEF = re.compile(
    r'static\s+const\s+char\s*\*\s*const\s+(\w+)\s*\[\s*\]\s*=\s*\{((?:"(?:[^"\\]|\\.)*"|[^;"])*)\}\s*;',
    re.S)


def constant_names(code):
    return {m.group(1) for m in CONST_DEF.finditer(code) if LITERAL_PART.match(m.group(2))}


def constant_tables(code):
    """The `static const char *const NAME[] = {...}` whose every element is constant SQL."""
    found = set()
    for m in TABLE_DEF.finditer(code):
        body = m.group(2)
        elements = arguments("{" + body + "}", 0) if body.strip() else []
        elements = [e for e in elements if e]
        if elements and all(LITERAL_PART.match(e) for e in elements):
            found.add(m.group(1))
    return found


def is_constant(arg, names, tables=frozenset()):
    arg = arg.strip()
    if LITERAL_PART.match(arg) and '"' in arg:
        return True
    if re.fullmatch(r"\w+", arg):
        return arg in names
    m = re.fullmatch(r"(\w+)\s*\[[^\]]*\]", arg)
    if m:
        return m.group(1) in tables
    m = re.fullmatch(r"[^?]+\?\s*(\w+)\s*:\s*(\w+)", arg, re.S)
    return bool(m) and m.group(1) in names and m.group(2) in names


FUNC_DEF = re.compile(r"\b(\w+)\s*\(([^;{}()]*)\)\s*\{")


def forwarders(code):
    """Functions that take `const char *sql` and pass it on: {name: (sql index, body span)}."""
    found = {}
    for m in FUNC_DEF.finditer(code):
        params = [p.strip() for p in m.group(2).split(",")]
        for i, p in enumerate(params):
            if re.fullmatch(r"const\s+char\s*\*\s*sql", p):
                depth, j = 0, m.end() - 1
                while j < len(code):
                    depth += {"{": 1, "}": -1}.get(code[j], 0)
                    if depth == 0:
                        break
                    j += 1
                found[m.group(1)] = (i, (m.end(), j))
    return found


def check_file(path, extra_functions):
    raw = path.read_text(encoding="utf-8")
    raw_lines = raw.splitlines()
    code = strip_comments(raw)
    names = constant_names(code)
    tables = constant_tables(code)
    local = forwarders(code)
    functions = {**FUNCTIONS, **extra_functions, **{k: v[0] for k, v in local.items()}}
    call = re.compile(r"\b(" + "|".join(map(re.escape, functions)) + r")\s*\(")
    problems = []
    for m in call.finditer(code):
        line_no = code.count("\n", 0, m.start()) + 1
        before = code[:m.start()].rstrip()
        if re.search(r"(pm_status|PGresult\s*\*|int|void)\s*$", before):
            continue  # the function's own declaration or definition
        args = arguments(code, m.end() - 1)
        index = functions[m.group(1)]
        if len(args) <= index:
            continue
        if is_constant(args[index], names, tables):
            continue
        inside = [name for name, (_, (a, b)) in local.items() if a <= m.start() <= b]
        if args[index] == "sql" and inside:
            continue  # forwarding its own `sql` parameter; its callers are checked
        call_lines = raw_lines[line_no - 1:line_no - 1 + 3]
        if any(EXEMPT in line for line in call_lines):
            continue
        problems.append(f"{path}:{line_no}: {m.group(1)} is given SQL that is not constant: "
                        f"{args[index]!r}")
    return problems


def main(argv):
    root = pathlib.Path(argv[1]) if len(argv) > 1 else (
        pathlib.Path(__file__).resolve().parents[2] / "service" / "src")
    problems = []
    files = sorted(root.rglob("*.c"))
    # Non-static forwarders (db_fetch_one, ...) are checked wherever they are called.
    shared = {}
    for path in files:
        code = strip_comments(path.read_text(encoding="utf-8"))
        for name, (index, _) in forwarders(code).items():
            if not re.search(r"static\s+[\w\s\*]*\b" + name + r"\s*\(", code):
                shared[name] = index
    for path in files:
        problems += check_file(path, shared)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
