"""Driving the real chat app in tests: wait for conditions instead of sleeping."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.tui.app import CitebotApp
from bot.tui.widgets import QuestionInput


async def wait_for(pilot, condition: Callable[[], bool], timeout: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("timed out waiting for the app")
        await pilot.pause(0.02)


async def ready(pilot) -> None:
    """The corpus is loaded and the cursor does not blink (stable screenshots)."""
    app: CitebotApp = pilot.app
    await wait_for(pilot, app.bot_ready.is_set)
    app.query_one(QuestionInput).cursor_blink = False
    await pilot.pause()


async def ask(pilot, question: str) -> None:
    """Type a question, press Enter, and wait for its reply."""
    app: CitebotApp = pilot.app
    before = len(app.turns)
    box = app.query_one(QuestionInput)
    box.focus()
    box.value = question
    await pilot.press("enter")
    await wait_for(pilot, lambda: len(app.turns) > before)
    await pilot.pause()


def drive(scenario: Callable[..., Awaitable[None]], size: tuple[int, int] = (100, 40), **app_args) -> CitebotApp:
    """Run a scenario against a fresh app with `App.run_test()`, and return the app."""
    app = CitebotApp(**app_args)

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await ready(pilot)
            await scenario(pilot)

    asyncio.run(main())
    return app
