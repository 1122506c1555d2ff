"""What a page says about itself rather than about its subject, and so is never quoted.

Navigation, advertisements, calls to action, contact details, share and comment widgets, footers,
disclaimers and repeated site chrome. The patterns are data, named and documented in
boilerplate.toml; each names the reason it marks a line or sentence.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

_RULES = tomllib.loads(Path(__file__).with_name("boilerplate.toml").read_text(encoding="utf-8"))


def _compiled(rule: dict) -> re.Pattern[str]:
    return re.compile(rule["pattern"], re.VERBOSE | (re.IGNORECASE if rule.get("ignore_case", True) else 0))


# Whole-line patterns (footer, chrome, date, byline) are tried only on lines up to this long.
MAX_FURNITURE_LINE: int = _RULES["max_furniture_line"]
END_OF_ARTICLE = _compiled(_RULES["line"]["end_of_article"])  # a line from which on everything is footer
CHROME_LINE = _compiled(_RULES["line"]["chrome"])
DATE_LINE = _compiled(_RULES["line"]["date"])
BYLINE = _compiled(_RULES["line"]["byline"])
# (reason, keywords or None, pattern): a sentence is tried only if it holds one of the keywords.
SENTENCE_RULES: tuple[tuple[str, tuple[str, ...] | None, re.Pattern[str]], ...] = tuple(
    (rule["reason"], tuple(rule["keywords"]) or None, _compiled(rule)) for rule in _RULES["sentence"]
)


def sentence_reason(text: str) -> str | None:
    """Why a sentence must never be quoted, or None when it may be."""
    low = text.lower()
    for reason, keywords, pattern in SENTENCE_RULES:
        if keywords is not None:
            for keyword in keywords:
                if keyword in low:
                    break
            else:
                continue
        if pattern.search(text):
            return reason
    return None
