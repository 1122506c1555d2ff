"""The bundled corpus ships inside the wheel and works from a non-editable install, anywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                           capture_output=True, text=True, timeout=600)
    if build.returncode != 0:
        pytest.fail(f"building the wheel failed:\n{build.stderr[-2000:]}")
    return next(out.glob("citebot-*.whl"))


def test_wheel_holds_package_rules_and_corpus(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "bot/rules.toml" in names and "bot/cli.py" in names
    # every data file the package reads (the triage's rules and term table, the question types,
    # the ranking weights, the boilerplate patterns) ships with it
    shipped = {p.name for p in (ROOT / "bot").iterdir() if p.suffix in (".toml", ".tsv")}
    assert shipped >= {"rules.toml", "qtypes.toml", "ranking.toml", "boilerplate.toml", "triage_weights.tsv",
                       "rule_gates.tsv"}
    assert {f"bot/{name}" for name in shipped} <= names
    assert "bot/corpus/sources.toml" in names
    assert sum(n.startswith("bot/corpus/") and n.endswith(".txt") for n in names) == 5


def test_installed_wheel_answers_from_any_directory(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, timeout=600)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    code = "import bot, sys; print(bot.__file__, file=sys.stderr); from bot.cli import main; sys.exit(main())"
    result = subprocess.run([sys.executable, "-c", code, "ask", "--json", "What is BDNF?"], cwd=elsewhere, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert str(site) in result.stderr  # the installed copy ran, not the checkout
    quote = json.loads(result.stdout)["quotes"][0]
    path = Path(quote["source"]["path"])
    assert path.is_absolute() and str(site) in str(path)
    assert path.read_text(encoding="utf-8")[quote["start"] : quote["end"]] == quote["text"]
