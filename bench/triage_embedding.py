"""The second approach tried for the triage's learned half: a small static word-embedding model.

    pip install -e ".[train]" && python bench/triage_embedding.py     # ~2 min

Builds word vectors reproducibly from ../shared/data/medquad (the NIH answers and the questions
of questions-dev.jsonl; no triage row is read to build them): positive pointwise mutual
information of words within four words of each other (context counts smoothed to the power
0.75, nearer words counting more), reduced to DIMENSIONS by a randomized SVD with a fixed seed.
A message is the frequency-weighted mean of its words' vectors (smooth inverse frequency,
Arora et al. 2017). The same logistic regressions as bench/train_triage.py are then fitted on

- `n-grams`: the shipped features (words, word pairs, character n-grams),
- `embedding`: the mean vector alone,
- `both`: the two side by side,

and scored leave-one-source-out, the model alone (no rules): ROC AUC, and refer recall at the
threshold that lets WRONG_RATE of the held-out source's information questions through (the same
rate for every approach, so the columns compare ranking, not thresholds). Nothing is written: the
figures decide whether the approach earns a place in the product (see the closing notes of
issue 11); the vectors would add a table of vocabulary x DIMENSIONS numbers to the package.
"""

from __future__ import annotations

import gzip
import json
import math
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

import train_triage as T  # noqa: E402

from bot.policy import Policy  # noqa: E402
from bot.triage_model import MAX_CHARS, fold  # noqa: E402

MEDQUAD = ROOT.parent / "shared" / "data" / "medquad"
DIMENSIONS = 128
WINDOW = 4
MIN_COUNT = 5
MAX_WORDS = 40_000
SIF = 1e-3  # smooth inverse frequency: a word's weight is SIF / (SIF + its relative frequency)
WRONG_RATE = 0.12  # the bound on wrong referrals
REFER_SOURCES = ("liveqa-train", "meqsum-weak", "gard-qtypes", "medicationqa-dev")
CRISIS_SOURCES = ("crisis-sdcnl-reddit", "crisis-rmhd-reddit")
_WORD = re.compile(r"\w+")


def texts() -> list[str]:
    found = []
    with gzip.open(MEDQUAD / "corpus.jsonl.gz", "rt", encoding="utf-8") as lines:
        for line in lines:
            raw = json.loads(line)
            found.append(raw["title"] + "\n" + raw["text"])
    for line in (MEDQUAD / "questions-dev.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            found.append(json.loads(line)["question"])
    return found


def vectors(documents: list[str]):
    """(vocabulary, unit vectors, counts): PPMI over a word window, reduced by a seeded SVD."""
    import numpy as np
    from scipy.sparse import coo_matrix, csr_matrix
    from sklearn.utils.extmath import randomized_svd

    tokens = [_WORD.findall(fold(d)) for d in documents]
    counts = Counter(w for words in tokens for w in words)
    vocabulary = [w for w, n in sorted(counts.items(), key=lambda x: (-x[1], x[0])) if n >= MIN_COUNT][:MAX_WORDS]
    index = {w: i for i, w in enumerate(vocabulary)}
    size = len(vocabulary)
    left, right, weight = [], [], []
    for words in tokens:
        ids = np.array([index.get(w, -1) for w in words], dtype=np.int64)
        for gap in range(1, WINDOW + 1):
            a, b = ids[:-gap], ids[gap:]
            both = (a >= 0) & (b >= 0)
            left.append(a[both])
            right.append(b[both])
            weight.append(np.full(int(both.sum()), 1.0 / gap))
    rows, cols, data = np.concatenate(left), np.concatenate(right), np.concatenate(weight)
    pairs = coo_matrix((np.concatenate([data, data]), (np.concatenate([rows, cols]), np.concatenate([cols, rows]))),
                       shape=(size, size)).tocsr().tocoo()
    total = pairs.data.sum()
    word_share = np.asarray(pairs.tocsr().sum(1)).ravel() / total
    context_share = word_share ** 0.75 / (word_share ** 0.75).sum()
    pmi = np.log(pairs.data / total / word_share[pairs.row] / context_share[pairs.col])
    keep = pmi > 0
    ppmi = csr_matrix((pmi[keep], (pairs.row[keep], pairs.col[keep])), shape=(size, size))
    u, s, _ = randomized_svd(ppmi, n_components=DIMENSIONS, random_state=0, n_iter=5)
    table = u * np.sqrt(s)
    table /= np.linalg.norm(table, axis=1, keepdims=True) + 1e-9
    return vocabulary, table, {w: counts[w] for w in vocabulary}


def message_vectors(plain: list[str], vocabulary, table, counts):
    import numpy as np

    index = {w: i for i, w in enumerate(vocabulary)}
    total = sum(counts.values())
    out = np.zeros((len(plain), table.shape[1]))
    for k, text in enumerate(plain):
        words = [w for w in _WORD.findall(fold(text)) if w in index]
        if words:
            weights = np.array([SIF / (SIF + counts[w] / total) for w in words])
            out[k] = (table[[index[w] for w in words]] * weights[:, None]).sum(0) / weights.sum()
    return out


def main() -> int:
    import numpy as np
    from scipy.sparse import csr_matrix, hstack
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    vocabulary, table, counts = vectors(texts())
    print(f"vectors: {len(vocabulary)} words x {DIMENSIONS} dimensions from {MEDQUAD.relative_to(ROOT.parent)}")
    rows = T.load_rows()
    feats = T.Featurised(rows)
    read = Policy().read
    dense = message_vectors([read(r.text[:MAX_CHARS]).plain for r in rows], vocabulary, table, counts)

    def matrix(kind: str, train: list[int], scored: list[int]):
        if kind == "embedding":
            return dense[train], dense[scored]
        known = feats.vocabulary(train)
        a, b = feats.matrix(train, known), feats.matrix(scored, known)
        if kind == "both":
            a = hstack([a, csr_matrix(dense[train])]).tocsr()
            b = hstack([b, csr_matrix(dense[scored])]).tocsr()
        return a, b

    def scores(kind: str, train: list[int], scored: list[int], label: str) -> list[float]:
        a, b = matrix(kind, train, scored)
        y = [getattr(rows[i], label) for i in train]
        model = LogisticRegression(C=T.C_REFER, solver="liblinear", class_weight="balanced", max_iter=2000,
                                   random_state=0)
        return model.fit(a, y).decision_function(b).tolist()

    print(f"\nHELD-OUT (leave-one-source-out), learned model alone; recall at {WRONG_RATE} wrong referrals")
    print(f"{'source':<22}" + "".join(f"{k:>26}" for k in ("n-grams", "embedding", "both")))
    for source in REFER_SOURCES + CRISIS_SOURCES:
        label = "crisis" if source in CRISIS_SOURCES else "refer"
        train = [i for i, r in enumerate(rows) if r.source != source and not r.duplicate
                 and (r.refer is not None if label == "refer" else not r.unreliable_negative)]
        scored = [i for i, r in enumerate(rows) if r.source == source and not r.duplicate]
        truth = [getattr(rows[i], label) for i in scored]
        cells = []
        for kind in ("n-grams", "embedding", "both"):
            found = scores(kind, train, scored, label)
            auc = roc_auc_score(truth, found)
            if label == "refer":
                negatives = sorted((s for s, t in zip(found, truth) if t == 0), reverse=True)
                bar = negatives[math.floor(WRONG_RATE * len(negatives))]
                recall = np.mean([s > bar for s, t in zip(found, truth) if t == 1])
                cells.append(f"AUC {auc:.3f} recall {recall:.3f}")
            else:
                cells.append(f"AUC {auc:.3f}")
        print(f"{source:<22}" + "".join(f"{c:>26}" for c in cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
