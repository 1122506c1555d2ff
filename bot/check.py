"""Question tests: pinning what the bot says about a corpus, the way code is pinned by tests.

A question-test file is TOML, one `[[case]]` table per case:

    corpus = "../corpus"                 # optional, relative to this file
    [[case]]
    name = "mechanism is quoted"
    question = "How does ketamine work?"
    expect = "answer"                    # answer | no_answer | refer | crisis
    cite = ["quick-action-of-ketamine"]  # a source that must be cited (id, title or path), any of...
    cite_all = []                        # ...or every one of these
    not_cite = ["soft-reboot-wellness-new-tool"]
    contains = ["NMDA"]                  # text some quote must contain (case-insensitive)
    not_contains = ["Visit HealoVerse"]  # text no quote may contain
    rule = "dosing"                      # refer/crisis: the rule, or its family ("treatment")
    after = "How does ketamine work?"    # a follow-up: the question asked before this one...
    read_as = "ketamine: its side effects?"  # ...and how it must be read against it

`load_file` reads a file (a file that cannot be used raises `CaseFileError` naming the file and
line); `Runner.run` asks every case through the real pipeline, the corpus opened through its cache as
the command line opens it, and `judge` says whether the reply is what the case expects. `citebot
check` and the pytest plugin (bot/pytest_plugin.py) both use them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

from .model import OUTCOMES, Reply, Source
from .settings import Settings

CASE_KEYS = {"name", "question", "after", "read_as", "expect", "cite", "cite_all", "not_cite", "contains", "not_contains",
             "rule", "quotes"}
LIST_KEYS = ("cite", "cite_all", "not_cite", "contains", "not_contains")
FILE_PATTERNS = ("questions_*.toml", "*.questions.toml")


class CaseFileError(Exception):
    """A question-test file that cannot be used; the message names the file and line."""

    def __init__(self, path: Path, line: int | None, message: str) -> None:
        self.path, self.line = path, line
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Case:
    name: str
    question: str
    expect: str
    path: Path
    line: int
    cite: tuple[str, ...] = ()
    cite_all: tuple[str, ...] = ()
    not_cite: tuple[str, ...] = ()
    contains: tuple[str, ...] = ()
    not_contains: tuple[str, ...] = ()
    rule: str | None = None
    quotes: int | None = None  # at least this many quotes
    after: str | None = None  # the question asked before: this one is a follow-up of it
    read_as: str | None = None  # how the follow-up must be read


@dataclass
class CaseFile:
    path: Path
    cases: list[Case]
    corpus: Path | None = None


@dataclass
class Result:
    case: Case
    reply: Reply
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


def find_files(paths: list[Path]) -> list[Path]:
    """Question-test files: the files named, and those named like question tests in folders."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            hits = {p for pattern in FILE_PATTERNS for p in path.rglob(pattern)}
            found.extend(sorted(hits))
        else:
            found.append(path)
    return found


def load_file(path: Path) -> CaseFile:
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CaseFileError(path, None, "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseFileError(path, None, f"cannot be read: {exc}") from None
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise CaseFileError(path, int(line.group(1)) if line else None, f"not valid TOML: {exc}") from None
    unknown = set(data) - {"case", "corpus"}
    if unknown:
        raise CaseFileError(path, None, f"unknown top-level key(s): {', '.join(sorted(unknown))}")
    tables = data.get("case")
    if not isinstance(tables, list) or not tables:
        raise CaseFileError(path, None, "no [[case]] tables")
    lines = [i for i, text in enumerate(raw.splitlines(), start=1) if re.match(r"\s*\[\[\s*case\s*\]\]", text)]
    corpus = data.get("corpus")
    if corpus is not None and not isinstance(corpus, str):
        raise CaseFileError(path, None, "'corpus' must be a path string")
    cases = [_case(path, lines[i] if i < len(lines) else None, table) for i, table in enumerate(tables)]
    names = [c.name for c in cases]
    for c in cases:
        if names.count(c.name) > 1:
            raise CaseFileError(path, c.line, f"case name {c.name!r} is used twice")
    return CaseFile(path, cases, (path.parent / corpus) if corpus else None)


def _case(path: Path, line: int | None, table: dict) -> Case:
    def fail(message: str) -> CaseFileError:
        return CaseFileError(path, line, message)

    unknown = set(table) - CASE_KEYS
    if unknown:
        raise fail(f"unknown key(s) {', '.join(sorted(unknown))} (known: {', '.join(sorted(CASE_KEYS))})")
    question = table.get("question")
    if not isinstance(question, str):
        raise fail("a case needs a 'question' string")
    expect = table.get("expect")
    if expect not in OUTCOMES:
        raise fail(f"'expect' must be one of {', '.join(OUTCOMES)}, not {expect!r}")
    lists = {}
    for key in LIST_KEYS:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(f"'{key}' must be a string or a list of strings")
        lists[key] = tuple(value)
    if expect != "answer" and any(lists[k] for k in ("cite", "cite_all", "contains")):
        raise fail(f"'cite' and 'contains' only make sense when expect = \"answer\", not {expect!r}")
    rule = table.get("rule")
    if rule is not None and (not isinstance(rule, str) or expect not in ("refer", "crisis")):
        raise fail("'rule' is a string, for expect = \"refer\" or \"crisis\"")
    quotes = table.get("quotes")
    if quotes is not None and (not isinstance(quotes, int) or quotes < 1):
        raise fail("'quotes' is a whole number, at least 1")
    after, as_read = table.get("after"), table.get("read_as")
    if after is not None and not isinstance(after, str):
        raise fail("'after' is the question asked before this one, a string")
    if as_read is not None and (not isinstance(as_read, str) or after is None):
        raise fail("'read_as' is a string, for a case with 'after'")
    name = table.get("name") or question.strip() or "(empty question)"
    if not isinstance(name, str):
        raise fail("'name' must be a string")
    return Case(name, question, expect, path, line or 0, rule=rule, quotes=quotes, after=after, read_as=as_read,
                **lists)


def _names(source: Source) -> set[str]:
    path = source.path.replace("\\", "/")
    return {source.id.lower(), source.title.lower(), path.lower(), path.rsplit("/", 1)[-1].lower()}


def _cited(reply: Reply) -> list[Source]:
    return [s for q in reply.quotes for s in (q.source, *q.also_in)]


def judge(case: Case, reply: Reply) -> Result:
    """What the reply got wrong against the case (nothing: it passes)."""
    problems = []
    if reply.outcome != case.expect:
        problems.append(f"expected {case.expect}, got {reply.outcome}" + (f" (rule {reply.rule})" if reply.rule else ""))
    if case.rule and reply.rule != case.rule and not (reply.rule or "").startswith(case.rule + "."):
        problems.append(f"expected rule {case.rule}, got {reply.rule}")
    if case.read_as is not None and reply.read_as != case.read_as:
        problems.append(f"expected it read as {case.read_as!r}, got {reply.read_as!r}")
    cited = _cited(reply)

    def is_cited(wanted: str) -> bool:
        key = wanted.lower().replace("\\", "/")
        keys = {key, key.rsplit("/", 1)[-1]} if "/" in key else {key}
        return any(keys & _names(s) for s in cited)

    if case.cite and not any(is_cited(c) for c in case.cite):
        problems.append(f"expected a quote from {' or '.join(case.cite)}")
    for wanted in case.cite_all:
        if not is_cited(wanted):
            problems.append(f"expected a quote from {wanted}")
    for unwanted in case.not_cite:
        if is_cited(unwanted):
            problems.append(f"expected no quote from {unwanted}")
    texts = [" ".join(q.text.split()).lower() for q in reply.quotes]
    for text in case.contains:
        if not any(text.lower() in t for t in texts):
            problems.append(f"expected a quote containing {text!r}")
    for text in case.not_contains:
        if any(text.lower() in t for t in texts):
            problems.append(f"expected no quote containing {text!r}")
    if case.quotes and len(reply.quotes) < case.quotes:
        problems.append(f"expected at least {case.quotes} quotes, got {len(reply.quotes)}")
    return Result(case, reply, problems)


def describe(result: Result) -> str:
    """The readable account of a failed case: what was expected, what came back, the quotes."""
    lines = [f"question: {result.case.question}"]
    lines.extend(f"  - {p}" for p in result.problems)
    reply = result.reply
    lines.append(f"  got: {reply.outcome}" + (f" (rule {reply.rule})" if reply.rule else ""))
    for n, quote in enumerate(reply.quotes, start=1):
        text = " ".join(quote.text.split())
        lines.append(f'    [{n}] "{text}" — {quote.source.id} ({quote.source.path}:{quote.line_start}-{quote.line_end})')
    return "\n".join(lines)


class Runner:
    """Runs case files through the real pipeline, one Bot per corpus."""

    def __init__(self, corpus: Path | None = None, waiting=None, follow_links: bool = False,
                 settings: Settings | None = None) -> None:
        self.corpus = corpus  # overrides a file's own `corpus`
        self.waiting = waiting  # told when another process holds a corpus's cache
        self.follow_links = follow_links
        self.settings = settings or Settings.read()
        self._bots: dict[Path | None, object] = {}

    def bot_for(self, case_file: CaseFile):
        # Imported here, not at the top: the pytest plugin imports this module in every pytest
        # session of an environment citebot is installed in, and only a run of case files needs
        # the answering pipeline (tantivy, the stemmer, the triage's term table).
        from .answer import Bot
        from .corpus import CorpusError

        root = self.corpus or case_file.corpus
        key = root.resolve() if root else None
        if key not in self._bots:
            try:
                self._bots[key] = Bot.open(root, self.settings, waiting=self.waiting, follow_links=self.follow_links)
            except CorpusError as exc:
                raise CaseFileError(case_file.path, None, str(exc)) from None
        return self._bots[key]

    def run(self, case_file: CaseFile) -> list[Result]:
        bot = self.bot_for(case_file)
        return [self.run_case(bot, case) for case in case_file.cases]

    @staticmethod
    def run_case(bot, case: Case) -> Result:
        return judge(case, bot.ask(case.question, previous=case.after))


def junit_xml(results: list[Result], seconds: float = 0.0) -> str:
    """A JUnit XML report (what CI systems read): one testcase per case."""
    failures = sum(not r.passed for r in results)
    suite = ET.Element("testsuite", name="citebot", tests=str(len(results)), failures=str(failures),
                       errors="0", skipped="0", time=f"{seconds:.3f}")
    for result in results:
        case = ET.SubElement(suite, "testcase", classname=str(result.case.path), name=result.case.name,
                             file=str(result.case.path), line=str(result.case.line))
        if not result.passed:
            failure = ET.SubElement(case, "failure", message="; ".join(result.problems))
            failure.text = describe(result)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True)


def result_dict(result: Result) -> dict:
    case = result.case
    return {
        "file": str(case.path),
        "line": case.line,
        "name": case.name,
        "question": case.question,
        "expect": case.expect,
        "passed": result.passed,
        "problems": result.problems,
        "reply": result.reply.to_dict(),
    }
