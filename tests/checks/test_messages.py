"""The message catalogues (tests/checks/messages.py): every message a client reads is marked in
the code, listed in English and given in Vietnamese, with the same conversions."""

import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
CHECK = HERE / "messages.py"
ROOT = HERE.parents[1]


def run(root):
    return subprocess.run([sys.executable, str(CHECK), str(root)], capture_output=True,
                          text=True, timeout=60)


def test_every_message_has_its_english_and_vietnamese():
    r = run(ROOT)
    assert r.returncode == 0, r.stdout


def planted(tmp_path, code, en, vi):
    """A tree of one source file and the two catalogues."""
    (tmp_path / "service" / "src").mkdir(parents=True)
    (tmp_path / "service" / "messages").mkdir(parents=True)
    (tmp_path / "service" / "src" / "a.c").write_text(code, encoding="utf-8")
    (tmp_path / "service" / "messages" / "en.txt").write_text(en, encoding="utf-8")
    (tmp_path / "service" / "messages" / "vi.tsv").write_text(vi, encoding="utf-8")
    return run(tmp_path)


GOOD = ('void f(pm_error *err) { pm_fail(err, PM_NOT_FOUND, MSG("There is no %s here."), x); }\n',
        "There is no %s here.\n", "There is no %s here.\tKhông có %s ở đây.\n")


def test_a_planted_tree_that_keeps_the_rules_passes(tmp_path):
    r = planted(tmp_path, *GOOD)
    assert r.returncode == 0, r.stdout


def test_a_message_not_marked_is_found(tmp_path):
    code = GOOD[0].replace('MSG("There is no %s here.")', '"There is no %s here."')
    r = planted(tmp_path, code, GOOD[1], GOOD[2])
    assert r.returncode == 1 and "not a MSG" in r.stdout


def test_a_message_without_vietnamese_is_found(tmp_path):
    r = planted(tmp_path, GOOD[0], GOOD[1], "")
    assert r.returncode == 1 and "lacks the Vietnamese" in r.stdout


def test_a_message_missing_from_the_english_list_is_found(tmp_path):
    r = planted(tmp_path, GOOD[0], "", GOOD[2])
    assert r.returncode == 1 and "en.txt: lacks" in r.stdout


def test_vietnamese_that_is_the_english_or_has_no_vietnamese_letter_is_found(tmp_path):
    for vi, said in (("There is no %s here.\tThere is no %s here.\n", "is the English"),
                     ("There is no %s here.\tKhong co %s o day.\n", "no Vietnamese letter")):
        r = planted(tmp_path / said.replace(" ", "-"), GOOD[0], GOOD[1], vi)
        assert r.returncode == 1 and said in r.stdout, r.stdout


def test_other_conversions_are_found(tmp_path):
    r = planted(tmp_path, GOOD[0], GOOD[1], "There is no %s here.\tKhông có %d ở đây.\n")
    assert r.returncode == 1 and "conversions differ" in r.stdout
