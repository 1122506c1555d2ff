"""General English: which words are real words, so that a typo is corrected and a real word is not.

"ketamin" is no English word, so it may be read as the corpus's "ketamine"; "liver" is one, so it is
never bent into the corpus's "lives". The word list is the English frequency dictionary shipped in
the symspellpy package (82,765 words), read lazily: only a question with a word unknown to the
corpus needs it.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Mapping
from functools import lru_cache
from itertools import islice
from pathlib import Path

DICTIONARY = "frequency_dictionary_en_82_765.txt"


@lru_cache(maxsize=3)
def _words_by_frequency(limit: int | None = None) -> tuple[str, ...]:
    """The dictionary's words, most frequent first; only the first `limit` lines are read if given."""
    spec = importlib.util.find_spec("symspellpy")  # found, not imported
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("symspellpy, whose English word list citebot reads, is not installed")
    package = Path(spec.origin).parent
    with (package / DICTIONARY).open(encoding="utf-8") as lines:  # "word count" lines
        return tuple(line.split(" ", 1)[0] for line in islice(lines, limit))


def word_table(words: Iterable[str]) -> Mapping[str, None]:
    """Words to test membership in, kept for the life of the process, as a dict with no values.

    Not a set: a set is tracked by the garbage collector, and every full collection visits each of
    its words (a cache miss each). A dict that holds only strings and None is not tracked at all
    (Python's `gc.is_tracked` documents this). Held in frozensets, these words made a full
    collection after a process's first question take 15 ms, against 2 ms as word tables."""
    return dict.fromkeys(words)


@lru_cache(maxsize=1)
def english_words() -> Mapping[str, None]:
    return word_table(_words_by_frequency())


# English contractions as a question reads once its apostrophes are dropped ("haven't" -> "havent"):
# words, not typos, and never to be read as another word ("havent" as "have" would lose the "not").
CONTRACTIONS = frozenset(
    "arent isnt wasnt werent dont doesnt didnt havent hasnt hadnt cant couldnt shouldnt wouldnt wont "
    "mustnt neednt mightnt aint im ive id ill youre youve youll youd theyre theyve theyll theyd weve "
    "hes shes thats theres whats whos wheres hows lets shouldve wouldve couldve mightve mustve".split()
)


def is_english_word(word: str) -> bool:
    word = word.lower()
    return word in CONTRACTIONS or word in english_words()


COMMON = 30000  # the most frequent words of the dictionary, which a glued word may be split into
_SHORT = frozenset("a i an as at be by do go he if in is it me my no of on or so to up us we am".split())


@lru_cache(maxsize=2)
def common_words(limit: int = COMMON) -> Mapping[str, None]:
    """The `limit` most frequent words of the dictionary (of two letters or less, only real ones)."""
    return word_table(w for w in _words_by_frequency(limit) if len(w) >= 3 or w in _SHORT)


def split_glued(word: str) -> tuple[str, str] | None:
    """Two common words typed without the space between them ("totalhow" -> "total how",
    "takea" -> "take a"), or None; the longest first half that leaves a common word wins."""
    common = common_words()
    for cut in range(len(word) - 1, 0, -1):
        head, tail = word[:cut], word[cut:]
        if head in common and tail in common:
            return head, tail
    return None
