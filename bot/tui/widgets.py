"""The chat's widgets: the question input, the turns of the conversation, the sources panel.

Every text that comes from a person or a source is built into a rich `Text` from `display.visible`
output, never parsed as markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ..display import ESCAPE_SEQUENCE, field, headline, lines_of, one_line, provenance, visible
from ..model import Quote, Reply

EXAMPLES = (
    "How does ketamine work?",
    "What is BDNF?",
    "When was ketamine first synthesized?",
    "What did researchers find about ketamine and PTSD?",
    "What are the risks of ketamine?",
)


def literal(text: str, style: str = "") -> Text:
    """A person's or a source's text, shown exactly as text."""
    return Text(visible(text), style=style)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def pasted(text: str) -> tuple[str, bool]:
    """Pasted text as one line of a question, and whether control codes were taken out of it."""
    cleaned = _CONTROL.sub("", ESCAPE_SEQUENCE.sub("", text))
    return " ".join(cleaned.split()), cleaned != text


class QuestionInput(Input):
    """The question box: Enter sends, Up and Down walk through earlier questions."""

    BINDINGS = [
        Binding("up", "history(-1)", "Earlier question", show=False, id="history_back"),
        Binding("down", "history(1)", "Later question", show=False, id="history_forward"),
        Binding("tab", "to_conversation", "To the newest reply", show=False, id="to_conversation"),
    ]

    def action_home(self, select: bool = False) -> None:
        """Home: the start of the question; in an empty box, the start of the conversation."""
        if not self.value and not select:
            self.call_later(self.run_action, "app.scroll_conversation('home')")
        else:
            super().action_home(select)

    def action_end(self, select: bool = False) -> None:
        """End: the end of the question; in an empty box, the end of the conversation."""
        if not self.value and not select:
            self.call_later(self.run_action, "app.scroll_conversation('end')")
        else:
            super().action_end(select)

    def action_to_conversation(self) -> None:
        replies = self.app.query(ReplyView)
        if replies:
            replies.last().focus()
        else:
            self.app.action_focus_next()

    def __init__(self, **kwargs) -> None:
        # No select-all on focus: a key typed elsewhere is put here and must not be typed over.
        super().__init__(placeholder="Ask about the sources, then press Enter", select_on_focus=False, **kwargs)
        self.history: list[str] = []
        self._position = 0
        self._draft = ""

    def _on_paste(self, event: events.Paste) -> None:
        """A paste of several lines is one question, its lines joined by spaces; terminal escape
        codes and other control characters in it are removed, and the person is told so."""
        event.stop()
        event.prevent_default()  # not Input's own paste, which keeps the first line only
        text, removed = pasted(event.text)
        if text:
            selection = self.selection
            if selection.is_empty:
                self.insert_text_at_cursor(text)
            else:
                self.replace(text, *selection)
        if removed:
            self.notify("Removed terminal control codes from the pasted text.", markup=False)

    def remember(self, question: str) -> None:
        if question and (not self.history or self.history[-1] != question):
            self.history.append(question)
        self._position = len(self.history)
        self._draft = ""

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        if self._position == len(self.history):
            self._draft = self.value
        self._position = max(0, min(len(self.history), self._position + step))
        self.value = self.history[self._position] if self._position < len(self.history) else self._draft
        self.cursor_position = len(self.value)


class Welcome(Vertical):
    """The first screen: what the bot does and does not do, the crisis contact, examples."""

    @dataclass
    class ExampleChosen(Message):
        question: str

    def __init__(self, contacts: tuple[tuple[str, str], ...], examples: tuple[str, ...], **kwargs) -> None:
        super().__init__(**kwargs)
        self.contacts = contacts
        self.examples = examples

    def compose(self) -> ComposeResult:
        intro = Text()
        intro.append("citebot", style="bold")
        intro.append(" answers questions only by quoting its sources, word for word, and shows where each "
                     "quote comes from. It never gives advice of its own.\n")
        intro.append("Dosing and treatment questions go to a clinician: ask your doctor, psychiatrist or pharmacist.\n")
        intro.append("In danger right now? ", style="bold")
        intro.append("; ".join(f"{name}: {contact}" for name, contact in self.contacts[:2]))
        yield Static(intro, id="welcome-text")
        if self.examples:
            yield Static("Try an example (Enter or click):", classes="hint")
            yield OptionList(*[Option(literal(e), id=f"example-{i}") for i, e in enumerate(self.examples)], id="examples")

    @on(OptionList.OptionSelected, "#examples")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.ExampleChosen(self.examples[event.option_index]))


class QuestionView(Static):
    """A question as the person typed it."""

    def __init__(self, question: str) -> None:
        text = Text("You: ", style="bold")
        text.append(visible(question) if question.strip() else "(empty question)")
        super().__init__(text, classes="question")


class QuoteBlock(Static, can_focus=True):
    """One quote as a block quote with its numbered origin; Enter or click opens the source."""

    BINDINGS = [Binding("enter", "open", "Open source", id="open_source")]

    @dataclass
    class Open(Message):
        quote: Quote

    def __init__(self, number: int, quote: Quote) -> None:
        self.number = number
        self.quote = quote
        text = Text()
        text.append(one_line(quote.text))
        for kind, line in provenance(quote):
            if kind == "origin":
                text.append(f"\n[{number}] ", style="bold")
            text.append(line if kind == "origin" else f"\n{line}", style="bold" if kind == "nature" else "italic")
        super().__init__(text, classes="quote")

    def action_open(self) -> None:
        self.post_message(self.Open(self.quote))

    def on_click(self) -> None:
        self.action_open()


class ReplyView(Vertical, can_focus=True):
    """The bot's reply to one question; pending until the answer arrives. Up and Down move to the
    reply before or after; Tab goes through its quotes."""

    BINDINGS = [
        Binding("up", "neighbour(-1)", "Earlier reply", show=False, id="reply_previous"),
        Binding("down", "neighbour(1)", "Later reply", show=False, id="reply_next"),
    ]

    def action_neighbour(self, step: int) -> None:
        replies = list(self.app.query(ReplyView))
        index = replies.index(self) + step
        if 0 <= index < len(replies):
            replies[index].focus()

    @dataclass
    class Selected(Message):
        view: ReplyView

    def __init__(self, question: str, reply: Reply | None = None) -> None:
        super().__init__(classes="reply pending" if reply is None else f"reply {reply.outcome.replace('_', '-')}")
        self.question = question
        self.reply = reply

    def compose(self) -> ComposeResult:
        if self.reply is None:
            yield Static("… looking in the sources", classes="label")
        else:
            yield from self._parts(self.reply)

    def show(self, reply: Reply) -> AwaitComplete:
        """Show the answer; awaiting the result waits until it is laid out in the conversation."""
        self.reply = reply
        self.remove_class("pending")
        self.add_class(reply.outcome.replace("_", "-"))
        return AwaitComplete(self.remove_children(), self.mount_all(self._parts(reply)))

    @staticmethod
    def _parts(reply: Reply) -> list[Static]:
        widgets: list[Static] = []
        if reply.read_as:
            widgets.append(Static(Text.assemble(("Read as: ", "bold"), field(reply.read_as)), classes="read-as"))
        widgets.append(Static(Text(headline(reply), style="bold"), classes="label"))
        if reply.notice:
            widgets.append(Static(literal(reply.notice, "italic"), classes="notice"))
        widgets.append(Static(literal(reply.message), classes="message"))
        if reply.outcome == "crisis":
            contacts = Text()
            for name, contact in reply.contacts:
                contacts.append(f"☎ {visible(name)}: ", style="bold")
                contacts.append(f"{visible(contact)}\n", style="bold reverse")
            widgets.append(Static(contacts, classes="contacts"))
        widgets.extend(QuoteBlock(n, q) for n, q in enumerate(reply.quotes, start=1))
        return widgets

    def on_focus(self) -> None:
        self.post_message(self.Selected(self))

    def on_descendant_focus(self) -> None:
        self.post_message(self.Selected(self))


class SourcesPanel(Vertical):
    """The sources cited in the selected reply; Enter or click opens one."""

    @dataclass
    class Open(Message):
        quote: Quote

    def compose(self) -> ComposeResult:
        yield Static("Sources of the selected reply", classes="panel-title")
        yield OptionList(id="cited")

    def show(self, reply: Reply | None) -> None:
        self.quotes = list(reply.quotes) if reply else []
        options = self.query_one("#cited", OptionList)
        options.clear_options()
        if not self.quotes:
            options.add_option(Option(Text("No sources cited in this reply."), disabled=True))
            return
        for n, quote in enumerate(self.quotes, start=1):
            label = Text(f"[{n}] ", style="bold")
            label.append(field(quote.source.title))
            label.append(f"\n{field(quote.source.shown)}:{lines_of(quote.line_start, quote.line_end)}", style="italic")
            options.add_option(Option(label, id=f"cited-{n}"))

    @on(OptionList.OptionSelected, "#cited")
    def _open(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.quotes:
            self.post_message(self.Open(self.quotes[event.option_index]))


__all__ = ["EXAMPLES", "QuestionInput", "QuestionView", "QuoteBlock", "ReplyView", "SourcesPanel", "Welcome"]
