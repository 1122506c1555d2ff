"""The vocabulary every part of citebot speaks: Source, Quote and Reply (what `--json` prints)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Literal

Outcome = Literal["answer", "no_answer", "refer", "crisis"]
OUTCOMES: tuple[str, ...] = ("answer", "no_answer", "refer", "crisis")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_text(text: str) -> str:
    """Text that encodes as UTF-8: an unpaired surrogate (from undecodable input) becomes U+FFFD."""
    return _LONE_SURROGATE.sub("\ufffd", text)


@dataclass(frozen=True)
class Source:
    """One document of a corpus, with its metadata as the document states it (None = unknown)."""

    id: str
    title: str
    path: str
    author: str | None = None
    publisher: str | None = None
    date: str | None = None
    url: str | None = None
    kind: str | None = None
    disclosure: str | None = None
    # The file as citations name it: its path inside the corpus folder (corpus/<name> for the
    # bundled corpus), the same from any directory; `path` is the one that opens it from here.
    file: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_metadata(cls, path: str, metadata: Mapping[str, str | None], file: str = "") -> Source:
        """A source from its stated metadata (the fields of METADATA) and the file it is in."""
        stated = {name: metadata.get(name) for name in METADATA}
        return cls(path=path, id=stated.pop("id") or "", title=stated.pop("title") or "", file=file, **stated)

    @property
    def shown(self) -> str:
        """The file as citations name it."""
        return self.file or self.path

    def metadata(self) -> tuple[str | None, ...]:
        """The stated metadata, in METADATA's order (what the cache stores)."""
        return tuple(getattr(self, name) for name in METADATA)

    def details(self) -> list[tuple[str, str | None]]:
        """Every field after the title, labelled, as the source listings show them: author,
        publisher, date, url, kind, disclosure, then the file."""
        return [(name, getattr(self, name)) for name in METADATA if name not in ("id", "title")] + [("file", self.shown)]


# The fields a corpus's metadata may state: every field of Source but the file it was read from.
METADATA: tuple[str, ...] = tuple(f.name for f in fields(Source) if f.name not in ("path", "file"))


@dataclass(frozen=True)
class Quote:
    """Verbatim text of a source: `text` equals the source text between `start` and `end`."""

    text: str
    start: int
    end: int
    line_start: int
    line_end: int
    score: float
    source: Source
    also_in: tuple[Source, ...] = ()

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "line_start": self.line_start,
            "line_end": self.line_end,
            "score": round(self.score, 4),
            "source": self.source.to_dict(),
            "also_in": [s.to_dict() for s in self.also_in],
        }


@dataclass(frozen=True)
class Reply:
    """What the bot says to one question: one of the four outcomes of the answer policy."""

    question: str
    outcome: Outcome
    message: str
    rule: str | None = None
    quotes: tuple[Quote, ...] = ()
    notice: str | None = None
    contacts: tuple[tuple[str, str], ...] = field(default=())
    score: float | None = None  # the learned triage model's score, when the model routed it
    read_as: str | None = None  # a follow-up question as read against the one before it

    def to_dict(self) -> dict:
        data = {
            "question": valid_text(self.question),
            "outcome": self.outcome,
            "rule": self.rule,
            "score": self.score,
            "message": self.message,
            "quotes": [q.to_dict() for q in self.quotes],
        }
        if self.read_as:
            data["read_as"] = valid_text(self.read_as)
        if self.notice:
            data["notice"] = self.notice
        if self.contacts:
            data["contacts"] = [{"name": n, "contact": c} for n, c in self.contacts]
        return data

