"""The fuzzing build (tests/fuzz/build.sh) links the service without meson, so it must embed the
same tables service/meson.build embeds: a table missing there fails only at link time, in CI."""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]


def meson_tables():
    text = (ROOT / "service" / "meson.build").read_text(encoding="utf-8")
    return set(re.findall(r"custom_target\('embedded_(\w+)'", text))


def fuzz_tables():
    text = (ROOT / "tests" / "fuzz" / "build.sh").read_text(encoding="utf-8")
    m = re.search(r"^EMBEDDED_TABLES=\(([^)]*)\)", text, re.M)
    assert m, "tests/fuzz/build.sh names no EMBEDDED_TABLES"
    return set(m.group(1).split())


def test_the_fuzzing_build_embeds_every_table_meson_embeds():
    assert meson_tables(), "service/meson.build embeds nothing?"
    assert fuzz_tables() == meson_tables()


def test_every_fuzz_table_has_its_inputs():
    text = (ROOT / "tests" / "fuzz" / "build.sh").read_text(encoding="utf-8")
    for table in fuzz_tables():
        assert re.search(rf"^\s+{table}\) ins=", text, re.M), table


def meson_libraries():
    """The pkg-config names of the service's dependencies in meson.build (not threads, libm or
    cmocka, which are no pkg-config libraries of the service)."""
    text = (ROOT / "meson.build").read_text(encoding="utf-8")
    return set(re.findall(r"dependency\('([\w.+-]+)'\)", text)) - {"threads"}


def fuzz_libraries():
    text = (ROOT / "tests" / "fuzz" / "build.sh").read_text(encoding="utf-8")
    m = re.search(r"^PKGS=\(([^)]*)\)", text, re.M)
    assert m, "tests/fuzz/build.sh names no PKGS"
    return set(m.group(1).split())


def test_the_fuzzing_build_links_every_library_meson_links():
    """A library the service gains (libcurl for issue 22) fails the fuzzing link otherwise."""
    assert meson_libraries(), "meson.build names no dependency?"
    assert fuzz_libraries() == meson_libraries()
