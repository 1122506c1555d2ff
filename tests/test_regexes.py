"""The compiled-pattern cache gives exactly what re.compile gives, first time, cached, or damaged."""

from __future__ import annotations

import re

from bot import regexes
from bot.policy import Policy


def sources() -> list[tuple[str, int]]:
    return [(p.pattern, 0) for rule in Policy().rules for p in (*rule.patterns, *rule.unless)]


def test_cached_patterns_equal_freshly_compiled_ones(tmp_path, monkeypatch):
    monkeypatch.setenv("CITEBOT_CACHE_DIR", str(tmp_path))
    wanted = [re.compile(source, flags) for source, flags in sources()]
    first = regexes.compile_all(sources())
    assert list((tmp_path / "regex").iterdir())  # written
    second = regexes.compile_all(sources())  # read back
    assert first == wanted and second == wanted  # Pattern equality compares the compiled code


def test_a_damaged_cache_falls_back_to_compiling(tmp_path, monkeypatch):
    monkeypatch.setenv("CITEBOT_CACHE_DIR", str(tmp_path))
    few = [(r"\bdose\b", 0), (r"(?P<n>\d+) ?mg", re.IGNORECASE)]
    regexes.compile_all(few)
    for f in (tmp_path / "regex").iterdir():
        f.write_bytes(b"\x00garbage")
    patterns = regexes.compile_all(few)
    assert patterns == [re.compile(s, f) for s, f in few]
    assert patterns[1].search("take 25 MG").group("n") == "25"
