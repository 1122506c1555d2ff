"""Questions about the sources themselves: who wrote one, who a person is, when one was published,
what one discloses. They are answered from the source's own words where its text states them (the
byline, the date line, the disclosure), quoted with their origin like any other quote. Bylines and
date lines are page furniture for every other question; only these questions quote them.

    Who wrote The Expanding Role of Ketamine in Psychiatry?   -> "By: Lauro Amezcua-Patino, MD. FAPA."
    Who is Lauro Amezcua-Patino?                              -> the same byline
    When was the Soft Reboot Wellness article published?      -> "May 30, 2024"
    What does Dr. Safa's blog disclose?                       -> "Disclosure: Dr. Safa Rubaye serves as ..."
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from .corpus import Document
from .shelf import sources_of
from .text import STOPWORDS, stem, words

_AUTHOR = re.compile(r"\b(who (wrote|writes|authored|published|is (the )?(author|writer) of)|(author|writer)s? of)\b")
# "Who is <someone>?", not "Who is at risk for...?" nor "Who is affected?"
_PERSON = re.compile(r"^\W*who (is|was)\b(?! (the (author|writer)|at risk|likely|more likely|most likely|affected|"
                     r"eligible|a candidate|suitable|prone)\b)")
_WHEN = re.compile(r"\b(when (was|were|is|did)\b.*\b(published|written|posted|dated|come out|came out|appear)|"
                   r"(publication|publishing|posting) date|what date)\b")
_DISCLOSE = re.compile(r"\b(disclos\w*|conflicts? of interest|financial interest)\b")
_DISCLOSING = re.compile(r"\b(disclos\w*|conflicts? of interest|serves as|employed by|paid by|sponsored by)\b", re.I)
MAX_NAMED = 10
_SOURCE_WORDS = frozenset(stem(w) for w in "article blog post page site website source paper review dr".split())
_DEGREES = frozenset(stem(w) for w in "md phd fapa do rn np".split())


@dataclass(frozen=True)
class Asked:
    kind: str  # "author", "person", "date" or "disclosure"
    documents: tuple[int, ...]  # the sources the question names


class SourceNames:
    """Each source's words that can name it (stems of its title, of its author, and of its author
    and publisher together), and the sources each word names: read once per corpus, at its first
    question about the sources, not from every source at every such question."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self.title: list[frozenset[str]] = []
        self.author: list[frozenset[str]] = []
        self.people: list[frozenset[str]] = []
        self.naming: dict[str, list[int]] = {}
        for i, source in enumerate(sources_of(documents)):  # metadata only: no document's text is read
            author = frozenset(w for w in _content(source.author or "") if w not in _DEGREES)
            people = author | {w for w in _content(source.publisher or "") if w not in _DEGREES}
            title = frozenset(_content(source.title))
            self.title.append(title)
            self.author.append(author)
            self.people.append(people)
            for word in people | title:
                self.naming.setdefault(word, []).append(i)


def about_sources(question: str, names: Callable[[], SourceNames]) -> Asked | None:
    """What a question asks about the sources, and which ones it names; None for any other question.
    `names` gives the sources' names; it is called only for a question about the sources (the
    first such question of a corpus reads every source: any other question must not wait for it)."""
    text = question.lower()
    if _AUTHOR.search(text):
        kind = "author"
    elif _WHEN.search(text):
        kind = "date"
    elif _DISCLOSE.search(text):
        kind = "disclosure"
    elif _PERSON.search(text):
        kind = "person"
    else:
        return None
    return _asked(kind, set(_content(text)) - _SOURCE_WORDS, names())


def _asked(kind: str, named: set[str], names: SourceNames) -> Asked | None:
    """Which sources the question's words name best."""
    sharing = sorted({i for word in named for i in names.naming.get(word, ())})  # no other source can be named
    scores = {i: score for i in sharing if (score := _names(names, i, named, kind))[0]}
    best = max(scores.values(), default=(0, 0.0))
    found = tuple(i for i, score in scores.items() if score == best)  # the sources it names best
    # A name that hundreds of sources share (a publisher's) names none in particular.
    return Asked(kind, found) if 0 < len(found) <= MAX_NAMED else None


def _content(text: str) -> list[str]:
    """The stems of a text's content words: "ketamines" names "Ketamine's"."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 2]


def _names(names: SourceNames, i: int, named: set[str], kind: str) -> tuple[int, float]:
    """How well the question's words name source `i`, as (words named, share named); (0, 0.0)
    when they do not: half its title's words or more, or its author's or publisher's name (a
    person asked about is named by any part of it)."""
    if kind == "person":  # a person is asked about by their name: an author's, never a publisher's
        author = names.author[i]
        return (len(author & named), len(author & named) / len(author)) if author & named else (0, 0.0)
    people = names.people[i]
    by_name = (len(people & named), len(people & named) / len(people)) if people & named else (0, 0.0)
    title = names.title[i]
    hits = len(title & named)
    by_title = (hits, hits / len(title)) if title and hits >= max(2, (len(title) + 1) // 2) else (0, 0.0)
    return max(by_title, by_name)


def sentences_for(asked: Asked, documents: Sequence[Document]) -> Iterator[tuple[int, int]]:
    """The (document, sentence) pairs that answer it, in the order of the sources."""
    describes = asked.kind in ("disclosure", "person")
    furniture = {"author": "byline", "person": "byline", "date": "date line"}.get(asked.kind)
    for d in asked.documents:
        doc = documents[d]
        said, lines = [], []
        for s, sentence in enumerate(doc.sentences):
            if sentence.boilerplate is None:
                if describes and _DISCLOSING.search(doc.text[sentence.start : sentence.end]):
                    said.append((d, s))
            elif sentence.boilerplate == furniture:
                lines.append((d, s))
        yield from said  # who someone is: what the source says of them first, their byline after
        yield from lines
