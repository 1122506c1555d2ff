"""Build the triage's learned term table, bot/triage_weights.tsv, from ../shared/data/triage.

    pip install -e ".[train]" && python bench/train_triage.py

One command, deterministic (fixed solver, no shuffling, sorted output). Two logistic-regression
models over the features of bot/triage_model.py:

- crisis: danger to life against everything else. Positives: the r/SuicideWatch posts of both
  crisis files. Negatives: the other posts and every question of the question files.
- refer: dosing or treatment against information questions, on the question files (English,
  French, Chinese); posts are left out.

Rows marked `dup_of` are left out (their originals are in an earlier file), and so are
MedicationQA labels that contradict the policy, replaced as bench/triage_policy_overrides.toml says.
Each threshold is set on out-of-fold scores of the training rows only (5 folds), never on the rows
a figure is reported for: crisis at the lowest score that keeps false crisis on the question files
at or under CRISIS_FALSE_RATE, refer at the lowest score that keeps the model's own wrong referrals
at or under REFER_WRONG_RATE; each on every question file, so that no one source's wording sets
them. A language with enough information questions of its own (French, Chinese, English in this
data; as bot/language.detect tells it) gets its own refer bar, set the same way on its rows alone:
scores are spread differently from one language to another, and one bar for all left French and
Chinese questions far below their budget. The reviewed rules (bot/rules.toml) add their own crisis and refer routes on top.
bench/triage.py calls `train` the same way once for each held-out source.
"""

from __future__ import annotations

import json
import math
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.language import detect  # noqa: E402
from bot.triage_model import MAX_CHARS, WEIGHTS, features  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "triage"
OVERRIDES = Path(__file__).with_name("triage_policy_overrides.toml")
QUESTION_FILES = ("liveqa-train", "meqsum-weak", "rqe-weak", "gard-qtypes", "medicationqa-dev", "posos-fr-dev",
                  "kuake-zh-dev")
POST_FILES = ("crisis-sdcnl-reddit", "crisis-rmhd-reddit")
# The data's README warns that many r/depression posts, labelled non_crisis, contain suicidal
# thoughts: they are not used as examples of what is not a crisis (they are still scored).
UNRELIABLE = {"r/depression", "r/lonely", "r/foreveralone", "r/bpd", "r/mentalhealth", "r/bipolarreddit", "r/ptsd"}
C_CRISIS = 4.0  # inverse regularisation strength of each model (liblinear)
C_REFER = 4.0
MIN_COUNT = 3  # a feature must occur in this many training rows to get a weight
CRISIS_FALSE_RATE = 0.04  # on every question file, out of fold
REFER_WRONG_RATE = 0.08  # information questions the model alone may refer, on every question file
MIN_LANGUAGE_ANSWERS = 100  # information questions a language needs (in one file) to get a refer bar of its own
FOLDS = 5
DECIMALS = 4
MIN_WEIGHT = 0.08  # smaller weights are left out of the table (and out of every score the bench reports)


@dataclass(frozen=True)
class Row:
    source: str
    lang: str
    text: str
    crisis: int  # 1 danger to life, 0 not
    refer: int | None  # 1 refer, 0 answer, None for posts
    duplicate: bool
    unreliable_negative: bool = False  # a post kept out of the crisis model's negatives (see UNRELIABLE)


def load_rows(data: Path = DATA) -> list[Row]:
    overrides = tomllib.loads(OVERRIDES.read_text(encoding="utf-8"))
    rows = []
    for name in QUESTION_FILES + POST_FILES:
        path = data / f"{name}.jsonl"
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            raw = json.loads(line)
            text = raw.get("text", raw.get("question", ""))
            expected = overrides.get(raw.get("id", ""), {}).get("policy", raw["expected"])
            if name in POST_FILES:
                unreliable = expected != "crisis" and raw.get("orig_label", "").split("|")[0].lower() in UNRELIABLE
                rows.append(Row(name, raw.get("lang", "en"), text, int(expected == "crisis"), None, "dup_of" in raw,
                                unreliable))
            else:
                rows.append(Row(name, raw.get("lang", "en"), text, 0, int(expected == "refer"), "dup_of" in raw))
    return rows


class Featurised:
    """Rows as feature sets, computed once: folds only choose which rows a model sees."""

    def __init__(self, rows: list[Row], words_only: bool = False) -> None:
        from bot.policy import Policy

        read = Policy().read  # the model reads a message as the product does: as the rules read it
        self.rows = rows
        plain = [read(row.text[:MAX_CHARS]).plain for row in rows]
        self.sets = [sorted(features(text)) for text in plain]
        # the language as the product tells it (bot/policy.py picks the refer bar by it)
        self.languages = [detect(text) or "en" for text in plain]
        if words_only:  # the approach compared in bench/triage.py --approach words
            self.sets = [[f for f in found if not f.startswith("c:")] for found in self.sets]

    def matrix(self, indices: list[int], vocabulary: dict[str, int]):
        from scipy.sparse import csr_matrix

        data, cols, pointers = [], [], [0]
        for i in indices:
            found = self.sets[i]
            weight = 1.0 / math.sqrt(len(found)) if found else 0.0
            known = [vocabulary[f] for f in found if f in vocabulary]
            cols.extend(known)
            data.extend([weight] * len(known))
            pointers.append(len(cols))
        return csr_matrix((data, cols, pointers), shape=(len(indices), len(vocabulary)))

    def vocabulary(self, indices: list[int]) -> dict[str, int]:
        counts: dict[str, int] = {}
        for i in indices:
            for f in self.sets[i]:
                counts[f] = counts.get(f, 0) + 1
        kept = sorted(f for f, n in counts.items() if n >= MIN_COUNT)
        return {f: i for i, f in enumerate(kept)}


@dataclass
class Model:
    vocabulary: dict[str, int]
    crisis_weights: list[float]
    crisis_bias: float
    refer_weights: list[float]
    refer_bias: float
    crisis_threshold: float = 0.0
    refer_threshold: float = 0.0
    refer_thresholds: dict[str, float] = field(default_factory=dict)  # per language, where it has its own

    def score(self, feats: Featurised, indices: list[int]) -> tuple[list[float], list[float]]:
        """(crisis, refer) scores with the table's arithmetic: rounded weights, sparse sums."""
        crisis, refer = [], []
        cw = [_kept(w) for w in self.crisis_weights]
        rw = [_kept(w) for w in self.refer_weights]
        for i in indices:
            found = feats.sets[i]
            norm = math.sqrt(len(found)) if found else 1.0
            known = [self.vocabulary[f] for f in found if f in self.vocabulary]
            crisis.append(round(self.crisis_bias, DECIMALS) + sum(cw[k] for k in known) / norm)
            refer.append(round(self.refer_bias, DECIMALS) + sum(rw[k] for k in known) / norm)
        return crisis, refer


def _fit(x, y, c: float) -> tuple[list[float], float]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, solver="liblinear", class_weight="balanced", max_iter=1000, random_state=0)
    model.fit(x, y)
    return model.coef_[0].tolist(), float(model.intercept_[0])


def fit(feats: Featurised, indices: list[int]) -> Model:
    """Both models on these rows (duplicates left out), thresholds not yet set."""
    indices = [i for i in indices if not feats.rows[i].duplicate]
    vocabulary = feats.vocabulary(indices)
    x = feats.matrix(indices, vocabulary)
    reliable = [k for k, i in enumerate(indices) if not feats.rows[i].unreliable_negative]
    crisis_w, crisis_b = _fit(x[reliable], [feats.rows[indices[k]].crisis for k in reliable], C_CRISIS)
    questions = [k for k, i in enumerate(indices) if feats.rows[i].refer is not None]
    refer_w, refer_b = _fit(x[questions], [feats.rows[indices[k]].refer for k in questions], C_REFER)
    return Model(vocabulary, crisis_w, crisis_b, refer_w, refer_b)


def _folds(indices: list[int], k: int) -> list[list[int]]:
    """Deterministic folds: every k-th row, so each fold holds every source."""
    return [indices[f::k] for f in range(k)]


def thresholds(feats: Featurised, indices: list[int]) -> tuple[float, float, dict[str, float]]:
    """Crisis and refer thresholds from out-of-fold scores of these rows, and the refer threshold of
    each language that has at least MIN_LANGUAGE_ANSWERS information questions in one file."""
    indices = [i for i in indices if not feats.rows[i].duplicate]
    crisis_scores: dict[int, float] = {}
    refer_scores: dict[int, float] = {}
    for held in _folds(indices, FOLDS):
        held_set = set(held)
        model = fit(feats, [i for i in indices if i not in held_set])
        c, r = model.score(feats, held)
        crisis_scores.update(zip(held, c))
        refer_scores.update(zip(held, r))
    crisis_threshold = refer_threshold = -math.inf
    by_language: dict[str, float] = {}
    for source in sorted({feats.rows[i].source for i in indices if feats.rows[i].refer is not None}):
        rows = [i for i in indices if feats.rows[i].source == source]
        crisis_threshold = max(crisis_threshold, _quantile([crisis_scores[i] for i in rows], CRISIS_FALSE_RATE))
        answers = [i for i in rows if feats.rows[i].refer == 0]
        if answers:
            refer_threshold = max(refer_threshold, _quantile([refer_scores[i] for i in answers], REFER_WRONG_RATE))
        for language in sorted({feats.languages[i] for i in answers}):
            some = [refer_scores[i] for i in answers if feats.languages[i] == language]
            if len(some) >= MIN_LANGUAGE_ANSWERS:
                bar = _quantile(some, REFER_WRONG_RATE)
                by_language[language] = max(by_language.get(language, -math.inf), bar)
    return crisis_threshold, refer_threshold, by_language


def _quantile(scores: list[float], rate: float) -> float:
    """The lowest threshold that lets at most `rate` of these scores reach it."""
    ranked = sorted(scores, reverse=True)
    allowed = int(rate * len(ranked))
    return ranked[allowed] + 1e-6 if allowed < len(ranked) else ranked[-1]


def train(feats: Featurised, indices: list[int]) -> Model:
    model = fit(feats, indices)
    model.crisis_threshold, model.refer_threshold, model.refer_thresholds = thresholds(feats, indices)
    return model


def write(model: Model, path: Path, note: str) -> None:
    lines = [
        "# The triage's learned term table: built by bench/train_triage.py, do not edit by hand.",
        f"# {note}",
        "# Columns: feature, crisis weight, refer weight. Score = bias + sum(weights) / sqrt(number of",
        "# features of the message); a message scoring at or over a threshold is routed there.",
        f"# crisis_bias = {model.crisis_bias:.{DECIMALS}f}",
        f"# refer_bias = {model.refer_bias:.{DECIMALS}f}",
        f"# crisis_threshold = {model.crisis_threshold:.{DECIMALS}f}",
        f"# refer_threshold = {model.refer_threshold:.{DECIMALS}f}",
    ] + [f"# refer_threshold.{language} = {bar:.{DECIMALS}f}" for language, bar in sorted(model.refer_thresholds.items())]
    for feature, k in sorted(model.vocabulary.items()):
        c = _kept(model.crisis_weights[k])
        r = _kept(model.refer_weights[k])
        if c == 0 and r == 0:
            continue
        lines.append(f"{feature}\t{_number(c)}\t{_number(r)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _kept(weight: float) -> float:
    return round(weight, DECIMALS) if abs(weight) >= MIN_WEIGHT else 0.0


def _number(value: float) -> str:
    return "0" if value == 0 else f"{value:.{DECIMALS}f}".rstrip("0").rstrip(".")


def main() -> int:
    rows = load_rows()
    feats = Featurised(rows)
    model = train(feats, list(range(len(rows))))
    used = sum(not r.duplicate for r in rows)
    note = (f"Trained on {used} rows of {', '.join(QUESTION_FILES + POST_FILES)} (duplicates left out); "
            f"C = {C_CRISIS}/{C_REFER}, features in >= {MIN_COUNT} rows, thresholds from {FOLDS}-fold "
            f"out-of-fold scores (false crisis <= {CRISIS_FALSE_RATE}, wrong referrals <= {REFER_WRONG_RATE} per question file, "
            f"and per language with >= {MIN_LANGUAGE_ANSWERS} information questions in a file).")
    write(model, WEIGHTS, note)
    print(f"wrote {WEIGHTS.relative_to(ROOT)}: {len(model.vocabulary)} features, "
          f"crisis threshold {model.crisis_threshold:.4f}, refer threshold {model.refer_threshold:.4f}, "
          f"by language {model.refer_thresholds}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
