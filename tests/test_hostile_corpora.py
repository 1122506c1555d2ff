"""Hostile corpora and damaged caches (issue: never hang, never forge, never quote what a source
does not say). Real files on disk, the real `citebot` command in its own process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.store import Store

CITEBOT = [sys.executable, "-m", "bot"]


def citebot(*args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CITEBOT, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **env})


def children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.update(int(p) for p in (task / "children").read_text().split())
        except OSError:
            pass
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def big_jsonl(folder: Path, documents: int = 8000) -> Path:
    folder.mkdir()
    sentence = "Lithium is a mood stabiliser that has been used in psychiatry for many decades. "
    with (folder / "big.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(documents):
            fh.write(json.dumps({"id": f"d{i}", "title": f"Document {i}", "text": sentence * 25}) + "\n")
    return folder


@pytest.mark.parametrize("parent_alive", [True, False])
def test_a_worker_whose_parent_died_before_it_could_watch_it_exits_at_once(parent_alive):
    """A segmenting worker forked by a build killed before the worker asked to die with it (the
    kernel's PR_SET_PDEATHSIG) finds itself adopted by another process and exits, rather than wait
    for work for ever; multiprocessing's own pipe cannot tell, while a sibling holds its other end."""
    forked_by = "os.getppid()" if parent_alive else "os.getppid() + 1_000_000"  # no such process
    code = f"import os; from bot.files import detach_worker; detach_worker(forked_by={forked_by}); print('working')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stderr == ""
    assert (done.returncode, done.stdout) == ((0, "working\n") if parent_alive else (1, ""))


@pytest.mark.skipif(not Path("/proc/self/task").exists() or (os.cpu_count() or 1) < 2,
                    reason="needs Linux /proc and parallel segmenting (2 cores)")
def test_a_killed_build_leaves_no_workers_and_no_lock_behind(tmp_path):
    corpus = big_jsonl(tmp_path / "corpus")
    build = subprocess.Popen([*CITEBOT, "index", "--corpus", str(corpus)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while time.monotonic() < deadline and build.poll() is None:
        workers = {p for p in children(build.pid) if alive(p)}
        if len(workers) >= 2:
            break
        time.sleep(0.05)
    assert workers, "the build finished before its workers could be seen"
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(p) for p in workers):
        time.sleep(0.05)
    assert not any(alive(p) for p in workers), "workers outlived the killed build"
    later = citebot("ask", "--corpus", str(corpus), "What is lithium?", timeout=180, CITEBOT_LOCK_TIMEOUT="30")
    assert later.returncode == 0, later.stderr
    assert "mood stabiliser" in later.stdout


def test_a_waiting_process_says_what_it_waits_for_and_gives_up(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Lithium\n\nLithium is a mood stabiliser.\n", encoding="utf-8")
    with Store(corpus, Settings.read()).locked():  # as another citebot building this corpus would
        started = time.monotonic()
        result = citebot("ask", "--corpus", str(corpus), "What is lithium?", timeout=60, CITEBOT_LOCK_TIMEOUT="1")
    assert result.returncode == 2
    assert f"Waiting for another citebot process (process {os.getpid()}) that is indexing" in result.stderr
    assert "gave up after 1 s" in result.stderr
    assert time.monotonic() - started < 30
    assert citebot("ask", "--corpus", str(corpus), "What is lithium?").returncode == 0  # lock gone: works


FORGED = '\n[2] "Ketamine is safe for everyone." — Forged Source · 2020 · forged.txt:1\n'


def forging_corpus(folder: Path) -> Path:
    """A corpus whose file name and metadata carry line breaks meant to print forged lines."""
    folder.mkdir()
    name = f"notes{FORGED}x.txt"
    (folder / name).write_text("Lithium\n\nLithium is a mood stabiliser used in bipolar disorder.\n", encoding="utf-8")
    (folder / "b.txt").write_text("Valproate\n\nValproate is an anticonvulsant.\n", encoding="utf-8")
    (folder / "sources.toml").write_text(
        f"[{json.dumps(name)}]\n"
        'title = "Lithium notes\\nkind: clinic marketing page\\u2028disclosure: none"\n'
        'author = "A. Writer\\r\\n    blog post"\n'
        '["b.txt"]\ntitle = "Valproate\\u2029[9] forged"\n', encoding="utf-8")
    return folder


def test_line_breaks_in_file_names_and_metadata_cannot_forge_lines_in_ask(tmp_path):
    corpus = forging_corpus(tmp_path / "corpus")
    result = citebot("ask", "--corpus", str(corpus), "What is lithium?")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line for line in lines if line.startswith("[")] == [line for line in lines if line.startswith("[1] ")]
    assert not any(line.startswith(("kind:", "    blog post", "[2]")) for line in lines), result.stdout
    assert "notes\\n[2]" in result.stdout and "Lithium notes\\nkind: clinic marketing page\\u2028disclosure" in result.stdout
    assert "A. Writer\\r\\n    blog post" in result.stdout


def test_line_breaks_in_metadata_cannot_forge_lines_in_sources(tmp_path):
    corpus = forging_corpus(tmp_path / "corpus")
    result = citebot("sources", "--corpus", str(corpus))
    assert result.returncode == 0, result.stderr
    top_level = [line for line in result.stdout.splitlines() if not line.startswith("    ")]
    assert len(top_level) == 2, result.stdout  # one line per source, whatever its title holds
    assert not any(line.strip().startswith(("kind: clinic", "[9]", "[2]")) for line in result.stdout.splitlines())
    assert "Valproate\\u2029[9] forged" in result.stdout


def test_line_breaks_cannot_forge_lines_in_the_chat_or_its_export(tmp_path):
    import asyncio

    from bot.export import conversation_markdown
    from bot.tui.app import CitebotApp
    from bot.tui.widgets import QuoteBlock

    from chat_helpers import ask, ready

    corpus = forging_corpus(tmp_path / "corpus")
    app = CitebotApp(corpus_dir=corpus)

    async def scenario():
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            await ask(pilot, "What is lithium?")
            block = app.query(QuoteBlock).first()
            text = block.content.plain
            assert len(text.splitlines()) == 2, text  # the quote and its origin, nothing more
            assert "notes\\n[2]" in text and "Lithium notes\\nkind: clinic marketing page" in text

    asyncio.run(scenario())
    exported = conversation_markdown(app.turns)
    assert not any(line.lstrip("> ").startswith(("[2]", "kind:", "\\[2\\]")) for line in exported.splitlines())


@pytest.mark.parametrize("first, second", [
    ("The Lakeside clinic is not open to new patients on Sundays.", "The Lakeside clinic is now open to new patients on Sundays."),
    ("Side effects were seen in 5% of patients in the trial.", "Side effects were seen in 50% of patients in the trial."),
    ("Esketamine was approved by the FDA in 2019 for depression.", "Esketamine was approved by the FDA in 2009 for depression."),
])
def test_a_source_is_never_credited_with_words_it_does_not_say(tmp_path, first, second):
    from bot.answer import Bot

    (tmp_path / "a.txt").write_text(f"Notes\n\n{first}\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(f"More notes\n\n{second}\n", encoding="utf-8")
    reply = Bot.open(tmp_path).ask(first.rstrip("."))
    assert reply.outcome == "answer"
    assert all(q.also_in == () for q in reply.quotes), reply.quotes
    said = {q.source.id: q.text for q in reply.quotes}
    assert said.get("a", first) == first and said.get("b", second) == second  # each source's own words


def test_every_also_said_in_credit_names_a_source_that_says_those_words(tmp_path):
    from bot.answer import Bot, same_words

    sentence = "Ketamine blocks NMDA receptors in the brain."
    variants = [sentence, sentence.upper(), sentence.replace(" ", "  "), sentence.replace("blocks", "blocked"),
                "Ketamine blocks NMDA receptors in the spine.", "\u201cKetamine\u201d blocks NMDA receptors in the brain."]
    for i, text in enumerate(variants):
        (tmp_path / f"s{i}.txt").write_text(f"Source {i}\n\n{text}\n", encoding="utf-8")
    bot = Bot.open(tmp_path)
    texts = {doc.source.id: same_words(doc.text) for doc in bot.corpus.documents}
    credits = 0
    for question in ("What does ketamine block?", "NMDA receptors in the brain", "ketamine NMDA receptors spine"):
        for quote in bot.ask(question).quotes:
            for other in quote.also_in:
                credits += 1
                assert same_words(quote.text) in texts[other.id], (quote.text, other.id)
    assert credits >= 2  # the upper-case and double-spaced copies were credited


def test_crafted_lines_cannot_make_the_patterns_run_for_minutes(tmp_path):
    """Worst cases for backtracking patterns, 3 KB each; before, the heading alone took minutes.
    The bound below only catches a hang: speed is measured in bench/, not here."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    n = 3000
    (corpus / "heading.md").write_text("# a" + " \t" * (n // 2) + "b\n\nLithium is a mood stabiliser.\n", encoding="utf-8")
    (corpus / "front.md").write_text("---\ntitle:" + " " * n + "x" + " " * n + "y\nauthor: " + "a " * n + ":\n---\n\n"
                                     "Valproate is an anticonvulsant.\n", encoding="utf-8")
    lines = ["Lines", "", "." * n + "a", "!" * n + "b", "-" * n + "c", "1 views" + " " * n + "x",
             "published " + " :" * n + "x", "tags:" + " x" * n, "by" + " " * n + "z", "# #" + " #" * n + " b"]
    (corpus / "lines.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    question = "What is lithium? " + "a \t" * 600 + "#" * 500
    result = citebot("ask", "--corpus", str(corpus), question, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "mood stabiliser" in result.stdout


def small_corpus(folder: Path) -> Path:
    folder.mkdir()
    (folder / "a.txt").write_text("Lithium\n\nLithium is a mood stabiliser used in bipolar disorder.\n", encoding="utf-8")
    (folder / "b.txt").write_text("Valproate\n\nValproate is an anticonvulsant used for mania.\n", encoding="utf-8")
    return folder


def cache_of(corpus: Path) -> Path:
    return Store(corpus, Settings.read()).dir


def assert_verbatim(bot, corpus: Path) -> None:
    for question, words in (("What is lithium?", "mood stabiliser"), ("What is valproate?", "anticonvulsant")):
        reply = bot.ask(question)
        assert reply.outcome == "answer" and any(words in q.text for q in reply.quotes), (question, reply)
        for quote in reply.quotes:
            text = (corpus / Path(quote.source.path).name).read_text(encoding="utf-8")
            assert text[quote.start:quote.end] == quote.text


@pytest.mark.parametrize("damage", ["files is a list", "an entry without its key", "a key that is a path",
                                    "indexed is a number", "one flipped byte"])
def test_a_damaged_manifest_is_rebuilt_with_a_message(tmp_path, damage):
    corpus = small_corpus(tmp_path / "corpus")
    assert citebot("ask", "--corpus", str(corpus), "What is lithium?").returncode == 0
    manifest = cache_of(corpus) / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    if damage == "one flipped byte":
        raw = bytearray(manifest.read_bytes())
        raw[raw.index(b'"size": ') + 8] ^= 0x01  # a digit of a file's size: still valid JSON
        manifest.write_bytes(bytes(raw))
    else:
        if damage == "files is a list":
            data["files"] = []
        elif damage == "an entry without its key":
            del next(iter(data["files"].values()))["key"]
        elif damage == "a key that is a path":
            next(iter(data["files"].values()))["key"] = "../../../etc/passwd"
        else:
            data["indexed"] = 7
        manifest.write_text(json.dumps(data), encoding="utf-8")
    result = citebot("ask", "--corpus", str(corpus), "What is lithium?")
    assert result.returncode == 0, result.stderr
    assert "mood stabiliser" in result.stdout and "Traceback" not in result.stderr
    assert "manifest is damaged; rebuilding" in result.stderr


def test_an_edited_cached_text_is_never_quoted(tmp_path):
    """A .jsonl.gz file is the one kind whose texts the cache keeps (its bytes are compressed, so it
    cannot be read at a place): a text edited on its shelf fails the record's digest and is read
    again from the file, never quoted."""
    import gzip

    from bot.answer import Bot

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    texts = ["Lithium\n\nLithium is a mood stabiliser used in bipolar disorder.\n",
             "Valproate\n\nValproate is an anticonvulsant used for mania.\n"]
    with gzip.open(corpus / "drugs.jsonl.gz", "wt", encoding="utf-8") as out:
        out.writelines(json.dumps({"id": f"d{n}", "text": text}) + "\n" for n, text in enumerate(texts))
    Bot.open(corpus)
    edited = 0
    for payload in (cache_of(corpus) / "files").iterdir():
        raw = payload.read_bytes()
        if b"mood stabiliser" in raw:
            payload.write_bytes(raw.replace(b"mood stabiliser", b"food stabiliser"))
            edited += 1
    assert edited == 1
    bot = Bot.open(corpus)
    reply = bot.ask("What is lithium?")
    assert reply.outcome == "answer" and any("mood stabiliser" in q.text for q in reply.quotes)
    assert not any("food" in q.text for q in reply.quotes)
    assert all(q.text == texts[int(q.source.id[1])][q.start : q.end] for q in reply.quotes)
    assert any("reading its source again" in str(p) for p in bot.corpus.problems)


@pytest.mark.parametrize("kind", ["txt", "jsonl"])
def test_a_corpus_file_edited_while_open_is_read_again_and_quoted_as_it_is_now(tmp_path, kind):
    """The cache keeps no copy of a text its file holds: a document's text is read from the file
    when a question reaches it and checked against what was read at the start. A file edited
    while the chat is open is read again, and what is quoted is what the file says now, at the
    place cited (never the old sentence at the new file's offsets)."""
    from bot.answer import Bot

    corpus = small_corpus(tmp_path / "corpus")
    edited = "Lithium\n\nSince its discovery, lithium has been a mood stabiliser given in bipolar disorder.\n"
    if kind == "jsonl":
        for name in ("a.txt", "b.txt"):
            (corpus / name).unlink()
        lines = [{"id": "a", "text": "Lithium\n\nLithium is a mood stabiliser used in bipolar disorder.\n"},
                 {"id": "b", "text": "Valproate\n\nValproate is an anticonvulsant used for mania.\n"}]
        (corpus / "drugs.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    bot = Bot.open(corpus)
    if kind == "txt":
        (corpus / "a.txt").write_text(edited, encoding="utf-8")
        now = lambda quote: (corpus / "a.txt").read_text(encoding="utf-8")  # noqa: E731
    else:
        lines[0]["text"] = edited
        (corpus / "drugs.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
        now = lambda quote: next(x["text"] for x in lines if x["id"] == quote.source.id)  # noqa: E731
    reply = bot.ask("What is lithium?")
    assert reply.outcome == "answer" and reply.notice == bot.messages["source_changed"]
    assert any("Since its discovery" in q.text for q in reply.quotes)
    assert all(now(q)[q.start : q.end] == q.text for q in reply.quotes)
    again = bot.ask("What is valproate?")  # the rest of the corpus answers as before
    assert any("anticonvulsant" in q.text for q in again.quotes) and again.notice is None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
@pytest.mark.parametrize("change", ["removed", "a pipe", "a link out of the folder"])
def test_a_corpus_file_removed_or_replaced_while_open_is_never_quoted_nor_waited_on(tmp_path, change):
    import threading

    from bot.answer import Bot

    corpus = small_corpus(tmp_path / "corpus")
    secret = tmp_path / "secret.txt"
    secret.write_text("Lithium\n\nLithium is the code word of the vault, kept by the committee.\n", encoding="utf-8")
    bot = Bot.open(corpus)
    (corpus / "a.txt").unlink()
    if change == "a pipe":
        os.mkfifo(corpus / "a.txt")  # opened for reading in the usual way, it would wait for ever for a writer
    elif change == "a link out of the folder":
        (corpus / "a.txt").symlink_to(secret)
    replies = []
    asking = threading.Thread(target=lambda: replies.append(bot.ask("What is lithium?")), daemon=True)
    asking.start()
    asking.join(60)
    assert replies, "the question waited on the corpus file"
    assert not any("a.txt" in q.source.path for q in replies[0].quotes)
    assert not any("vault" in q.text or "mood" in q.text for q in replies[0].quotes)
    assert any("anticonvulsant" in q.text for q in bot.ask("What is valproate?").quotes)


def test_flipped_bytes_in_the_search_index_never_crash_and_never_forge(tmp_path):
    import shutil

    from bot.answer import Bot

    corpus = small_corpus(tmp_path / "corpus")
    Bot.open(corpus)
    index = cache_of(corpus) / "index"
    pristine = tmp_path / "pristine"
    shutil.copytree(index, pristine)
    tried = 0
    for original in sorted(p for p in pristine.iterdir() if p.is_file() and p.stat().st_size and "lock" not in p.name):
        size = original.stat().st_size
        for position in range(0, size, max(1, size // 12)):
            shutil.rmtree(index)
            shutil.copytree(pristine, index)
            raw = bytearray(original.read_bytes())
            raw[position] ^= 0x20
            (index / original.name).write_bytes(bytes(raw))
            assert_verbatim(Bot.open(corpus), corpus)
            tried += 1
    assert tried > 50


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_a_fifo_or_a_device_named_txt_is_skipped_not_read(tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    os.mkfifo(corpus / "pipe.txt")  # reading it would wait forever for a writer
    (corpus / "zeros.txt").symlink_to("/dev/zero")  # reading it would never end
    result = citebot("ask", "--corpus", str(corpus), "What is lithium?", timeout=60)
    assert result.returncode == 0, result.stderr
    assert "mood stabiliser" in result.stdout
    assert "pipe.txt: not a regular file" in result.stderr
    assert "zeros.txt: a link to outside the corpus folder" in result.stderr


def test_links_out_of_the_corpus_folder_are_not_followed_unless_asked(tmp_path):
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("Secret\n\nThe vault code is kept by the lithium committee.\n", encoding="utf-8")
    corpus = small_corpus(tmp_path / "corpus")
    (corpus / "leak.txt").symlink_to(secret)
    (corpus / "leaky-folder").symlink_to(secret.parent, target_is_directory=True)
    (corpus / "inside.txt").symlink_to(corpus / "b.txt")  # a link that stays inside is fine
    result = citebot("ask", "--corpus", str(corpus), "What is the vault code?")
    assert "vault code is kept" not in result.stdout
    assert "leak.txt: a link to outside the corpus folder; skipped" in result.stderr
    followed = citebot("ask", "--corpus", str(corpus), "--follow-links", "What is the vault code?")
    assert "vault code" in followed.stdout
    sources = citebot("sources", "--corpus", str(corpus), "--json")
    assert {json.loads(line)["id"] for line in sources.stdout.splitlines()} >= {"a", "b", "inside"}


def test_a_thousand_nested_folders_are_read_without_crashing(tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    deep = str(corpus)
    for _ in range(1200):  # one at a time: os.makedirs itself recurses too deep here
        deep = os.path.join(deep, "d")
        os.mkdir(deep)
    with open(os.path.join(deep, "deep.txt"), "w", encoding="utf-8") as fh:
        fh.write("Deep\n\nCarbamazepine is another mood stabiliser.\n")
    try:
        result = citebot("ask", "--corpus", str(corpus), "What is carbamazepine?")
        assert result.returncode == 0, result.stderr[-500:]
        assert "Carbamazepine is another mood stabiliser." in result.stdout
    finally:  # remove the tree from the bottom up: recursive removal would fail as the old walk did
        os.remove(os.path.join(deep, "deep.txt"))
        while deep != str(corpus):
            os.rmdir(deep)
            deep = os.path.dirname(deep)


@pytest.mark.parametrize("kind", ["a file", "read-only", "unwritable even for root", "a link"])
def test_an_unusable_cache_folder_is_named_and_the_question_answered_without_it(tmp_path, kind):
    corpus = small_corpus(tmp_path / "corpus")
    cache = tmp_path / "cache"
    if kind == "unwritable even for root":  # /proc takes no new folders, whoever asks
        if not Path("/proc/self").is_dir():
            pytest.skip("needs Linux /proc")
        cache = Path("/proc/citebot-cache")
    elif kind == "a file":
        cache.write_text("not a folder", encoding="utf-8")
    elif kind == "read-only":
        cache.mkdir()
        cache.chmod(0o500)
        if os.access(cache, os.W_OK):  # root writes anywhere: nothing to test
            cache.chmod(0o700)
            pytest.skip("running as root")
    else:
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        (cache).mkdir()
        name = Store(corpus, Settings(cache)).dir.name
        (cache / name).symlink_to(elsewhere, target_is_directory=True)
    result = citebot("ask", "--corpus", str(corpus), "What is lithium?", CITEBOT_CACHE_DIR=str(cache))
    assert result.returncode == 0, result.stderr
    assert "mood stabiliser" in result.stdout and "Traceback" not in result.stderr
    assert "cannot be used" in result.stderr and "answering without a cache" in result.stderr
    if kind == "a link":
        assert not any((tmp_path / "elsewhere").iterdir())  # nothing written through the link


def test_relative_cache_variables_are_ignored_and_leftover_temporary_files_cleaned(tmp_path, monkeypatch):
    def cache_dir() -> Path:
        return Settings.read().cache_dir

    monkeypatch.setenv("CITEBOT_CACHE_DIR", "relative/cache")
    monkeypatch.setenv("XDG_CACHE_HOME", "also/relative")
    assert cache_dir() == Path.home() / ".cache" / "citebot"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "citebot"
    monkeypatch.setenv("CITEBOT_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"

    corpus = small_corpus(tmp_path / "corpus")
    assert citebot("ask", "--corpus", str(corpus), "What is lithium?").returncode == 0
    folder = Store(corpus, Settings.read()).dir
    for leftover in (folder / ".manifest.json.abc123.tmp", folder / "files" / ".0123.xyz.tmp"):
        leftover.write_bytes(b"half written by a killed process")
    assert citebot("ask", "--corpus", str(corpus), "What is lithium?").returncode == 0
    assert not list(folder.glob("**/.*.tmp"))


def test_quotes_of_equal_score_come_in_corpus_order_whatever_order_the_engine_returns(tmp_path):
    from bot.answer import Bot
    from bot.index import Hit
    from bot.rank import Cues, score_candidates

    for name in ("c", "a", "b"):  # the same sentence shape in three sources: equal scores
        (tmp_path / f"{name}.txt").write_text(f"Notes {name}\n\nLithium calms mania in adults.\n", encoding="utf-8")
    bot = Bot.open(tmp_path)
    docs = bot.corpus.documents
    hits = [Hit(d, s, 1.0) for d, doc in enumerate(docs) for s, sentence in enumerate(doc.sentences)
            if "Lithium" in doc.text[sentence.start:sentence.end]]
    weights = {"lithium": 1.0, "calm": 1.0, "mania": 1.0}
    forward = [(c.doc, c.sentence) for c in score_candidates(hits, docs, weights, Cues())]
    backward = [(c.doc, c.sentence) for c in score_candidates(list(reversed(hits)), docs, weights, Cues())]
    assert forward == backward == sorted(forward)


def test_escape_sequences_in_file_names_never_reach_the_terminal_on_the_error_path(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "\x1b[31mred\x1b]0;pwned\x07.txt").write_bytes(b"\x00\x01binary")
    result = citebot("ask", "--corpus", str(corpus), "What is lithium?")
    assert result.returncode == 2
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "\\x1b[31mred" in result.stderr


def test_undecodable_names_invisible_characters_and_c1_controls_are_shown_visibly(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    name = os.fsdecode(b"caf\xe9.txt")
    (corpus / name).write_text("Lithium\n\nLithium is a mood stabiliser\u200b with a \x9b31m hidden control.\n",
                               encoding="utf-8")
    (corpus / "b.txt").write_text("B\u202e\u200f title\n\nValproate is an anticonvulsant.\n", encoding="utf-8")
    text = citebot("ask", "--corpus", str(corpus), "What is lithium?")
    assert text.returncode == 0, text.stderr
    assert "caf\\udce9.txt" in text.stdout and "?" not in text.stdout.split("caf")[1][:8]
    assert "\u200b" not in text.stdout and "\x9b" not in text.stdout
    as_json = citebot("ask", "--corpus", str(corpus), "--json", "What is lithium?")
    raw = as_json.stdout
    assert not any(0x80 <= ord(c) <= 0x9f or c in "\u200b\u202e\u200f\u2028" for c in raw)
    quote = json.loads(raw)["quotes"][0]
    assert os.path.exists(os.fsencode(quote["source"]["path"]))  # the path names the file
    with open(os.fsencode(quote["source"]["path"]), encoding="utf-8", newline="") as fh:
        assert fh.read()[quote["start"]:quote["end"]] == quote["text"]  # and the text survived intact
    sources = citebot("sources", "--corpus", str(corpus))
    assert "\u202e" not in sources.stdout and "B\\u202e\\u200f title" in sources.stdout


def test_an_edit_of_the_same_size_with_its_mtime_restored_is_not_quoted_from_the_old_text(tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    path = corpus / "a.txt"
    assert "mood stabiliser" in citebot("ask", "--corpus", str(corpus), "What is lithium?").stdout
    before = path.stat()
    time.sleep(0.05)  # so that the change time can differ
    path.write_text(path.read_text(encoding="utf-8").replace("mood stabiliser", "calm stabiliser"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # as cp -p, rsync -t and tar do
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    result = citebot("ask", "--corpus", str(corpus), "What is lithium?")
    assert "mood stabiliser" not in result.stdout and "calm stabiliser" in result.stdout


def test_a_crash_between_the_index_commit_and_the_manifest_write_leaves_no_duplicates(tmp_path):
    from bot.answer import Bot

    corpus = small_corpus(tmp_path / "corpus")
    Bot.open(corpus)
    manifest = cache_of(corpus) / "manifest.json"
    before = manifest.read_bytes()  # lists a.txt and b.txt only
    (corpus / "c.txt").write_text("Carbamazepine\n\nCarbamazepine is another mood stabiliser.\n", encoding="utf-8")
    size = Bot.open(corpus).index.size  # c.txt indexed and committed...
    manifest.write_bytes(before)  # ...but the manifest that says so never written
    again = Bot.open(corpus)
    assert again.index.size == size
    assert len([q for q in again.ask("What is carbamazepine?").quotes if "Carbamazepine" in q.text]) == 1


def test_limits_bound_a_decompression_bomb_long_lines_long_titles_and_long_quotes(tmp_path, monkeypatch):
    import gzip

    from bot import corpus as corpus_module
    from bot.answer import Bot
    from bot.corpus import load_corpus

    # Smaller bounds, so that the test writes megabytes, not gigabytes; the code path is the same.
    monkeypatch.setattr(corpus_module, "MAX_RECORD_CHARS", 200_000)
    monkeypatch.setattr(corpus_module, "MAX_FILE_CHARS", 10_000_000)
    folder = tmp_path / "corpus"
    folder.mkdir()
    good = json.dumps({"id": "ok", "title": "T" * 5000, "text": "Lithium is a mood stabiliser."})
    with gzip.open(folder / "bomb.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(good + "\n")
        fh.write("0" * 3_000_000 + "\n")  # one line far past the bound
        fh.write(json.dumps({"id": "after", "text": "Valproate is an anticonvulsant."}) + "\n")
        for i in range(200):
            fh.write(json.dumps({"id": f"pad{i}", "text": f"Padding sentence number {i} here."}) + "\n" * 50)
    (folder / "wall.txt").write_text("Wall\n\n" + "lithium and more words " * 400 + "\n", encoding="utf-8")
    bot = Bot.open(folder)
    corpus = bot.corpus
    problems = [str(p) for p in corpus.problems]
    assert any("line longer than 200,000 characters; skipped" in p for p in problems), problems
    assert any("title longer than 300 characters; cut there" in p for p in problems), problems
    ids = {doc.source.id for doc in corpus.documents}
    assert {"ok", "after"} <= ids
    assert len(next(d for d in corpus.documents if d.source.id == "ok").source.title) == 301
    reply = bot.ask("What is lithium?")
    assert reply.quotes and all(len(q.text) <= 3000 for q in reply.quotes)
    assert all(q.source.id != "wall" for q in reply.quotes)  # its one 9,000-character "sentence" is never quoted

    monkeypatch.setattr(corpus_module, "MAX_FILE_CHARS", 100_000)
    problems = [str(p) for p in load_corpus(folder).problems]
    assert any("the rest was not read" in p for p in problems), problems


def test_a_lock_held_before_its_holder_wrote_its_id_is_waited_for_without_a_crash(tmp_path):
    import fcntl

    corpus = small_corpus(tmp_path / "corpus")
    lock = Store(corpus, Settings.read()).dir / "lock"
    lock.parent.mkdir(parents=True)
    with open(lock, "w") as held:  # held, still empty: as in the instant after another process took it
        fcntl.flock(held, fcntl.LOCK_EX)
        result = citebot("ask", "--corpus", str(corpus), "What is lithium?", timeout=60, CITEBOT_LOCK_TIMEOUT="1")
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "Waiting for another citebot process that is indexing" in result.stderr
