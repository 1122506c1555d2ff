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
    with Store(corpus).locked():  # as another citebot building this corpus would
        started = time.monotonic()
        result = citebot("ask", "--corpus", str(corpus), "What is lithium?", timeout=60, CITEBOT_LOCK_TIMEOUT="1")
    assert result.returncode == 2
    assert f"Waiting for another citebot process (process {os.getpid()}) that is indexing" in result.stderr
    assert "gave up after 1 s" in result.stderr
    assert time.monotonic() - started < 30
    assert citebot("ask", "--corpus", str(corpus), "What is lithium?").returncode == 0  # lock gone: works
