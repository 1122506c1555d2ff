"""The command line: `citebot [chat]`, `ask`, `sources`, `index` and `check`. It renders Replies; it
decides nothing. Settings (cache folder, crisis-contact country, lock timeout) are read here, once,
and handed down."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TextIO

from . import __version__
from . import corpus as corpus_module
from .answer import Bot, screen
from .corpus import Corpus, CorpusError
from .display import field, json_line, reply_text, visible
from .index import Index
from .policy import Policy
from .settings import Settings
from .shelf import sources_of
from .store import open_corpus

EPILOG = """\
examples:
  citebot                                   open the chat on the bundled corpus
  citebot --corpus ~/notes --locale GB      the chat on your own folder, with UK crisis lines
  citebot ask "What is ketamine?"           one answer, printed
  citebot ask --json < questions.txt        one JSON reply a line, one question a line
  citebot sources --corpus ~/notes          the sources and what their metadata says
  citebot index --corpus ~/notes            build or refresh the folder's search index
  citebot check tests/questions/            run question-test files (exit 1 if one fails)

exit codes:
  0  done
  1  `check`: at least one question test failed
  2  a usage error, a corpus folder that cannot be used, or a question-test file that cannot be read

environment:
  CITEBOT_CACHE_DIR      where search indexes are kept (else $XDG_CACHE_HOME/citebot, else ~/.cache/citebot)
  CITEBOT_LOCALE         whose crisis lines to show (else the system locale, else US); --locale wins
  CITEBOT_LOCK_TIMEOUT   seconds to wait for another citebot indexing the same folder (600)
"""


def _questions(args: argparse.Namespace, stdin: TextIO) -> list[str] | TextIO:
    if args.question:
        return [" ".join(args.question)]
    return stdin


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Each question is triaged first: a crisis or a referral is printed at once, before the corpus
    is opened, and also when it cannot be opened. The corpus is opened for the first question
    that needs the sources."""
    policy = Policy()
    bot: Bot | None = None
    first = True
    for line in _questions(args, sys.stdin):
        question = line.rstrip("\r\n")
        if not args.question and not question.strip():
            continue
        reply = screen(policy, question, settings.country)
        if reply is None:
            if bot is None:
                try:
                    bot = Bot.open(args.corpus, settings, policy=policy, waiting=_tell,
                                   follow_links=args.follow_links)
                except CorpusError as exc:
                    print(f"citebot: {field(str(exc))}", file=sys.stderr)
                    return 2
                _report(bot.corpus)
            reply = bot.ask(question, limit=args.quotes)
        if args.json:
            print(json_line(reply.to_dict()))
        else:
            if not first:
                print()
            print(f"Q: {field(question)}")
            print(reply_text(reply))
        sys.stdout.flush()
        first = False
    return 0


def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    opened = _open(args, settings)
    if opened is None:
        return 2
    corpus, _, _ = opened
    for src in sources_of(corpus.documents):
        if args.json:
            print(json_line(src.to_dict()))
            continue
        print(f"{field(src.id)}: {field(src.title)}")
        for label, value in src.details():
            print(f"    {label}: {field(value) if value else 'unknown'}")
    return 0


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    started = time.perf_counter()
    progress = Progress(sys.stderr)
    try:
        opened = _open(args, settings, progress)
    finally:
        progress.done()
    if opened is None:
        return 2
    corpus, index, stats = opened
    if args.duplicates:
        for copy, original in corpus.duplicates:
            print(f"same text: {field(copy.shown)} ({field(copy.id)}) as {field(original.shown)} ({field(original.id)})")
    print(f"{len(corpus.documents)} documents, {index.size} quotable sentences, "
          f"{time.perf_counter() - started:.2f} s ({stats['read']} of {stats['files']} files read, "
          f"{stats['indexed']} indexed, {stats['removed']} removed)")
    return 0


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    started = time.perf_counter()
    # Read only here: `ask` and the chat start without it.
    from .check import CaseFileError, Runner, describe, find_files, junit_xml, load_file, result_dict

    files = find_files([Path(p) for p in args.paths])
    if not files:
        print("citebot: no question-test files found (questions_*.toml or *.questions.toml)", file=sys.stderr)
        return 2
    runner = Runner(Path(args.corpus) if args.corpus else None, waiting=_tell, follow_links=args.follow_links,
                    settings=settings)
    results = []
    try:
        for path in files:
            for result in runner.run(load_file(path)):
                results.append(result)
                if args.json:
                    print(json_line(result_dict(result)))
                elif result.passed:
                    print(f"PASS {visible(str(path))}::{visible(result.case.name)}")
                else:
                    print(f"FAIL {visible(str(path))}::{visible(result.case.name)}")
                    print("\n".join("    " + visible(line) for line in describe(result).splitlines()))
    except CaseFileError as exc:
        print(f"citebot: {visible(str(exc))}", file=sys.stderr)
        return 2
    failed = sum(not r.passed for r in results)
    if args.junit:
        Path(args.junit).write_text(junit_xml(results, time.perf_counter() - started), encoding="utf-8")
    summary = f"{len(results) - failed} passed, {failed} failed"
    print(summary, file=sys.stderr if args.json else sys.stdout)
    return 1 if failed else 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    corpus = Path(args.corpus) if args.corpus else None
    if corpus is not None and not corpus.is_dir():
        print(f"citebot: corpus folder not found: {corpus}" if not corpus.exists() else f"citebot: not a folder: {corpus}",
              file=sys.stderr)
        return 2
    if not sys.stdout.isatty() or not sys.stdin.isatty():
        print("citebot: the chat needs a terminal; for scripts use `citebot ask`", file=sys.stderr)
        return 2
    from .tui.app import run  # Textual takes a tenth of a second to import: only the chat pays for it

    run(corpus, settings)
    return 0


def _open(args: argparse.Namespace, settings: Settings, progress: Progress | None = None
          ) -> tuple[Corpus, Index, dict] | None:
    """The corpus through its cache, its problems reported; None (reported) when it cannot be used."""
    try:
        corpus, index, stats = open_corpus(args.corpus, settings, progress, _tell, args.follow_links)
    except CorpusError as exc:
        print(f"citebot: {field(str(exc))}", file=sys.stderr)
        return None
    _report(corpus)
    return corpus, index, stats


def _report(corpus: Corpus) -> None:
    for problem in corpus.problems:
        print(f"citebot: {field(str(problem))}", file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="citebot", description="Answers questions only by quoting its sources, word for word, with where "
        "each quote comes from. Without a command, opens the chat.", epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"citebot {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    corpus = argparse.ArgumentParser(add_help=False)
    corpus.add_argument("--corpus", metavar="DIR", help="folder of .txt/.md/.jsonl(.gz) files (default: the bundled corpus)")
    corpus.add_argument("--follow-links", action="store_true",
                        help="also read files that links in the corpus folder lead to outside it")
    as_json = argparse.ArgumentParser(add_help=False)
    as_json.add_argument("--json", action="store_true", help="one JSON object a line")
    locale = argparse.ArgumentParser(add_help=False)
    locale.add_argument("--locale", metavar="CODE", help="whose crisis lines to show: US, CA, GB, IE, AU, FR, DE, "
                        "ES, en_GB.UTF-8... (default: $CITEBOT_LOCALE, else the system locale, else US)")

    chat = sub.add_parser("chat", parents=[corpus, locale], help="open the chat (the default)")
    chat.set_defaults(run=cmd_chat)
    ask = sub.add_parser("ask", parents=[corpus, as_json, locale],
                         help="answer questions (arguments, or one a line on standard input)")
    ask.add_argument("question", nargs="*", help="the question; none: read one question a line from standard input")
    ask.add_argument("--quotes", type=_positive, default=3, metavar="N", help="at most N quotes (default 3)")
    ask.set_defaults(run=cmd_ask)
    sources = sub.add_parser("sources", parents=[corpus, as_json], help="list the corpus's sources and their metadata")
    sources.set_defaults(run=cmd_sources)
    index = sub.add_parser("index", parents=[corpus],
                           help="build or refresh the corpus's search index (in the user's cache)")
    index.add_argument("--duplicates", action="store_true",
                       help="list every document whose text another one has (by default: one line says how many)")
    index.set_defaults(run=cmd_index)
    check = sub.add_parser("check", parents=[corpus, as_json], help="run question-test files (TOML) against the corpus")
    check.add_argument("paths", nargs="+", metavar="FILE_OR_DIR", help="question-test files, or folders holding "
                       "questions_*.toml / *.questions.toml files")
    check.add_argument("--junit", metavar="PATH", help="also write a JUnit XML report to PATH")
    check.set_defaults(run=cmd_check)
    return parser


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def main(argv: list[str] | None = None) -> int:
    # Undecodable input is read as U+FFFD, and nothing printed can fail to encode.
    for stream, errors in ((sys.stdin, "replace"), (sys.stdout, "replace"), (sys.stderr, "backslashreplace")):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors=errors)
    parser = build_parser()
    if argv is None:  # run as the citebot program, whose main module is safe to import again
        corpus_module.FRESH_WORKERS = True
    argv = sys.argv[1:] if argv is None else list(argv)
    # The chat is the default command: no arguments, or options before any command name.
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv = ["chat", *argv]
    args = parser.parse_args(argv)
    settings = Settings.read(getattr(args, "locale", None))
    return args.run(args, settings)


def _tell(message: str) -> None:
    print(f"citebot: {visible(message)}", file=sys.stderr, flush=True)


class Progress:
    """A progress bar on a terminal; plain lines, one per stage and tenth, when output is not one."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.last: tuple[str, int] = ("", -1)
        self.drawn = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        tenth = 10 * done // max(total, 1)
        if self.tty:
            filled = 30 * done // max(total, 1)
            self.stream.write(f"\r{stage:<9} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}")
            self.stream.flush()
            self.drawn = True
        elif (stage, tenth) != self.last:
            self.stream.write(f"{stage} {done}/{total}\n")
            self.last = (stage, tenth)

    def done(self) -> None:
        if self.drawn:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
