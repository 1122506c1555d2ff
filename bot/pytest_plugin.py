"""The citebot pytest plugin: question-test files become test items, one per case.

With citebot installed, `pytest` collects `questions_*.toml` and `*.questions.toml` files (see
`bot.check` for the format). Each case is an item named after it and fails with the same account
as `citebot check`. `--citebot-corpus DIR` overrides the corpus of every file.
"""

from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path

import pytest

from .check import FILE_PATTERNS, Case, CaseFile, CaseFileError, Result, Runner, describe, load_file

_RUNNER = pytest.StashKey[Runner]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("citebot", "citebot question tests")
    group.addoption("--citebot-corpus", metavar="DIR", default=None,
                    help="corpus folder for every question-test file (default: each file's own, else the bundled one)")


def pytest_configure(config: pytest.Config) -> None:
    corpus = config.getoption("--citebot-corpus", default=None)
    config.stash[_RUNNER] = Runner(Path(corpus) if corpus else None)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if any(fnmatch(file_path.name, pattern) for pattern in FILE_PATTERNS):
        return QuestionFile.from_parent(parent, path=file_path)
    return None


class QuestionFile(pytest.File):
    def collect(self):
        case_file = load_file(self.path)
        for case in case_file.cases:
            yield QuestionItem.from_parent(self, name=case.name, case=case, case_file=case_file)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CaseFileError):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)


class CaseFailed(Exception):
    def __init__(self, result: Result) -> None:
        super().__init__(result.problems)
        self.result = result


class QuestionItem(pytest.Item):
    def __init__(self, *, case: Case, case_file: CaseFile, **kwargs) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.case_file = case_file

    def runtest(self) -> None:
        runner = self.config.stash[_RUNNER]
        result = runner.run_case(runner.bot_for(self.case_file), self.case)
        if not result.passed:
            raise CaseFailed(result)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CaseFailed):
            return describe(excinfo.value.result)
        if isinstance(excinfo.value, CaseFileError):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, max(self.case.line - 1, 0), f"question case: {self.case.name}"
