"""Hostile input and broken corpora: nothing crashes, nothing is lost, nothing is interpreted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answer import MAX_QUESTION_CHARS, Bot
from bot.corpus import CorpusError, load_corpus
from bot.model import OUTCOMES
from bot.settings import Settings
from bot.store import open_corpus

from conftest import read_source_text

ROOT = Path(__file__).resolve().parents[1]

NASTY = [
    "", " ", "\t\n", "\x00", "\x00What is BDNF?\x00", "\x1b[2J\x1b[31mWhat is BDNF?\x1b[0m", "\x1b]8;;http://x\x07link\x1b]8;;\x07",
    "[bold red]What is BDNF?[/]", "[link=https://evil.example]click[/link]", "\ud800", "What\udcff is BDNF?",
    "🙂🔥💊" * 50, "ما هو الكيتامين؟", "‮What is BDNF?", "¿Qué es la ketamina?", "ケタミンとは何ですか",
    "a" * 1_000_000, "What is BDNF? " * 10_000, "\r\n" * 1000, "[" * 5000, "\\" * 3000,
]
pieces = st.sampled_from(NASTY[:16] + ["What is BDNF?", "How much ketamine should I take?", "I want to die", "ketamine"])
anything = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()), max_size=300)
questions = st.one_of(anything, st.lists(st.one_of(pieces, anything), max_size=6).map("".join))


def check(bot: Bot, question: str) -> None:
    reply = bot.ask(question)
    assert reply.outcome in OUTCOMES
    assert (reply.outcome == "answer") == bool(reply.quotes)
    for quote in reply.quotes:
        assert read_source_text(quote.source.path)[quote.start : quote.end] == quote.text
    json.dumps(reply.to_dict(), ensure_ascii=False).encode("utf-8")  # always encodable


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(questions)
def test_any_string_gets_one_of_the_four_outcomes_and_verbatim_quotes(bot, question):
    check(bot, question)


@pytest.mark.parametrize("question", NASTY, ids=range(len(NASTY)))
def test_known_nasty_questions(bot, question):
    check(bot, question)


def test_an_over_long_question_is_cut_with_a_notice_not_rejected(bot):
    reply = bot.ask("What is BDNF? " + "x" * 1_000_000)
    assert reply.notice and str(MAX_QUESTION_CHARS) in reply.notice
    assert reply.outcome in OUTCOMES
    # Retrieval reads the first MAX_QUESTION_CHARS characters and no more: the same words answer
    # before the cut and are not read after it.
    padding = "and " * (MAX_QUESTION_CHARS // 4 + 1)  # a word that asks nothing
    assert bot.ask("What is BDNF? " + padding).outcome == "answer"
    after_the_cut = bot.ask(padding + "What is BDNF?")
    assert after_the_cut.outcome == "no_answer" and after_the_cut.notice


def cli(*args: str, stdin: bytes = b"", env: dict | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}, timeout=120)


def test_json_lines_stay_valid_for_undecodable_bytes_and_escapes():
    raw = b"\xff\xfeWhat is BDNF?\n\x1b[31mred\x1b[0m\n[bold]x[/bold]\n\xed\xa0\x80\n" + "ま".encode() * 3 + b"\n"
    result = cli("ask", "--json", stdin=raw)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode("utf-8").splitlines()
    assert len(lines) == 5
    objs = [json.loads(line) for line in lines]
    assert objs[0]["question"].endswith("What is BDNF?") and objs[0]["outcome"] == "answer"
    assert all(o["outcome"] in OUTCOMES for o in objs)


def test_text_output_never_carries_escape_sequences_from_questions_or_sources(tmp_path):
    (tmp_path / "evil.txt").write_text("Evil\n\nLithium \x1b[31mturns text red\x1b[0m and is a salt.\n", encoding="utf-8")
    result = cli("ask", "--corpus", str(tmp_path), "\x1b[2J What is lithium?")
    out = result.stdout.decode("utf-8")
    assert result.returncode == 0 and "\x1b" not in out
    assert "\\x1b[31m" in out  # shown, not executed


def test_a_question_argument_with_undecodable_bytes_is_answered():
    result = subprocess.run([sys.executable, "-m", "bot", "ask", "--json", os.fsdecode(b"What is BDNF?\xff")],
                            capture_output=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert result.returncode == 0
    assert json.loads(result.stdout)["question"] == "What is BDNF?\ufffd"


def test_without_colour_the_four_outcomes_still_read_apart(monkeypatch):
    """NO_COLOR (https://no-color.org) turns colour off in the chat; what tells the outcomes apart
    is then citebot's labels, an icon and a word each, which must differ."""
    from bot.tui.widgets import ReplyView

    from chat_helpers import ask, drive

    monkeypatch.setenv("NO_COLOR", "1")
    labels = {}

    async def scenario(pilot):
        assert pilot.app.no_color
        for question in ("What is BDNF?", "Who painted the Mona Lisa?", "How many milligrams of ketamine should I use?",
                         "I am going to kill myself tonight"):
            await ask(pilot, question)
        for view in pilot.app.query(ReplyView):
            label = view.query(".label").first()
            labels[view.reply.outcome] = str(label.render()).split(" · ")[0]

    drive(scenario)
    assert set(labels) == set(OUTCOMES)
    assert len(set(labels.values())) == 4, labels
    assert all(len(label.split()) >= 2 and not label[0].isalnum() for label in labels.values()), labels  # icon, word


def broken_folder(root: Path) -> Path:
    root.mkdir()
    (root / "good.md").write_text("# Lithium\n\nLithium is a mood stabiliser used for bipolar disorder.\n", encoding="utf-8")
    (root / "copy.md").write_text("# Lithium\n\nLithium is a mood stabiliser used for bipolar disorder.\n", encoding="utf-8")
    (root / "empty.txt").write_text("", encoding="utf-8")
    (root / "blank.txt").write_text("   \n\n  ", encoding="utf-8")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 10)
    (root / "latin1.md").write_bytes("Caf\xe9 is coffee.\n".encode("latin-1"))
    (root / "frontmatter.md").write_text("---\ntitle: Broken\nnot a pair\n---\nGout affects the big toe.\n", encoding="utf-8")
    (root / "rows.jsonl").write_text('{"id": "a", "text": "Anemia is a lack of red blood cells."}\n{oops\n', encoding="utf-8")
    (root / "dangling.txt").symlink_to(root / "nowhere.txt")
    (root / "loop.txt").symlink_to(root / "loop.txt")
    (root / "sub").mkdir()
    (root / "sub" / "up").symlink_to(root, target_is_directory=True)  # a folder loop
    big = ("Asthma narrows the airways of the lungs. " * 12 + "\n\n") * 40_000
    (root / "big.txt").write_text("Asthma\n\n" + big, encoding="utf-8")  # about 20 MB
    return root


EXPECTED_PROBLEMS = {
    "good.md": "same text as",  # copy.md comes first in name order
    "empty.txt": "empty",
    "blank.txt": "empty",
    "binary.txt": "binary",
    "latin1.md:1": "not UTF-8",
    "frontmatter.md:3": "not 'key: value'",
    "rows.jsonl:2": "not valid JSON",
    "dangling.txt": "cannot be read",
    "loop.txt": "cannot be read",
}


@pytest.mark.parametrize("cached", [False, True], ids=["cache unusable", "cached"])
def test_a_broken_folder_reports_each_problem_once_and_loads_the_rest(tmp_path, cached):
    root = broken_folder(tmp_path / "corpus")
    base = tmp_path / "cache"
    if not cached:
        base.write_text("a file where the cache folder should be", encoding="utf-8")
    corpus, index, _ = open_corpus(root, Settings(base))
    bot = Bot(corpus, index=index)
    problems = [str(p) for p in corpus.problems if "answering without a cache" not in p.message]
    assert len(problems) == len(corpus.problems) - (not cached)
    for where, what in EXPECTED_PROBLEMS.items():
        hits = [p for p in problems if f"{where}:" in p and what in p]
        assert len(hits) == 1, (where, problems)
    assert len(problems) == len(EXPECTED_PROBLEMS), problems
    assert {d.source.id for d in corpus.documents} == {"good", "copy", "frontmatter", "a", "big"}
    reply = bot.ask("What is lithium?")
    assert reply.outcome == "answer" and {reply.quotes[0].source.id, *(s.id for s in reply.quotes[0].also_in)} == {"good", "copy"}
    assert bot.ask("What narrows the airways?").quotes[0].source.id == "big"


def test_a_folder_with_nothing_usable_exits_2(tmp_path):
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    result = cli("ask", "--corpus", str(tmp_path), "What is lithium?")
    assert result.returncode == 2
    assert b"no usable document" in result.stderr and b"empty.txt" in result.stderr
    with pytest.raises(CorpusError):
        load_corpus(tmp_path)


def test_a_cache_deleted_while_in_use_keeps_answering_and_is_rebuilt(tmp_path):
    import shutil

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "gout.md").write_text("# Gout\n\nGout is a form of arthritis caused by uric acid.\n", encoding="utf-8")
    corpus, index, _ = open_corpus(docs, Settings(tmp_path / "cache"))
    bot = Bot(corpus, index=index)
    shutil.rmtree(tmp_path / "cache")
    assert bot.ask("What is gout?").outcome == "answer"
    corpus, index, stats = open_corpus(docs, Settings(tmp_path / "cache"))
    assert stats["read"] == 1 and Bot(corpus, index=index).ask("What is gout?").outcome == "answer"
