#!/usr/bin/python3
"""tests/bench/capture_sql.py: turns the statements one planmon request sent to PostgreSQL
(logged with log_statement = 'all' and log_line_prefix '%m [%p] %u ') into a pgbench script, so
that pgbench runs exactly the SQL the API runs — text, parameters and number of statements.

usage: capture_sql.py [--session-with=REGEX] LOG OFFSET USER [VALUE=VARIABLE ...] < SET_LINES

Reads LOG from byte OFFSET, keeps the lines of USER's sessions, and prints each statement with
its bound parameters inlined as quoted literals; a parameter whose value is VALUE becomes the
pgbench variable VARIABLE (':name', inside the quotes), so that the \\set lines read from stdin
pick a new one for every transaction. With --session-with, only the statements of the sessions
(backend pids) that sent one matching REGEX are kept: planmon's background work (the notifier's
outbox polls, the deadline scans) runs as the same USER and may fall in the window. Exits 1 when
no statement was found.
"""
import re
import sys

ENTRY = re.compile(r"^\S+ \S+ \S+ \[(\d+)\] (\S*) (LOG|DETAIL):  (.*)$")
PARAM = re.compile(r"\$(\d+) = ('(?:[^']|'')*'|NULL)")


def main():
    args = sys.argv[1:]
    session_with = None
    if args and args[0].startswith("--session-with="):
        session_with = re.compile(args.pop(0).split("=", 1)[1])
    log, offset, user = args[0], int(args[1]), args[2]
    mapping = dict(a.split("=", 1) for a in args[3:])
    with open(log, "rb") as f:
        f.seek(offset)
        lines = f.read().decode("utf-8", "replace").splitlines()
    statements = []  # [sql, {n: literal}, pid]
    for line in lines:
        m = ENTRY.match(line)
        if not m or m.group(2) != user:
            continue
        kind, text = m.group(3), m.group(4)
        if kind == "LOG":
            s = re.match(r"(?:execute [^:]+|statement): (.*)$", text)  # unnamed or prepared
            if s:
                statements.append([s.group(1), {}, m.group(1)])
        elif kind == "DETAIL" and text.startswith("parameters: ") and statements:
            for n, value in PARAM.findall(text):
                statements[-1][1][int(n)] = value
    if session_with:
        pids = {pid for sql, _, pid in statements if session_with.search(sql)}
        statements = [st for st in statements if st[2] in pids]
    if not statements:
        print("capture_sql: no statement of user %s in %s after byte %d" % (user, log, offset),
              file=sys.stderr)
        return 1
    out = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    for sql, params, _ in statements:
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
