"""The package's shape, checked: the triage stands apart from retrieval, settings are read at the
edge, and no two modules import each other."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "bot"
_IMPORT = re.compile(r"^[ \t]*from (\.+)([\w.]*) import \(?([\w, \t\n]+?)\)?$", re.MULTILINE)


def modules() -> dict[str, Path]:
    return {path.relative_to(PACKAGE).with_suffix("").as_posix().replace("/", "."): path
            for path in PACKAGE.rglob("*.py")}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that one module imports, at its top or inside a function."""
    package = name.split(".")[:-1] if path.name != "__init__.py" else name.split(".")
    found = set()
    for dots, origin, names in _IMPORT.findall(path.read_text(encoding="utf-8")):
        base = package[: len(package) - (len(dots) - 1)] if len(dots) > 1 else package
        target = ".".join([*base, origin] if origin else base)
        candidates = [target] if origin else [".".join([*base, n.strip()]) for n in names.split(",") if n.strip()]
        found.update(c for c in candidates if c in known)
        if origin and target not in known and f"{target}.__init__" in known:
            found.add(f"{target}.__init__")
    return found - {name}


def test_no_module_of_the_package_imports_one_that_imports_it_back():
    mods = modules()
    graph = {name: imports_of(name, path, set(mods)) for name, path in mods.items()}

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                todo.extend(graph.get(node, ()))
        return False

    cycles = sorted({tuple(sorted((a, b))) for a in graph for b in graph[a] if reaches(b, a)})
    assert not cycles, cycles


def test_only_the_settings_module_reads_the_environment():
    readers = sorted(name for name, path in modules().items()
                     if re.search(r"os\.environ|os\.getenv|getenv\(", path.read_text(encoding="utf-8")))
    assert readers == ["settings"], readers


def test_the_triage_imports_nothing_of_retrieval_and_writes_nothing(tmp_path):
    policy_only = ("import json, sys; from bot.policy import Policy; p = Policy(); p.triage('I want to die'); "
                   "print(json.dumps(sorted(m for m in sys.modules if m.startswith('bot') or m in ('tantivy', 'Stemmer'))))")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CITEBOT_CACHE_DIR": str(tmp_path / "cache"),
           "HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-c", policy_only], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout))
    assert not loaded & {"bot.store", "bot.corpus", "bot.index", "bot.rank", "bot.segment", "tantivy", "Stemmer"}
    assert not (tmp_path / "cache").exists() and not (tmp_path / "home").exists()
