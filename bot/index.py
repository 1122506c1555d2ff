"""The search index over a corpus's quotable sentences (tantivy, BM25), and its vocabulary.

Each quotable sentence is one index entry with three fields: its own words, the heading above it
and its source's title, tokenized and stemmed by tantivy's `en_stem` (Snowball English, the same
stemmer `text.terms` uses for questions). Each entry also records the corpus file it came from
(`file`, a content key) and its place in it, so that a changed file is re-indexed on its own.
The index lives in memory, or in a folder (`bot.store` keeps one per corpus in the user's cache).
The vocabulary (surface words of quotable text) lets a question's typos be corrected against what
the corpus actually says.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import tantivy
from rapidfuzz import process
from rapidfuzz.distance import OSA

from . import lexicon
from .corpus import Corpus, Document, Progress, vocabulary_of
from .text import terms

FIELDS = ("text", "heading", "title")  # what a sentence is indexed by: itself, its heading, its source's title


@dataclass(frozen=True, slots=True)
class Hit:
    doc: int
    sentence: int
    score: float


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("file", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_unsigned_field("d", stored=True)
    builder.add_unsigned_field("s", stored=True)
    for name in FIELDS:
        builder.add_text_field(name, stored=False, tokenizer_name="en_stem", index_option="freq")
    return builder.build()


def add_documents(writer: tantivy.IndexWriter, file_key: str, documents: Sequence[Document], first: int = 0) -> int:
    """Index the quotable sentences of one corpus file's documents (the file's `first` on);
    returns how many."""
    added = 0
    for d, doc in enumerate(documents, start=first):
        title, text = doc.source.title, doc.text
        for s, start, end, heading in doc.quotable():
            entry = tantivy.Document()  # field by field: a third quicker than from keywords
            entry.add_text("file", file_key)
            entry.add_unsigned("d", d)
            entry.add_unsigned("s", s)
            entry.add_text("text", text[start:end])
            entry.add_text("heading", heading)
            entry.add_text("title", title)
            writer.add_document(entry)
            added += 1
    return added


TIED_AT_MOST = 8  # times the limit: how many of the engine's hits a search orders itself, at most


class Index:
    """Search over a corpus: `groups` says which documents came from which file key."""

    def __init__(self, corpus: Corpus, progress: Progress | None = None, *, path: Path | None = None,
                 groups: list[tuple[str, int, int]] | None = None, vocabulary: Collection[str] | None = None) -> None:
        self.corpus = corpus
        self.schema = schema()
        if groups is None:  # an index of its own, in memory
            groups = [(f"doc{i}", i, 1) for i in range(len(corpus.documents))]
            self._index = tantivy.Index(self.schema)
            writer = self._index.writer(heap_size=128_000_000, num_threads=1)
            for n, (key, first, count) in enumerate(groups):
                if progress and n % 500 == 0:
                    progress("indexing", n, len(groups))
                add_documents(writer, key, corpus.documents[first : first + count])
            writer.commit()
            writer.wait_merging_threads()
        else:
            self._index = _guarded(tantivy.Index.open, str(path))
        _guarded(self._index.reload)
        self._searcher = _guarded(self._index.searcher)
        self._first_doc = {key: (first, count) for key, first, count in groups}
        # A word table (lexicon.word_table), which no garbage collection walks; in a fixed order
        self.vocabulary = lexicon.word_table(vocabulary if vocabulary is not None else sorted(vocabulary_of(corpus.documents)))

    @cached_property
    def stems(self) -> Mapping[str, None]:
        return lexicon.word_table(t for w in self.vocabulary for t in terms(w))

    @cached_property
    def _choices(self) -> tuple[str, ...]:
        return tuple(w for w in self.vocabulary if len(w) >= 3 and not w.isdigit())

    @property
    def size(self) -> int:
        return self._searcher.num_docs

    def doc_freq(self, stem: str, field: str = "text") -> int:
        return _guarded(self._searcher.doc_freq, field, stem)

    def idf(self, stem: str) -> float:
        n = max(self.size, 1)
        df = self.doc_freq(stem)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def knows(self, word: str) -> bool:
        return word in self.vocabulary or all(t in self.stems for t in terms(word))

    def correct(self, word: str) -> str | None:
        """The corpus word a misspelt question word most likely means, or None.

        Only a word that is neither in the corpus nor a real English word is corrected, to the
        closest corpus word within one edit (two for words of eight letters or more; two letters
        swapped count as one edit: "waht", "mechansim") that starts with the same letter:
        "esketamine" is another drug, not a typo of "ketamine".
        """
        if len(word) < 4 or word.isdigit() or lexicon.is_english_word(word):
            return None
        limit = 1 if len(word) < 8 else 2
        found = process.extract(word, self._choices, scorer=OSA.distance, score_cutoff=limit, limit=20)
        found = [f for f in found if f[0][0] == word[0]]
        if not found:
            return None
        return min(found, key=lambda f: (f[1], -self.doc_freq(terms(f[0])[0])))[0]

    def search(self, stems: list[str], limit: int = 50, boosts: dict[str, float] | None = None) -> list[Hit]:
        """The best `limit` sentences for some stems; `boosts` weighs a match in each of FIELDS
        (default: all alike)."""
        if not stems or not self.size:
            return []
        clauses = []
        for stem in dict.fromkeys(stems):
            for field in FIELDS:
                boost = (boosts or {}).get(field, 1.0)
                query = tantivy.Query.term_query(self.schema, field, stem)
                clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(query, boost)))
        placed = []  # (score, document, sentence) of the engine's best, and of those tied with the last
        for score, address in self._top(tantivy.Query.boolean_query(clauses), limit):
            stored = _guarded(self._searcher.doc, address)
            try:
                first, count = self._first_doc[stored["file"][0]]
                d, s = stored["d"][0], stored["s"][0]
            except (KeyError, IndexError, TypeError):
                raise IndexDamaged("an entry names no cached file") from None
            if not (isinstance(d, int) and isinstance(s, int) and 0 <= d < count):
                raise IndexDamaged("an entry points past the end of its file")
            placed.append((score, first + d, s))
        # Equal scores in the corpus's order, never the engine's: it breaks ties by where an entry
        # sits in its segments, which depends on how the index was built and updated.
        placed.sort(key=lambda p: (-p[0], p[1], p[2]))
        hits = []
        sentences: dict[int, int] = {}  # each document's number of sentences, read once per search
        for score, doc, s in placed[:limit]:
            if doc not in sentences:
                sentences[doc] = self.corpus.documents[doc].sentence_count()
            if not 0 <= s < sentences[doc]:
                raise IndexDamaged("an entry points past the end of its file")
            hits.append(Hit(doc, s, score))
        return hits

    def _top(self, query, limit: int) -> list:
        """The engine's best `limit` (score, address) pairs, and those tied with the last of them
        (up to TIED_AT_MOST in all): which tied ones come first is then the corpus's order (see
        `search`), not the engine's. Beyond that many ties, the engine's order decides which enter."""
        fetch = 2 * limit
        while True:
            # count=False: the number of all matches is never used, and counting them reads every one
            pairs = _guarded(self._searcher.search, query, fetch, False).hits
            if len(pairs) <= limit:
                return pairs
            last = pairs[limit - 1][0]
            if len(pairs) < fetch or pairs[-1][0] < last or fetch >= TIED_AT_MOST * limit:
                return [pair for pair in pairs if pair[0] >= last]
            fetch *= 2


class IndexDamaged(Exception):
    """The on-disk search index failed while being read: it is to be rebuilt, never trusted."""


def _guarded(call, *args):
    """`call(*args)`, with any failure of the engine reading its files raised as IndexDamaged
    (tantivy reports corrupt data as ValueError or OSError, and some as a Rust panic)."""
    try:
        return call(*args)
    except (ValueError, OSError) as exc:
        raise IndexDamaged(str(exc)) from None
    except BaseException as exc:  # pyo3's PanicException derives from BaseException
        if type(exc).__name__ == "PanicException":
            raise IndexDamaged(str(exc)) from None
        raise
