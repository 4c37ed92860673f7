#!/usr/bin/python3
"""tests/bench/capture_sql.py: turns the statements one planmon request sent to PostgreSQL
(logged with log_statement = 'all' and log_line_prefix '%m [%p] %u ') into a pgbench script, so
that pgbench runs exactly the SQL the API runs — text, parameters and number of statements.

usage: capture_sql.py LOG OFFSET USER [VALUE=VARIABLE ...] < SET_LINES

Reads LOG from byte OFFSET, keeps the lines of USER's sessions, and prints each statement with
its bound parameters inlined as quoted literals; a parameter whose value is VALUE becomes the
pgbench variable VARIABLE (':name', inside the quotes), so that the \\set lines read from stdin
pick a new one for every transaction. Exits 1 when no statement was found.
"""
import re
import sys

ENTRY = re.compile(r"^\S+ \S+ \S+ \[(\d+)\] (\S*) (LOG|DETAIL):  (.*)$")
PARAM = re.compile(r"\$(\d+) = ('(?:[^']|'')*'|NULL)")


def main():
    log, offset, user = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    mapping = dict(a.split("=", 1) for a in sys.argv[4:])
    with open(log, "rb") as f:
        f.seek(offset)
        lines = f.read().decode("utf-8", "replace").splitlines()
    statements = []  # [sql, {n: literal}]
    for line in lines:
        m = ENTRY.match(line)
        if not m or m.group(2) != user:
            continue
        kind, text = m.group(3), m.group(4)
        if kind == "LOG":
            s = re.match(r"(?:execute [^:]+|statement): (.*)$", text)  # unnamed or prepared
            if s:
                statements.append([s.group(1), {}])
        elif kind == "DETAIL" and text.startswith("parameters: ") and statements:
            for n, value in PARAM.findall(text):
                statements[-1][1][int(n)] = value
    if not statements:
        print("capture_sql: no statement of user %s in %s after byte %d" % (user, log, offset),
              file=sys.stderr)
        return 1
    out = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    for sql, params in statements:
        for n in sorted(params, reverse=True):  # $12 before $1
            value = params[n]
            raw = value[1:-1].replace("''", "'") if value != "NULL" else None
            literal = "':%s'" % mapping[raw] if raw in mapping else value
            sql = re.sub(r"\$%d(?!\d)" % n, lambda _m, lit=literal: lit, sql)
        out.append(sql.rstrip(";") + ";")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
