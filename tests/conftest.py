"""Shared fixtures: the real pipeline over the bundled corpus, and corpora written to disk."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Every test, and every citebot process a test starts, keeps its index cache in a fresh folder,
# removed when the run ends (each run left about 30 MB in the temporary folder).
os.environ["CITEBOT_CACHE_DIR"] = tempfile.mkdtemp(prefix="citebot-test-cache-")

from bot.answer import Bot

atexit.register(shutil.rmtree, os.environ["CITEBOT_CACHE_DIR"], ignore_errors=True)

pytest_plugins = ["pytester"]

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def bot() -> Bot:
    """The bundled corpus, opened the way the chat and the command line open it: through the cache."""
    return Bot.open()


@pytest.fixture(scope="session")
def bundled_questions() -> list[str]:
    lines = (DATA / "questions_bundled.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def read_source_text(path: str) -> str:
    """A source file exactly as the contract says quotes are taken from it."""
    with open(path, encoding="utf-8", newline="") as fh:
        return fh.read()
