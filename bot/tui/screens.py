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


def _styled_line(text: str, start: int, end: int, spans: list[tuple[int, int, str]]) -> Text:
    """One line of a source, with each span's style applied and every character shown literally."""
    cuts = sorted({start, end, *(max(start, min(end, x)) for a, b, _ in spans for x in (a, b))})
    out = Text()
    for a, b in zip(cuts, cuts[1:]):
        style = " ".join(s for sa, sb, s in spans if sa <= a and b <= sb)
        out.append(visible(text[a:b]), style=style)
    return out


class SourceViewer(Screen):
    """A whole source, scrolled to a quote: the quote highlighted, boilerplate dimmed."""

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
        meta.append(f"{field(src.shown)}  ·  quote at lines {lines_of(self.quote.line_start, self.quote.line_end)}  ·  ")
        meta.append("highlighted", style="reverse")
        meta.append(" = the quote, ")
        meta.append("dimmed", style="dim")
        meta.append(" = page furniture never quoted")
        yield Static(meta, id="viewer-meta")
        with VerticalScroll(id="viewer-body"):
            yield from self._lines()
        yield Footer()

    def _lines(self):
        text = self.document.text
        spans = [(s.start, s.end, "dim") for s in self.document.sentences if s.boilerplate]
        spans.append((self.quote.start, self.quote.end, "reverse bold"))
        first = max(1, self.quote.line_start - WINDOW)
        last = self.quote.line_end + WINDOW
        for line in file_lines(text):
            if line.number < first or line.number > last:
                continue
            row = Text(f"{line.number:>5} ", style="dim")
            row.append_text(_styled_line(text, line.start, line.end, spans))
            classes = "line quoted" if self.quote.line_start <= line.number <= self.quote.line_end else "line"
            yield Static(row, classes=classes, id=f"line-{line.number}")

    def on_mount(self) -> None:
        target = self.query_one(f"#line-{self.quote.line_start}")
        self.call_after_refresh(self.query_one("#viewer-body").scroll_to_widget, target, animate=False, top=True)


class HelpScreen(ModalScreen[None]):
    """Every key binding, with its id (for remapping)."""

    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close", id="help_close")]

    def __init__(self, bindings: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        table = Text()
        table.append("Keys\n\n", style="bold")
        for key, description, binding_id in self.bindings:
            table.append(f"{key:<14}", style="bold")
            table.append(f"{description:<34}")
            table.append(f"{binding_id}\n", style="dim")
        table.append("\nEvery command is also in the command palette (ctrl+p). Escape closes this help.")
        with VerticalScroll(id="help-box"):
            yield Static(table)


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
