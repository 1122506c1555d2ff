"""Triage: whether a question is a crisis, a question to refer to a clinician, or for the sources.

The rules and every message they give are data in `rules.toml`; this module only reads and applies
them (crisis rules first, so crisis > refer > answer / no_answer). Rules read the question's shape,
never a list of drugs, so a medicine the corpus has never seen is triaged like any other.
"""

from __future__ import annotations

import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from rapidfuzz import fuzz, process

from . import lexicon
from .model import Reply
from .regexes import compile_all

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_MIXED = re.compile(r"(?<![\w@$])(?=[\w@$]*[a-z])(?=[\w@$]*[0-9@$])[\w@$]+")
_UNIT_AFTER_NUMBER = re.compile(r"^\d+(\.\d+)?[a-z]{1,5}$")
_PATTERN_WORD = re.compile(r"[a-z]{4,}")
_ESCAPE = re.compile(r"\\[a-zA-Z]")
_EXPANDED = {" whats ": " what is ", " hows ": " how is ", " whos ": " who is ", " wheres ": " where is ",
             " whens ": " when is ", " thats ": " that is ", " theres ": " there is "}
_CONTRACTIONS = re.compile("|".join(map(re.escape, _EXPANDED)))
FUZZY_MIN_SCORE = 80
DEFAULT_LOCALE = "US"


@dataclass(frozen=True)
class Reading:
    """A question as rules read it: `plain`, and `marked` with each substance numbered in order of
    first mention (ketamine·s1 ... xanax·s2), which the {SUBSTANCE} macros match."""

    plain: str
    marked: str


@dataclass(frozen=True)
class Rule:
    id: str
    outcome: str
    topic: str
    patterns: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...] = ()

    def fires(self, reading: Reading) -> bool:
        def hit(pattern: re.Pattern[str]) -> bool:
            return pattern.search(reading.marked if pattern in _MARKED else reading.plain) is not None

        return any(hit(p) for p in self.patterns) and not any(hit(u) for u in self.unless)


_MARKED: set[re.Pattern[str]] = set()  # patterns written with macros, read against Reading.marked
_SUBSTANCE = r"\b\w+·s\d+\b"
_SECOND_SUBSTANCE = r"·s2\b"
_MACRO = re.compile(r"\{(SUBSTANCE|SECOND_SUBSTANCE|TREATMENT)\}")


def _expand(source: str, treatments: list[str]) -> str:
    """A rule pattern with its {MACROS} filled in."""
    treatment = r"(?:\b(?:" + "|".join(map(re.escape, treatments)) + r")\b|" + _SUBSTANCE + ")"
    source = source.replace("{SECOND_SUBSTANCE}", _SECOND_SUBSTANCE)
    return source.replace("{SUBSTANCE}", _SUBSTANCE).replace("{TREATMENT}", treatment)


def _deleet(token: str) -> str:
    """'k3tamine' -> 'ketamine', but '25mg' and '0.5ml' stay as they are."""
    if _UNIT_AFTER_NUMBER.match(token) or token.isdigit():
        return token
    return token.translate(_LEET)


def normalise(question: str) -> str:
    """The question as rules read it: lower case, plain letters and digits, single spaces."""
    text = unicodedata.normalize("NFKC", question).lower()
    text = text.replace("’", "'").replace("`", "'").replace("'", "")
    text = _MIXED.sub(lambda m: _deleet(m.group()), text)
    text = re.sub(r"[\W_]+", " ", text)
    text = _CONTRACTIONS.sub(lambda m: _EXPANDED[m.group()], f" {text} ")
    return " ".join(text.split())


class Policy:
    def __init__(self, path: str | Path | None = None) -> None:
        if path:
            raw = Path(path).read_text(encoding="utf-8")
        else:
            raw = Path(__file__).with_name("rules.toml").read_text(encoding="utf-8")
        data = tomllib.loads(raw)
        self.messages: dict[str, str] = data["messages"]
        self.contacts: dict[str, tuple[tuple[str, str], ...]] = {
            locale: tuple((name, contact) for name, contact in entries)
            for locale, entries in data["crisis_contacts"].items()
        }
        self.locale_aliases: dict[str, str] = data.get("locale_aliases", {})
        self.words: dict[str, list[str]] = data.get("words", {})
        treatments = self.words.get("treatments", [])
        sources = [(_expand(p, treatments), 0) for r in data["rule"] for p in (*r["patterns"], *r.get("unless", ()))]
        compiled = iter(compile_all(sources))
        rules = []
        for r in data["rule"]:
            patterns = tuple(next(compiled) for _ in r["patterns"])
            unless = tuple(next(compiled) for _ in r.get("unless", ()))
            for raw, pattern in zip((*r["patterns"], *r.get("unless", ())), patterns + unless):
                if _MACRO.search(raw):
                    _MARKED.add(pattern)
            rules.append(Rule(r["id"], r["outcome"], r["topic"], patterns, unless))
        self.rules = tuple(rules)

    @cached_property
    def vocabulary(self) -> list[str]:
        """The words the rules are written in, which a misspelt word of a question is read as."""
        words = set()
        for rule in self.rules:
            for pattern in rule.patterns + rule.unless:
                words.update(_PATTERN_WORD.findall(_ESCAPE.sub(" ", pattern.pattern)))
        for listed in self.words.values():
            words.update(w for w in listed if len(w) >= 4)
        return sorted(words)

    @cached_property
    def _known(self) -> frozenset[str]:
        return frozenset(self.vocabulary)

    @cached_property
    def _multiword_substances(self) -> re.Pattern[str]:
        names = sorted((s for s in self.words.get("substances", ()) if " " in s), key=len, reverse=True)
        return re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b") if names else re.compile(r"(?!)")

    def read(self, question: str) -> Reading:
        """The question as rules read it. A misspelt word is read as the rule word it is closest
        to; a listed substance, or a word no English dictionary knows (most often a medicine's
        name), is a substance."""
        substances = set(self.words.get("substances", ()))
        plain, marked, numbers = [], [], {}

        def substance(name: str) -> str:
            return f"{name}·s{numbers.setdefault(name, len(numbers) + 1)}"

        text = self._multiword_substances.sub(lambda m: m.group().replace(" ", "_"), normalise(question))
        for token in text.split():
            if "_" in token:
                plain.append(token.replace("_", " "))
                marked.append(substance(token))
                continue
            is_substance = token in substances
            if not is_substance and len(token) >= 4 and token.isalpha() and token not in self._known \
                    and not lexicon.is_english_word(token):
                match = process.extractOne(token, self.vocabulary, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE)
                if match is not None and match[0][0] == token[0]:
                    token = match[0]
                else:
                    is_substance = True
            plain.append(token)
            marked.append(substance(token) if is_substance else token)
        return Reading(" ".join(plain), " ".join(marked))

    def rule_for(self, question: str) -> Rule | None:
        reading = self.read(question)
        return next((rule for rule in self.rules if rule.fires(reading)), None)

    def contacts_for(self, locale: str | None = None) -> tuple[tuple[str, str], ...]:
        """Crisis contacts for a locale such as 'GB', 'en_AU' or 'en_IE.UTF-8' (default: US)."""
        locale = locale or os.environ.get("CITEBOT_LOCALE") or DEFAULT_LOCALE
        code = locale.split(".")[0].replace("-", "_").split("_")[-1].upper()
        code = self.locale_aliases.get(code, code)
        if code not in self.contacts and code in _EU_COUNTRIES:
            code = "EU"
        return self.contacts.get(code) or self.contacts["fallback"]

    def triage(self, question: str, locale: str | None = None) -> Reply | None:
        """A crisis or refer reply when a rule fires; None for an information question."""
        rule = self.rule_for(question)
        if rule is None:
            return None
        if rule.outcome == "crisis":
            return Reply(question, "crisis", self.messages["crisis"], rule=rule.id, contacts=self.contacts_for(locale))
        return Reply(question, "refer", self.messages["refer"].format(topic=rule.topic), rule=rule.id)


_EU_COUNTRIES = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IT LV LT LU MT NL PL PT RO SK SI ES SE".split()
)
