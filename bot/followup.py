"""Follow-up questions: "and its side effects?" after "How does ketamine work?".

A follow-up names no subject of its own: it opens with "and", "what about", "how about"..., or it is
short and points back with "it", "its", "they" or "them". It is read against the subject of the
question before it, the previous question's own words that say what it was about (its key words,
without the verbs that frame a question such as "work" or "affect"), and shown as read:

    Read as: ketamine: its side effects?

Nothing is written but the person's own words, in a fixed shape: the subject, a colon, and the
follow-up without the words that only said it goes on ("and", "what about"). The triage reads the
question as read as well as the question as typed.
"""

from __future__ import annotations

import re

from .rank import RANKING
from .text import GENERIC, WORD, key_words

# How a follow-up opens: it goes on from the question before it.
_OPENS = re.compile(
    r"^\W*(and|but|also|plus|or|then|what about|how about|and what about|and how about|what of|"
    r"same for|same question for|and for|and in|and with|and about|and its|and their)\b",
    re.IGNORECASE,
)
# A short question that points back: "is it addictive?", "who makes them?"
_POINTS_BACK = re.compile(r"\b(it|its|it's|they|them|their|theirs|this|these|those)\b", re.IGNORECASE)
SHORT = 8  # words: a longer question with "it" in it most often says what "it" is
# Verbs that frame a question and say nothing of its subject ("how does X work?"): the ranker's
# (ranking.toml's relation_words), and those that frame a question about a treatment.
_FRAME = frozenset(RANKING["weights"]["relation_words"].split()) | frozenset(
    "working using treat treats treated take takes taking".split()
)


def subject_of(question: str) -> list[str]:
    """The words of a question that say what it is about, as the person wrote them ("BDNF")."""
    as_written = {w.lower(): w for w in reversed(WORD.findall(question))}  # the first spelling of each
    return [as_written.get(w, w) for w in key_words(question) if w not in _FRAME and w not in GENERIC]


def is_follow_up(question: str) -> bool:
    text = question.strip()
    if _OPENS.search(text):
        return True
    return len(text.split()) <= SHORT and _POINTS_BACK.search(text) is not None


def filled(question: str, read: str) -> str:
    """A follow-up with its subject put where it points back ("how much of it?" -> "how much of
    esketamine?"), or after it: what the triage reads besides the question as read, so that a
    dose asked of "it" is a dose of the subject."""
    subject = read.split(": ", 1)[0]
    text, count = _POINTS_BACK.subn(subject, question.strip())
    return text if count else f"{question.strip()} {subject}"


def read_as(question: str, previous: str | None) -> str | None:
    """The question as read against the one before it, or None when it is not a follow-up (or
    there is nothing before it to read it against)."""
    if not previous or not is_follow_up(question):
        return None
    subject = subject_of(previous)
    own = set(key_words(question))
    subject = [w for w in subject if w.lower() not in own]
    if not subject:
        return None
    rest = _OPENS.sub("", question.strip(), count=1).strip() or question.strip()
    return f"{' '.join(subject)}: {rest}"
