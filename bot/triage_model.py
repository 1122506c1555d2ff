"""The learned half of the triage: two linear models over a message's words and character n-grams.

`triage_weights.tsv` beside this module is a term table built by `bench/train_triage.py` from the
labelled messages in ../shared/data/triage (one command, deterministic; the header records the
data, the settings and the thresholds). Each row is a feature and its weight for `crisis` (danger
to life, versus everything else) and for `refer` (a dosing or treatment question, versus an
information question). A message's score is the bias plus the mean-normalised sum of the weights of
its features, the same arithmetic the training used, so this file and the script agree exactly.

Features are read the same way in every language: words (and pairs of words) of scripts written
with spaces, single characters and pairs of characters of Chinese and Japanese, and the character
n-grams inside each word, which let a misspelt or glued word ("totalhow", "dosge") still carry the
weight of the words it is made of.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

WEIGHTS = Path(__file__).with_name("triage_weights.tsv")
MAX_CHARS = 5000  # a longer message is triaged up to here, by the rules too (bot/answer.py cleans it so)
CHAR_NGRAMS = (3, 4)

_WORD = re.compile(r"\w+")
_HAN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HAN_RUNS = re.compile(_HAN.pattern + "+|" + _HAN.pattern.replace("[", "[^", 1) + "+")
_APOSTROPHES = str.maketrans("", "", "'\u2019`\u00b4")


def fold(text: str) -> str:
    """Lower case, compatibility forms unified, accents dropped from Latin letters, no apostrophes."""
    text = unicodedata.normalize("NFKD", text[:MAX_CHARS].casefold().translate(_APOSTROPHES))
    return "".join(c for c in text if not unicodedata.combining(c))


def features(text: str) -> set[str]:
    """The features of a message: `w:` words, `b:` word pairs, `c:` character n-grams of words."""
    out: set[str] = set()
    previous = None
    for token in _WORD.findall(fold(text)):
        if _HAN.search(token):
            previous = None
            _add_han(token, out)
            continue
        out.add("w:" + token)
        if previous is not None:
            out.add(f"b:{previous} {token}")
        previous = token
        padded = f"<{token}>"
        for n in CHAR_NGRAMS:
            for i in range(len(padded) - n + 1):
                out.add("c:" + padded[i:i + n])
    return out


def _add_han(token: str, out: set[str]) -> None:
    """Chinese and Japanese are written without spaces: their characters and pairs of characters
    are the words; a run of Latin letters or digits inside is a word of its own."""
    for run in _HAN_RUNS.findall(token):
        if not _HAN.match(run):
            out.add("w:" + run)
            continue
        out.update("w:" + char for char in run)
        out.update("b:" + run[i:i + 2] for i in range(len(run) - 1))


@dataclass(frozen=True)
class Scores:
    crisis: float
    refer: float


class TriageModel:
    """The term table, read once; `scores` of a message, and the thresholds they are judged by."""

    def __init__(self, path: Path = WEIGHTS) -> None:
        text = path.read_text(encoding="utf-8")
        self.settings: dict[str, str] = {}
        body = 0
        for line in text.splitlines():  # the header: "# key = value" lines, then the table
            if not line.startswith("#"):
                break
            key, _, value = line[1:].partition("=")
            if value:
                self.settings[key.strip()] = value.strip()
            body += len(line) + 1
        # The table's cells, read in one split: feature, crisis weight, refer weight, and again.
        table = text[body:].rstrip("\n")
        cells = table.replace("\n", "\t").split("\t")
        if len(cells) != 3 * (table.count("\n") + 1):
            raise ValueError(f"{path.name}: a row without three columns")
        names, crisis, refer = cells[0::3], cells[1::3], cells[2::3]
        self.crisis_weights = {f: float(c) for f, c in zip(names, crisis) if c != "0"}
        self.refer_weights = {f: float(r) for f, r in zip(names, refer) if r != "0"}
        self.crisis_bias = float(self.settings["crisis_bias"])
        self.refer_bias = float(self.settings["refer_bias"])
        self.crisis_threshold = float(self.settings["crisis_threshold"])
        self.refer_threshold = float(self.settings["refer_threshold"])
        # "refer_threshold.fr = ...": a language with enough labelled questions of its own has its
        # own bar (its scores are spread differently); any other language is judged by the global one.
        self.refer_thresholds = {key.partition(".")[2]: float(value) for key, value in self.settings.items()
                                 if key.startswith("refer_threshold.")}

    def refer_threshold_for(self, language: str | None) -> float:
        """The refer bar for a message in this language (bot/language.detect's code, None English)."""
        return self.refer_thresholds.get(language or "en", self.refer_threshold)

    def scores(self, text: str) -> Scores:
        found = features(text)
        if not found:
            return Scores(self.crisis_bias, self.refer_bias)
        norm = len(found) ** 0.5
        crisis = self.crisis_weights
        refer = self.refer_weights
        c = sum(crisis.get(f, 0.0) for f in found) / norm
        r = sum(refer.get(f, 0.0) for f in found) / norm
        return Scores(self.crisis_bias + c, self.refer_bias + r)
