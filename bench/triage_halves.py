"""The reviewed rules on two fixed halves of a triage source: one to read misses from, one never read.

    python bench/triage_halves.py kuake-zh-dev             # refer recall and wrong referrals on halves A and B
    python bench/triage_halves.py kuake-zh-dev --misses    # also the misses of half A, by label (shown, not stored)

A row's half is fixed by a hash of its id (first byte of SHA-1 even: A), so it never changes between
runs. Rules are written from the misses of half A only; half B's figures are the held-out ones.
Rules alone, as `Policy.rule_for` applies them (the learned model is left out: it was trained on
these rows). Nothing is written anywhere.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "triage"


def half(row: dict) -> str:
    return "A" if hashlib.sha1(row["id"].encode()).digest()[0] % 2 == 0 else "B"


def main() -> int:
    from bot.policy import Policy

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", help="a file of ../shared/data/triage, without .jsonl")
    parser.add_argument("--misses", action="store_true", help="list half A's misses and wrong referrals")
    parser.add_argument("--show", type=int, default=20, help="messages shown per label (default 20)")
    args = parser.parse_args()
    policy = Policy()
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # refer, referred, answer, referred
    misses: dict[str, list[str]] = defaultdict(list)
    for line in (DATA / f"{args.source}.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        if row.get("dup_of") or row.get("expected") not in ("refer", "answer"):
            continue
        text = row.get("text") or row.get("question") or ""
        rule = policy.rule_for(text)
        part, label = half(row), str(row.get("orig_label") or row.get("qtype") or "").split("|")[0]
        tally = counts[part]
        if row["expected"] == "refer":
            tally[0] += 1
            tally[1] += rule is not None
            if rule is None and part == "A":
                misses[f"missed, {label}"].append(text)
        else:
            tally[2] += 1
            tally[3] += rule is not None
            if rule is not None and part == "A":
                misses[f"wrongly referred, {label}, by {rule.id}"].append(text)
    for part in "AB":
        refer, referred, answer, wrong = counts[part]
        print(f"half {part}{' (read)' if part == 'A' else ' (never read)'}: refer recall "
              f"{referred / max(refer, 1):.3f} ({referred}/{refer}), wrong referrals {wrong / max(answer, 1):.3f} "
              f"({wrong}/{answer})")
    if args.misses:
        for kind, texts in sorted(misses.items(), key=lambda item: -len(item[1])):
            print(f"\n{kind}: {len(texts)}")
            for text in texts[: args.show]:
                print("   ", text[:160])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
