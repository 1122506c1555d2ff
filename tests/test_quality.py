"""The right passage first, on the bundled corpus: the project's own 92 questions (bench/bundled_quality.jsonl)."""

from __future__ import annotations

import json
from pathlib import Path

SET = Path(__file__).resolve().parents[1] / "bench" / "bundled_quality.jsonl"


def rank_of_expected(bot, row: dict) -> int | None:
    wanted = [" ".join(w.split()) for w in [row["sentence"], *row.get("also", [])]]
    texts = [" ".join(q.text.split()) for q in bot.ask(row["question"]).quotes]
    return next((i for i, t in enumerate(texts) if any(w in t for w in wanted)), None)


def test_the_expected_sentence_is_among_the_first_three_quotes(bot):
    rows = [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 80
    ranks = [rank_of_expected(bot, row) for row in rows]
    hit3 = sum(r is not None and r < 3 for r in ranks) / len(rows)
    hit1 = sum(r == 0 for r in ranks) / len(rows)
    assert hit3 >= 0.95, [row["question"] for row, r in zip(rows, ranks) if r is None or r >= 3]
    assert hit1 >= 0.85


def test_a_question_about_frequency_prefers_the_sentence_that_gives_numbers(tmp_path):
    from bot.answer import Bot

    (tmp_path / "gout.md").write_text(
        "# Gout\n\nGout is a form of arthritis caused by high levels of uric acid in the blood. "
        "It usually starts in the big toe.\n\n"
        "## Frequency\n\nGout occurs in about 4 percent of American adults.\n", encoding="utf-8")
    (tmp_path / "other.md").write_text("# Anemia\n\nAnemia is a lack of red blood cells.\n", encoding="utf-8")
    bot = Bot.open(tmp_path)
    assert bot.ask("How common is gout?").quotes[0].text == "Gout occurs in about 4 percent of American adults."
    assert bot.ask("What is gout?").quotes[0].text.startswith("Gout is a form of arthritis")
