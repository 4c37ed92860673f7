#!/usr/bin/python3
"""Checks the message catalogues (service/messages/) against the code.

Every message a client reads is written in English in service/src, marked MSG("...")
(status.h), and given in Vietnamese in service/messages/vi.tsv (English, a tab, Vietnamese;
"\\t", "\\n" and "\\\\" escape a tab, a line end and a backslash). service/messages/en.txt lists
the English of every message, one per line, escaped the same way: the catalogue the Vietnamese is
made from.

The rules:
  - the format or text handed to pm_fail (3rd argument), pm_fail_field (5th), pm_fail_text
    (3rd), pm_fail_field_text (5th), and the message given to db_fetch_one, db_fetch_text,
    db_change_one (5th) and db_set_archived (7th), is a MSG(...), a `cond ? MSG(..) : MSG(..)`,
    or a name (a variable or parameter that holds a MSG);
  - en.txt lists exactly the MSG texts of the code;
  - vi.tsv gives each of them, and nothing else, a Vietnamese text that differs from the
    English, has a Vietnamese letter, and has the same printf conversions in the same order.

usage: messages.py [ROOT]          check (default: this repository)
       messages.py --write-en [ROOT]  rewrite service/messages/en.txt from the code
Exit 0 when every rule holds; 1 with one line per violation otherwise.
"""

import pathlib
import re
import sys

CALLS = {"pm_fail": 2, "pm_fail_field": 4, "pm_fail_text": 2, "pm_fail_field_text": 4,
         "db_fetch_one": 4, "db_fetch_text": 4, "db_change_one": 4, "db_set_archived": 6}
CONVERSION = re.compile(r"%(?:%|[-+ #0]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?:hh|h|ll|l|z|j|t|L)?"
                        r"[diouxXeEfgGcsp])")
VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợ"
                        r"ùúủũụừứửữựỳýỷỹỵ]")


def tokens(text):
    """(kind, text) of C source: string, char, ident, punct (comments and blanks left out)."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            i = text.index("*/", i + 2) + 2
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif c in "\"'":
            j = i + 1
            while text[j] != c:
                j += 2 if text[j] == "\\" else 1
            yield ("string" if c == '"' else "char", text[i:j + 1], i)
            i = j + 1
        elif c.isalnum() or c == "_":
            j = i
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            yield ("ident", text[i:j], i)
            i = j
        elif c.isspace():
            i += 1
        else:
            yield ("punct", c, i)
            i += 1


def c_string(literal):
    """The text of a C string literal (its escapes decoded)."""
    body = literal[1:-1]
    return re.sub(r"\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)", lambda m: {
        "n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'"}.get(
        m.group(1), chr(int(m.group(1)[1:], 16)) if m.group(1)[0] == "x"
        else chr(int(m.group(1), 8)) if m.group(1)[0].isdigit() else m.group(1)), body)


def string_macros(files):
    """{NAME: text} of the `#define NAME "literal" ...` of the sources."""
    out = {}
    for path in files:
        for m in re.finditer(r'^#define\s+([A-Z_][A-Z0-9_]*)\s+((?:"(?:[^"\\\n]|\\.)*"\s*)+)$',
                             path.read_text(encoding="utf-8").replace("\\\n", " "),
                             re.M):
            out[m.group(1)] = "".join(c_string(s) for s in
                                      re.findall(r'"(?:[^"\\]|\\.)*"', m.group(2)))
    return out


def split_args(toks, start):
    """The arguments (token lists) of the call whose '(' is toks[start]; and the index after."""
    depth, args, cur = 0, [], []
    for k in range(start, len(toks)):
        kind, text, _ = toks[k]
        if text in "([{" and kind == "punct":
            depth += 1
            if depth == 1:
                continue
        elif text in ")]}" and kind == "punct":
            depth -= 1
            if depth == 0:
                args.append(cur)
                return args, k + 1
        elif text == "," and kind == "punct" and depth == 1:
            args.append(cur)
            cur = []
            continue
        cur.append(toks[k])
    return args, len(toks)


def msg_texts(toks, macros):
    """[(text, offset)] of every MSG(...) among the tokens."""
    out = []
    for k, (kind, text, at) in enumerate(toks):
        if kind == "ident" and text == "MSG" and k + 1 < len(toks) and toks[k + 1][1] == "(" \
                and not (k and toks[k - 1][1] == "define"):
            args, _ = split_args(toks, k + 1)
            parts = []
            for kd, t, _ in args[0] if args else []:
                if kd == "string":
                    parts.append(c_string(t))
                elif kd == "ident" and t in macros:
                    parts.append(macros[t])
                else:
                    parts = None
                    break
            out.append(("".join(parts) if parts is not None else None, at))
    return out


def is_message(arg):
    """Whether an argument is a MSG(...), a choice of two, a plain name, or a call of a function
    that answers one (detail_of(status))."""
    texts = [t for _, t, _ in arg]
    if not texts:
        return False
    if texts[0] == "MSG" and texts[1] == "(" and texts[-1] == ")":
        return "?" not in texts
    if arg[0][0] == "ident" and texts[1:2] == ["("] and texts[-1] == ")" and texts[0] != "MSG":
        return True  # a function that answers a MSG (detail_of(status))
    if "?" in texts and ":" in texts:
        q, c = texts.index("?"), texts.index(":")
        return is_message(arg[q + 1:c]) and is_message(arg[c + 1:])
    return all(kind == "ident" or t in ("->", ".", "-", ">", "[", "]") or kind == "punct"
               and t in ".->[]" for kind, t, _ in arg) and arg[0][0] == "ident"


def escape(text):
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def unescape(text):
    return re.sub(r"\\(.)", lambda m: {"t": "\t", "n": "\n"}.get(m.group(1), m.group(1)), text)


def code_messages(src):
    """(set of MSG texts, [problems]) of the C sources under `src`."""
    files = sorted(src.rglob("*.[ch]"))
    macros = string_macros(files)
    found, problems = set(), []
    for path in files:
        text = path.read_text(encoding="utf-8")
        toks = list(tokens(text))
        for message, at in msg_texts(toks, macros):
            if message is None:
                problems.append(f"{path}:{text.count(chr(10), 0, at) + 1}: MSG(...) is not made "
                                f"of literals and string macros")
            else:
                found.add(message)
        for k, (kind, name, at) in enumerate(toks):
            if kind != "ident" or name not in CALLS or k + 1 >= len(toks) or toks[k + 1][1] != "(":
                continue
            if k and toks[k - 1][1] in ("pm_status", "*", "static"):
                continue  # a declaration
            args, _ = split_args(toks, k + 1)
            index = CALLS[name]
            if index < len(args) and not is_message(args[index]):
                shown = " ".join(t for _, t, _ in args[index])
                problems.append(f"{path}:{text.count(chr(10), 0, at) + 1}: {name} is given a "
                                f"message that is not a MSG(...): {shown[:80]}")
    return found, problems


def catalogue_problems(root, found):
    messages = root / "service" / "messages"
    problems = []
    en_path, vi_path = messages / "en.txt", messages / "vi.tsv"
    en = {unescape(line) for line in en_path.read_text(encoding="utf-8").splitlines()
          if line and not line.startswith("#")} if en_path.exists() else set()
    for m in sorted(found - en):
        problems.append(f"{en_path}: lacks {m!r}")
    for m in sorted(en - found):
        problems.append(f"{en_path}: lists {m!r}, which the code does not use")
    vi = {}
    for n, line in enumerate(vi_path.read_text(encoding="utf-8").splitlines()
                             if vi_path.exists() else [], start=1):
        if not line or line.startswith("#"):
            continue
        if "\t" not in line:
            problems.append(f"{vi_path}:{n}: no tab between the English and the Vietnamese")
            continue
        key, value = (unescape(part) for part in line.split("\t", 1))
        if key in vi:
            problems.append(f"{vi_path}:{n}: {key!r} is given twice")
        vi[key] = value
        if value.strip() == key.strip():
            problems.append(f"{vi_path}:{n}: the Vietnamese of {key!r} is the English")
        elif not VIETNAMESE.search(value):
            problems.append(f"{vi_path}:{n}: the Vietnamese of {key!r} has no Vietnamese letter")
        if CONVERSION.findall(key) != CONVERSION.findall(value):
            problems.append(f"{vi_path}:{n}: {key!r}: the conversions differ: "
                            f"{CONVERSION.findall(key)} != {CONVERSION.findall(value)}")
    for m in sorted(found - set(vi)):
        problems.append(f"{vi_path}: lacks the Vietnamese of {m!r}")
    for m in sorted(set(vi) - found):
        problems.append(f"{vi_path}: translates {m!r}, which the code does not use")
    return problems


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    root = pathlib.Path(args[0]) if args else pathlib.Path(__file__).resolve().parents[2]
    found, problems = code_messages(root / "service" / "src")
    if "--write-en" in argv:
        (root / "service" / "messages" / "en.txt").write_text(
            "# The English of every message a client reads (tests/checks/messages.py)\n"
            + "".join(escape(m) + "\n" for m in sorted(found)), encoding="utf-8")
        return 0
    problems += catalogue_problems(root, found)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
