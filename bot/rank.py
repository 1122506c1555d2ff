"""Ranking candidate sentences for a question: which passage answers it, not merely mentions it.

A candidate's score combines how much of the question's key-term weight it covers (its own words
fully, its heading and source title partly), the engine's BM25 score, whether it is about the
question's rarest term, whether it holds the words that answer this kind of question (a cause, a
frequency, an inheritance pattern: `qtypes.toml`), whether its source's title is what the question
names, and how many other sentences of the same source also match.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from . import lexicon
from .corpus import Document
from .text import GENERIC, STOPWORDS, key_words, stem, terms, words

# The weights, named and documented in ranking.toml.
RANKING = tomllib.loads(Path(__file__).with_name("ranking.toml").read_text(encoding="utf-8"))
_W = RANKING["weights"]
CONTEXT_WEIGHT: float = _W["context"]
RELATION_WEIGHT: float = _W["relation"]
RELATION_WORDS = frozenset(stem(w) for w in _W["relation_words"].split())
GENERIC_STEMS = frozenset(stem(w) for w in GENERIC)
TOPIC_FIRST_BONUS: float = _W["topic_first_bonus"]
CUE_BONUS: float = _W["cue_bonus"]
CUE_SATURATION: int = _W["cue_saturation"]
TITLE_BONUS: float = _W["title_bonus"]
DOC_SUPPORT: float = _W["doc_support"]
BM25_SHARE: float = _W["bm25_share"]
DEFINITION_BONUS: float = _W["definition_bonus"]
CANDIDATES: int = RANKING["retrieval"]["candidates"]
NAMED_SOURCE_SENTENCES: int = RANKING["retrieval"]["named_source_sentences"]
FIELD_BOOSTS: dict[str, float] = RANKING["retrieval"]["field_boosts"]
MIN_COVERAGE: float = RANKING["abstain"]["min_coverage"]
MIN_RELATIVE_SCORE: float = RANKING["abstain"]["min_relative_score"]
COMMON_ENGLISH: int = RANKING["abstain"]["common_english"]
BRIDGE_SIMILARITY: float = RANKING["bridge"]["min_similarity"]
BRIDGE_SAME_START: int = RANKING["bridge"]["same_start"]
UNUSED_WEIGHT: float = RANKING["bridge"]["unused_weight"]


@dataclass(frozen=True)
class Cues:
    """What the question asks for: answer words (stems) and patterns, and its frame words."""

    stems: frozenset[str] = frozenset()
    patterns: tuple[re.Pattern[str], ...] = ()
    frame: frozenset[str] = frozenset()
    defines: bool = False  # "What is X?": a sentence that says what X is comes first
    needed: bool = False  # only a sentence holding an answer word or pattern answers (qtypes.toml's needs_answer)

    def hits(self, own: set[str], text: str, asked: set[str]) -> float:
        """How strongly a sentence answers this kind of question: its answer words (not those the
        question itself uses), and its answer patterns, which say more and count double."""
        found = len((own & self.stems) - asked)
        if self.patterns and self._any_pattern.search(text):  # most sentences match none: one search tells
            found += 2 * sum(1 for p in self.patterns if p.search(text))
        return found

    @cached_property
    def not_topic(self) -> frozenset[str]:
        """Stems that never name what a question is about: framing verbs, generic words, and the
        frame and answer words of its kind of question (read once a question, by `topic_words`
        and `topic_phrases`)."""
        return RELATION_WORDS | GENERIC_STEMS | self.frame | self.stems

    @cached_property
    def _any_pattern(self) -> re.Pattern[str]:
        return _any_of(self.patterns)


@lru_cache(maxsize=64)
def _any_of(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str]:
    """One pattern that matches where any of `patterns` does."""
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns))


class QuestionTypes:
    """The question types of `qtypes.toml`."""

    @cached_property
    def _types(self) -> list[tuple[list[re.Pattern[str]], Cues, bool]]:
        data = tomllib.loads(Path(__file__).with_name("qtypes.toml").read_text(encoding="utf-8"))
        sources = [p for t in data["type"] for p in (*t["question"], *t.get("answer_patterns", ()))]
        compiled = iter([re.compile(p) for p in sources])
        types = []
        for t in data["type"]:
            asks = [next(compiled) for _ in t["question"]]
            answers = tuple(next(compiled) for _ in t.get("answer_patterns", ()))
            cues = Cues(frozenset(stem(w) for w in t.get("answer", ())), answers,
                        frozenset(stem(w) for w in t.get("frame", ())), bool(t.get("defines")),
                        bool(t.get("needs_answer")))
            types.append((asks, cues, bool(t.get("fallback"))))
        return types

    def cues(self, question: str) -> Cues:
        text = " ".join(re.findall(r"\w+", question.lower()))
        fits = [cues for asks, cues, _ in self._types if any(p.search(text) for p in asks)]
        specific = [cues for asks, cues, fallback in self._types if not fallback and cues in fits]
        chosen = specific or fits
        return Cues(
            frozenset().union(*(c.stems for c in chosen)),
            tuple(p for c in chosen for p in c.patterns),
            frozenset().union(*(c.frame for c in chosen)),
            any(c.defines for c in chosen),
            any(c.needed for c in chosen),
        )


@dataclass
class Candidate:
    doc: int
    sentence: int
    score: float
    coverage: float
    missing: frozenset[str] = frozenset()  # the question's topic words it does not hold (`topic_words`)
    # Holds an answer word or pattern of the kind of question asked, if it `needed` one (a word the
    # question uses counts here, unless it only frames the question: "how common").
    answers: bool = True


def weigh(stems: list[str], idf, cues: Cues = Cues(), unused: frozenset[str] = frozenset()) -> dict[str, float]:
    """Each key term's weight: its rarity, less for the verbs and frame words around a question,
    and for its everyday words that the sources never use (`unused`): no sentence covers those,
    so a question that says little else ("How much does a ketamine clinic charge?") is not answered."""
    light = RELATION_WORDS | GENERIC_STEMS | cues.frame
    return {s: idf(s) * (UNUSED_WEIGHT if s in unused else RELATION_WEIGHT if s in light else 1.0) for s in stems}


def topic_words(words: Iterable[str], weights: dict[str, float], cues: Cues) -> frozenset[str]:
    """The stems of the question's key `words` that the first quote must hold (in its sentence,
    heading or source title) for the sources to answer the question at all: its specific words,
    none of the COMMON_ENGLISH most frequent English words ("ketamine", "glutamate", "Hashimoto", not
    "adult" or "mood"), that are not framing verbs, generic words, nor words of the kind of
    question asked (which an answer may put otherwise: "outlook" is answered by "prognosis").
    "What are the symptoms of Zorvalin syndrome type Quastorf?" is not answered by a sentence on
    another type of it."""
    common = lexicon.common_words(COMMON_ENGLISH)
    return frozenset(s for w in words if (s := stem(w)) in weights and s not in cues.not_topic and w not in common)


def topic_phrases(question: str, stems: Iterable[str], cues: Cues) -> tuple[tuple[str, ...], ...]:
    """The question's names of things: each run of two or more of its key words in a row (as
    `stems`, the words the sources use), with no stop word, framing verb, generic word or word of
    the kind of question between them. "Is pyruvate kinase deficiency inherited?" names ("pyruv",
    "kinas", "defici")."""
    light = cues.not_topic
    known = set(stems)
    runs: list[tuple[str, ...]] = []
    run: list[str] = []
    for word in [*words(question), ""]:
        if word and word not in STOPWORDS and (len(word) > 1 or word.isdigit()) \
                and (s := stem(word)) in known and s not in light:
            run.append(s)
            continue
        if len(run) >= 2:
            runs.append(tuple(run))
        run = []
    return tuple(dict.fromkeys(runs))


def names_another(phrase: tuple[str, ...], texts: Iterable[str], title: str) -> bool:
    """Whether a source's `title` names another thing of the kind `phrase` names, and neither it
    nor `texts` (a quote and its heading) names the phrase's own: the title holds the phrase's
    last word (its kind, "syndrome") after a word the question does not use, where the question
    has a word that the texts never do. "Is pyruvate kinase deficiency inherited?" is not answered
    by a source titled "Pyruvate dehydrogenase deficiency" unless the quote names the kinase one;
    "hemiplegic migraine" is answered by "Familial hemiplegic migraine"."""
    named = _stems_in_order(title)
    held = [*map(_stems_in_order, texts), named]
    if any(_holds_in_order(phrase, seq) for seq in held):
        return False
    words_held = {s for seq in held for s in seq}
    kind, before = phrase[-1], phrase[-2::-1]  # the words before the kind, nearest first
    for i in (i for i, s in enumerate(named) if s == kind):
        for want, got in zip(before, named[i - 1::-1] if i else (), strict=False):
            if want != got:
                if want not in words_held and got not in phrase:
                    return True
                break
    return False


_TYPE = re.compile(r"\btype\s+([0-9]+[a-z]?|[ivx]+[a-z]?)\b")
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8", "ix": "9", "x": "10"}


def types_named(text: str) -> frozenset[str]:
    """The types a text names by number or letter: "type 1A", "type IIb" ("1a", "2b")."""
    found = set()
    for m in _TYPE.finditer(text.lower()):
        code = m.group(1)
        numeral = code.rstrip("abcdefgh") if code[0] in "ivx" and code.rstrip("abcdefgh") in _ROMAN else None
        found.add(_ROMAN[numeral] + code[len(numeral):] if numeral else code)
    return frozenset(found)


def another_type(asked: frozenset[str], texts: Iterable[str], title: str) -> bool:
    """Whether a source's title names a type (by number) other than those the question asks about,
    and none of `texts` (a quote and its heading) names an asked one: "keratoderma type I" is not answered from a page on
    "keratoderma type 2"."""
    if not asked:
        return False
    titled = types_named(title)
    return bool(titled) and not titled & asked and not any(types_named(t) & asked for t in texts)


def _stems_in_order(text: str) -> list[str]:
    return [stem(w) for w in words(text) if w not in STOPWORDS]


def _holds_in_order(phrase: tuple[str, ...], seq: list[str]) -> bool:
    n = len(phrase)
    return any(tuple(seq[i:i + n]) == phrase for i in range(len(seq) - n + 1))


def title_named(doc: Document, asked: set[str]) -> bool:
    """Whether the question names everything the source's title names."""
    named = title_stems(doc.source.title)[0]
    return bool(named) and named <= asked


@lru_cache(maxsize=65_536)
def title_stems(title: str) -> tuple[frozenset[str], frozenset[str]]:
    """A title's key-word stems (what naming it takes) and all its terms: read once per title, not
    at every question that touches its source's sentences."""
    return frozenset(stem(w) for w in key_words(title)), frozenset(terms(title))


def score_candidates(hits, documents: Sequence[Document], weights: dict[str, float], cues: Cues,
                     required: frozenset[str] = frozenset()) -> list[Candidate]:
    """Every hit scored; the best first, each with the stems of `required` (`topic_words`) that
    neither it nor its heading or title holds."""
    if not hits:
        return []
    total = sum(weights.values()) or 1.0
    weighted = tuple(weights.items())
    rarest = max(weights, key=lambda term: weights[term])
    subject = tuple(weights)  # the question's own words, in order: what "What is X?" asks about
    asked = set(weights)
    answer_words = cues.stems - cues.frame  # a word the question uses counts as an answer word too, unless it frames it
    top = max(h.score for h in hits) or 1.0
    floor = min((h.score for h in hits if h.score > 0), default=0.0)
    titles: dict[int, tuple[bool, frozenset[str]]] = {}  # per source: named by the question?, title terms
    headings: dict[str, tuple[set[str], float]] = {}  # per heading: its terms, how strongly it answers
    cued = bool(cues.stems or cues.patterns)
    out: list[Candidate] = []
    docs: dict[int, Document] = {}  # each document looked up once, however many of its sentences are hits
    for hit in hits:
        doc = docs.get(hit.doc)
        if doc is None:
            doc = docs[hit.doc] = documents[hit.doc]
        start, end, heading = doc.span(hit.sentence)
        text = doc.text[start:end]
        own_terms = doc.terms_of(hit.sentence, text)
        own = set(own_terms)
        if hit.doc not in titles:
            titles[hit.doc] = (title_named(doc, asked), title_stems(doc.source.title)[1])
        named, title_terms = titles[hit.doc]
        if not own & asked and not named:
            continue
        if heading not in headings:
            found_terms = set(terms(heading))
            headings[heading] = (found_terms, cues.hits(found_terms, heading, asked) if cued else 0.0)
        heading_terms, heading_hits = headings[heading]
        # Every sentence of a source whose title the question names is about that title.
        full = own | title_terms if named else own
        context = heading_terms | title_terms
        covered = sum([w if s in full else CONTEXT_WEIGHT * w if s in context else 0.0 for s, w in weighted])
        coverage = covered / total
        engine = hit.score or floor  # sentences added from a named source rank like the engine's last
        score = coverage * (1 - BM25_SHARE + BM25_SHARE * engine / top) * _shape(text)
        bonus = 1.0
        if rarest in own_terms[:6]:
            bonus += TOPIC_FIRST_BONUS
        found = 0.0
        if cued:
            found = cues.hits(own, text, asked) + 0.5 * heading_hits
            bonus += CUE_BONUS * min(found, CUE_SATURATION) / CUE_SATURATION
        if named:
            bonus += TITLE_BONUS
        if cues.defines and _defines(text, own_terms, subject):
            bonus += DEFINITION_BONUS
        out.append(Candidate(hit.doc, hit.sentence, score * bonus, coverage, required - full - context,
                             not cues.needed or found > 0 or not own.isdisjoint(answer_words)))
    per_doc: dict[int, int] = {}
    for cand in out:
        if cand.coverage >= 0.3:
            per_doc[cand.doc] = per_doc.get(cand.doc, 0) + 1
    for cand in out:
        cand.score *= 1 + DOC_SUPPORT * min(per_doc.get(cand.doc, 1) - 1, 3) / 3
    # Equal scores in the order of the corpus, never in the order the engine happened to return
    # them (its segments differ between builds); scores rounded so float noise breaks no tie.
    out.sort(key=lambda c: (-round(c.score, 9), c.doc, c.sentence))
    return out


_LINK = re.compile(r"\s*(is|are|was|were|refers to|means|,|\(|—|–)(\s|$)", re.IGNORECASE)


def _defines(text: str, own_terms: tuple[str, ...], subject: tuple[str, ...]) -> bool:
    """Whether a sentence opens by saying what the subject is: the subject's words first, then
    "is", "are", a comma or a parenthesis ("Ketamine, initially known as...", "Glutamate is the
    brain's..."), not "Ketamine-assisted therapy is..."."""
    if not subject or own_terms[: len(subject)] != subject:
        return False
    words = list(re.finditer(r"[^\W_]+", text))
    if len(words) <= len(subject):
        return False
    return _LINK.match(text, words[len(subject) - 1].end()) is not None


def _shape(text: str) -> float:
    """Short fragments and the page's own questions ("But how does it work?") answer little."""
    if text.rstrip("\"'”’) ").endswith("?"):
        return 0.4
    return 0.8 if len(text.split(None, 5)) < 6 else 1.0  # fewer than six words (splitting no further)
