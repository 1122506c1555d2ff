"""Triage benchmark: how the triage routes real messages it was not trained on.

    python bench/triage.py               # leave-one-source-out over ../shared/data/triage (~10 min)
    python bench/triage.py --shipped     # the shipped model on every file (IN-SAMPLE) and the project's own set
    python bench/triage.py --misses      # also list, per source, the kinds of message that went wrong
    python bench/triage.py --folds 5 --only posos-fr-dev kuake-zh-dev   # within-source held-out folds

Headline figures are leave-one-source-out: for each source, the learned models are trained by
bench/train_triage.py on every other source (thresholds set on the training rows' out-of-fold
scores) and scored on the held-out source; the reviewed rules of bot/rules.toml are applied as
the product applies them. For each source and each language:

- refer recall: dosing/treatment questions routed to refer (or crisis);
- wrong referrals: information questions routed to refer or crisis;
- crisis recall: danger-to-life posts routed to crisis;
- false crisis: anything else routed to crisis.

Rows marked `dup_of` (a near copy of a row of an earlier file) are not scored. `--approach words`
scores the second approach tried: the same models with word features only (no character n-grams).
`--only SOURCE` scores some sources alone. `--folds K` holds out one K-th of a source at a time and
trains on everything else, the rest of that source included: the figure to expect on a hidden set
drawn the way that source was (the hidden halves of posos-fr and kuake-zh), labelled as such; the
leave-one-source-out figures stay the headline. Figures are printed, never written anywhere; keep a run
with a redirect (bench/results/ is ignored by git).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

import train_triage as T  # noqa: E402

from bot.policy import Policy  # noqa: E402
from bot.triage_model import MAX_CHARS, Scores, TriageModel, features  # noqa: E402

OWN_SET = ROOT / "tests" / "data" / "triage_labeled.jsonl"
_FEATS: T.Featurised | None = None  # shared with forked workers


def _held_out(job: tuple[str, int, int]) -> tuple[str, list[int], list[float], list[float], float, float,
                                                  dict[str, float], T.Model]:
    """Scores of one held-out part: a whole source (folds 0), or fold `fold` of `folds` of a source."""
    source, fold, folds = job
    feats = _FEATS
    own = [i for i, r in enumerate(feats.rows) if r.source == source and not r.duplicate]
    scored = own[fold::folds] if folds else own
    held = set(scored) if folds else set(i for i, r in enumerate(feats.rows) if r.source == source)
    train_on = [i for i in range(len(feats.rows)) if i not in held]
    model = T.train(feats, train_on)
    crisis, refer = model.score(feats, scored)
    return source, scored, crisis, refer, model.crisis_threshold, model.refer_threshold, model.refer_thresholds, model


class Tally:
    def __init__(self) -> None:
        self.counts = defaultdict(lambda: [0, 0])  # name -> [hits, total]

    def add(self, name: str, hit: bool) -> None:
        self.counts[name][0] += hit
        self.counts[name][1] += 1

    def rate(self, name: str) -> str:
        hits, total = self.counts.get(name, (0, 0))
        return f"{hits / total:.3f} ({hits}/{total})" if total else "-"


class HeldOutScores:
    """Stands in for the shipped model inside a Policy: the held-out model's scores and thresholds
    (scored once for the held-out rows; any other reading, such as a message's English gloss, is
    scored by the held-out model when asked)."""

    def __init__(self, policy: Policy, texts: list[str], crisis: list[float], refer: list[float],
                 crisis_threshold: float, refer_threshold: float, refer_thresholds: dict[str, float],
                 model: T.Model) -> None:
        self.model = model
        self.by_reading = {policy.read(t[:MAX_CHARS]).plain: (c, r) for t, c, r in zip(texts, crisis, refer)}
        self.crisis_threshold = crisis_threshold
        self.refer_threshold = refer_threshold
        self.refer_thresholds = refer_thresholds

    refer_threshold_for = TriageModel.refer_threshold_for  # the product's choice of bar, not a copy of it

    def scores(self, plain: str) -> Scores:
        if plain not in self.by_reading:
            found = sorted(features(plain))
            norm = math.sqrt(len(found)) if found else 1.0
            known = [self.model.vocabulary[f] for f in found if f in self.model.vocabulary]
            crisis = round(self.model.crisis_bias, T.DECIMALS) + sum(T._kept(self.model.crisis_weights[k]) for k in known) / norm
            refer = round(self.model.refer_bias, T.DECIMALS) + sum(T._kept(self.model.refer_weights[k]) for k in known) / norm
            self.by_reading[plain] = (crisis, refer)
        return Scores(*self.by_reading[plain])


def route(policy: Policy, text: str) -> str:
    """The product's decision (rules, model, and the model's vetoes), as bot/policy.py makes it."""
    return policy.decide(text[:MAX_CHARS]).outcome


def tally(rows: list[T.Row], routed: list[str], tallies: dict[str, Tally]) -> list[tuple[str, str, T.Row]]:
    misses = []
    for row, got in zip(rows, routed):
        for key in (row.source, f"lang:{row.lang}"):
            t = tallies.setdefault(key, Tally())
            if row.refer == 1:
                t.add("refer recall", got in ("refer", "crisis"))
            elif row.refer == 0:
                t.add("wrong referrals", got in ("refer", "crisis"))
            if row.crisis:
                t.add("crisis recall", got == "crisis")
            else:
                t.add("false crisis", got == "crisis")
        want = "crisis" if row.crisis else ("refer" if row.refer else "answer")
        if (want == "crisis") != (got == "crisis") or (row.refer is not None and (want == "refer") != (got != "answer")):
            misses.append((want, got, row))
    return misses


def print_table(tallies: dict[str, Tally], title: str) -> None:
    print(f"\n{title}")
    names = ("refer recall", "wrong referrals", "crisis recall", "false crisis")
    print(f"{'source':<22}" + "".join(f"{n:>22}" for n in names))
    for key in sorted(tallies, key=lambda k: (k.startswith("lang:"), k)):
        print(f"{key:<22}" + "".join(f"{tallies[key].rate(n):>22}" for n in names))


def held_out_figures(jobs: int, show_misses: bool, only: list[str], approach: str, folds: int) -> None:
    global _FEATS
    started = time.perf_counter()
    _FEATS = T.Featurised(T.load_rows(), words_only=approach == "words")
    policy = Policy()
    sources = only or (T.QUESTION_FILES + T.POST_FILES)
    product, model_only, rules_only = {}, {}, {}
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        jobs_ = [(s, f, folds) for s in sources for f in range(max(folds, 1))]
        results = list(pool.map(_held_out, jobs_))
    for source, scored, crisis, refer, crisis_t, refer_t, refer_by_language, model in results:
        rows = [_FEATS.rows[i] for i in scored]
        held = HeldOutScores(policy, [r.text for r in rows], crisis, refer, crisis_t, refer_t, refer_by_language,
                             model)
        policy.__dict__["model"] = held
        bars = [held.refer_threshold_for(_FEATS.languages[i]) for i in scored]
        routed = [route(policy, r.text) for r in rows]
        alone = ["crisis" if c >= crisis_t else ("refer" if f >= bar else "answer")
                 for c, f, bar in zip(crisis, refer, bars)]
        misses = tally(rows, routed, product)
        tally(rows, alone, model_only)
        rule_routes = [policy.rule_for(r.text[:MAX_CHARS]) for r in rows]
        tally(rows, [rule.outcome if rule else "answer" for rule in rule_routes], rules_only)
        if show_misses:
            print(f"\n{source}: {len(misses)} misrouted (want -> got, first 40)")
            for want, got, row in misses[:40]:
                print(f"    {want:>6} -> {got:<6} {row.text[:150]!r}")
    split = f"{folds}-fold within each source: the rest of that source trained on" if folds else "leave-one-source-out"
    print_table(product, f"HELD-OUT ({split}), rules + model as the product routes")
    print_table(model_only, f"HELD-OUT ({split}), learned model alone")
    print_table(rules_only, "reviewed rules alone (nothing learned)")
    print(f"\n{time.perf_counter() - started:.0f} s")


def shipped_figures(gated: bool = True) -> None:
    policy = Policy() if gated else Policy(gates={})
    feats_rows = T.load_rows()
    tallies: dict[str, Tally] = {}
    rows = [r for r in feats_rows if not r.duplicate]
    routed, times = [], []
    for r in rows:
        started = time.perf_counter()
        routed.append(route(policy, r.text))
        times.append(1000 * (time.perf_counter() - started))
    tally(rows, routed, tallies)
    print_table(tallies, "IN-SAMPLE: the shipped model on the data it was trained on")
    print_times(rows, times)
    own = [json.loads(line) for line in OWN_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    ok = defaultdict(lambda: [0, 0])
    started = time.perf_counter()
    for row in own:
        got = policy.triage(row["question"])
        got = got.outcome if got else "answer"
        want = "answer" if row["expected"] == "no_answer" else row["expected"]
        ok[want][0] += got == want or (want == "refer" and got == "crisis")
        ok[want][1] += 1
    per = 1000 * (time.perf_counter() - started) / len(own)
    print(f"\nproject's own set ({OWN_SET.relative_to(ROOT)}), regression suite: "
          + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(ok.items())) + f"; {per:.2f} ms a message")


def print_times(rows: list[T.Row], times: list[float]) -> None:
    """Milliseconds to triage each message (rules and model, as the product does), overall and by length."""
    def line(label: str, ms: list[float]) -> str:
        ms = sorted(ms)
        at = lambda q: ms[min(len(ms) - 1, int(q * len(ms)))]  # noqa: E731
        return (f"  {label:<28} {len(ms):>6}  mean {statistics.mean(ms):6.2f}  p50 {at(0.5):6.2f}  "
                f"p95 {at(0.95):6.2f}  p99 {at(0.99):6.2f}  max {ms[-1]:6.2f}")
    print("\ntriage time, ms a message (every message above, cut at MAX_CHARS):")
    print(line("all", times))
    for low, high in ((0, 200), (200, 1000), (1000, MAX_CHARS + 1)):
        band = [t for r, t in zip(rows, times) if low <= len(r.text[:MAX_CHARS]) < high]
        if band:
            print(line(f"{low}-{high - 1} characters", band))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shipped", action="store_true", help="the shipped model, in-sample, and the project's own set")
    parser.add_argument("--no-gates", action="store_true",
                        help="with --shipped: search every rule pattern, ungated (to time the gates' gain)")
    parser.add_argument("--misses", action="store_true", help="list misrouted held-out messages (shown, not stored)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--approach", choices=("words+chars", "words"), default="words+chars",
                        help="features: the shipped words and character n-grams, or words and word pairs only")
    parser.add_argument("--folds", type=int, default=0, metavar="K",
                        help="hold out K folds of each source in turn, training on the rest of it too (predicts a "
                             "hidden set drawn like that source, e.g. the other halves of posos-fr and kuake-zh)")
    parser.add_argument("--only", nargs="+", default=[], metavar="SOURCE", help="hold out only these sources")
    args = parser.parse_args()
    if args.shipped:
        shipped_figures(not args.no_gates)
    else:
        held_out_figures(args.jobs, args.misses, args.only, args.approach, args.folds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
