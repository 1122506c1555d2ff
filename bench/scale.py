"""Scale: index once, start at once, answer in milliseconds, at 1x and 10x MedQuAD.

    python bench/scale.py               # 1x and a synthetic 10x (documents repeated, ids changed, sentences shuffled)
    python bench/scale.py --sizes 1     # 1x only

For citebot: cold build (`citebot index` on an empty cache), warm start (a whole `citebot ask`
process on a built cache), in-process answering p50/p95 over 1,000 questions, peak memory of each
process, and the cache's size on disk. For comparison, in the same run and on the same documents
(title + text), tantivy and bm25s used directly: build time, query p50/p95 and peak memory. Each
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


def run(args: list[str], env: dict | None = None) -> tuple[float, int, str]:
    """Seconds, peak memory (MB) and standard output of a child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(args)}")
    return time.perf_counter() - started, usage.ru_maxrss // 1024, out


# --- workers: each runs in its own process and prints one JSON line --------------------------------

def worker_citebot_answer(corpus: str, qfile: str) -> dict:
    from bot.answer import Bot

    bot = Bot.open(corpus, follow_links=True)
    times = []
    for q in Path(qfile).read_text(encoding="utf-8").splitlines():
        t = time.perf_counter()
        bot.ask(q)
        times.append(time.perf_counter() - t)
    return percentiles(times)


def documents(corpus: str) -> list[str]:
    texts = []
    for path in Path(corpus).iterdir():
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as fh:
            texts.extend(f"{r.get('title', '')}\n{r['text']}" for r in map(json.loads, fh))
    return texts


def worker_tantivy(corpus: str, qfile: str) -> dict:
    import tantivy

    texts = documents(corpus)
    t = time.perf_counter()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("body", stored=False, tokenizer_name="en_stem")
    schema = builder.build()
    index = tantivy.Index(schema)
    writer = index.writer(heap_size=256_000_000)
    for text in texts:
        writer.add_document(tantivy.Document(body=text))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    build = time.perf_counter() - t
    searcher = index.searcher()
    times = []
    for q in Path(qfile).read_text(encoding="utf-8").splitlines():
        t = time.perf_counter()
        query = index.parse_query_lenient(q, ["body"])[0]
        searcher.search(query, 10)
        times.append(time.perf_counter() - t)
    return {"build": build, **percentiles(times)}


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


def measure(times: int, work: Path, qfile: Path) -> None:
    corpus = make_corpus(work / f"corpus-{times}x", times)
    cache = work / f"cache-{times}x"
    env = {"CITEBOT_CACHE_DIR": str(cache)}
    py = sys.executable
    cold, cold_mb, _ = run([py, "-m", "bot", "index", "--follow-links", "--corpus", str(corpus)], env)
    warm_runs = [run([py, "-m", "bot", "ask", "--follow-links", "--corpus", str(corpus),
                      "What are the symptoms of Milroy disease?"], env) for _ in range(5)]
    warm = statistics.median(r[0] for r in warm_runs)
    warm_mb = max(r[1] for r in warm_runs)
    _, answer_mb, out = run([py, __file__, "--worker", "citebot-answer", str(corpus), str(qfile)], env)
    answer = json.loads(out)
    print(f"\n{times}x MedQuAD ({sum(1 for _ in corpus.iterdir())} file, {disk_mb(corpus) if times > 1 else 20:.0f} MB)")
    print(f"  {'':<10} {'cold build':>10} {'warm ask':>9} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} "
          f"{'peak MB':>8} {'disk MB':>8}")
    print(f"  {'citebot':<10} {cold:>9.1f}s {warm:>8.2f}s {answer['p50']:>7.2f} {answer['p95']:>7.2f} "
          f"{answer['p99']:>7.2f} {answer['max']:>7.1f} "
          f"{max(cold_mb, warm_mb, answer_mb):>8} {disk_mb(cache):>8.0f}   "
          f"(build {cold_mb} MB, warm ask {warm_mb} MB, answering {answer_mb} MB)")
    for name in ("tantivy", "bm25s"):
        _, mb, out = run([py, __file__, "--worker", name, str(corpus), str(qfile)])
        result = json.loads(out)
        if "missing" in result:
            print(f"  {name:<10} {result['missing']}")
            continue
        print(f"  {name:<10} {result['build']:>9.1f}s {'-':>9} {result['p50']:>7.2f} {result['p95']:>7.2f} "
              f"{result['p99']:>7.2f} {result['max']:>7.1f} {mb:>8} {'(memory)':>8}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,10", help="corpus multiples to measure (default 1,10)")
    parser.add_argument("--questions", type=int, default=1000)
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
            measure(times, work, qfile)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
