"""Words: how text is cut into terms and stemmed, the same way for the index and for questions."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

WORD = re.compile(r"[^\W_]+", re.UNICODE)

# Words that carry no topic: function words, and the frame words people put around a question
# ("tell me", "what do the sources say about"). They never count as a question's key terms.
STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are aren as at be because been before
    being below between both but by can cannot could couldn did didn do does doesn doing don down
    during each few for from further had hadn has hasn have haven having he her here hers herself him
    himself his how i if in into is isn it its itself just let ll me might more most must mustn my
    myself no nor not now of off on once only or other ought our ours ourselves out over own re s
    same shan she should shouldn so some such t than that the their theirs them themselves then there
    these they this those through to too under until up upon us ve very was wasn we were weren what
    whats when where which while who whom whose why will with won would wouldn you your yours
    yourself yourselves d m o y ma many much
    tell explain describe know knew want like please thanks thank anything something someone things
    thing say says said mention mentions mentioned source sources article articles text document
    documents page pages question questions answer information info give show list lot way exactly
    really actually basically generally kind sort whether get got one ones okay ok hi hello hey
    according claim claims report reports reported state states stated write wrote written
    """.split()
)

# General words that say how a question is asked more than what it is about. They count as key
# terms where the sources use them, but a source that never uses them is not ruled out for that:
# "What happens to X?" is still about X.
GENERIC = frozenset(
    """
    happen happens happened happening come comes came coming start starts started starting begin
    begins began begun relate relates related relating relation describe describes described
    description everyone everybody anyone anybody someone class classes category categories kind
    kinds type types need needs needed different difference differences differ differs similar
    compare compared comparison exactly specifically usually typically important main major basic
    overall whole people person persons thing things stuff part parts way ways reason reasons fact
    facts example examples detail details aspect aspects lot lots matter matters able possible
    together
    """.split()
)

# No cache of the library's own (its entries are lists the garbage collector must keep visiting):
# `stem` below caches.
_stemmer = Stemmer.Stemmer("english", 0)


def ascii_table(keep: bytes = b"") -> bytes:
    """A `bytes.translate` table for ASCII text: letters and digits kept (capitals made small), the
    bytes of `keep` kept, every other byte a space. One lookup a byte: less than half the cost of a
    regular expression over the lower-cased text."""
    return bytes(c + 32 if 65 <= c <= 90 else c if 48 <= c <= 57 or 97 <= c <= 122 or c in keep else 32
                 for c in range(256))


# ASCII text, the common case, is cut by the table: it gives what WORD finds in the lower-cased
# text (the ranker cuts a few hundred sentences a question).
_ASCII_WORD_BYTES = ascii_table()


def words(text: str) -> list[str]:
    """The lower-cased words of a text, in order."""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_WORD_BYTES).decode("ascii").split()
    return WORD.findall(text.lower())


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def terms(text: str) -> list[str]:
    """The stemmed words of a text (stop words included), as the index stores them."""
    return list(map(stem, words(text)))


def key_words(text: str) -> list[str]:
    """The words of a question that say what it is about, in order, without repeats."""
    seen: dict[str, None] = {}
    for w in words(text):
        if w not in STOPWORDS and (len(w) > 1 or w.isdigit()):
            seen.setdefault(w, None)
    return list(seen)
