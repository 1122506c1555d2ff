"""Chat start-up: time from process start to the input being ready, and to the corpus being loaded.

    python bench/startup.py [--runs 10] [--corpus DIR]

Each run is a fresh `python` process running the real app headless; a plain Textual hello-world is
measured the same way for comparison. Prints medians and worst cases; writes nothing.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHAT = """
import sys, time
from pathlib import Path
from bot.settings import Settings
from bot.tui.app import CitebotApp
from bot.tui.widgets import QuestionInput
app = CitebotApp(Path(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1] else None, Settings.read())
async def auto(pilot):
    await pilot.pause()
    assert app.query_one(QuestionInput).has_focus
    print("input", time.time(), flush=True)
    await app.bot_ready.wait()
    print("loaded", time.time(), flush=True)
    app.exit()
app.run(headless=True, auto_pilot=auto)
"""

HELLO = """
import time
from textual.app import App
from textual.widgets import Input
class Hello(App):
    def compose(self):
        yield Input()
app = Hello()
async def auto(pilot):
    await pilot.pause()
    print("input", time.time(), flush=True)
    app.exit()
app.run(headless=True, auto_pilot=auto)
"""


def measure(code: str, args: list[str]) -> dict[str, float]:
    started = time.time()
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    marks = dict(line.split() for line in out.splitlines() if line.strip())
    return {name: float(value) - started for name, value in marks.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--corpus", default="")
    args = parser.parse_args()
    measure(CHAT, [args.corpus])  # warm the file system cache once
    chat = [measure(CHAT, [args.corpus]) for _ in range(args.runs)]
    hello = [measure(HELLO, []) for _ in range(args.runs)]
    rows = [
        ("Textual hello-world: input ready", [r["input"] for r in hello]),
        ("citebot chat: input ready", [r["input"] for r in chat]),
        ("citebot chat: corpus loaded", [r["loaded"] for r in chat]),
    ]
    print(f"{'from process start to':<38} {'median':>8} {'worst':>8}   ({args.runs} runs)")
    for name, values in rows:
        print(f"{name:<38} {statistics.median(values):>7.3f}s {max(values):>7.3f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
