"""Compiling the rules' regular expressions quickly at every start.

The triage and question-type rules are a few hundred large patterns, and Python parses each one
again in every process: about a third of a `citebot ask` on a small corpus. `compile_all` keeps
the compiled form (what `re` hands to its C engine) in the user's cache, keyed by the Python
version, the engine's version and the pattern, and rebuilds patterns from it. Anything unexpected
(another Python, a damaged file, a missing internal) falls back to `re.compile`, so the result is
always exactly what `re.compile` gives.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import re
import sys
from pathlib import Path

from .files import atomic_write

try:  # CPython internals, used only when present
    import _sre
    from re import _compiler, _parser
except ImportError:  # pragma: no cover
    _sre = None


def _cache_file(sources: list[tuple[str, int]]) -> Path | None:
    if _sre is None:
        return None
    from .store import cache_root

    key = hashlib.sha256(repr((sys.version, _sre.MAGIC, sources)).encode()).hexdigest()[:24]
    return cache_root() / "regex" / f"{key}.marshal"


def _compiled_form(source: str, flags: int) -> tuple:
    parsed = _parser.parse(source, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup = [None] * parsed.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    # Plain ints throughout: the parser's opcodes are an int subclass that marshal cannot store.
    return (source, int(flags | parsed.state.flags), [int(c) for c in code], int(parsed.state.groups - 1),
            groupindex, tuple(indexgroup))


def compile_all(sources: list[tuple[str, int]]) -> list[re.Pattern[str]]:
    """`[re.compile(source, flags) for source, flags in sources]`, from the cache when it can."""
    path = _cache_file(sources)
    if path is not None:
        with contextlib.suppress(Exception):
            forms = marshal.loads(path.read_bytes())
            if len(forms) == len(sources):
                return [_sre.compile(*form) for form in forms]
        with contextlib.suppress(Exception):
            forms = [_compiled_form(source, flags) for source, flags in sources]
            patterns = [_sre.compile(*form) for form in forms]
            atomic_write(path, marshal.dumps(forms))
            return patterns
    return [re.compile(source, flags) for source, flags in sources]

