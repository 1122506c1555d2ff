"""The on-disk index cache: reused, refreshed file by file, rebuilt when broken, safe to share."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.answer import Bot
from bot.settings import Settings
from bot.store import PACKAGE, Store, _digest_of, build_id, modules_behind, open_corpus

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def folder(tmp_path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "lithium.md").write_text("# Lithium\n\nLithium is a mood stabiliser used for bipolar disorder.\n", encoding="utf-8")
    (docs / "gout.md").write_text("# Gout\n\nGout is a form of arthritis caused by uric acid crystals.\n", encoding="utf-8")
    (docs / "rows.jsonl").write_text(json.dumps({"id": "anemia", "title": "Anemia",
                                                 "text": "Anemia is a lack of healthy red blood cells."}) + "\n", encoding="utf-8")
    return docs


def first_source(corpus, index, question: str) -> str | None:
    reply = Bot(corpus, index=index).ask(question)
    return reply.quotes[0].source.id if reply.quotes else None


def test_the_second_start_reads_and_indexes_nothing(folder, tmp_path):
    cache = tmp_path / "cache"
    corpus, index, stats = open_corpus(folder, Settings(cache))
    assert (stats["read"], stats["indexed"]) == (3, 3)
    corpus, index, stats = open_corpus(folder, Settings(cache))
    assert (stats["read"], stats["indexed"], stats["removed"]) == (0, 0, 0)
    assert first_source(corpus, index, "What is lithium?") == "lithium"
    assert not any(cache in p.parents for p in folder.rglob("*"))  # nothing written into the corpus
    assert sorted(p.name for p in folder.iterdir()) == ["gout.md", "lithium.md", "rows.jsonl"]


def test_a_changed_added_or_removed_file_is_all_that_is_redone(folder, tmp_path):
    cache = tmp_path / "cache"
    open_corpus(folder, Settings(cache))
    (folder / "gout.md").write_text("# Gout\n\nGout often starts in the big toe joint.\n", encoding="utf-8")
    (folder / "asthma.txt").write_text("Asthma\n\nAsthma narrows the airways of the lungs.\n", encoding="utf-8")
    (folder / "lithium.md").unlink()
    corpus, index, stats = open_corpus(folder, Settings(cache))
    assert (stats["read"], stats["indexed"], stats["removed"]) == (2, 2, 2)
    assert first_source(corpus, index, "Where does gout start?") == "gout"
    assert "big toe" in Bot(corpus, index=index).ask("Where does gout start?").quotes[0].text
    assert first_source(corpus, index, "What narrows the airways?") == "asthma"
    assert Bot(corpus, index=index).ask("What is lithium?").outcome == "no_answer"
    assert index.size == 3  # gout, asthma, anemia: the old entries are gone
    shelves = sorted(p.name for p in Store(folder, Settings(cache)).files.iterdir())
    assert len(shelves) == 3  # and so are the shelves of the old gout.md and of lithium.md


def test_a_file_touched_but_unchanged_is_not_read_again(folder, tmp_path):
    cache = tmp_path / "cache"
    open_corpus(folder, Settings(cache))
    os.utime(folder / "gout.md", ns=(1, 1))
    _, _, stats = open_corpus(folder, Settings(cache))
    assert (stats["read"], stats["indexed"]) == (0, 0)


def test_changed_metadata_in_sources_toml_refreshes_the_file(folder, tmp_path):
    cache = tmp_path / "cache"
    open_corpus(folder, Settings(cache))
    (folder / "sources.toml").write_text('["gout.md"]\nauthor = "A. Rheumatologist"\n', encoding="utf-8")
    corpus, _, stats = open_corpus(folder, Settings(cache))
    assert stats["read"] == 1
    assert next(d.source for d in corpus.documents if d.source.id == "gout").author == "A. Rheumatologist"


@pytest.mark.parametrize("damage", ["truncated payload", "garbage manifest", "old version", "corrupt index", "deleted index"])
def test_a_broken_cache_is_rebuilt_with_a_message(folder, tmp_path, damage):
    cache = tmp_path / "cache"
    open_corpus(folder, Settings(cache))
    store = Store(folder, Settings(cache))
    if damage == "truncated payload":
        for payload in store.files.iterdir():
            payload.write_bytes(payload.read_bytes()[: len(payload.read_bytes()) // 2])
    elif damage == "garbage manifest":
        store.manifest_path.write_text("{not json", encoding="utf-8")
    elif damage == "old version":
        data = json.loads(store.manifest_path.read_text(encoding="utf-8"))
        data["build"] = "0" * 32
        data["digest"] = _digest_of({k: v for k, v in data.items() if k != "digest"})  # well formed, only older
        store.manifest_path.write_text(json.dumps(data), encoding="utf-8")
    elif damage == "corrupt index":
        for f in store.index_dir.iterdir():
            if f.name.endswith("meta.json"):
                f.write_text("{broken", encoding="utf-8")
    else:
        for f in store.index_dir.iterdir():
            f.unlink()
    corpus, index, _ = open_corpus(folder, Settings(cache))
    assert first_source(corpus, index, "What is lithium?") == "lithium"
    assert index.size == 3
    if damage != "deleted index":
        assert any("rebuild" in p.message or "again" in p.message for p in corpus.problems), corpus.problems
    _, _, stats = open_corpus(folder, Settings(cache))
    assert (stats["read"], stats["indexed"]) == (0, 0)  # and whole again


def test_the_build_id_covers_the_code_that_reads_segments_and_indexes(tmp_path):
    behind = {path.name for path in modules_behind()}
    # the reader, the segmenter, the boilerplate rules, the tokenizer and stemmer, the index schema
    assert {"corpus.py", "segment.py", "boilerplate.py", "boilerplate.toml", "text.py", "index.py", "store.py"} <= behind
    # the triage, the ranking and the vocabulary bridge are not stored
    assert not {"policy.py", "answer.py", "rank.py", "bridge.py", "word_neighbours.tsv", "cli.py", "rules.toml"} & behind
    package = tmp_path / "bot"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__", "corpus", "*.tsv"))
    first = build_id(package)
    for name in sorted(behind):
        module = package / name
        original = module.read_bytes()
        module.write_bytes(original + b"\n# changed\n")
        assert build_id.__wrapped__(package) != first, name
        module.write_bytes(original)
    assert build_id.__wrapped__(package) == first


def test_a_cache_built_by_other_code_is_rebuilt_not_served(folder, tmp_path):
    """The upgrade the cache once ignored: the boilerplate rules change, and a warm start must show
    what a cold build of the new code shows, not what the old code stored."""
    package = tmp_path / "site" / "bot"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(package.parent), "CITEBOT_CACHE_DIR": str(tmp_path / "cache")}
    ask = [sys.executable, "-m", "bot", "ask", "--json", "--corpus", str(folder), "What is gout?"]

    def run():
        done = subprocess.run(ask, capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout), done.stderr

    reply, _ = run()
    assert reply["quotes"] and "uric acid" in reply["quotes"][0]["text"]
    with open(package / "boilerplate.toml", "a", encoding="utf-8") as fh:  # the new version: gout lines are furniture
        fh.write("\n[[sentence]]\nreason = \"test\"\nkeywords = []\npattern = '^Gout\\s+is'\n")
    reply, notices = run()
    assert not any("uric acid" in quote["text"] for quote in reply["quotes"]), (reply["quotes"], notices)
    assert "another version of citebot" in notices
    reply, notices = run()  # and the rebuilt cache is used as it is
    assert "rebuild" not in notices


def test_two_processes_starting_at_once_share_one_cache(folder, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CITEBOT_CACHE_DIR": str(tmp_path / "shared-cache")}
    cmd = [sys.executable, "-m", "bot", "ask", "--json", "--corpus", str(folder), "What is gout?"]
    runs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for _ in range(4)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    for out, err in outputs:
        assert json.loads(out)["quotes"][0]["source"]["id"] == "gout"
        assert "rebuild" not in err
    corpus, index, stats = open_corpus(folder, Settings(tmp_path / "shared-cache"))
    assert (stats["read"], stats["indexed"]) == (0, 0) and index.size == 3


def test_citebot_index_prints_counts_and_plain_progress(folder, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CITEBOT_CACHE_DIR": str(tmp_path / "c")}
    cmd = [sys.executable, "-m", "bot", "index", "--corpus", str(folder)]
    first = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert first.returncode == 0
    assert first.stdout.startswith("3 documents, 3 quotable sentences,")
    assert "3 of 3 files read, 3 indexed" in first.stdout
    assert "indexing" in first.stderr and "\r" not in first.stderr  # plain lines: not a terminal
    second = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert "0 of 3 files read, 0 indexed" in second.stdout


def test_every_field_of_a_source_survives_the_cache(tmp_path):
    """Source's fields are listed once, in the dataclass: what the cache stores and what --json
    prints follow from it, so a new field cannot be dropped by one of them."""
    from dataclasses import fields

    from bot.model import METADATA, Source

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "gout.md").write_text("# Gout\n\nGout is a form of arthritis caused by uric acid crystals.\n", encoding="utf-8")
    stated = {name: f"stated {name}" for name in METADATA if name != "id"}
    table = "".join(f'{name} = "{value}"\n' for name, value in stated.items())
    (docs / "sources.toml").write_text(f'["gout.md"]\n{table}', encoding="utf-8")
    cold, _, _ = open_corpus(docs, Settings(tmp_path / "cache"))
    warm, _, stats = open_corpus(docs, Settings(tmp_path / "cache"))
    assert stats["read"] == 0
    assert warm.documents[0].source == cold.documents[0].source
    source = warm.documents[0].source
    assert all(getattr(source, name) == value for name, value in stated.items())
    assert set(source.to_dict()) == {f.name for f in fields(Source)}
    assert [label for label, _ in source.details()] == [n for n in METADATA if n not in ("id", "title")] + ["file"]


def test_a_script_without_a_main_guard_can_open_a_large_corpus(tmp_path):
    """A user's script that opens a corpus at its top level, with no `if __name__ == "__main__":`
    guard: workers that start afresh import the script again, which would open the corpus again
    and wait for ever on the cache lock its first run holds. Here the file is segmented as a very
    large one would be (in parallel, past the size that picks fresh workers for the program)."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    rows = [{"id": f"n{i}", "title": f"Note {i}", "text": f"Note {i} says that ketamine is an anaesthetic. "
             f"It was first made in 1962, says note {i}."} for i in range(40)]
    (folder / "notes.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    script = tmp_path / "my_script.py"
    script.write_text("\n".join([
        "import bot.corpus",
        "from bot.answer import Bot",
        "from bot.settings import Settings",
        "bot.corpus.PARALLEL_FROM = 10",
        "bot.corpus.FORK_BELOW = 0",
        f"found = Bot.open({str(folder)!r}, Settings.read(environ={{'CITEBOT_CACHE_DIR': {str(tmp_path / 'cache')!r}}}))",
        "print('documents', len(found.corpus.documents))",
    ]) + "\n", encoding="utf-8")
    try:
        done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=90, cwd=tmp_path)
    except subprocess.TimeoutExpired:
        pytest.fail("a script without a main guard hung opening a large corpus")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["documents 40"]


def many_notes(folder: Path, count: int = 400) -> Path:
    folder.mkdir()
    rows = [{"id": f"n{i}", "title": f"Note {i}", "text": f"Note {i} is about topic{i}. Topic{i} was first "
             f"described in {1900 + i % 100}."} for i in range(count)]
    (folder / "notes.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    (folder / "lithium.md").write_text("# Lithium\n\nLithium is a mood stabiliser used for bipolar disorder.\n",
                                       encoding="utf-8")
    return folder


def test_a_warm_start_reads_no_document_and_a_question_only_those_it_reaches(tmp_path, monkeypatch):
    """Open, don't load: a warm start costs the same at any corpus size, because it reads none of
    the documents; a question reads the few its search hits name, and listing the sources reads
    their metadata, not their text."""
    from bot.rank import CANDIDATES
    from bot.shelf import Shelf, sources_of

    folder = many_notes(tmp_path / "docs")
    open_corpus(folder, Settings(tmp_path / "cache"))
    read: list[int] = []
    real = Shelf.record
    monkeypatch.setattr(Shelf, "record", lambda self, i: read.append(i) or real(self, i))
    corpus, index, stats = open_corpus(folder, Settings(tmp_path / "cache"))
    assert stats["read"] == 0 and len(corpus.documents) == 401
    assert read == []
    reply = Bot(corpus, index=index).ask("When was topic123 first described?")
    assert reply.quotes[0].source.id == "n123" and reply.quotes[0].text == "Topic123 was first described in 1923."
    assert 0 < len(read) <= CANDIDATES < 401  # the engine's candidates: here every note says "first described"
    read.clear()
    assert [s.id for s in sources_of(corpus.documents)][:3] == ["lithium", "n0", "n1"]
    assert read == []


def test_a_warm_start_knows_what_a_cold_read_knows(tmp_path):
    """Ids given twice, texts repeated, metadata naming no file: what a warm start reports comes
    from the cache's summary, and is what reading the folder afresh reports."""
    from bot.corpus import load_corpus

    folder = many_notes(tmp_path / "docs", 6)
    (folder / "again.jsonl").write_text(json.dumps({"id": "n2", "title": "Again", "text": "Something else."}) + "\n"
                                        + json.dumps({"id": "copy", "text": "Note 4 is about topic4. Topic4 was "
                                                      "first described in 1904."}) + "\n", encoding="utf-8")
    (folder / "sources.toml").write_text('["gone.md"]\nauthor = "Nobody"\n', encoding="utf-8")
    fresh = load_corpus(folder)
    open_corpus(folder, Settings(tmp_path / "cache"))
    warm, _, stats = open_corpus(folder, Settings(tmp_path / "cache"))
    assert stats["read"] == 0
    assert [d.source for d in warm.documents] == [d.source for d in fresh.documents]
    assert any(d.source.id.startswith("n2~") for d in warm.documents)
    assert list(warm.duplicates) == list(fresh.duplicates) and len(fresh.duplicates) == 1
    assert sorted(map(str, warm.problems)) == sorted(map(str, fresh.problems)) and len(fresh.problems) == 3


def test_the_chat_and_its_answering_thread_may_read_documents_at_once(tmp_path, monkeypatch):
    """The chat answers in a worker thread while its own thread opens a source: both read the
    shelves, whose kept documents and open files are shared. Few kept and one file open at a time,
    so that they evict each other's all the time."""
    import threading

    from bot.shelf import ShelvedDocuments

    folder = many_notes(tmp_path / "docs", 300)
    (folder / "more.jsonl").write_text("\n".join(json.dumps({"id": f"m{i}", "text": f"More {i}."})
                                                 for i in range(300)) + "\n", encoding="utf-8")
    monkeypatch.setattr(ShelvedDocuments, "KEEP", 3)
    monkeypatch.setattr(ShelvedDocuments, "OPEN", 1)
    open_corpus(folder, Settings(tmp_path / "cache"))
    corpus, _, _ = open_corpus(folder, Settings(tmp_path / "cache"))
    documents = corpus.documents
    failures: list[BaseException] = []

    def read(offset: int) -> None:
        try:
            for n in range(6000):
                i = (n * 7 + offset) % len(documents)
                assert documents[i].source.id
        except BaseException as exc:  # noqa: BLE001 - any failure in the thread is the test's
            failures.append(exc)

    threads = [threading.Thread(target=read, args=(k,)) for k in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_the_cache_keeps_no_second_copy_of_a_text_its_file_holds(tmp_path):
    """A text file's text, and a plain .jsonl line's, are read from the corpus file itself when a
    question reaches them: the cache holds where they are and a digest of them, not the text. A
    .jsonl.gz file's texts are kept (its bytes are compressed, with no place to read a text at).
    Every quote is still the file's characters at the place cited."""
    import gzip

    corpus = tmp_path / "docs"
    corpus.mkdir()
    said = {"a.txt": "Amantadine was first sold as an antiviral medicine for influenza.",
            "b.md": "Bupropion acts on dopamine and noradrenaline reuptake in the brain.",
            "c.jsonl": "Clozapine is reserved for schizophrenia that resists other medicines.",
            "d.jsonl.gz": "Doxepin is a tricyclic compound also applied to the skin as a cream."}
    (corpus / "a.txt").write_text(f"Amantadine\n\n{said['a.txt']}\n", encoding="utf-8")
    (corpus / "b.md").write_text(f"---\ntitle: Bupropion\n---\n# Bupropion\n\n{said['b.md']}\n", encoding="utf-8")
    # its second line starts past characters of several bytes each (offsets are in bytes, texts in characters)
    (corpus / "c.jsonl").write_text(json.dumps({"id": "ü", "text": "Über\n\nÜber, café, naïve: résumé.\n"},
                                               ensure_ascii=False) + "\n"
                                    + json.dumps({"id": "c", "text": f"Clozapine\n\n{said['c.jsonl']}\n"}) + "\n",
                                    encoding="utf-8")
    with gzip.open(corpus / "d.jsonl.gz", "wt", encoding="utf-8") as out:
        out.write(json.dumps({"id": "d", "text": f"Doxepin\n\n{said['d.jsonl.gz']}\n"}) + "\n")
    bot = Bot.open(corpus, Settings(tmp_path / "cache"))
    cached = b"".join(p.read_bytes() for p in (tmp_path / "cache").rglob("*") if p.is_file())
    kept = {name for name, sentence in said.items() if sentence.encode() in cached}
    assert kept == {"d.jsonl.gz"}
    for name, question in (("a.txt", "What was amantadine first sold as?"), ("b.md", "How does bupropion act?"),
                           ("c.jsonl", "What is clozapine reserved for?"), ("d.jsonl.gz", "What is doxepin?")):
        reply = bot.ask(question)
        assert any(said[name] in q.text for q in reply.quotes), (name, reply)
        for quote in reply.quotes:
            if name.endswith(".jsonl.gz"):
                continue
            raw = (corpus / name).read_text(encoding="utf-8")
            text = json.loads(raw.splitlines()[1])["text"] if name.endswith(".jsonl") else raw
            assert text[quote.start : quote.end] == quote.text


def test_a_cached_documents_sentences_read_from_its_packed_rows_are_its_sentences(tmp_path):
    # The ranker reads a cached document's sentence spans from its packed integers (Document.span),
    # before and after anything has made Sentence objects of them: both must be the sentences.
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# Uses\n\nLithium steadies mood. It is taken daily.\n\n# Risks\n\nToo much is toxic.\n"
                               "Blood levels are checked.\n", encoding="utf-8")
    corpus, _, _ = open_corpus(docs, Settings(cache_dir=tmp_path / "cache"))
    doc = corpus.documents[0]
    spans = [doc.span(i) for i in range(doc.sentence_count())]
    sentences = list(doc.sentences)
    assert spans == [(s.start, s.end, s.heading) for s in sentences]
    assert [doc.span(i) for i in range(doc.sentence_count())] == spans
    assert {heading for _, _, heading in spans} == {"Uses", "Risks"}
    with pytest.raises(IndexError):
        doc.span(len(sentences))


def test_tied_sentences_come_in_the_corpus_order_however_the_index_was_updated(tmp_path):
    """The engine breaks equal scores by where an entry sits in its segments: a file read again
    after a change is written to a newer segment. The search gives tied sentences in the corpus's
    order all the same, so an answer never depends on how the cache was built or updated."""
    docs = tmp_path / "docs"
    docs.mkdir()
    line = "Ketamine blocks the NMDA receptor in the brain.\n"
    (docs / "a.md").write_text("# A\n\n" + line, encoding="utf-8")
    (docs / "b.md").write_text("# B\n\n" + line, encoding="utf-8")
    cache = Settings(tmp_path / "cache")
    corpus, index, _ = open_corpus(docs, cache)
    first = corpus.documents[index.search(["nmda"], limit=1)[0].doc].source.id
    (docs / "a.md").write_text("# A\n\n" + line + "\nA line added later.\n", encoding="utf-8")
    corpus, index, stats = open_corpus(docs, cache)
    assert stats["indexed"] == 1  # only a.md: its entries are now in a newer segment
    ids = [d.source.id for d in corpus.documents]
    assert ids == sorted(ids) and first == "a"
    assert corpus.documents[index.search(["nmda"], limit=1)[0].doc].source.id == "a"


def test_the_word_tables_kept_for_good_are_never_walked_by_the_garbage_collector(folder, tmp_path):
    """A full collection visits every word of a set it tracks: the English word lists and the
    corpus's vocabulary as sets made one collection in the middle of an answer take 30 ms
    (bench/scale.py's max). Kept as lexicon.word_table, the collector never walks them."""
    import gc

    from bot import bridge, lexicon

    corpus, index, _ = open_corpus(folder, Settings(tmp_path / "cache"))
    assert Bot(corpus, index=index).ask("What causes gout?").outcome == "answer"
    assert index.knows("arthritis") and index.knows("crystal") and not index.knows("zebra")
    tables = [lexicon.english_words(), lexicon.common_words(), bridge.everyday_words(), index.vocabulary, index.stems]
    assert "arthritis" in index.vocabulary and "liver" in lexicon.english_words() and "good" in bridge.everyday_words()
    assert not any(gc.is_tracked(table) for table in tables)
