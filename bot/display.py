"""How replies read as plain text, shared by the command line, the chat and exports.

Everything from a question or a source passes through `visible` before it reaches a terminal:
control characters and escape sequences are shown as text (\\x1b[31m), never executed.
"""

from __future__ import annotations

import json
import re

from .model import Quote, Reply, Source

# Control characters, C1 controls, direction marks and overrides, invisible separators and joiners
# that hide text (not the zero-width (non-)joiners some scripts and emoji need), line separators,
# and lone surrogates (the bytes of an undecodable file name), shown as \\udcXX.
_HIDDEN = r"\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff"
_UNSAFE = re.compile(rf"[\x00-\x08\x0b-\x1f{_HIDDEN}]")
# The same in JSON (which escapes the C0 controls itself): written as \\uXXXX escapes, which read
# back to the same string, so a path in --json still names its file (os.fsencode).
_JSON_UNSAFE = re.compile(rf"[{_HIDDEN}]")
# A terminal escape sequence (colours, cursor moves, window titles), taken out of questions and pastes.
ESCAPE_SEQUENCE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")

# Fixed, reviewed labels of the four outcomes: an icon and a word, never colour alone.
LABELS = {
    "answer": ("❝", "FROM THE SOURCES"),
    "no_answer": ("∅", "NOT IN THE SOURCES"),
    "refer": ("⚕", "ASK A CLINICIAN"),
    "crisis": ("⚠", "CRISIS: GET HELP NOW"),
}


def visible(text: str) -> str:
    """Text safe to show on a terminal: control characters and escapes shown, not executed."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def json_line(data) -> str:
    """One JSON object on one line, safe to print: nothing in it acts on a terminal."""
    text = json.dumps(data, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def one_line(text: str) -> str:
    """Quoted text on one line: its wrapped lines joined by single spaces."""
    return " ".join(visible(text).split())


def field(text: str) -> str:
    """A title, author, date, file name or other field, shown on one line whatever it holds: a line
    break inside is escaped where it stands (\\n; `visible` escapes every other one, \\r to
    \\u2029), so no field can start a line of its own."""
    return visible(text.replace("\n", "\\n")).replace("\t", " ")


def lines_of(line_start: int, line_end: int) -> str:
    return f"{line_start}" if line_start == line_end else f"{line_start}-{line_end}"


def origin(source: Source, line_start: int, line_end: int) -> str:
    """Title · author or publisher · date · file:lines, as the source states them."""
    parts = [source.title, source.author or source.publisher, source.date, f"{source.shown}:{lines_of(line_start, line_end)}"]
    return " · ".join(field(p) for p in parts if p)


def nature(source: Source) -> str:
    """The source's kind and any conflict of interest it discloses."""
    parts = []
    if source.kind:
        parts.append(field(source.kind))
    if source.disclosure:
        parts.append(f"discloses: {field(source.disclosure)}")
    return " · ".join(parts)


def headline(reply: Reply) -> str:
    icon, label = LABELS[reply.outcome]
    rule = f" · rule: {reply.rule}" if reply.outcome in ("refer", "crisis") and reply.rule else ""
    if rule and reply.score is not None:
        rule += f" (score {reply.score:.2f})"
    return f"{icon} {label}{rule}"


def provenance(quote: Quote) -> list[tuple[str, str]]:
    """Where a quote comes from, as every front end shows it: ("origin", title · author · date ·
    file:lines), then the source's ("nature", kind and disclosed conflict), then for each other
    source with the same words ("also", "also said in: title · file") and its own "nature". The
    terminal, the chat and the Markdown export all render this list, and only this list."""
    lines = [("origin", origin(quote.source, quote.line_start, quote.line_end))]
    for other in (quote.source, *quote.also_in):
        if other is not quote.source:
            lines.append(("also", f"also said in: {field(other.title)} · {field(other.shown)}"))
        if nature(other):
            lines.append(("nature", nature(other)))
    return lines


def quote_lines(number: int, quote: Quote) -> list[str]:
    (_, first), *rest = provenance(quote)
    return [f'[{number}] "{one_line(quote.text)}" — {first}', *(f"    {text}" for _, text in rest)]


def reply_text(reply: Reply) -> str:
    """The whole reply as plain text (what `citebot ask` prints and what the chat copies)."""
    lines = []
    if reply.read_as:
        lines.append(f"Read as: {field(reply.read_as)}")
    if reply.notice:
        lines.append(f"Note: {reply.notice}")
    lines.append(headline(reply))
    lines.append(reply.message)
    if reply.outcome == "crisis":
        lines.extend(f"   {name}: {contact}" for name, contact in reply.contacts)
    for number, quote in enumerate(reply.quotes, start=1):
        lines.extend(quote_lines(number, quote))
    return "\n".join(lines)
