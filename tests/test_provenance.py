"""A quote's provenance is the same in every front end: the terminal, the chat and the Markdown
export each show the origin, the nature of the source (marketing, a disclosed conflict) and, for a
quote merged from several files, every other file with its own nature."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_chat import export_to, plain

from bot.display import provenance
from bot.export import escape
from bot.tui.widgets import QuoteBlock

from chat_helpers import ask, drive, wait_for

ROOT = Path(__file__).resolve().parents[1]
SAME = "Lithium levels are checked with a blood test every few months."


@pytest.fixture()
def corpus(tmp_path) -> Path:
    """Two files saying the same sentence, each a different kind of page with its own disclosure."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "clinic.md").write_text(f"# Lithium care\n\n{SAME}\n", encoding="utf-8")
    (folder / "vendor.md").write_text(f"# Lithium monitoring kits\n\n{SAME}\n", encoding="utf-8")
    (folder / "sources.toml").write_text(
        '["clinic.md"]\ntitle = "Lithium care"\nauthor = "A. Clinic"\ndate = "2024-01-02"\n'
        'kind = "clinic marketing page"\ndisclosure = "The clinic sells lithium monitoring"\n\n'
        '["vendor.md"]\ntitle = "Lithium monitoring kits"\npublisher = "KitCo"\n'
        'kind = "product advertisement"\ndisclosure = "KitCo makes the test kits"\n',
        encoding="utf-8",
    )
    return folder


QUESTION = "How are lithium levels checked?"


def test_the_terminal_shows_both_sources_and_their_nature(corpus, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CITEBOT_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-m", "bot", "ask", "--corpus", str(corpus), QUESTION],
                          capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert f'[1] "{SAME}" — ' in out
    for text in ("clinic marketing page · discloses: The clinic sells lithium monitoring",
                 "also said in: ", "product advertisement · discloses: KitCo makes the test kits"):
        assert text in out, out
    assert "Lithium care · A. Clinic · 2024-01-02 · " in out or "Lithium monitoring kits · KitCo · " in out


def test_the_chat_and_its_export_show_the_same_provenance(corpus, tmp_path):
    target = tmp_path / "talk.md"

    async def scenario(pilot):
        await ask(pilot, QUESTION)
        block = pilot.app.query(QuoteBlock).first()
        quote = block.quote
        assert quote.also_in, "the two files' sentence should be one quote"
        lines = provenance(quote)
        kinds = [kind for kind, _ in lines]
        assert kinds == ["origin", "nature", "also", "nature"]
        shown = plain(block)
        for _, text in lines:
            assert text in shown, (text, shown)
        await export_to(pilot, target)
        await wait_for(pilot, target.exists)
        exported = target.read_text(encoding="utf-8")
        for kind, text in lines:
            written = escape(text)  # Markdown's escapes; the words are the renderer's
            if kind == "origin":
                assert f"> — \\[1\\] {written}" in exported, exported
            elif kind == "nature":
                assert f"> *{written}*" in exported, exported
            else:
                assert f"> {written}" in exported, exported

    drive(scenario, corpus_dir=corpus)


def test_every_front_end_renders_the_one_provenance_list(corpus, tmp_path):
    """The JSON reply names the same sources the shared renderer lists, in the same order."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CITEBOT_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-m", "bot", "ask", "--json", "--corpus", str(corpus), QUESTION],
                          capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
    quote = json.loads(done.stdout)["quotes"][0]
    sources = [quote["source"], *quote["also_in"]]
    assert {s["kind"] for s in sources} == {"clinic marketing page", "product advertisement"}
    assert all(s["disclosure"] for s in sources)
