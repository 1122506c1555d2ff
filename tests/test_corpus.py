"""Loading corpora from real files: metadata, offsets, lines, boilerplate, and bad files."""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import os
import re
import shutil
from concurrent import futures
from pathlib import Path

import pytest

from bot import boilerplate
from bot.answer import Bot
from bot.corpus import CorpusError, bundled_corpus_path, load_corpus
from bot.segment import segment

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def line_of(text: str, offset: int) -> int:
    return len(re.findall(r"\r\n|\r|\n", text[:offset])) + 1


def test_bundled_corpus_has_five_sources_with_stated_metadata():
    corpus = load_corpus(bundled_corpus_path())
    assert corpus.problems == []
    by_id = {d.source.id: d.source for d in corpus.documents}
    assert len(by_id) == 5
    safa = by_id["dr-safa-blog-rapid-antidepressant"]
    assert (safa.author, safa.date, safa.publisher) == ("Safa Rubaye, MD", "2024-05-02", "Dr. Safa Blog")
    assert "HealoVerse" in safa.disclosure
    clinic = by_id["soft-reboot-wellness-new-tool"]
    assert (clinic.publisher, clinic.date, clinic.kind) == ("Soft Reboot Wellness", "2024-05-30", "clinic marketing page")
    unknown = by_id["quick-action-of-ketamine"]
    assert (unknown.author, unknown.publisher, unknown.date, unknown.url) == (None, None, None, None)
    assert all(s.url is None for s in by_id.values())  # no page states its address: none invented


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds not beside the checkout")
def test_bundled_files_are_the_seeds_byte_for_byte():
    seeds = {hashlib.sha256(p.read_bytes()).hexdigest() for p in SEEDS.glob("*.txt")}
    bundled = {hashlib.sha256(p.read_bytes()).hexdigest() for p in bundled_corpus_path().glob("*.txt")}
    assert seeds == bundled and len(bundled) == 5


def test_every_sentence_is_exact_text_with_its_lines():
    for doc in load_corpus(bundled_corpus_path()).documents:
        assert doc.sentences
        for s in doc.sentences:
            piece = doc.text[s.start : s.end]
            assert piece == piece.strip() and piece
            assert line_of(doc.text, s.start) == s.line_start
            assert line_of(doc.text, s.end - 1) == s.line_end


def test_bundled_boilerplate_is_marked():
    docs = {d.source.id: d for d in load_corpus(bundled_corpus_path()).documents}

    def reason(doc_id: str, starts: str) -> str | None:
        doc = docs[doc_id]
        return next(s.boilerplate for s in doc.sentences if doc.text[s.start : s.end].startswith(starts))

    safa = "dr-safa-blog-rapid-antidepressant"
    assert reason(safa, "Visit HealoVerse") == "call to action"
    assert reason(safa, "Ad:") == "advertisement"
    assert reason(safa, "Start Here") == "call to action"
    assert reason(safa, "Facing an Existential Crisis?") is not None
    assert reason(safa, "Dr. Safa Blog") == "site header"
    assert reason(safa, "Free Consult") == "footer"
    assert reason(safa, "Ketamine functions as an open channel blocker") is None
    assert reason(safa, "Disclosure:") is None
    clinic = "soft-reboot-wellness-new-tool"
    assert reason(clinic, "To learn if ketamine is the right treatment option") == "call to action"
    assert reason(clinic, "Copyright") == "footer"
    assert reason(clinic, "May 30, 2024") == "date line"
    assert reason("expanding-role-of-ketamine", "32 views") == "footer"
    assert reason("quick-action-of-ketamine", "Comments are closed") == "footer"


@pytest.mark.parametrize("sentence", [
    "Ring 555-867-5309 between nine and five.",
    "Ring (555) 867-5309 between nine and five.",
    "Write to records@example.org for a copy.",
    "The form is at https://example.org/form for anyone.",
    "The form is at www.example.org for anyone.",
    "The office is at 12 Elm Road, suite 4 on the left.",
    "The office is at 12 Elm Road, Suite 400 on the left.",  # as addresses are written
    "Send it to Springfield, IL 62704 by post.",
])
def test_contact_details_are_never_quoted(sentence):
    assert boilerplate.sentence_reason(sentence) == "contact details"
    assert segment(f"Clinic\n\nThe clinic opened in spring. {sentence}\n").sentences[-1].boilerplate == "contact details"


@pytest.mark.parametrize("sentence", [
    "About 555 of 867 patients improved.",  # numbers, but no telephone number
    "The steroid dose was lowered in 2019.",  # "ste" and digits, and no address
    "Doses were given at 8 and 12 weeks.",
])
def test_sentences_with_numbers_are_no_contact_details(sentence):
    assert boilerplate.sentence_reason(sentence) is None


def test_headings_are_known_above_each_sentence():
    doc = next(d for d in load_corpus(bundled_corpus_path()).documents if d.source.id == "treating-depression-with-ketamine")
    blocker = next(s for s in doc.sentences if "ketamine blocks the NMDA receptor" in doc.text[s.start : s.end])
    assert blocker.heading == "How Ketamine Works"


def test_sentence_splitting_keeps_abbreviations_and_initials_whole():
    text = "Dr. Smith and John H. Krystal studied it in the U.S. in 2020. It worked, e.g. in mice.\nNext line here."
    spans = [text[s.start : s.end] for s in segment(text).sentences]
    assert spans == ["Dr. Smith and John H. Krystal studied it in the U.S. in 2020.", "It worked, e.g. in mice.", "Next line here."]


def test_crlf_files_keep_exact_offsets_and_lines(tmp_path):
    (tmp_path / "crlf.txt").write_bytes(b"Title here\r\n\r\nFirst sentence is here. Second one\r\nwraps onto a line.\r\n")
    doc = load_corpus(tmp_path).documents[0]
    s = doc.sentences[-1]
    assert doc.text[s.start : s.end] == "Second one\r\nwraps onto a line."
    assert (s.line_start, s.line_end) == (3, 4)


def test_front_matter_gives_metadata_and_keeps_offsets(tmp_path):
    body = ("---\ntitle: Lithium notes\nauthor: \"A. Writer\"\ndate: 2023-01-02\nurl: https://example.org/x\n---\n"
            "# Lithium\n\nLithium is a mood stabiliser used since 1949.\n")
    (tmp_path / "notes.md").write_text(body, encoding="utf-8")
    doc = load_corpus(tmp_path).documents[0]
    assert (doc.source.title, doc.source.author, doc.source.date, doc.source.url) == (
        "Lithium notes", "A. Writer", "2023-01-02", "https://example.org/x")
    s = doc.sentences[0]
    assert doc.text[s.start : s.end] == "Lithium is a mood stabiliser used since 1949."
    assert s.line_start == 9 and s.heading == "Lithium"


def test_jsonl_and_gzip_documents_load_with_their_ids(tmp_path):
    rows = [{"id": "doc-1", "title": "Gout", "publisher": "NIH", "text": "Gout is a form of arthritis.\nIt hurts."},
            {"id": "doc-2", "title": "Anemia", "text": "Anemia is a lack of red blood cells."}]
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r) for r in rows[:1]) + "\n", encoding="utf-8")
    with gzip.open(tmp_path / "b.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(json.dumps(rows[1]) + "\n")
    docs = {d.source.id: d for d in load_corpus(tmp_path).documents}
    assert set(docs) == {"doc-1", "doc-2"}
    gout = docs["doc-1"]
    assert gout.source.publisher == "NIH" and gout.source.path.endswith("a.jsonl")
    last = gout.sentences[-1]
    assert gout.text[last.start : last.end] == "It hurts." and last.line_start == 2


def test_bad_files_are_reported_by_name_and_line_and_the_rest_loads(tmp_path):
    (tmp_path / "good.txt").write_text("Good\n\nLithium treats mania well.\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 au lait is coffee.\n".encode("latin-1"))
    (tmp_path / "binary.md").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "open.md").write_text("---\ntitle: never closed\n\nText about lithium here.\n", encoding="utf-8")
    (tmp_path / "badline.md").write_text("---\ntitle: Fine\nthis is not metadata\n---\nLithium levels are monitored.\n", encoding="utf-8")
    (tmp_path / "rows.jsonl").write_text('{"id": "r1", "text": "Row one is fine."}\n{broken json\n{"id": "r3"}\n', encoding="utf-8")
    corpus = load_corpus(tmp_path)
    problems = [str(p) for p in corpus.problems]
    ids = {d.source.id for d in corpus.documents}
    assert ids == {"good", "open", "badline", "r1"}
    assert any("empty.txt" in p and "empty" in p for p in problems)
    assert any("latin1.txt:1" in p and "UTF-8" in p for p in problems)
    assert any("binary.md" in p and "binary" in p for p in problems)
    assert any("open.md:1" in p and "not closed" in p for p in problems)
    assert any("badline.md:3" in p for p in problems)
    assert any("rows.jsonl:2" in p and "JSON" in p for p in problems)
    assert any("rows.jsonl:3" in p and "text" in p for p in problems)
    assert len(problems) == 7


def test_broken_sources_toml_names_its_line(tmp_path):
    (tmp_path / "a.txt").write_text("A\n\nLithium is a salt.\n", encoding="utf-8")
    (tmp_path / "sources.toml").write_text('["a.txt"]\ntitle = "ok"\nauthor = \n', encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert [d.source.id for d in corpus.documents] == ["a"]
    assert any("sources.toml:3" in str(p) for p in corpus.problems)


def test_loading_never_changes_the_files(tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(bundled_corpus_path(), folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    load_corpus(folder)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_unusable_corpus_folders_raise(tmp_path):
    with pytest.raises(CorpusError, match="not found"):
        load_corpus(tmp_path / "missing")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    with pytest.raises(CorpusError, match="no usable document"):
        load_corpus(tmp_path)


@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_a_large_jsonl_file_is_segmented_in_parallel_exactly_as_one_process_would(tmp_path, monkeypatch, method):
    """A .jsonl file of PARALLEL_FROM documents or more is segmented by worker processes (forked
    below FORK_BELOW characters, fresh ones above when the citebot program runs): the documents, sentences, headings and
    vocabulary are the ones a single process finds, and answers quote them verbatim."""
    import multiprocessing

    from bot import corpus as corpus_module
    from bot.corpus import PARALLEL_FROM, Problem, load_file, vocabulary_of

    if (os.cpu_count() or 1) < 2 or method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"needs 2 cores and the {method} start method")
    path = tmp_path / "docs" / "many.jsonl"
    path.parent.mkdir()
    with path.open("w", encoding="utf-8") as fh:
        for i in range(PARALLEL_FROM + 50):
            text = (f"# Part {i}\n\nCompound {i} binds receptor {i % 97}. It was described in {1900 + i % 120}.\n\n"
                    f"Dr. Lee et al. studied compound {i} again, e.g. in mice.")
            fh.write(json.dumps({"id": f"c{i}", "title": f"Compound {i}", "text": text}) + "\n")
    if method == "forkserver":  # as the citebot program reads a very large file (pytest's main module is guarded)
        monkeypatch.setattr(corpus_module, "FORK_BELOW", 0)
        monkeypatch.setattr(corpus_module, "FRESH_WORKERS", True)

    def read(parallel: bool):
        if not parallel:
            monkeypatch.setattr(corpus_module, "PARALLEL_FROM", 10**9)
        problems: list[Problem] = []
        words: set[str] = set()
        docs = load_file(path, {}, problems, None, words)
        monkeypatch.setattr(corpus_module, "PARALLEL_FROM", PARALLEL_FROM)
        # The workers gather the words as they go; one process leaves that to vocabulary_of.
        return [(d.source, d.text, d.packed()) for d in docs], words if parallel else vocabulary_of(docs), problems

    spawned = []  # the start method of every worker pool made (the pool is imported where it is used)

    class Counting(futures.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            spawned.append(kwargs["mp_context"].get_start_method())
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(futures, "ProcessPoolExecutor", Counting)
    monkeypatch.setattr(corpus_module, "PART_CHARS", 20_000)  # the file goes to the workers in many parts
    parallel = read(True)
    assert spawned == [method]  # the parallel path ran, with the workers asked for
    assert parallel == read(False)
    assert len(parallel[0]) == PARALLEL_FROM + 50 and not parallel[2]

    # Each part's documents are handed over as it comes back, in the file's order, each once: the
    # cache indexes them while the workers segment the rest.
    handed: list[tuple[int, list]] = []
    docs = load_file(path, {}, [], None, set(), lambda first, part: handed.append((first, part)))
    assert len(handed) > 10 and [first for first, _ in handed] == list(
        itertools.accumulate((len(part) for _, part in handed[:-1]), initial=0))
    assert [doc for _, part in handed for doc in part] == docs

    from bot import store

    indexed = []  # how many documents each call to the index writer was given
    real_add = store.add_documents
    monkeypatch.setattr(store, "add_documents", lambda writer, key, part, first=0: (
        indexed.append(len(part)), real_add(writer, key, part, first))[1])
    bot = Bot.open(path.parent)
    quotable = sum(1 for doc in bot.corpus.documents for _ in doc.quotable())
    assert bot.index.size == quotable  # every sentence indexed once, none twice
    assert len(indexed) > 10 and sum(indexed) == PARALLEL_FROM + 50  # in parts, and never again at the end
    reply = bot.ask("Which receptor does compound 4020 bind?")
    assert reply.outcome == "answer" and reply.quotes[0].source.id == "c4020"
    quote = reply.quotes[0]
    text = next(d.text for d in bot.corpus.documents if d.source.id == "c4020")
    assert text[quote.start : quote.end] == quote.text


def test_files_of_other_kinds_are_reported_and_an_open_front_matter_is_no_title(tmp_path):
    (tmp_path / "lithium.md").write_text("# Lithium\n\nLithium is a mood stabiliser.\n", encoding="utf-8")
    (tmp_path / "paper.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "page.html").write_text("<html><body>Lithium</body></html>", encoding="utf-8")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / ".hidden.pdf").write_bytes(b"%PDF-1.4")  # hidden files are not the corpus's
    (tmp_path / "open.md").write_text("---\ntitle: never closed\nLithium levels are checked.\n", encoding="utf-8")
    bot = Bot.open(tmp_path)
    problems = [str(p) for p in bot.corpus.problems]
    for name, suffix in (("paper.pdf", ".pdf"), ("page.html", ".html"), ("notes.docx", ".docx")):
        assert any(f"{name}: not a kind of file citebot reads ({suffix};" in p for p in problems), problems
    assert not any(".hidden" in p for p in problems)
    source = next(d.source for d in bot.corpus.documents if d.source.id == "open")
    assert source.title == "open"  # the file's name, not "---"


def test_the_fast_forms_of_segmenting_find_what_their_plain_definitions_find():
    import random
    import re

    from bot.segment import _BOUNDARY, _NON_WORD, _normal

    plain_boundary = re.compile(r"(?<![.!?…])[.!?…]++[\"'”’)\]»]*+(?=\s|$)")  # the look-behind first
    rng = random.Random(7)
    alphabet = list(".!?… \n\t\"'”’)]»aZ1_\r\xa0é")
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(14)))
        assert [m.span() for m in _BOUNDARY.finditer(text)] == [m.span() for m in plain_boundary.finditer(text)], text
        assert _normal(text) == _NON_WORD.sub(" ", text.lower()).strip(), text
    every_pair = "".join(chr(a) + chr(b) for a in range(128) for b in range(0, 128, 5))
    assert _normal(every_pair) == _NON_WORD.sub(" ", every_pair.lower()).strip()
