"""Exporting a conversation to Markdown: the questions, and the replies with quotes and origins as shown.

Written only where the person asks, atomically (a temporary file renamed into place), and never
over an existing file unless the person said to overwrite it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .display import headline, one_line, provenance
from .files import atomic_write
from .model import Reply

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_LINE_START = re.compile(r"^([#+-]|\d+\.)")


def escape(text: str) -> str:
    """Text that Markdown shows literally."""
    return _LINE_START.sub(r"\\\1", _MARKDOWN_SPECIAL.sub(r"\\\1", one_line(text)))


def conversation_markdown(turns: list[tuple[str, Reply]], corpus: str = "") -> str:
    lines = ["# citebot conversation", ""]
    if corpus:
        lines += [f"Sources: {escape(corpus)}", ""]
    for question, reply in turns:
        lines += [f"## Q: {escape(question) or '(empty question)'}", ""]
        if reply.read_as:
            lines += [f"*Read as: {escape(reply.read_as)}*", ""]
        if reply.notice:
            lines += [f"*{escape(reply.notice)}*", ""]
        lines += [f"**{escape(headline(reply))}**", "", escape(reply.message), ""]
        for name, contact in reply.contacts:
            lines.append(f"- **{escape(name)}:** {escape(contact)}")
        if reply.contacts:
            lines.append("")
        for number, quote in enumerate(reply.quotes, start=1):
            lines += [f"> {escape(quote.text)}", ">"]
            for kind, text in provenance(quote):
                if kind == "origin":
                    lines.append(f"> — \\[{number}\\] {escape(text)}")
                else:
                    lines.append(f"> *{escape(text)}*" if kind == "nature" else f"> {escape(text)}")
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


class ExportError(Exception):
    """Why an export was not written, in words for the person who asked for it."""


def write_new_file(path: str | os.PathLike[str], text: str, overwrite: bool = False) -> Path:
    """Write `text` to `path` atomically. Raises FileExistsError rather than overwrite a file
    unasked, and ExportError for a path that names a folder or a folder that does not exist:
    no folder is ever created."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise ExportError(f"{target} is a folder. Give a file name in it, such as "
                          f"{target / 'citebot-conversation.md'}")
    if not target.parent.is_dir():
        raise ExportError(f"The folder {target.parent} does not exist; nothing was written. "
                          "Check the path, or create the folder first.")
    if target.exists() and not overwrite:
        raise FileExistsError(str(target))
    atomic_write(target, text.encode("utf-8"), overwrite=overwrite)
    return target

