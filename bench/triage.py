"""Triage benchmark: refer recall, wrong referrals and crisis recall over labeled questions.

    python bench/triage.py                      # the project's own set and shared/data's MedicationQA dev
    python bench/triage.py FILE.jsonl --misses  # one set, listing what went wrong

A labeled file holds one JSON object a line with "question" and "expected" (answer, refer or
crisis; no_answer counts as answer). Nothing is written anywhere.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.policy import Policy  # noqa: E402

OVERRIDES = Path(__file__).with_name("triage_policy_overrides.toml")
DEFAULT_SETS = [ROOT / "tests" / "data" / "triage_labeled.jsonl", ROOT.parent / "shared" / "data" / "triage" / "medicationqa-dev.jsonl"]


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def follow_policy(rows: list[dict]) -> tuple[list[dict], int]:
    """The rows with labels that contradict the policy replaced (see triage_policy_overrides.toml)."""
    overrides = tomllib.loads(OVERRIDES.read_text(encoding="utf-8"))
    out, changed = [], 0
    for row in rows:
        fix = overrides.get(row.get("id", ""))
        if fix and fix["policy"] != row["expected"]:
            row = {**row, "expected": fix["policy"]}
            changed += 1
        out.append(row)
    return out, changed


def measure(policy: Policy, rows: list[dict]) -> dict:
    counts = {"refer": [0, 0], "crisis": [0, 0], "info": [0, 0]}
    misses = []
    started = time.perf_counter()
    for row in rows:
        rule = policy.rule_for(row["question"])
        got = rule.outcome if rule else "answer"
        want = "answer" if row["expected"] == "no_answer" else row["expected"]
        key = "info" if want == "answer" else want
        counts[key][1] += 1
        ok = (got == "answer") if key == "info" else (got == want or (want == "refer" and got == "crisis"))
        counts[key][0] += ok
        if not ok:
            misses.append((want, got, rule.id if rule else None, row["question"]))
    elapsed = time.perf_counter() - started
    return {"counts": counts, "misses": misses, "ms_per_question": 1000 * elapsed / max(len(rows), 1)}


def rate(ok_total: list[int], invert: bool = False) -> str:
    ok, total = ok_total
    if not total:
        return "-"
    value = (total - ok) / total if invert else ok / total
    return f"{100 * value:.1f}% ({total - ok if invert else ok}/{total})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--misses", action="store_true", help="list every misrouted question")
    args = parser.parse_args()
    policy = Policy()
    print(f"{'set':<28} {'n':>5} {'refer recall':>13} {'wrong referrals':>16} {'crisis recall':>14} {'ms/q':>6}")
    for path in args.files or DEFAULT_SETS:
        if not path.exists():
            print(f"{path.name:<28} (not found)")
            continue
        rows = load(path)
        variants = [(path.name, rows)]
        fixed, changed = follow_policy(rows)
        if changed:
            variants.append((f"  policy labels ({changed})", fixed))
        for name, labeled in variants:
            result = measure(policy, labeled)
            c = result["counts"]
            print(f"{name:<28} {len(labeled):>5} {rate(c['refer']):>13} {rate(c['info'], invert=True):>16} "
                  f"{rate(c['crisis']):>14} {result['ms_per_question']:>6.2f}")
        if args.misses:
            for want, got, rule, question in measure(policy, fixed)["misses"]:
                print(f"    want {want:<7} got {got:<7} {rule or '':<22} {question}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
