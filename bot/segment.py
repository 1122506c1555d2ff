"""Cutting a document's text into headings and sentences, with exact offsets and line numbers.

Offsets index the text exactly as read (no newline translation), so `text[start:end]` is always
the sentence. Lines are 1-based. Each sentence knows the heading above it and, when it must never
be quoted, why (bylines, site chrome, ads, calls to action, ...: see `boilerplate`).
"""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass

from . import boilerplate
from .text import ascii_table

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_BULLET = re.compile(r"^(?:[-*+•]|\d{1,3}[.)])\s+")
_TERMINAL = ".!?…"
_CLOSERS = "\"'”’)]»"
# Possessive (++, *+) and starting only where a run of stops starts: linear in any text. A stop
# first, then the look behind it (that the character before it is no stop), so that the search
# skips straight to the stops.
_BOUNDARY = re.compile(r"[.!?…](?<![.!?…].)[.!?…]*+[\"'”’)\]»]*+(?=\s|$)")
_ALNUM = re.compile(r"[^\W_]")  # a character str.isalnum() accepts
_NEXT_CHAR = re.compile(r"\s*(\S)")
ABBREVIATIONS = frozenset(
    """
    dr mr mrs ms prof sr jr st vs etc e.g i.e eg ie al approx fig figs no nos vol inc ltd co corp
    dept est md phd mph rn np pa jan feb mar apr jun jul aug sep sept oct nov dec mt ft lb oz
    ca cf ed eds min max resp u.s u.k
    """.split()
)
MAX_HEADING_WORDS = 14
# Every reason a sentence may have for never being quoted (the order is stored in caches: append only).
MAX_QUOTE_CHARS = 3000  # a "sentence" longer than this (a page with no full stops) is never quoted
TOO_LONG = "too long to quote"
REASONS = ("site header", "footer", "site chrome", "date line", "byline", "repeated",
           *dict.fromkeys(reason for reason, _, _ in boilerplate.SENTENCE_RULES), TOO_LONG)


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    line_start: int
    line_end: int
    heading: str
    block: int
    boilerplate: str | None = None


@dataclass(frozen=True, slots=True)
class Heading:
    start: int
    end: int
    line: int
    text: str


@dataclass(frozen=True, slots=True)
class _Line:
    start: int  # first non-blank character
    end: int  # after the last non-blank character
    number: int
    text: str  # the stripped line


def lines_of(text: str, blank: bool = True) -> Iterator[_Line]:
    """The lines of a text with their numbers, one at a time; without the blank ones if `blank` is
    false (counted, never kept: a file of nothing but line breaks costs no memory per line)."""
    for number, m in enumerate(_LINE.finditer(text), start=1):
        if m.start() == len(text) and number > 1:
            break
        raw = m.group().rstrip("\r\n")
        stripped = raw.strip()
        if stripped or blank:
            start = m.start() + len(raw) - len(raw.lstrip())
            yield _Line(start, start + len(stripped), number, stripped)


_NON_WORD = re.compile(r"\W+")
_ASCII_NORMAL = ascii_table(b"_")  # "_" is a word character to \W


def _normal(text: str) -> str:
    """Lower case, each run of other than word characters one space: what titles and bylines are
    compared by. ASCII text (the most of it) by one table lookup a byte, which gives the same."""
    if text.isascii():
        return " ".join(text.encode("ascii").translate(_ASCII_NORMAL).decode("ascii").split())
    return _NON_WORD.sub(" ", text.lower()).strip()


def _md_heading(text: str) -> str | None:
    """The text of a Markdown heading line ("## Title ##" -> "Title"), or None. By hand, not a
    regex: a heading of any length, full of spaces and #s, is read in linear time."""
    level = len(text) - len(text.lstrip("#"))
    if not 1 <= level <= 6 or level == len(text) or not text[level].isspace():
        return None
    return text[level:].strip().rstrip("#").rstrip()


def _is_heading(line: _Line, next_line: _Line | None) -> bool:
    text = line.text
    if _md_heading(text) is not None:
        return True
    if next_line is None or _BULLET.match(text) or text[-1] in _TERMINAL + ",;" or text[0].islower():
        return False
    if next_line.text[0].islower() or len(text) > 120 or len(text.split()) > MAX_HEADING_WORDS:
        return False  # a wrapped line of a paragraph, or too long for a heading
    return len(_split_block(text, 0, len(text))) == 1


def _starts_new_block(prev: _Line, line: _Line) -> bool:
    if _BULLET.match(line.text):
        return True
    ends_sentence = prev.text.rstrip(_CLOSERS)[-1:] in tuple(_TERMINAL + ":")
    return ends_sentence and not line.text[0].islower()


def _is_abbreviation(block: str, dot: int) -> bool:
    """Whether the '.' at `dot` ends an abbreviation or initial rather than a sentence."""
    begin = max(block.rfind(" ", 0, dot), block.rfind("\n", 0, dot)) + 1
    if not block[begin:dot].isprintable():  # a tab, another space or break: walk back to the last
        begin = dot
        while begin > 0 and not block[begin - 1].isspace():
            begin -= 1
    word = block[begin:dot].lstrip("([\"'“‘")
    if len(word) <= 1:
        return word.isalpha()  # an initial: "John H. Krystal", "U. S."
    low = word.lower()
    if low in ABBREVIATIONS or low.rstrip(".") in ABBREVIATIONS:
        return True
    return "." in word and _INITIALS.fullmatch(word) is not None  # "e.g", "U.S"


_INITIALS = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")


def _split_block(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside one block of text[start:end]."""
    block = text[start:end]
    spans, begin = [], 0
    for m in _BOUNDARY.finditer(block):
        stop = m.group()
        if stop[0] == "." and len(stop.rstrip(_CLOSERS)) == 1 and _is_abbreviation(block, m.start()):
            continue
        after = _NEXT_CHAR.match(block, m.end())
        if after and after.group(1).islower():
            continue
        spans.append((begin, m.end()))
        begin = m.end()
    spans.append((begin, len(block)))
    out = []
    for a, b in spans:
        piece = block[a:b]
        lead = len(piece) - len(piece.lstrip())
        piece = piece.strip()
        if not piece:
            continue
        bullet = _BULLET.match(piece)
        if bullet:
            lead += bullet.end()
            piece = piece[bullet.end() :]
        if _ALNUM.search(piece):
            out.append((start + a + lead, start + a + lead + len(piece)))
    return out


@dataclass
class Segmented:
    sentences: list[Sentence]
    headings: list[Heading]


def segment(text: str, title: str = "", author: str | None = None) -> Segmented:
    """Headings and sentences of a document, each sentence marked when it must not be quoted."""
    lines = list(lines_of(text, blank=False))
    if not lines:
        return Segmented([], [])
    line_no = _line_index(text)

    # Where the article starts (its title line) and where its footer begins.
    title_key = _normal(title)
    first_title = next((i for i, ln in enumerate(lines) if title_key and _normal(ln.text) == title_key), 0)
    footer = next((i for i, ln in enumerate(lines) if len(ln.text) <= boilerplate.MAX_FURNITURE_LINE
                   and boilerplate.END_OF_ARTICLE.match(ln.text)), len(lines))
    author_key = _normal(author or "")

    headings: list[Heading] = []
    sentences: list[Sentence] = []
    heading = ""
    block_no = 0
    block_lines: list[_Line] = []

    def flush(reason: str | None) -> None:
        nonlocal block_no, heading
        if not block_lines:
            return
        spans = _split_block(text, block_lines[0].start, block_lines[-1].end)
        marks = []
        for a, b in spans:
            marks.append(reason or boilerplate.sentence_reason(text[a:b]))
        # A short block holding an ad or call to action is the ad as a whole.
        if len(spans) <= 2 and any(marks):
            shared = next(m for m in marks if m)
            marks = [m or shared for m in marks]
        if not any(marks) and len(spans) >= 2 and text[spans[0][0] : spans[0][1]].rstrip(_CLOSERS).endswith("?"):
            # A question opening a paragraph ("How is it inherited? It is ...") heads what answers it.
            a, b = spans.pop(0)
            marks.pop(0)
            headings.append(Heading(a, b, line_no(a), text[a:b]))
            heading = text[a:b]
        for (a, b), mark in zip(spans, marks):
            if mark is None and b - a > MAX_QUOTE_CHARS:
                mark = TOO_LONG
            sentences.append(Sentence(a, b, line_no(a), line_no(b - 1), heading, block_no, mark))
        block_no += 1
        block_lines.clear()

    prev: _Line | None = None
    reason_of_block: str | None = None
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        reason = _line_reason(line, i, first_title, footer, author_key)
        if _is_heading(line, nxt) and reason is None and boilerplate.sentence_reason(line.text) is None:
            flush(reason_of_block)
            md = _md_heading(line.text)
            htext = md if md is not None else line.text
            hstart = line.start + (line.text.index(htext) if md else 0)
            headings.append(Heading(hstart, hstart + len(htext), line.number, htext))
            heading = htext
            prev = None
            continue
        if prev is None or line.number != prev.number + 1 or _starts_new_block(prev, line) or reason != reason_of_block:
            flush(reason_of_block)
        block_lines.append(line)
        reason_of_block = reason
        prev = line
    flush(reason_of_block)
    return Segmented(_mark_repeats(text, sentences), headings)


def _line_reason(line: _Line, index: int, first_title: int, footer: int, author_key: str) -> str | None:
    if index < first_title:
        return "site header"
    if index >= footer:
        return "footer"
    if len(line.text) > boilerplate.MAX_FURNITURE_LINE:  # no menu, date or byline is this long
        return None
    if boilerplate.CHROME_LINE.match(line.text):
        return "site chrome"
    if boilerplate.DATE_LINE.match(line.text):
        return "date line"
    if boilerplate.BYLINE.match(line.text) or (author_key and _normal(line.text) == author_key):
        return "byline"
    return None


def _mark_repeats(text: str, sentences: list[Sentence]) -> list[Sentence]:
    """A sentence the page repeats is quotable once, where it first appears."""
    seen: set[str] = set()
    out = []
    for s in sentences:
        key = " ".join(text[s.start : s.end].lower().split())
        if s.boilerplate is None and key in seen:
            s = Sentence(s.start, s.end, s.line_start, s.line_end, s.heading, s.block, "repeated")
        seen.add(key)
        out.append(s)
    return out


def _line_index(text: str):
    """A function from offset to 1-based line number."""
    breaks = array("q", (m.end() for m in re.finditer(r"\r\n|\r|\n", text)))  # 8 bytes a line break

    def line_no(offset: int) -> int:
        return bisect.bisect_right(breaks, offset) + 1

    return line_no
