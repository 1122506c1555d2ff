"""Snapshots of the chat at 80x24 and 120x40 (pytest-textual-snapshot; update with --snapshot-update)."""

from __future__ import annotations

import pytest

from bot.tui.app import CitebotApp
from bot.tui.screens import HelpScreen, SourceViewer
from bot.tui.widgets import QuoteBlock

from chat_helpers import ask, ready, wait_for

SIZES = [(80, 24), (120, 40)]


def asking(question: str):
    async def run_before(pilot) -> None:
        await ready(pilot)
        await ask(pilot, question)

    return run_before


async def first_screen(pilot) -> None:
    await ready(pilot)


async def source_viewer(pilot) -> None:
    await ready(pilot)
    await ask(pilot, "What is fear extinction?")
    pilot.app.query(QuoteBlock).first().focus()
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, SourceViewer))
    await pilot.pause(0.2)


async def help_screen(pilot) -> None:
    await ready(pilot)
    await pilot.press("f1")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))


async def follow_up(pilot) -> None:
    await ready(pilot)
    await ask(pilot, "How does ketamine work?")
    await ask(pilot, "and its side effects?")


async def sources_panel(pilot) -> None:
    await ready(pilot)
    await ask(pilot, "When was ketamine first synthesized?")
    await pilot.press("f2")
    await pilot.pause()


SCENES = {
    "first_screen": first_screen,
    "answer": asking("What is BDNF?"),
    "referral": asking("How many milligrams of ketamine should I use?"),
    "crisis": asking("I am going to kill myself tonight"),
    "source_viewer": source_viewer,
    "help": help_screen,
    "follow_up": follow_up,
    "sources_panel": sources_panel,
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("scene", list(SCENES))
def test_snapshot(snap_compare, scene, size):
    assert snap_compare(CitebotApp(), terminal_size=size, run_before=SCENES[scene])
