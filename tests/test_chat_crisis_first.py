"""Crisis never waits: in the chat, triage runs before and apart from the corpus."""

from __future__ import annotations

import asyncio
import contextlib

from bot.corpus import bundled_corpus_path
from bot.settings import Settings
from bot.store import Store
from bot.tui.app import CitebotApp
from bot.tui.widgets import QuestionInput, ReplyView

from chat_helpers import wait_for


async def type_question(pilot, question: str) -> None:
    box = pilot.app.query_one(QuestionInput)
    box.focus()
    box.value = question
    await pilot.press("enter")


def run(app: CitebotApp, scenario) -> None:
    async def main() -> None:
        async with app.run_test(size=(100, 40)) as pilot:
            await scenario(pilot)

    asyncio.run(main())


def test_a_crisis_and_a_referral_are_answered_while_the_corpus_is_still_loading():
    # Another process building the index holds the corpus's lock: loading waits, as it does for a
    # big corpus, and the messages below must not.
    lock = contextlib.ExitStack()
    lock.enter_context(Store(bundled_corpus_path(), Settings.read()).locked())
    app = CitebotApp()

    async def scenario(pilot):
        try:
            await type_question(pilot, "I am going to kill myself tonight")
            await wait_for(pilot, lambda: len(app.turns) == 1, timeout=5)
            await type_question(pilot, "quiero morir")
            await wait_for(pilot, lambda: len(app.turns) == 2, timeout=5)
            await type_question(pilot, "How many milligrams of ketamine should I use?")
            await wait_for(pilot, lambda: len(app.turns) == 3, timeout=5)
            assert not app.bot_ready.is_set() and app.bot is None  # the corpus is still loading
        finally:
            lock.close()  # let loading finish, so the app can close
        assert [reply.outcome for _, reply in app.turns] == ["crisis", "crisis", "refer"]
        views = list(app.query(ReplyView))
        assert views[0].has_class("crisis") and "988" in str(views[0].reply.contacts)
        assert app.turns[1][1].message.startswith("Parece que podrías estar en peligro")
        await wait_for(pilot, app.bot_ready.is_set)

    run(app, scenario)


def test_a_crisis_is_answered_when_the_corpus_cannot_be_loaded(tmp_path):
    empty = tmp_path / "no-documents"
    empty.mkdir()
    app = CitebotApp(corpus_dir=empty)

    async def scenario(pilot):
        label = pilot.app.query_one("#loading-label")
        await wait_for(pilot, lambda: "cannot be used" in str(label.content), timeout=15)
        await type_question(pilot, "my friend overdosed and is not breathing")
        await wait_for(pilot, lambda: len(app.turns) == 1, timeout=5)
        assert app.turns[0][1].outcome == "crisis"
        await type_question(pilot, "What is BDNF?")  # needs the sources: waits, never a false answer
        await pilot.pause(0.2)
        assert len(app.turns) == 1

    run(app, scenario)
