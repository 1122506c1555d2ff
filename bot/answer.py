"""Answering: from a question to a Reply, through the policy first and then the sources.

An information question is answered only by quotes: whole sentences (or a few consecutive ones)
of the sources, exactly as written, ranked by how much of the question's key terms they cover.
When a key term of the question appears nowhere in the sources, or no sentence covers enough of
the question, the reply is `no_answer`: never the nearest weak match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace

from rapidfuzz import process
from rapidfuzz.distance import OSA

from . import bridge, lexicon
from .about import Asked, SourceNames, about_sources, sentences_for
from .corpus import Corpus, Document, Progress
from .display import ESCAPE_SEQUENCE
from .followup import filled, read_as
from .index import Hit, Index, IndexDamaged
from .model import Quote, Reply, valid_text
from .policy import Policy
from .rank import (
    BRIDGE_SAME_START,
    BRIDGE_SIMILARITY,
    CANDIDATES,
    COMMON_ENGLISH,
    FIELD_BOOSTS,
    MIN_COVERAGE,
    MIN_RELATIVE_SCORE,
    NAMED_SOURCE_SENTENCES,
    RELATION_WORDS,
    Candidate,
    Cues,
    QuestionTypes,
    another_type,
    names_another,
    score_candidates,
    title_named,
    topic_phrases,
    topic_words,
    types_named,
    weigh,
)
from .settings import DEFAULT_COUNTRY, Settings
from .shelf import SourceChanged, recheck
from .store import open_corpus, rebuild_index
from .text import GENERIC, STOPWORDS, WORD, key_words, stem, terms
from .triage_model import MAX_CHARS as TRIAGE_CHARS  # triage reads this much of a message

MAX_QUESTION_CHARS = 2000  # retrieval reads this much of a question; triage more (TRIAGE_CHARS)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MARKUP_TAG = re.compile(r"\[/?[A-Za-z@#][\w .#@-]*(=[^\]]*)?\]")
_LEADS_ON = re.compile(r"^\W*(this|these|that|those|it|its|they|their|such|however|moreover|additionally|furthermore|but|also)\b", re.I)


def clean_question(question: str) -> str:
    """The question without control characters or unpaired surrogates, as much of it as triage
    reads (TRIAGE_CHARS); retrieval reads its first MAX_QUESTION_CHARS."""
    return " ".join(_CONTROL.sub(" ", ESCAPE_SEQUENCE.sub(" ", valid_text(question[:TRIAGE_CHARS]))).split())


def screen(policy: Policy, question: str, locale: str | None = None, previous: str | None = None) -> Reply | None:
    """The reply that needs no corpus: an empty question, a crisis or a referral; None when the
    question is for the sources. Triage reads far more of a long message than retrieval does, so
    a sign of danger late in a long message is not cut off. A follow-up of `previous` is triaged
    as typed and as read against it."""
    text = clean_question(question)
    return _screen_follow_up(policy, question, text, locale, read_as(text, previous))


def _screen_follow_up(policy: Policy, question: str, text: str, locale: str | None,
                      as_read: str | None) -> Reply | None:
    """A crisis in the question as typed is answered as it is; otherwise the question as read
    (when it is a follow-up) is triaged too, and a referral of either stands."""
    typed = _screen(policy, question, text, locale)
    if as_read is None or (typed is not None and typed.outcome == "crisis"):
        return typed
    for form in (as_read, filled(text, as_read)):
        read = _screen(policy, question, clean_question(form), locale)
        if read is not None and (typed is None or read.outcome == "crisis"):
            return replace(read, read_as=as_read)
    return typed


def _screen(policy: Policy, question: str, text: str, locale: str | None) -> Reply | None:
    """`screen` of a question already cleaned (up to TRIAGE_CHARS) into `text`."""
    if not text:
        return Reply(question, "no_answer", policy.messages["empty"])
    triaged = policy.triage(text, locale)
    if triaged is None:
        return None
    return Reply(question, triaged.outcome, triaged.message, triaged.rule, (), _too_long(policy, text),
                 triaged.contacts, triaged.score)


def _too_long(policy: Policy, text: str) -> str | None:
    """The notice for a cleaned question longer than retrieval reads."""
    return policy.messages["too_long"].format(limit=MAX_QUESTION_CHARS) if len(text) > MAX_QUESTION_CHARS else None


@dataclass
class _Candidate:
    doc: int
    first: int  # sentence indices of the quote, inclusive
    last: int
    score: float
    coverage: float


class Bot:
    """The whole answering pipeline over one corpus."""

    country = DEFAULT_COUNTRY  # whose crisis contacts a crisis reply shows, unless `ask` is told

    def __init__(self, corpus: Corpus, policy: Policy | None = None, progress: Progress | None = None,
                 index: Index | None = None) -> None:
        """The pipeline over a corpus already read. Users' corpora are opened with `Bot.open`,
        through the cache; this is its last step, and the fallback when no cache can be used."""
        self.corpus = corpus
        self.policy = policy or Policy()
        self.index = index or Index(self.corpus, progress)
        self.question_types = QuestionTypes()
        # Set by Bot.open: rebuilds a search index found damaged while answering; reads again the
        # corpus files changed since they were read (only those).
        self._repair: Callable[[], tuple[Corpus, Index, dict]] | None = None
        self._reopen: Callable[[], tuple[Corpus, Index, dict]] | None = None
        self._names: tuple[Corpus, SourceNames] | None = None  # see _source_names

    @classmethod
    def open(cls, root=None, settings: Settings | None = None, progress: Progress | None = None,
             policy: Policy | None = None, waiting: Callable[[str], None] | None = None,
             follow_links: bool = False) -> Bot:
        """The bot over a corpus folder (default: the bundled corpus), through the on-disk cache
        that `settings` name (default: `Settings.read()`, from the environment); `waiting` is told
        when another process holds the corpus's cache."""
        settings = settings or Settings.read()
        corpus, index, _ = open_corpus(root, settings, progress, waiting, follow_links)
        bot = cls(corpus, policy, index=index)
        bot.country = settings.country
        bot._repair = lambda: rebuild_index(root, settings, progress, waiting, follow_links)
        bot._reopen = lambda: open_corpus(root, settings, progress, waiting, follow_links)
        return bot

    @property
    def messages(self) -> dict[str, str]:
        return self.policy.messages

    def ask(self, question: str, limit: int = 3, locale: str | None = None, previous: str | None = None) -> Reply:
        """The reply to a question; `previous`, the question before it (as read), lets a follow-up
        ("and its side effects?") be read against it, and the reply says how it was read."""
        text = clean_question(question)
        as_read = read_as(text, previous)
        screened = _screen_follow_up(self.policy, question, text, locale or self.country, as_read)
        if screened is not None:
            return screened
        if as_read is not None:
            text = clean_question(as_read)
        notice = _too_long(self.policy, text)
        text = text[:MAX_QUESTION_CHARS]
        corpus = self.corpus
        try:
            quotes = self._quotes_as_files_are_now(text, limit)
            if self.corpus is not corpus:
                notice = self.messages["source_changed"]
        except IndexDamaged:
            repair, self._repair = self._repair, None  # one rebuild at most: then it is a real failure
            if repair is None:
                raise
            self.corpus, self.index, _ = repair()
            quotes = self.quotes_for(text, limit)
            notice = self.messages["index_rebuilt"]
        if not quotes:
            return Reply(question, "no_answer", self.messages["no_answer"], notice=notice, read_as=as_read)
        return Reply(question, "answer", self.messages["answer"], quotes=tuple(quotes), notice=notice, read_as=as_read)

    def _quotes_as_files_are_now(self, text: str, limit: int, tries: int = 3) -> list[Quote]:
        """Quotes for a question. A corpus file edited, replaced or removed while open is never
        quoted from what it no longer says: what changed is read again, as a new start would read
        it, and the question answered from that (a few times over, for a file still being written)."""
        for _ in range(tries - 1):
            recheck(self.corpus.documents)
            try:
                return self.quotes_for(text, limit)
            except SourceChanged:
                if self._reopen is None:
                    raise
                self.corpus, self.index, _ = self._reopen()
        recheck(self.corpus.documents)
        return self.quotes_for(text, limit)

    # -- retrieval -----------------------------------------------------------------------------

    def read(self, question: str) -> tuple[list[str] | None, Cues, frozenset[str]]:
        """The stems of the question's key words, typos corrected (None if a key word is unknown
        to the sources), what the question asks for, read from it with its typos corrected, and the
        stems of its everyday words that the sources never use and no neighbour stands in for
        (bridge.everyday_words, `_bridged`)."""
        question = _MARKUP_TAG.sub(" ", question)
        cues = self.question_types.cues(question)
        frame = cues.frame  # "how common", "how many people affected": never a veto
        stems = []
        unused: set[str] = set()
        corrected_any = False
        names, codes = _names(question)
        for word in key_words(question):
            if self.index.knows(word):
                stems.extend(terms(word))
                continue
            if word in names:  # a name is no other word ("Pierson" is no "person", "Laron" no "Larson"),
                # unless typed with its ending left off ("Ketamin"); a code never is ("16p11" is no "11p11")
                corrected = self.index.correct(word) if word not in codes else None
                if corrected is not None and not corrected.startswith(word):
                    corrected = None
            else:
                corrected = self.index.correct(word) or _asks_nothing(word)
            if corrected is None and word not in names and (parts := self._glued(word)):
                stems.extend(stem(p) for p in parts if p not in STOPWORDS)  # "sideeffects" is "side effects"
                continue
            if corrected is None:
                if word in GENERIC or stem(word) in frame or stem(word) in RELATION_WORDS:
                    continue
                corrected = self._bridged(word) if word not in names else None
            if corrected is None:
                if word not in bridge.everyday_words():
                    return None, cues, frozenset()
                stems.append(stem(word))
                unused.add(stem(word))
                continue
            question = re.sub(rf"\b{re.escape(word)}\b", corrected, question, flags=re.IGNORECASE)
            corrected_any = True
            if corrected not in STOPWORDS:  # "waht" is "what": a typo of a word that asks nothing
                stems.append(stem(corrected))
        if corrected_any:  # "what is the mechanizm" asks for a mechanism
            cues = self.question_types.cues(question)
        return list(dict.fromkeys(stems)), cues, frozenset(unused)

    def _bridged(self, word: str) -> str | None:
        """The word nearest in meaning to a common English word the sources never use, among those
        they do use ("surgery" -> "surgical", "kids" -> "children"); None when none is near
        enough (bridge.neighbours, ranking.toml's [bridge]). A word that names the question's
        topic (beyond the COMMON_ENGLISH most frequent) is never bridged: "schizophrenia" is not
        "psychiatric". A common word of medicine (not an everyday word) is read only as a form of
        itself ("trauma" as "traumatic"), never as another thing: "liver" is not "hepatitis"."""
        if word not in lexicon.common_words(COMMON_ENGLISH):
            return None
        same_thing = word not in bridge.everyday_words()
        for near, cosine in bridge.neighbours(word):
            if cosine < BRIDGE_SIMILARITY:
                return None
            if same_thing and near[:BRIDGE_SAME_START] != word[:BRIDGE_SAME_START]:
                continue
            if self.index.knows(near):
                return near
        return None

    def _glued(self, word: str) -> tuple[str, str] | None:
        """Two words typed without the space between them, both known to the sources (or words
        that ask nothing): "sideeffects" -> ("side", "effects"); None otherwise."""
        if len(word) < 6 or not word.isalpha() or lexicon.is_english_word(word):
            return None
        parts = lexicon.split_glued(word)
        if parts and all(p in STOPWORDS or self.index.knows(p) for p in parts):
            return parts
        return None

    def quotes_for(self, question: str, limit: int = 3) -> list[Quote]:
        asked = about_sources(question, self._source_names)
        if asked is not None:
            about = self._about(asked, limit)
            if about or asked.kind != "person":  # a source named, its words on it quoted, or none
                return about
        stems, cues, unused = self.read(question)
        if not stems or unused.issuperset(stems):
            return []
        weights = weigh(stems, self.index.idf, cues, unused)
        searched = [s for s in stems if s not in unused]
        hits = self.index.search(searched, CANDIDATES, FIELD_BOOSTS)
        required = topic_words(key_words(question), weights, cues)
        phrases = topic_phrases(question, searched, cues)  # its names of things
        types = types_named(question)  # and of types ("type 2")
        ranked = score_candidates(self._with_named_sources(hits, set(stems)), self.corpus.documents, weights, cues,
                                  required)
        chosen: list[_Candidate] = []
        for cand in ranked:
            if cand.coverage < MIN_COVERAGE:
                continue
            if chosen and cand.score < MIN_RELATIVE_SCORE * chosen[0].score:
                break
            doc = self.corpus.documents[cand.doc]
            first, last = _extent(doc, cand.sentence)
            if not chosen and cand.missing and not _holds(doc, first, cand):
                continue  # the first quote must name the question's topic: see rank.topic_words
            if not chosen and not cand.answers:
                continue  # and say what is asked: qtypes.toml's needs_answer
            if not chosen and (phrases or types) and _names_another(doc, first, cand.sentence, phrases, types):
                continue  # nor be from a source on another thing of the kind asked about: rank.names_another
            if any(c.doc == cand.doc and c.first <= last and first <= c.last for c in chosen):
                continue
            chosen.append(_Candidate(cand.doc, first, last, cand.score, cand.coverage))
            if len(chosen) == limit * 2:
                break
        return _merge([self._quote(c) for c in chosen])[:limit]

    def _with_named_sources(self, hits: list[Hit], asked: set[str]) -> list[Hit]:
        """The engine's hits, plus every quotable sentence of the sources whose title the question
        names: "This condition occurs in 1 in 20,000 newborns" answers without naming it."""
        seen = {(h.doc, h.sentence) for h in hits}
        extra: list[Hit] = []
        for d in dict.fromkeys(h.doc for h in hits):
            if len(extra) >= NAMED_SOURCE_SENTENCES or not title_named(self.corpus.documents[d], asked):
                continue
            extra.extend(Hit(d, s, 0.0) for s, *_ in self.corpus.documents[d].quotable() if (d, s) not in seen)
        return hits + extra[:NAMED_SOURCE_SENTENCES]

    def _source_names(self) -> SourceNames:
        """The words that name each source, read once per corpus (a rebuilt index brings a new one)."""
        if self._names is None or self._names[0] is not self.corpus:
            self._names = (self.corpus, SourceNames(self.corpus.documents))
        return self._names[1]

    def _about(self, asked: Asked, limit: int) -> list[Quote]:
        """The sources' own words on themselves: bylines, date lines, disclosures (about.py)."""
        quotes: list[Quote] = []
        for d, s in sentences_for(asked, self.corpus.documents):
            quote = self._quote(_Candidate(d, s, s, 1.0, 1.0))
            if not any(q.source.id == quote.source.id and same_words(q.text) == same_words(quote.text) for q in quotes):
                quotes.append(quote)
        return _merge(quotes)[:limit]

    def _quote(self, cand: _Candidate) -> Quote:
        doc = self.corpus.documents[cand.doc]
        a, b = doc.sentences[cand.first], doc.sentences[cand.last]
        return Quote(doc.text[a.start : b.end], a.start, b.end, a.line_start, b.line_end, cand.score, doc.source)


_FUNCTION_WORDS = sorted(w for w in STOPWORDS if len(w) >= 3)


_SENTENCE_END = re.compile(r"[.!?:;]\s*$")  # searched in the gap between two words


def _names(question: str) -> tuple[frozenset[str], frozenset[str]]:
    """The words a question writes as names, and those of them it writes as codes (lower-cased).
    A name starts with a capital within a sentence ("Pierson syndrome"); a code is a name in
    capitals ("ADNP"), or letters and digits together ("16p11", "15q24"). Capitals say nothing in
    a question written all in capitals or with every word capitalised."""
    found = list(WORD.finditer(question))  # with their case, unlike key_words
    # a word within a sentence: not the first, nor one after a full stop (read in the gap before it)
    within = [m.group() for prev, m in zip(found, found[1:]) if not _SENTENCE_END.search(question, prev.end(), m.start())]
    long_words = [w for w in within if len(w) > 3 and w.isalpha()]
    title_case = len(long_words) >= 3 and all(w[0].isupper() for w in long_words)
    names, codes = set(), set()
    for word in within if not question.isupper() and not title_case else ():
        if word[0].isupper():
            names.add(word.lower())
            if len(word) > 1 and word.isupper():
                codes.add(word.lower())
    codes.update(m.group().lower() for m in found if re.search(r"\d", m.group()) and re.search(r"[^\W\d_]", m.group()))
    return frozenset(names | codes), frozenset(codes)


def _asks_nothing(word: str) -> str | None:
    """The function word a short typo stands for ("waht" -> "what", "teh" -> "the"): one edit or
    two letters swapped, the same first letter, and no English word of its own."""
    if not 3 <= len(word) <= 6 or lexicon.is_english_word(word):
        return None
    found = process.extractOne(word, _FUNCTION_WORDS, scorer=OSA.distance, score_cutoff=1)
    return found[0] if found and found[0][0] == word[0] else None


def _names_another(doc: Document, first: int, last: int, phrases: tuple[tuple[str, ...], ...],
                   types: frozenset[str]) -> bool:
    """Whether a quote (sentences `first` to `last`) comes from a source titled for another thing of
    a kind the question names, or another type, and does not name the question's own
    (rank.names_another, rank.another_type)."""
    start, _, heading = doc.span(first)
    end = doc.span(last)[1]
    texts = (doc.text[start:end], heading)
    return another_type(types, texts, doc.source.title) or \
        any(names_another(phrase, texts, doc.source.title) for phrase in phrases)


def _holds(doc: Document, first: int, cand: Candidate) -> bool:
    """Whether the sentence a candidate leads on from (quoted with it, from `first`) holds the
    question's topic words that the candidate itself lacks."""
    if first == cand.sentence:
        return False
    start, end, _ = doc.span(first)
    return cand.missing <= set(terms(doc.text[start:end]))


def _extent(doc: Document, index: int) -> tuple[int, int]:
    """A sentence, with the one before it when it leads on from it ("This action ...")."""
    sentence = doc.sentences[index]
    first = index
    if index > 0 and _LEADS_ON.match(doc.text[sentence.start : sentence.end]):
        prev = doc.sentences[index - 1]
        if prev.block == sentence.block and prev.boilerplate is None:
            first = index - 1
    return first, index


_QUOTE_MARKS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
                              "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"'})


def same_words(text: str) -> str:
    """Text as compared for merging: whitespace, quotation marks and case made uniform, nothing else."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(_QUOTE_MARKS).casefold().split())


def _merge(quotes: list[Quote]) -> list[Quote]:
    """One quote for text that several sources say word for word, crediting every one of them.

    Only the same words merge (after `same_words`): "not safe" and "now safe", or "5%" and "50%",
    stay two quotes, each source with its own words, so no source is credited with what it does
    not say."""
    merged: list[Quote] = []
    for quote in quotes:
        key = same_words(quote.text)
        for i, kept in enumerate(merged):
            if kept.source.id != quote.source.id and same_words(kept.text) == key \
                    and quote.source not in kept.also_in:
                merged[i] = Quote(
                    kept.text, kept.start, kept.end, kept.line_start, kept.line_end, kept.score, kept.source,
                    kept.also_in + (quote.source,),
                )
                break
        else:
            merged.append(quote)
    return merged
