"""Build bot/everyday_words.txt: common English words that say nothing of a medical topic.

    python bench/build_everyday_words.py

One command, deterministic (counts, sorted output). A question word its sources never use makes
citebot say the sources are silent ("How does ketamine affect the liver?"), unless the word is an
everyday one ("how does ketamine kick in", "is it any good for anxiety", "what happens when it
gets out of balance"): those are left out of the question, not allowed to silence it.

A word is everyday when it is among the RANK most frequent words of the English dictionary citebot
ships (symspellpy's; the same 10,000 beyond which a word names a question's topic) and medical text
does not use it more than general English does: its frequency in the MedQuAD corpus's documents
(../shared/data/medquad), against its frequency in the dictionary's counts, is under e^MEDICAL
times. "good", "gets", "instead", "kick" and "calm" are everyday; "brain", "normal", "testing" and
"damage", far more frequent in medical text, are not.
One word a line, sorted, after a header line.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import math
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.lexicon import DICTIONARY, common_words  # noqa: E402
from bot.rank import COMMON_ENGLISH  # noqa: E402

MEDQUAD = ROOT.parent / "shared" / "data" / "medquad" / "corpus.jsonl.gz"
OUT = ROOT / "bot" / "everyday_words.txt"
RANK = COMMON_ENGLISH  # ranking.toml's common_english: the words a question may use beyond its topic
MEDICAL = 1.0  # natural log of the ratio of frequencies, medical text to general English


def main() -> int:
    medical: Counter[str] = Counter()
    with gzip.open(MEDQUAD, "rt", encoding="utf-8") as fh:
        for line in fh:
            medical.update(re.findall(r"[a-z]+", json.loads(line).get("text", "").lower()))
    spec = importlib.util.find_spec("symspellpy")
    assert spec is not None and spec.origin is not None
    general: dict[str, int] = {}
    with (Path(spec.origin).parent / DICTIONARY).open(encoding="utf-8") as lines:
        for line in lines:
            word, count = line.split()
            general[word] = int(count)
    medical_total, general_total = sum(medical.values()), sum(general.values())

    def ratio(word: str) -> float:
        return math.log((medical[word] + 1) / medical_total) - math.log((general.get(word, 0) + 1) / general_total)

    everyday = sorted(w for w in common_words(RANK) if ratio(w) < MEDICAL)
    OUT.write_text(f"# everyday words: among the {RANK} most frequent English words, under e^{MEDICAL} times as frequent "
                   f"in MedQuAD's documents; built by bench/build_everyday_words.py\n" + "\n".join(everyday) + "\n",
                   encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(everyday)} of {len(common_words(RANK))} words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
