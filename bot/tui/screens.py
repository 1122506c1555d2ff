"""The chat's screens: the source viewer, help, and the export and confirm dialogs."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Input, Static

from ..corpus import Document
from ..display import field, lines_of, visible
from ..model import Quote
from ..segment import lines_of as file_lines

WINDOW = 150  # lines shown either side of the quote: a 20 MB file never becomes 400k widgets
GUTTER = 6  # columns of the line numbers


def _styled_line(text: str, start: int, end: int, spans: list[tuple[int, int, str]]) -> Text:
    """One line of a source, with each span's style applied and every character shown literally."""
    cuts = sorted({start, end, *(max(start, min(end, x)) for a, b, _ in spans for x in (a, b))})
    out = Text()
    for a, b in zip(cuts, cuts[1:]):
        style = " ".join(s for sa, sb, s in spans if sa <= a and b <= sb)
        out.append(visible(text[a:b]), style=style)
    return out


class SourceViewer(Screen):
    """A whole source, scrolled to a quote: the quote highlighted, what is never quoted dimmed."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="viewer_back")]

    def __init__(self, document: Document, quote: Quote) -> None:
        super().__init__()
        self.document = document
        self.quote = quote

    def compose(self) -> ComposeResult:
        src = self.document.source
        meta = Text()
        meta.append(field(src.title) + "\n", style="bold")
        for label, value in src.details():
            if value and label != "file":  # the file is shown below, with the quote's lines
                meta.append(f"{label}: ", style="bold")
                meta.append(field(value) + "\n")
        meta.append("file: ", style="bold")
        single = self.quote.line_start == self.quote.line_end
        meta.append(f"{field(src.shown)}  ·  quote at line{'' if single else 's'} "
                    f"{lines_of(self.quote.line_start, self.quote.line_end)}\n")
        meta.append("highlighted", style="reverse")
        meta.append(" = the quote  ·  ")
        meta.append("dimmed", style="dim")
        meta.append(" = never quoted (page furniture)")
        yield Static(meta, id="viewer-meta")
        with VerticalScroll(id="viewer-body"):
            yield from self._lines()
        yield Footer()

    def _lines(self):
        text = self.document.text
        # Everything is dimmed but what may be quoted: the quotable sentences and the headings. Page
        # furniture (menus, bylines, ads, footers), whole lines or sentences, stays dim.
        spans = [(0, len(text), "dim")]
        spans += [(s.start, s.end, "not dim") for s in self.document.sentences if not s.boilerplate]
        spans += [(h.start, h.end, "not dim") for h in self.document.headings]
        spans.append((self.quote.start, self.quote.end, "reverse bold"))
        first = max(1, self.quote.line_start - WINDOW)
        last = self.quote.line_end + WINDOW
        # Long lines wrap under their text, not under the line numbers (a hanging indent).
        width = max(20, self.app.size.width - GUTTER - 4)
        for line in file_lines(text):
            if line.number < first or line.number > last:
                continue
            row = Text(f"{line.number:>5} ", style="dim")
            wrapped = _styled_line(text, line.start, line.end, spans).wrap(self.app.console, width)
            row.append_text(Text("\n" + " " * GUTTER).join(wrapped))
            classes = "line quoted" if self.quote.line_start <= line.number <= self.quote.line_end else "line"
            yield Static(row, classes=classes, id=f"line-{line.number}")

    def on_mount(self) -> None:
        target = self.query_one(f"#line-{self.quote.line_start}")
        self.call_after_refresh(self.query_one("#viewer-body").scroll_to_widget, target, animate=False, top=True)


class HelpScreen(ModalScreen[None]):
    """Every key and what it does, in sections: a key column as wide as the widest key, then the
    description, which wraps under itself."""

    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close", id="help_close")]

    def __init__(self, sections: list[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        width = max((len(key) for _, rows in self.sections for key, _ in rows), default=8) + 2
        with VerticalScroll(id="help-box"):
            yield Static(Text("Keys", style="bold"))
            for title, rows in self.sections:
                yield Static(Text(title, style="bold underline"), classes="help-section")
                for key, description in rows:
                    with Horizontal(classes="help-row"):
                        yield Static(Text(key, style="bold"), classes="help-key").set_styles(f"width: {width};")
                        yield Static(Text(description), classes="help-description")
            yield Static(Text("Escape, F1 or q closes this help."), classes="help-section")


class ExportScreen(ModalScreen[str | None]):
    """Asks where to write the Markdown export."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export_cancel")]

    def __init__(self, default: str) -> None:
        super().__init__()
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Export the conversation to Markdown. File:")
            yield Input(self.default, id="export-path")
            yield Static("Enter writes the file, Escape cancels.", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm_yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm_no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text(visible(self.question)))
            with Horizontal(id="buttons"):
                yield Button("Yes (y)", id="yes", variant="warning")
                yield Button("No (n)", id="no", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
