"""Answering: from a question to a Reply, through the policy first and then the sources.

An information question is answered only by quotes: whole sentences (or a few consecutive ones)
of the sources, exactly as written, ranked by how much of the question's key terms they cover.
When a key term of the question appears nowhere in the sources, or no sentence covers enough of
the question, the reply is `no_answer`: never the nearest weak match.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

from .corpus import Corpus, Document, Progress, load_corpus
from .index import Index
from .model import Quote, Reply
from .policy import Policy
from .segment import Sentence
from .text import key_words, stem, terms

MAX_QUESTION_CHARS = 2000
MIN_COVERAGE = 0.6  # share of the question's key-term weight a quote must cover
MIN_RELATIVE_SCORE = 0.7  # a second or third quote must score this share of the first's
CONTEXT_WEIGHT = 0.5  # a term met only in the heading or title counts this much
MERGE_SIMILARITY = 90  # rapidfuzz ratio above which quotes of different sources are one quote
RELATION_WEIGHT = 0.35  # verbs that frame a question ("how does X affect Y") say little of its topic
RELATION_WORDS = frozenset(stem(w) for w in """
    affect affects affected work works worked help helps helped cause causes caused happen happens
    happened use used uses make makes made do does did compare compared relate related involve
    involved find found show shown showed suggest suggests mean means
    """.split())
TOPIC_FIRST_BONUS = 1.1  # a sentence that opens with the question's rarest term is about it
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")
_MARKUP_TAG = re.compile(r"\[/?[A-Za-z@#][\w .#@-]*(=[^\]]*)?\]")
_LEADS_ON = re.compile(r"^\W*(this|these|that|those|it|its|they|their|such|however|moreover|additionally|furthermore|but|also)\b", re.I)


def clean_question(question: str) -> tuple[str, str | None]:
    """The question without control characters or unpaired surrogates, and cut to a sane length."""
    text = question.encode("utf-8", "replace").decode("utf-8") if _has_surrogates(question) else question
    text = _CONTROL.sub(" ", _ANSI.sub(" ", text))
    text = " ".join(text.split())
    if len(text) > MAX_QUESTION_CHARS:
        return text[:MAX_QUESTION_CHARS], "too_long"
    return text, None


def _has_surrogates(text: str) -> bool:
    return any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)


@dataclass
class _Candidate:
    doc: int
    first: int  # sentence indices of the quote, inclusive
    last: int
    score: float
    coverage: float


class Bot:
    """The whole answering pipeline over one corpus."""

    def __init__(self, corpus: Corpus | None = None, policy: Policy | None = None, progress: Progress | None = None) -> None:
        self.corpus = corpus if corpus is not None else load_corpus(progress=progress)
        self.policy = policy or Policy()
        self.index = Index(self.corpus, progress)

    @property
    def messages(self) -> dict[str, str]:
        return self.policy.messages

    def ask(self, question: str, limit: int = 3, locale: str | None = None) -> Reply:
        text, trouble = clean_question(question)
        notice = self.messages["too_long"].format(limit=MAX_QUESTION_CHARS) if trouble else None
        if not text:
            return Reply(question, "no_answer", self.messages["empty"])
        triaged = self.policy.triage(text, locale)
        if triaged is not None:
            return Reply(question, triaged.outcome, triaged.message, triaged.rule, (), notice, triaged.contacts)
        quotes = self.quotes_for(text, limit)
        if not quotes:
            return Reply(question, "no_answer", self.messages["no_answer"], notice=notice)
        return Reply(question, "answer", self.messages["answer"], quotes=tuple(quotes), notice=notice)

    # -- retrieval -----------------------------------------------------------------------------

    def key_terms(self, question: str) -> list[str] | None:
        """The stems of the question's key words, typos corrected; None if one is unknown."""
        stems = []
        for word in key_words(_MARKUP_TAG.sub(" ", question)):
            if self.index.knows(word):
                stems.extend(terms(word))
                continue
            corrected = self.index.correct(word)
            if corrected is None:
                return None
            stems.append(stem(corrected))
        return list(dict.fromkeys(stems))

    def quotes_for(self, question: str, limit: int = 3) -> list[Quote]:
        stems = self.key_terms(question)
        if not stems:
            return []
        weights = {s: self.index.idf(s) * (RELATION_WEIGHT if s in RELATION_WORDS else 1.0) for s in stems}
        rarest = max(weights, key=weights.get)
        total = sum(weights.values())
        hits = self.index.search(stems)
        if not hits:
            return []
        top = max(h.score for h in hits)
        candidates = []
        for hit in hits:
            doc = self.corpus.documents[hit.doc]
            sentence = doc.sentences[hit.sentence]
            own_terms = terms(doc.text[sentence.start : sentence.end])
            own = set(own_terms)
            context = set(terms(sentence.heading)) | set(terms(doc.source.title))
            covered = sum(w if s in own else CONTEXT_WEIGHT * w if s in context else 0.0 for s, w in weights.items())
            coverage = covered / total
            if not own & weights.keys():
                continue
            score = coverage * (0.75 + 0.25 * hit.score / top) * _length_factor(doc, sentence)
            if rarest in own_terms[:6]:
                score *= TOPIC_FIRST_BONUS
            first, last = _extent(doc, hit.sentence)
            candidates.append(_Candidate(hit.doc, first, last, score, coverage))
        candidates = [c for c in candidates if c.coverage >= MIN_COVERAGE]
        candidates.sort(key=lambda c: -c.score)
        chosen: list[_Candidate] = []
        for cand in candidates:
            if chosen and cand.score < MIN_RELATIVE_SCORE * chosen[0].score:
                break
            if any(c.doc == cand.doc and c.first <= cand.last and cand.first <= c.last for c in chosen):
                continue
            chosen.append(cand)
        return _merge([self._quote(c) for c in chosen])[:limit]

    def _quote(self, cand: _Candidate) -> Quote:
        doc = self.corpus.documents[cand.doc]
        a, b = doc.sentences[cand.first], doc.sentences[cand.last]
        return Quote(doc.text[a.start : b.end], a.start, b.end, a.line_start, b.line_end, cand.score, doc.source)


def _length_factor(doc: Document, sentence: Sentence) -> float:
    """Short fragments and the page's own questions ("But how does it work?") answer little."""
    text = doc.text[sentence.start : sentence.end]
    if text.rstrip("\"'”’) ").endswith("?"):
        return 0.4
    return 0.8 if len(text.split()) < 6 else 1.0


def _extent(doc: Document, index: int) -> tuple[int, int]:
    """A sentence, with the one before it when it leads on from it ("This action ...")."""
    sentence = doc.sentences[index]
    first = index
    if index > 0 and _LEADS_ON.match(doc.text[sentence.start : sentence.end]):
        prev = doc.sentences[index - 1]
        if prev.block == sentence.block and prev.boilerplate is None:
            first = index - 1
    return first, index


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def _merge(quotes: list[Quote]) -> list[Quote]:
    """One quote for text that several sources say near-identically, listing every source."""
    merged: list[Quote] = []
    for quote in quotes:
        for i, kept in enumerate(merged):
            if kept.source.id != quote.source.id and fuzz.ratio(_normal(kept.text), _normal(quote.text)) >= MERGE_SIMILARITY:
                merged[i] = Quote(
                    kept.text, kept.start, kept.end, kept.line_start, kept.line_end, kept.score, kept.source,
                    kept.also_in + (quote.source,),
                )
                break
        else:
            merged.append(quote)
    return merged
