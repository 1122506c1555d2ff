"""Scale: index once, start at once, answer in milliseconds, at 1x and 10x MedQuAD.

    python bench/scale.py               # 1x and a synthetic 10x (documents repeated, ids changed, sentences shuffled)
    python bench/scale.py --sizes 1     # 1x only
    python bench/scale.py --sizes 1,10,30   # growth (30x: about 10 minutes and 2-4 GB)

For citebot: cold build (`citebot index` on an empty cache), warm start (a whole `citebot ask`
process on a built cache), in-process answering p50/p95 over 1,000 questions, peak memory of each
process tree (the process and every worker it starts, summed), and the cache's size on disk. For
comparison, in the same run: tantivy alone indexing the very sentences citebot indexes, with the
same fields and writer settings (citebot reads and segments them first, outside the time), and the
ratio of the two builds; and bm25s over the documents (title + text). Each
measurement runs in its own process; corpora and caches live in a temporary folder, removed after.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEDQUAD = ROOT.parent / "shared" / "data" / "medquad"


def questions(n: int) -> list[str]:
    rows = [json.loads(line) for line in (MEDQUAD / "questions-dev.jsonl").open(encoding="utf-8")]
    random.Random(2026).shuffle(rows)
    return [r["question"] for r in rows[:n]]


def make_corpus(folder: Path, times: int) -> Path:
    folder.mkdir(parents=True)
    source = MEDQUAD / "corpus.jsonl.gz"
    if times == 1:
        (folder / "corpus.jsonl.gz").symlink_to(source)
        return folder
    rng = random.Random(times)
    with gzip.open(source, "rt", encoding="utf-8") as src, open(folder / "corpus.jsonl", "w", encoding="utf-8") as out:
        rows = [json.loads(line) for line in src]
        for k in range(times):
            for row in rows:
                sentences = re.split(r"(?<=[.!?])\s+", row["text"])
                if k:
                    rng.shuffle(sentences)
                out.write(json.dumps({**row, "id": f"{row['id']}-{k}", "text": " ".join(sentences)}) + "\n")
    return folder


def run(args: list[str], env: dict | None = None, tree: bool = False) -> tuple[float, int, str, int]:
    """Seconds, peak memory of the child itself (MB), its standard output, and, with `tree`, the
    peak memory of its whole process tree (MB: the child and every worker it starts, summed, sampled
    every 50 ms; reading another process's memory map slows it, so a timed run is never sampled)."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    sampler = TreeMemory(proc.pid)
    if tree:
        sampler.start()
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if tree:
        sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(args)}")
    return time.perf_counter() - started, usage.ru_maxrss // 1024, out, max(sampler.peak_mb, usage.ru_maxrss // 1024)


class TreeMemory(threading.Thread):
    """The largest sum of memory over a process and all its descendants (Linux /proc)."""

    PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak_mb = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            self.peak_mb = max(self.peak_mb, self.sample())

    def stop(self) -> None:
        self.done.set()
        self.join()

    def sample(self) -> int:
        parents: dict[int, int] = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    stat = Path(f"/proc/{entry.name}/stat").read_text()
                    parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    continue
        tree, grown = {self.root}, True
        while grown:
            grown = False
            for pid, parent in parents.items():
                if parent in tree and pid not in tree:
                    tree.add(pid)
                    grown = True
        return sum(self.resident(pid) for pid in tree) // (1024 * 1024)

    def resident(self, pid: int) -> int:
        """Bytes: the proportional set size (pages shared with a forked parent counted once across
        the tree), else the resident set size."""
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
        except (OSError, ValueError, IndexError):
            pass
        try:
            return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * self.PAGE
        except (OSError, ValueError, IndexError):
            return 0


# --- workers: each runs in its own process and prints one JSON line --------------------------------

def worker_citebot_answer(corpus: str, qfile: str) -> dict:
    from bot.answer import Bot

    bot = Bot.open(corpus, follow_links=True)
    times = []
    for q in Path(qfile).read_text(encoding="utf-8").splitlines():
        t = time.perf_counter()
        bot.ask(q)
        times.append(time.perf_counter() - t)
    # The first question also loads what every process loads once (the triage model, the word
    # lists): a warm `citebot ask` counts it; the percentiles are of the questions after it.
    return percentiles(times[1:]) | {"first": 1000 * times[0]}


def documents(corpus: str) -> list[str]:
    texts = []
    for path in Path(corpus).iterdir():
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as fh:
            texts.extend(f"{r.get('title', '')}\n{r['text']}" for r in map(json.loads, fh))
    return texts


def worker_tantivy(corpus: str, qfile: str) -> dict:
    """tantivy alone, indexing the sentences citebot indexes, with the same fields and writer, to
    disk; the corpus is read and segmented by citebot first, outside the time."""
    import tantivy

    from bot.corpus import load_corpus
    from bot.index import add_documents, schema

    documents = load_corpus(corpus, follow_links=True).documents
    folder = Path(tempfile.mkdtemp(prefix="citebot-scale-tantivy-"))
    try:
        t = time.perf_counter()
        index = tantivy.Index(schema(), path=str(folder), reuse=False)
        writer = index.writer(heap_size=128_000_000, num_threads=min(os.cpu_count() or 1, 4))
        sentences = add_documents(writer, "corpus", documents)
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        build = time.perf_counter() - t
        searcher = index.searcher()
        times = []
        for q in Path(qfile).read_text(encoding="utf-8").splitlines():
            t = time.perf_counter()
            query = index.parse_query_lenient(q, ["text", "heading", "title"])[0]
            searcher.search(query, 10)
            times.append(time.perf_counter() - t)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"build": build, "sentences": sentences, **percentiles(times)}


def worker_bm25s(corpus: str, qfile: str) -> dict:
    try:
        import bm25s
        import Stemmer
    except ImportError:
        return {"missing": "bm25s is not installed (pip install -e .[bench])"}
    texts = documents(corpus)
    stemmer = Stemmer.Stemmer("english")
    t = time.perf_counter()
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False), show_progress=False)
    build = time.perf_counter() - t
    times = []
    for q in Path(qfile).read_text(encoding="utf-8").splitlines():
        t = time.perf_counter()
        retriever.retrieve(bm25s.tokenize([q], stopwords="en", stemmer=stemmer, show_progress=False), k=10,
                           show_progress=False)
        times.append(time.perf_counter() - t)
    return {"build": build, **percentiles(times)}


def percentiles(times: list[float]) -> dict:
    times = sorted(times)
    return {"p50": 1000 * statistics.median(times), "p95": 1000 * times[int(0.95 * (len(times) - 1))],
            "p99": 1000 * times[int(0.99 * (len(times) - 1))], "max": 1000 * times[-1]}


WORKERS = {"citebot-answer": worker_citebot_answer, "tantivy": worker_tantivy, "bm25s": worker_bm25s}


def disk_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


def measure(times: int, work: Path, qfile: Path, warm_runs: int) -> None:
    corpus = make_corpus(work / f"corpus-{times}x", times)
    cache = work / f"cache-{times}x"
    env = {"CITEBOT_CACHE_DIR": str(cache)}
    py = sys.executable
    index = [py, "-m", "bot", "index", "--follow-links", "--corpus", str(corpus)]
    _, _, _, cold_tree = run(index, {"CITEBOT_CACHE_DIR": str(work / f"cache-{times}x-memory")}, tree=True)
    shutil.rmtree(work / f"cache-{times}x-memory", ignore_errors=True)
    cold, _, _, _ = run(index, env)
    warm = [run([py, "-m", "bot", "ask", "--follow-links", "--corpus", str(corpus),
                 "What are the symptoms of Milroy disease?"], env) for _ in range(warm_runs)]
    warm_s = statistics.median(r[0] for r in warm)
    warm_mb = max(r[1] for r in warm)  # one process, no workers
    _, answer_mb, out, _ = run([py, __file__, "--worker", "citebot-answer", str(corpus), str(qfile)], env)
    answer = json.loads(out)
    print(f"\n{times}x MedQuAD ({sum(1 for _ in corpus.iterdir())} file, {disk_mb(corpus) if times > 1 else 20:.0f} MB)")
    print(f"  {'':<10} {'cold build':>10} {'warm ask':>9} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} "
          f"{'peak MB':>8} {'disk MB':>8}")
    print(f"  {'citebot':<10} {cold:>9.1f}s {warm_s:>8.2f}s {answer['p50']:>7.2f} {answer['p95']:>7.2f} "
          f"{answer['p99']:>7.2f} {answer['max']:>7.1f} "
          f"{max(cold_tree, warm_mb, answer_mb):>8} {disk_mb(cache):>8.0f}   "
          f"(build {cold_tree} MB, its whole process tree, in a run of its own; warm ask {warm_mb} MB, "
          f"answering {answer_mb} MB; warm ask median of {warm_runs}; the first question, {answer['first']:.0f} ms, "
          "loads the triage model and word lists, and is left out of the percentiles)")
    for name in ("tantivy", "bm25s"):
        _, mb, out, _ = run([py, __file__, "--worker", name, str(corpus), str(qfile)])
        result = json.loads(out)
        if "missing" in result:
            print(f"  {name:<10} {result['missing']}")
            continue
        print(f"  {name:<10} {result['build']:>9.1f}s {'-':>9} {result['p50']:>7.2f} {result['p95']:>7.2f} "
              f"{result['p99']:>7.2f} {result['max']:>7.1f} {mb:>8} {'(memory)':>8}"
              + (f"   ({result['sentences']} sentences, same fields; citebot's cold build / tantivy's: "
                 f"{cold / result['build']:.1f}x)" if name == "tantivy" else ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,10", help="corpus multiples to measure (default 1,10)")
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--warm-runs", type=int, default=5, help="warm `citebot ask` runs (their median is shown)")
    parser.add_argument("--worker", nargs=3, metavar=("KIND", "CORPUS", "QUESTIONS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, corpus, qfile = args.worker
        print(json.dumps(WORKERS[kind](corpus, qfile)))
        return 0
    work = Path(tempfile.mkdtemp(prefix="citebot-scale-"))
    try:
        qfile = work / "questions.txt"
        qfile.write_text("\n".join(questions(args.questions)), encoding="utf-8")
        for times in (int(x) for x in args.sizes.split(",")):
            measure(times, work, qfile, args.warm_runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
