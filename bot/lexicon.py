"""General English: which words are real words, so that a typo is corrected and a real word is not.

"ketamin" is no English word, so it may be read as the corpus's "ketamine"; "liver" is one, so it is
never bent into the corpus's "lives". The word list is the English frequency dictionary shipped in
the symspellpy package (82,765 words), read lazily: only a question with a word unknown to the
corpus needs it.
"""

from __future__ import annotations

from functools import lru_cache
import importlib.util
from pathlib import Path

DICTIONARY = "frequency_dictionary_en_82_765.txt"


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    package = Path(importlib.util.find_spec("symspellpy").origin).parent  # found, not imported
    text = (package / DICTIONARY).read_text(encoding="utf-8")
    return frozenset(text.split()[::2])  # "word count" lines: every other token is a word


def is_english_word(word: str) -> bool:
    return word.lower() in english_words()
