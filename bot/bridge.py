"""Words a question may use that its sources never do: what each common English word means nearly
the same as (word_neighbours.tsv), and which words say nothing of a medical topic
(everyday_words.txt). Both files are built by scripts in bench/ and read at answering time only,
so they are no part of what the index cache holds (store.modules_behind)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from .lexicon import word_table

NEIGHBOURS = Path(__file__).with_name("word_neighbours.tsv")
EVERYDAY = Path(__file__).with_name("everyday_words.txt")


@lru_cache(maxsize=1)
def _neighbour_table() -> str:
    """word_neighbours.tsv as one string, each line led by a newline: read once, and only by a
    question with a word its corpus never uses."""
    return "\n" + NEIGHBOURS.read_text(encoding="utf-8")


def neighbours(word: str) -> list[tuple[str, float]]:
    """The words nearest to a common English word in meaning, nearest first, with their cosine
    (bench/build_word_neighbours.py); none for a word the table does not hold."""
    table = _neighbour_table()
    start = table.find(f"\n{word.lower()}\t")
    if start < 0:
        return []
    line = table[start + len(word) + 2 : table.find("\n", start + 1)]
    return [(near, float(cosine)) for near, cosine in (pair.rsplit(":", 1) for pair in line.split())]


@lru_cache(maxsize=1)
def everyday_words() -> Mapping[str, None]:
    """Common English words that say nothing of a medical topic ("good", "gets", "instead"), from
    everyday_words.txt (bench/build_everyday_words.py): a question may use them though its
    sources never do."""
    lines = EVERYDAY.read_text(encoding="utf-8").splitlines()
    return word_table(line for line in lines if line and not line.startswith("#"))
