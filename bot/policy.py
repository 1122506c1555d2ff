"""Triage: whether a question is a crisis, a question to refer to a clinician, or for the sources.

The rules and every message they give are data in `rules.toml`; this module only reads and applies
them (crisis rules first, so crisis > refer > answer / no_answer).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .model import Reply

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_MIXED = re.compile(r"\b(?=\w*[a-z])(?=\w*[0-9@$])[\w@$]+\b")


@dataclass(frozen=True)
class Rule:
    id: str
    outcome: str
    topic: str
    patterns: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...] = ()

    def fires(self, normal: str) -> bool:
        return any(p.search(normal) for p in self.patterns) and not any(u.search(normal) for u in self.unless)


def normalise(question: str) -> str:
    """The question as rules read it: lower case, plain letters and digits, single spaces."""
    text = unicodedata.normalize("NFKC", question).lower()
    text = text.replace("’", "'").replace("'", "")
    text = _MIXED.sub(lambda m: m.group().translate(_LEET) if not m.group()[0].isdigit() else m.group(), text)
    text = re.sub(r"[\W_]+", " ", text)
    return " ".join(text.split())


class Policy:
    def __init__(self, path: str | Path | None = None) -> None:
        raw = Path(path).read_text(encoding="utf-8") if path else (resources.files("bot") / "rules.toml").read_text(encoding="utf-8")
        data = tomllib.loads(raw)
        self.messages: dict[str, str] = data["messages"]
        self.contacts: dict[str, tuple[tuple[str, str], ...]] = {
            locale: tuple((name, contact) for name, contact in entries) for locale, entries in data["crisis_contacts"].items()
        }
        self.rules = tuple(
            Rule(
                id=r["id"],
                outcome=r["outcome"],
                topic=r["topic"],
                patterns=tuple(re.compile(p) for p in r["patterns"]),
                unless=tuple(re.compile(p) for p in r.get("unless", ())),
            )
            for r in data["rule"]
        )

    def rule_for(self, question: str) -> Rule | None:
        normal = normalise(question)
        return next((rule for rule in self.rules if rule.fires(normal)), None)

    def triage(self, question: str, locale: str = "default") -> Reply | None:
        """A crisis or refer reply when a rule fires; None for an information question."""
        rule = self.rule_for(question)
        if rule is None:
            return None
        if rule.outcome == "crisis":
            contacts = self.contacts.get(locale) or self.contacts["default"]
            return Reply(question, "crisis", self.messages["crisis"], rule=rule.id, contacts=contacts)
        return Reply(question, "refer", self.messages["refer"].format(topic=rule.topic), rule=rule.id)
