"""Memory amplification: peak memory of `citebot index` on small crafted files, against their size.

    python bench/amplification.py [--size 1900000]

Each case is one file of about --size bytes shaped to make a reader build many small objects:
nothing but line breaks, one-character headings, tiny .jsonl records, one-letter sentences, one
long line of words. The peak is the largest resident set among the processes of the run (the
kernel's accounting, as GNU time reports it), in a fresh cache each time. A row far
above the others names the structure to bound.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run a command and print its largest process's peak resident memory in KB (Linux), from a process
# of its own, so that each case's figure is its own and not the largest of all cases so far.
MEASURE = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def cases(size: int) -> dict[str, tuple[str, str]]:
    records, total, i = [], 0, 0
    while total < size:
        line = json.dumps({"id": str(i), "text": "x."}) + "\n"
        records.append(line)
        total += len(line)
        i += 1
    return {
        "line breaks": ("a.txt", "Title\n\n" + "\n" * size),
        "headings": ("a.md", "# T\n\n" + "# h\n" * (size // 4)),
        "jsonl records": ("a.jsonl", "".join(records)),
        "one-letter sentences": ("a.txt", "Title\n\n" + "A. " * (size // 3)),
        "one long line": ("a.txt", "Title\n\n" + "ab " * (size // 3)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1_900_000, help="bytes per crafted file")
    args = parser.parse_args()
    print(f"{'case':<22} {'file MB':>8} {'peak MB':>8} {'x size':>7} {'seconds':>8}")
    for name, (file_name, text) in cases(args.size).items():
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "corpus"
            folder.mkdir()
            (folder / file_name).write_text(text, encoding="utf-8")
            env = {**os.environ, "CITEBOT_CACHE_DIR": str(Path(tmp) / "cache"), "PYTHONPATH": str(ROOT)}
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", MEASURE, sys.executable, "-m", "bot", "index", "--corpus",
                                   str(folder)], env=env, check=True, capture_output=True, text=True)
            seconds = time.perf_counter() - started
            peak = int(done.stdout.split()[-1]) / 1024  # MB
            size = len(text.encode("utf-8")) / 1e6
            print(f"{name:<22} {size:>8.1f} {peak:>8.0f} {peak / size:>7.0f} {seconds:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
