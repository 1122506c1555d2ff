"""The chat: a Textual app that shows Replies. It renders; the core decides.

Loading the corpus and answering run in workers, so the screen never freezes; questions asked while
one is being answered wait in a queue and are answered in turn.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Input, ProgressBar, Static

from ..answer import Bot, clean_question, screen
from ..corpus import Corpus, CorpusError, bundled_corpus_path
from ..display import field, reply_text, visible
from ..export import ExportError, conversation_markdown, write_new_file
from ..followup import read_as
from ..index import IndexDamaged
from ..model import Reply
from ..policy import Policy
from ..settings import Settings
from ..shelf import recheck, sources_of
from .screens import ConfirmScreen, ExportScreen, HelpScreen, SourceViewer
from .widgets import (
    EXAMPLES,
    QuestionInput,
    QuestionView,
    QuoteBlock,
    ReplyView,
    SourcesPanel,
    Welcome,
)

COPY_SENT = ("Sent the reply and its citations to the terminal's clipboard. Some terminals, and tmux by "
             "default, do not accept it: if nothing was copied, ctrl+s exports the conversation to a file.")


class CitebotApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "citebot"

    BINDINGS = [
        Binding("f1", "help", "Help", id="help"),
        Binding("f2", "toggle_sources", "Sources", id="toggle_sources"),
        Binding("ctrl+n", "new_conversation", "New", id="new_conversation"),
        Binding("ctrl+s", "export", "Export", id="export"),
        Binding("ctrl+y", "copy_reply", "Copy reply", id="copy_reply"),
        # Quit works from every screen (help, export, the palette), as the footer says.
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
        # Reading the conversation without leaving the question box.
        Binding("pageup", "scroll_conversation('page_up')", "Scroll up a page", show=False, id="page_up"),
        Binding("pagedown", "scroll_conversation('page_down')", "Scroll down a page", show=False, id="page_down"),
        Binding("ctrl+home", "scroll_conversation('home')", "Start of the conversation", show=False,
                id="conversation_start"),
        Binding("ctrl+end", "scroll_conversation('end')", "End of the conversation", show=False, id="conversation_end"),
        Binding("escape", "back_to_question", "Back to the question box", show=False, id="back_to_question"),
    ]

    def __init__(self, corpus_dir: Path | None = None, settings: Settings | None = None,
                 policy: Policy | None = None) -> None:
        super().__init__()
        self.corpus_dir = corpus_dir
        self.settings = settings or Settings.read()
        self.locale = self.settings.country  # whose crisis contacts are shown
        self.policy = policy or Policy()
        self.bot: Bot | None = None
        self.bot_ready = asyncio.Event()
        self.turns: list[tuple[str, Reply]] = []
        self.selected: ReplyView | None = None
        self._questions: asyncio.Queue[tuple[str, str | None, ReplyView]] = asyncio.Queue()
        self._last_read: str | None = None  # the last question asked, as read: what a follow-up goes on from

    # -- layout ------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        bundled = self.corpus_dir is None or self.corpus_dir.resolve() == bundled_corpus_path().resolve()
        with Horizontal(id="main"):
            with Vertical(id="chat"):
                with VerticalScroll(id="conversation"):
                    yield Welcome(self.policy.contacts_for(self.locale), EXAMPLES if bundled else (), id="welcome")
                with Vertical(id="loading"):
                    yield Static("Reading and indexing the sources…", id="loading-label")
                    yield ProgressBar(total=None, show_eta=False, id="progress")
                yield QuestionInput(id="question")
            yield SourcesPanel(id="sources")
        yield Footer()

    NARROW = 100  # columns: below, the sources panel lies over the chat instead of beside it

    def on_resize(self, event) -> None:
        self.query_one("#main").set_class(event.size.width < self.NARROW, "-narrow")

    def on_mount(self) -> None:
        self.query_one("#main").set_class(self.size.width < self.NARROW, "-narrow")
        self.query_one("#sources").display = False
        self.query_one(QuestionInput).focus()
        self.load_bot()
        self.answer_questions()

    # -- workers -----------------------------------------------------------------------------------

    @work(thread=True, group="load", exit_on_error=False)
    def load_bot(self) -> None:
        def progress(stage: str, done: int, total: int) -> None:
            self.call_from_thread(self._progress, stage, done, total)

        try:
            bot = Bot.open(self.corpus_dir, self.settings, progress, self.policy,
                           waiting=lambda message: self.call_from_thread(self._waiting, message))
        except CorpusError as exc:
            self.call_from_thread(self._load_failed, str(exc))
            return
        self.call_from_thread(self._loaded, bot)

    def _waiting(self, message: str) -> None:
        self.query_one("#loading-label", Static).update(Text(visible(message)))

    def _progress(self, stage: str, done: int, total: int) -> None:
        self.query_one("#loading-label", Static).update(f"{stage.capitalize()} the sources… {done}/{total}")
        self.query_one("#progress", ProgressBar).update(total=max(total, 1), progress=done)

    def _loaded(self, bot: Bot) -> None:
        self.bot = bot
        self.query_one("#loading").display = False
        corpus: Corpus = bot.corpus
        summary = Text(f"{len(corpus.documents)} sources, {bot.index.size} quotable sentences.", style="italic")
        if corpus.problems:
            summary.append(f" {len(corpus.problems)} file problem(s):", style="bold")
            for problem in corpus.problems[:10]:
                summary.append(f"\n  {field(str(problem))}")
        self.query_one("#welcome", Welcome).mount(Static(summary, id="corpus-summary"))
        self.bot_ready.set()

    def _load_failed(self, message: str) -> None:
        self.query_one("#loading-label", Static).update(Text(f"The corpus cannot be used: {field(message)}"))
        self.query_one("#progress").display = False

    @work(group="answers", exclusive=True)
    async def answer_questions(self) -> None:
        await self.bot_ready.wait()
        while True:
            question, previous, view = await self._questions.get()
            assert self.bot is not None  # set before bot_ready
            reply = await asyncio.to_thread(self.bot.ask, question, 3, self.locale, previous)
            await view.show(reply)  # laid out before it is scrolled to
            self._answered(question, view, reply)

    @property
    def waiting(self) -> int:
        """Questions asked and not yet answered."""
        return len(self.query(ReplyView).filter(".pending"))

    # -- asking ------------------------------------------------------------------------------------

    def ask(self, question: str) -> None:
        """Triage first, here and now: a crisis or a referral is shown at once, whether the corpus
        is loaded, still loading or failed to load, and ahead of questions waiting for the sources."""
        conversation = self.query_one("#conversation")
        previous, self._last_read = self._last_read, read_as(clean_question(question), self._last_read) or question
        screened = screen(self.policy, question, self.locale, previous)
        view = ReplyView(question, screened)
        conversation.mount(QuestionView(question), view)
        if screened is not None:
            self._answered(question, view, screened)
            return
        self._questions.put_nowait((question, previous, view))
        self._scroll_to(view)

    def _answered(self, question: str, view: ReplyView, reply: Reply) -> None:
        self.turns.append((question, reply))
        self._select(view)
        self._scroll_to(view)

    def _scroll_to(self, view: ReplyView) -> None:
        """Bring a reply into view once it is laid out, from its top: the end of the conversation
        when the question and its reply fit, else the question at the top."""
        conversation = self.query_one("#conversation")

        def scroll() -> None:
            index = conversation.children.index(view)
            question = conversation.children[index - 1] if index else view
            if view.outer_size.height + question.outer_size.height + 1 > conversation.scrollable_content_region.height:
                conversation.scroll_to_widget(question, animate=False, top=True)
            else:
                conversation.scroll_end(animate=False)

        self.call_after_refresh(scroll)

    # -- keys --------------------------------------------------------------------------------------

    def action_scroll_conversation(self, where: str) -> None:
        conversation = self.query_one("#conversation", VerticalScroll)
        {"page_up": conversation.scroll_page_up, "page_down": conversation.scroll_page_down,
         "home": conversation.scroll_home, "end": conversation.scroll_end}[where](animate=False)

    def action_back_to_question(self) -> None:
        """Escape: put away the sources panel where it lies over the chat, and return to the box."""
        panel = self.query_one(SourcesPanel)
        if panel.display and self.query_one("#main").has_class("-narrow"):
            panel.display = False
        self.query_one(QuestionInput).focus()

    def on_key(self, event) -> None:
        """Typing anywhere in the conversation goes to the question box, not lost."""
        box = self.query_one(QuestionInput)
        if self.screen is not self.screen_stack[0] or box.has_focus or not event.is_printable or not event.character:
            return
        if isinstance(self.focused, Input):
            return
        event.stop()
        event.prevent_default()
        box.focus()
        box.insert_text_at_cursor(event.character)

    @on(QuestionInput.Submitted, "#question")
    def _submitted(self, event: QuestionInput.Submitted) -> None:
        question = event.value
        if not question.strip():
            self.notify("Type a question first.", markup=False)
            return
        box = self.query_one("#question", QuestionInput)
        box.remember(question)
        box.value = ""
        self.ask(question)

    @on(Welcome.ExampleChosen)
    def _example(self, event: Welcome.ExampleChosen) -> None:
        self.query_one(QuestionInput).remember(event.question)
        self.ask(event.question)
        self.query_one(QuestionInput).focus()

    # -- selection, sources, viewer ----------------------------------------------------------------

    def _select(self, view: ReplyView) -> None:
        if self.selected is not None:
            self.selected.remove_class("selected")
        self.selected = view
        view.add_class("selected")
        self.query_one(SourcesPanel).show(view.reply)

    @on(ReplyView.Selected)
    def _selected(self, event: ReplyView.Selected) -> None:
        if event.view.reply is not None:
            self._select(event.view)

    @on(QuoteBlock.Open)
    @on(SourcesPanel.Open)
    def _open(self, event: QuoteBlock.Open | SourcesPanel.Open) -> None:
        self.open_source(event.quote)

    def open_source(self, quote) -> None:
        if self.bot is None:
            return
        documents = self.bot.corpus.documents
        recheck(documents)
        try:
            place = next((i for i, source in enumerate(sources_of(documents)) if source.id == quote.source.id), None)
            document = documents[place] if place is not None else None
        except IndexDamaged:  # its file (or its cached copy) changed or went since the quote was taken
            document = None
        if document is None or document.text[quote.start : quote.end] != quote.text:
            self.notify("This source has changed since the quote was taken, so it cannot be shown with "
                        "the quote in place: ask the question again to quote it as it is now.",
                        severity="warning", markup=False, timeout=10)
            return
        self.push_screen(SourceViewer(document, quote))

    # -- actions and commands ----------------------------------------------------------------------

    def action_help(self) -> None:
        """Every key, with what it does, in sections."""
        def keys(bindings) -> list[tuple[str, str]]:
            return [(b.key_display or b.key.replace(",", " / "), b.description) for b in bindings if isinstance(b, Binding)]

        app = [b for b in self.BINDINGS if isinstance(b, Binding)]
        sections = [
            ("Commands", keys(b for b in app if b.show) + [("ctrl+p", "Command palette: every command by name")]),
            ("Reading the conversation (also while typing)",
             keys(b for b in app if not b.show)
             + [("home / end", "In an empty question box: start or end of the conversation"),
                ("tab", "From the question box: the newest reply; then its quotes"),
                ("shift+tab", "Back the other way")]),
            ("Question box", [("enter", "Send the question")] + keys(b for b in QuestionInput.BINDINGS
                                                                   if isinstance(b, Binding) and b.key != "tab")),
            ("Replies and quotes", keys(ReplyView.BINDINGS) + keys(QuoteBlock.BINDINGS)
             + [("any letter", "Goes to the question box")]),
            ("Source viewer", keys(SourceViewer.BINDINGS)),
        ]
        self.push_screen(HelpScreen(sections))

    def action_toggle_sources(self) -> None:
        panel = self.query_one(SourcesPanel)
        panel.display = not panel.display

    def action_new_conversation(self) -> None:
        """Start again, once the person has said yes: the conversation cannot be brought back."""
        if not self.turns and not self.query(ReplyView):
            return
        asked = len(self.turns)
        self.push_screen(ConfirmScreen(f"Clear the conversation ({asked} question{'s' if asked != 1 else ''})? "
                                       "It cannot be brought back; ctrl+s exports it first."),
                         lambda yes: self._clear_conversation() if yes else None)

    def _clear_conversation(self) -> None:
        conversation = self.query_one("#conversation")
        for widget in list(conversation.children):
            if widget.id != "welcome":
                widget.remove()
        self.turns.clear()
        self._last_read = None
        self.selected = None
        self.query_one(SourcesPanel).show(None)
        self.query_one(QuestionInput).focus()

    def action_copy_reply(self) -> None:
        view = self.selected
        if view is None or view.reply is None:
            self.notify("No reply to copy yet.", markup=False)
            return
        text = f"Q: {visible(view.question)}\n{reply_text(view.reply)}"
        # The text goes to the terminal with an OSC 52 sequence; whether the terminal puts it on the
        # clipboard cannot be known (tmux and some terminals drop it), so the message says only what
        # was done, and names a way that always works.
        self.copy_to_clipboard(text)
        self.notify(COPY_SENT, markup=False, timeout=8)

    def action_export(self) -> None:
        if not self.turns:
            self.notify("Nothing to export yet: ask a question first.", markup=False)
            return
        default = str(Path.cwd() / time.strftime("citebot-conversation-%Y%m%d-%H%M%S.md"))
        self.push_screen(ExportScreen(default), self._export_to)

    def _export_to(self, path: str | None, overwrite: bool = False) -> None:
        if not path:
            return
        text = conversation_markdown(self.turns, str(self.bot.corpus.root) if self.bot else "")
        try:
            written = write_new_file(path, text, overwrite=overwrite)
        except ExportError as exc:
            self.notify(str(exc), severity="error", markup=False, timeout=10)
            return
        except FileExistsError:
            self.push_screen(ConfirmScreen(f"{path} exists. Overwrite it?"),
                             lambda yes: self._export_to(path, overwrite=True) if yes else None)
            return
        except OSError as exc:
            self.notify(f"Could not write the export: {exc.strerror or exc}", severity="error", markup=False)
            return
        self.notify(f"Exported to {written}", markup=False)

    def action_switch_theme(self) -> None:
        self.action_change_theme()

    def get_system_commands(self, screen):
        yield SystemCommand("New conversation", "Clear the conversation and start again", self.action_new_conversation)
        yield SystemCommand("Export conversation to Markdown", "Write the questions, quotes and origins to a file", self.action_export)
        yield SystemCommand("Copy selected reply", "Copy the selected reply with its citations", self.action_copy_reply)
        yield SystemCommand("Toggle sources panel", "Show or hide the sources of the selected reply", self.action_toggle_sources)
        yield SystemCommand("Switch theme", "Choose another colour theme", self.action_switch_theme)
        yield SystemCommand("Help", "Every key binding", self.action_help)
        yield from super().get_system_commands(screen)


def run(corpus_dir: Path | None, settings: Settings) -> None:
    CitebotApp(corpus_dir, settings).run()
