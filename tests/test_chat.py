"""The chat, driven like a person would with `App.run_test()`: real app, real corpus, real files."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.style import Style
from rich.text import Text
from textual.widgets import OptionList, Static

from bot.settings import Settings
from bot.tui.screens import ConfirmScreen, ExportScreen, HelpScreen, SourceViewer
from bot.tui.widgets import QuestionInput, QuoteBlock, ReplyView, SourcesPanel

from chat_helpers import ask, drive, wait_for


def plain(widget: Static) -> str:
    content = widget.content
    return content.plain if hasattr(content, "plain") else str(content)


def reply_texts(app) -> list[str]:
    return ["\n".join(plain(s) for s in view.query(Static)) for view in app.query(ReplyView)]


def test_asking_shows_an_answer_with_numbered_quotes_and_origins():
    async def scenario(pilot):
        await ask(pilot, "What is BDNF?")
        app = pilot.app
        assert app.turns[0][1].outcome == "answer"
        blocks = list(app.query(QuoteBlock))
        assert blocks
        first = plain(blocks[0])
        assert "brain-derived neurotrophic factor (BDNF)" in first
        assert "[1] The Expanding Role of Ketamine in Psychiatry · Lauro Amezcua-Patino, MD. FAPA" in first
        assert "corpus/expanding-role-of-ketamine.txt:" in first and "blog post" in first

    drive(scenario)


def test_referral_crisis_and_no_answer_look_distinct_by_label_and_icon():
    async def scenario(pilot):
        await ask(pilot, "How many milligrams of ketamine should I use?")
        await ask(pilot, "I am going to kill myself tonight")
        await ask(pilot, "Who painted the Mona Lisa?")
        views = list(pilot.app.query(ReplyView))
        assert [v.reply.outcome for v in views] == ["refer", "crisis", "no_answer"]
        texts = reply_texts(pilot.app)
        assert "⚕ ASK A CLINICIAN · rule: dosing" in texts[0] and "clinician" in texts[0]
        assert "⚠ CRISIS: GET HELP NOW" in texts[1] and "988" in texts[1] and "911" in texts[1]
        assert "∅ NOT IN THE SOURCES" in texts[2] and "do not cover" in texts[2]
        assert views[1].has_class("crisis") and not views[1].query(QuoteBlock)

    drive(scenario)


def test_disclosure_and_marketing_nature_are_shown():
    async def scenario(pilot):
        await ask(pilot, "Who wrote the article about HealoVerse?")
        text = plain(pilot.app.query(QuoteBlock).first())
        assert "discloses: Dr. Safa Rubaye serves as the Chief Medical Officer at HealoVerse" in text
        await ask(pilot, "Was ketamine approved by the FDA?")
        assert "clinic marketing page" in plain(pilot.app.query(QuoteBlock).last())

    drive(scenario)


def test_up_and_down_walk_through_earlier_questions():
    async def scenario(pilot):
        await ask(pilot, "What is BDNF?")
        await ask(pilot, "What is NMDA?")
        box = pilot.app.query_one(QuestionInput)
        box.focus()
        await pilot.press("up")
        assert box.value == "What is NMDA?"
        await pilot.press("up")
        assert box.value == "What is BDNF?"
        await pilot.press("down", "down")
        assert box.value == ""

    drive(scenario)


def test_a_second_question_while_one_runs_is_queued_not_lost():
    async def scenario(pilot):
        app = pilot.app
        box = app.query_one(QuestionInput)
        for question in ("What is BDNF?", "What is NMDA?", "What is glutamate?"):
            box.value = question
            await pilot.press("enter")
        await wait_for(pilot, lambda: len(app.turns) == 3)
        assert [q for q, _ in app.turns] == ["What is BDNF?", "What is NMDA?", "What is glutamate?"]
        assert app.waiting == 0

    drive(scenario)


def test_an_example_on_the_first_screen_can_be_chosen():
    async def scenario(pilot):
        app = pilot.app
        examples = app.query_one("#examples", OptionList)
        examples.focus()
        examples.highlighted = 1
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(app.turns) == 1)
        assert app.turns[0][0] == "What is BDNF?"

    drive(scenario)


def test_opening_a_citation_shows_the_source_with_the_quote_highlighted():
    async def scenario(pilot):
        await ask(pilot, "What is fear extinction?")
        app = pilot.app
        block = app.query(QuoteBlock).first()
        block.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SourceViewer))
        viewer = app.screen
        quote = block.quote
        meta = plain(viewer.query_one("#viewer-meta", Static))
        assert "The Expanding Role of Ketamine in Psychiatry" in meta and "Lauro Amezcua-Patino" in meta
        line = viewer.query_one(f"#line-{quote.line_start}", Static)
        rendered: Text = line.content
        highlighted = "".join(rendered.plain[s.start : s.end] for s in rendered.spans if "reverse" in str(s.style))
        assert quote.text.split("\n")[0] in highlighted
        assert line.has_class("quoted")
        assert viewer.query_one("#viewer-body").scroll_y > 0 or quote.line_start < 15
        # Dimmed is what is never quoted, and only that: the site chrome of line 1 ("top of page")
        # is dim, an ordinary sentence is not, whatever the quote.
        def dim_share(number: int) -> float:
            content: Text = viewer.query_one(f"#line-{number}", Static).content
            body = [s for s in content.spans if s.start >= 6]  # after the line number
            dim = sum(s.end - s.start for s in body if Style.parse(str(s.style)).dim)
            return dim / max(1, sum(s.end - s.start for s in body))

        assert dim_share(1) == 1.0
        document = viewer.document
        ordinary = next(s for s in document.sentences if not s.boilerplate and s.line_start != quote.line_start
                        and s.line_start == s.line_end and abs(s.line_start - quote.line_start) < 100)
        assert dim_share(ordinary.line_start) < 0.5, ordinary
        assert "quote at line" in meta and "dimmed = never quoted" in meta
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, SourceViewer))

    drive(scenario)


def test_sources_panel_lists_the_selected_replys_citations_and_opens_them():
    async def scenario(pilot):
        await ask(pilot, "When was ketamine first synthesized?")
        app = pilot.app
        await pilot.press("f2")
        panel = app.query_one(SourcesPanel)
        assert panel.display
        options = panel.query_one("#cited", OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("soft-reboot-wellness-new-tool.txt" in label for label in labels)
        options.focus()
        options.highlighted = 0
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SourceViewer))
        await pilot.press("escape")
        await pilot.press("f2")
        assert not panel.display

    drive(scenario)


def test_help_lists_every_key_with_what_it_does_in_columns_that_never_run_together():
    async def scenario(pilot):
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))
        help_screen = pilot.app.screen
        rows = [(plain(row.query_one(".help-key", Static)), plain(row.query_one(".help-description", Static)))
                for row in help_screen.query(".help-row")]
        keys = dict(rows)
        for binding in pilot.app.BINDINGS:  # every app key, scrolling ones included, with its description
            assert any(binding.description == d for _, d in rows), binding
        for key in ("pageup", "pagedown", "ctrl+home", "ctrl+end", "escape", "tab", "up", "enter"):
            assert key in keys, (key, sorted(keys))
        assert not any("_" in d for d in keys.values())  # descriptions, never internal binding ids
        key_column = {row.query_one(".help-key").region.width for row in help_screen.query(".help-row")}
        assert len(key_column) == 1 and key_column.pop() > max(len(k) for k in keys)  # one column, a gap after it
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(pilot.app.screen, HelpScreen))

    drive(scenario, size=(80, 24))


async def export_to(pilot, target: Path) -> None:
    """Ctrl+S, the file name, Enter."""
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ExportScreen))
    pilot.app.screen.query_one("#export-path").value = str(target)
    await pilot.press("enter")


def test_export_writes_the_conversation_where_asked_and_never_overwrites_unasked(tmp_path):
    target = tmp_path / "talk.md"

    async def scenario(pilot):
        app = pilot.app
        await ask(pilot, "What is BDNF?")
        await ask(pilot, "How many milligrams of ketamine should I use?")
        await export_to(pilot, target)
        await wait_for(pilot, target.exists)
        first = target.read_text(encoding="utf-8")
        assert "## Q: What is BDNF?" in first
        assert "> When administered at sub-anesthetic doses, ketamine rapidly releases brain-derived neurotrophic factor (BDNF)" in first
        assert "\\[1\\] The Expanding Role of Ketamine in Psychiatry · Lauro Amezcua-Patino, MD. FAPA · " in first
        assert "ASK A CLINICIAN · rule: dosing" in first
        # A second export to the same file asks first; "no" leaves the file as it was.
        await ask(pilot, "What is NMDA?")
        await export_to(pilot, target)
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
        assert target.read_text(encoding="utf-8") == first
        await export_to(pilot, target)
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: "What is NMDA?" in target.read_text(encoding="utf-8"))
        assert [p.name for p in tmp_path.iterdir()] == ["talk.md"]  # no temporary file left behind

    drive(scenario)


def test_copy_sends_the_reply_and_says_only_what_is_known():
    async def scenario(pilot):
        await ask(pilot, "What is BDNF?")
        await pilot.press("ctrl+y")
        clip = pilot.app.clipboard
        assert clip.startswith("Q: What is BDNF?")
        assert "[1] \"" in clip and "corpus/expanding-role-of-ketamine.txt:" in clip
        # Whether the terminal took it cannot be known: the message never claims it did, and names
        # the way that always works.
        said = " ".join(notices(pilot.app))
        assert "Sent the reply" in said and "ctrl+s exports" in said and "Copied" not in said

    drive(scenario)


def test_markup_and_escapes_typed_in_the_input_are_shown_literally():
    question = "[bold red]What is BDNF?[/] [link=http://x]y[/link] \x1b[31mred\x1b[0m مرحبا 🙂"

    async def scenario(pilot):
        await ask(pilot, question)
        shown = plain(pilot.app.query(".question").last())
        assert "[bold red]What is BDNF?[/]" in shown and "[link=http://x]y[/link]" in shown
        assert "\\x1b[31m" in shown and "\x1b" not in shown
        assert "مرحبا 🙂" in shown

    drive(scenario)


def test_new_conversation_asks_first_and_clears_only_on_yes():
    async def scenario(pilot):
        app = pilot.app
        await ask(pilot, "What is BDNF?")
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")  # no: nothing lost
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
        assert len(app.turns) == 1 and app.query(ReplyView)
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: not app.turns and not app.query(ReplyView))
        assert app.query_one("#welcome")

    drive(scenario)


@pytest.mark.parametrize("opening", ["f1", "ctrl+s", "ctrl+p"])
def test_ctrl_q_quits_from_every_screen(opening):
    async def scenario(pilot):
        await ask(pilot, "What is BDNF?")
        first = pilot.app.screen
        await pilot.press(opening)
        await wait_for(pilot, lambda: pilot.app.screen is not first)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: pilot.app.return_code is not None)

    app = drive(scenario)
    assert not app.is_running


def test_command_palette_commands_do_what_they_say():
    async def scenario(pilot):
        app = pilot.app
        commands = {c.title: c.callback for c in app.get_system_commands(app.screen)}
        await ask(pilot, "What is BDNF?")
        app.query(ReplyView).last().focus()
        await pilot.pause()

        commands["Copy selected reply"]()
        assert app.clipboard.startswith("Q: What is BDNF?") and "[1] " in app.clipboard
        panel = app.query_one(SourcesPanel)
        shown = panel.display
        commands["Toggle sources panel"]()
        assert panel.display is not shown
        commands["Toggle sources panel"]()
        assert panel.display is shown
        commands["Export conversation to Markdown"]()
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ExportScreen))
        commands["Help"]()
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen))
        theme = app.theme
        commands["Switch theme"]()
        await pilot.pause()
        assert app.theme != theme or app.screen is not app.screen_stack[0]  # changed, or the theme picker is open
        while len(app.screen_stack) > 1:
            await pilot.press("escape")
            await pilot.pause()
        commands["New conversation"]()
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: not app.turns and not app.query(ReplyView))

    drive(scenario)


def test_another_corpus_loads_with_progress_and_reports_problems(tmp_path):
    (tmp_path / "lithium.md").write_text("# Lithium\n\nLithium is a mood stabiliser used for bipolar disorder.\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")

    async def scenario(pilot):
        summary = plain(pilot.app.query_one("#corpus-summary", Static))
        assert "1 sources" in summary and "empty.txt" in summary
        assert not pilot.app.query("#examples")  # the examples are for the bundled corpus
        await ask(pilot, "What is lithium?")
        assert pilot.app.turns[0][1].quotes[0].source.id == "lithium"

    drive(scenario, corpus_dir=tmp_path)


def test_it_fits_80_by_24():
    async def scenario(pilot):
        await ask(pilot, "What are the risks of ketamine?")
        app = pilot.app
        assert app.query_one(QuestionInput).region.bottom <= 23
        for block in app.query(QuoteBlock):
            assert block.region.width <= 80

    drive(scenario, size=(80, 24))


def test_a_follow_up_is_read_against_the_question_before_it_and_says_so(tmp_path):
    target = tmp_path / "talk.md"

    async def scenario(pilot):
        app = pilot.app
        await ask(pilot, "How does ketamine work?")
        await ask(pilot, "and its side effects?")
        reply = app.turns[-1][1]
        assert reply.read_as == "ketamine: its side effects?" and reply.outcome == "answer"
        view = app.query(ReplyView).last()
        assert plain(view.query(".read-as").first()) == "Read as: ketamine: its side effects?"
        await ask(pilot, "and how much of it?")  # the triage reads it as read: a dose of ketamine
        assert app.turns[-1][1].outcome == "refer"
        await ask(pilot, "Who painted the Mona Lisa?")  # its own subject: not a follow-up
        assert app.turns[-1][1].read_as is None
        await export_to(pilot, target)
        await wait_for(pilot, target.exists)
        assert "*Read as: ketamine: its side effects?*" in target.read_text(encoding="utf-8")

    drive(scenario)


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


def test_export_to_a_folder_or_a_missing_folder_says_so_and_creates_nothing(tmp_path):
    async def scenario(pilot):
        app = pilot.app
        await ask(pilot, "What is BDNF?")
        await export_to(pilot, tmp_path)  # a folder, not a file
        await wait_for(pilot, lambda: any("is a folder" in n for n in notices(app)))
        assert not isinstance(app.screen, ConfirmScreen) and list(tmp_path.iterdir()) == []
        await export_to(pilot, tmp_path / "mistyped" / "talk.md")
        await wait_for(pilot, lambda: any("does not exist; nothing was written" in n for n in notices(app)))
        assert not (tmp_path / "mistyped").exists()

    drive(scenario)


def test_a_paste_of_several_lines_is_one_question_and_escape_codes_are_removed_visibly():
    from textual import events

    async def scenario(pilot):
        app = pilot.app
        box = app.query_one(QuestionInput)
        box.focus()
        box.post_message(events.Paste("What is\nBDNF\r\nin the brain?"))
        await wait_for(pilot, lambda: box.value == "What is BDNF in the brain?")
        assert not any("control codes" in n for n in notices(app))
        box.value = ""
        box.post_message(events.Paste("\x1b[31mWhat is\x1b[0m NMDA?\x07"))
        await wait_for(pilot, lambda: box.value == "What is NMDA?")
        await wait_for(pilot, lambda: any("Removed terminal control codes" in n for n in notices(app)))

    drive(scenario)


def test_the_conversation_is_read_from_the_keyboard_without_leaving_the_question_box():
    async def scenario(pilot):
        app = pilot.app
        for question in ("What is BDNF?", "How does ketamine work?", "What are the risks of ketamine?"):
            await ask(pilot, question)
        conversation = app.query_one("#conversation")
        box = app.query_one(QuestionInput)
        box.focus()
        await pilot.press("ctrl+home")
        await pilot.pause()
        assert conversation.scroll_y == 0 and box.has_focus
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: conversation.scroll_y > 0)
        down = conversation.scroll_y
        await pilot.press("pageup")
        await wait_for(pilot, lambda: conversation.scroll_y < down)
        await pilot.press("end")  # the box is empty: the end of the conversation
        await wait_for(pilot, lambda: conversation.scroll_y == conversation.max_scroll_y)
        await pilot.press("home")
        await wait_for(pilot, lambda: conversation.scroll_y == 0)
        box.value = "draft"
        await pilot.press("home")  # with text in the box, Home is the start of the text
        assert box.cursor_position == 0 and conversation.scroll_y == 0
        assert box.has_focus

    drive(scenario, size=(80, 24))


def test_tab_reaches_the_newest_reply_escape_comes_back_and_typing_is_never_lost():
    async def scenario(pilot):
        app = pilot.app
        for question in ("What is BDNF?", "What is NMDA?", "How does ketamine work?"):
            await ask(pilot, question)
        box = app.query_one(QuestionInput)
        box.focus()
        replies = list(app.query(ReplyView))
        await pilot.press("tab")
        assert app.focused is replies[-1]
        await pilot.press("up")
        assert app.focused is replies[-2]
        await pilot.press("down")
        assert app.focused is replies[-1]
        await pilot.press("escape")
        assert box.has_focus
        app.query(QuoteBlock).first().focus()
        await pilot.pause()
        await pilot.press("w", "h", "y")  # typed while a quote is selected: it goes to the question box
        assert box.has_focus and box.value == "why"

    drive(scenario, size=(80, 24))


def test_a_long_reply_is_shown_from_its_top():
    async def scenario(pilot):
        app = pilot.app
        await ask(pilot, "What is BDNF?")
        await ask(pilot, "How does ketamine work?")
        await pilot.pause()
        conversation = app.query_one("#conversation")
        view = app.query(ReplyView).last()
        question = app.query(".question").last()
        await wait_for(pilot, lambda: question.region.y >= conversation.region.y
                       and question.region.y < conversation.region.y + 2)
        # long: the question and its reply do not fit, so they start at the top, not the end
        assert view.outer_size.height + question.outer_size.height > conversation.region.height

    drive(scenario, size=(80, 24))


def test_a_quote_whose_source_changed_since_is_not_shown_against_the_new_text(tmp_path):
    """A corpus file edited while the chat is open: the next question that reaches it reads it
    again and says so; an earlier quote from it is not shown highlighted in text that no longer
    holds it (a notice says why), and a fresh quote opens as usual."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Lithium\n\nLithium is a mood stabiliser used in bipolar disorder.\n", encoding="utf-8")
    (corpus / "b.txt").write_text("Valproate\n\nValproate is an anticonvulsant used for mania.\n", encoding="utf-8")

    async def scenario(pilot):
        app = pilot.app
        await ask(pilot, "What is lithium?")
        (corpus / "a.txt").write_text("Lithium\n\nFor many years now, lithium has been a mood stabiliser in bipolar "
                                      "disorder.\n", encoding="utf-8")
        await ask(pilot, "What is lithium used as?")
        old, new = app.turns[0][1], app.turns[1][1]
        assert new.notice == app.bot.messages["source_changed"] and "For many years" in new.quotes[0].text
        first, second = [view.query(QuoteBlock).first() for view in app.query(ReplyView)]
        assert first.quote == old.quotes[0] and second.quote == new.quotes[0]
        first.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, SourceViewer)
        assert any("has changed since the quote was taken" in m for m in notices(app))
        second.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SourceViewer))
        assert "For many years" in plain(app.screen.query_one("#line-3", Static))

    drive(scenario, corpus_dir=corpus, settings=Settings(tmp_path / "cache"))
