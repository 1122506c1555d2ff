"""The search index over a corpus's quotable sentences (tantivy, BM25), and its vocabulary.

Each quotable sentence is one index entry with three fields: its own words, the heading above it
and its source's title, all stemmed by `text.terms` so that questions and sentences meet on the
same terms. The vocabulary (surface words of quotable text) lets a question's typos be corrected
against what the corpus actually says.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import tantivy
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from . import lexicon
from .corpus import Corpus, Progress
from .text import terms, words

FIELD_BOOSTS = {"text": 1.0, "heading": 0.4, "title": 0.3}


@dataclass(frozen=True, slots=True)
class Hit:
    doc: int
    sentence: int
    score: float


class Index:
    def __init__(self, corpus: Corpus, progress: Progress | None = None) -> None:
        self.corpus = corpus
        self.entries: list[tuple[int, int]] = []
        self.vocabulary: Counter[str] = Counter()
        builder = tantivy.SchemaBuilder()
        builder.add_unsigned_field("sid", stored=True)
        for name in FIELD_BOOSTS:
            builder.add_text_field(name, stored=False, tokenizer_name="default", index_option="freq")
        self.schema = builder.build()
        self._index = tantivy.Index(self.schema)
        writer = self._index.writer(heap_size=64_000_000, num_threads=1)
        for d, doc in enumerate(corpus.documents):
            if progress and d % 100 == 0:
                progress("indexing", d, len(corpus.documents))
            title = " ".join(terms(doc.source.title))
            self.vocabulary.update(words(doc.source.title))
            heading_terms: dict[str, str] = {}
            for s, sentence in enumerate(doc.sentences):
                if sentence.boilerplate:
                    continue
                body = doc.text[sentence.start : sentence.end]
                self.vocabulary.update(words(body))
                if sentence.heading not in heading_terms:
                    heading_terms[sentence.heading] = " ".join(terms(sentence.heading))
                    self.vocabulary.update(words(sentence.heading))
                writer.add_document(
                    tantivy.Document(
                        sid=len(self.entries),
                        text=" ".join(terms(body)),
                        heading=heading_terms[sentence.heading],
                        title=title,
                    )
                )
                self.entries.append((d, s))
        writer.commit()
        writer.wait_merging_threads()
        self._index.reload()
        self._searcher = self._index.searcher()
        self.stems = {t for w in self.vocabulary for t in terms(w)}
        self._choices = [w for w in self.vocabulary if len(w) >= 3 and not w.isdigit()]

    @property
    def size(self) -> int:
        return len(self.entries)

    def doc_freq(self, stem: str, field: str = "text") -> int:
        return self._searcher.doc_freq(field, stem)

    def idf(self, stem: str) -> float:
        n = max(self.size, 1)
        df = self.doc_freq(stem)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def knows(self, word: str) -> bool:
        return word in self.vocabulary or all(t in self.stems for t in terms(word))

    def correct(self, word: str) -> str | None:
        """The corpus word a misspelt question word most likely means, or None.

        Only a word that is neither in the corpus nor a real English word is corrected, to the
        closest corpus word within one edit (two for words of eight letters or more) that starts
        with the same letter: "esketamine" is another drug, not a typo of "ketamine".
        """
        if len(word) < 4 or word.isdigit() or lexicon.is_english_word(word):
            return None
        limit = 1 if len(word) < 8 else 2
        found = process.extract(word, self._choices, scorer=Levenshtein.distance, score_cutoff=limit, limit=20)
        found = [f for f in found if f[0][0] == word[0]]
        if not found:
            return None
        return min(found, key=lambda f: (f[1], -self.vocabulary[f[0]]))[0]

    def search(self, stems: list[str], limit: int = 50) -> list[Hit]:
        if not stems or not self.entries:
            return []
        clauses = []
        for stem in dict.fromkeys(stems):
            for field, boost in FIELD_BOOSTS.items():
                query = tantivy.Query.term_query(self.schema, field, stem)
                clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(query, boost)))
        result = self._searcher.search(tantivy.Query.boolean_query(clauses), limit)
        hits = []
        for score, address in result.hits:
            sid = self._searcher.doc(address)["sid"][0]
            d, s = self.entries[sid]
            hits.append(Hit(d, s, score))
        return hits
