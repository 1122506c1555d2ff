"""The command line: `citebot ask` and `citebot sources`. It renders Replies; it decides nothing."""

from __future__ import annotations

import argparse
import sys
import time
from typing import TextIO

from . import __version__
from .corpus import Corpus, CorpusError
from .display import field, json_line, reply_text, visible


def _questions(args: argparse.Namespace, stdin: TextIO) -> list[str] | TextIO:
    if args.question:
        return [" ".join(args.question)]
    return stdin


def cmd_ask(args: argparse.Namespace, corpus: Corpus, index) -> int:
    from .answer import Bot

    bot = Bot(corpus, index=index)
    first = True
    for line in _questions(args, sys.stdin):
        question = line.rstrip("\r\n")
        if not args.question and not question.strip():
            continue
        reply = bot.ask(question, limit=args.quotes, locale=args.locale)
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


def cmd_sources(args: argparse.Namespace, corpus: Corpus) -> int:
    for doc in corpus.documents:
        src = doc.source
        if args.json:
            print(json_line(src.to_dict()))
            continue
        print(f"{field(src.id)}: {field(src.title)}")
        for label, value in (("author", src.author), ("publisher", src.publisher), ("date", src.date),
                             ("url", src.url), ("kind", src.kind), ("disclosure", src.disclosure), ("file", src.path)):
            print(f"    {label}: {field(value) if value else 'unknown'}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    import time
    from pathlib import Path

    from .check import CaseFileError, Runner, describe, find_files, junit_xml, load_file, result_dict

    started = time.perf_counter()
    files = find_files([Path(p) for p in args.paths])
    if not files:
        print("citebot: no question-test files found (questions_*.toml or *.questions.toml)", file=sys.stderr)
        return 2
    runner = Runner(Path(args.corpus) if args.corpus else None, waiting=_tell, follow_links=args.follow_links)
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


def cmd_chat(args: argparse.Namespace) -> int:
    from pathlib import Path

    corpus = Path(args.corpus) if args.corpus else None
    if corpus is not None and not corpus.is_dir():
        print(f"citebot: corpus folder not found: {corpus}" if not corpus.exists() else f"citebot: not a folder: {corpus}",
              file=sys.stderr)
        return 2
    if not sys.stdout.isatty() or not sys.stdin.isatty():
        print("citebot: the chat needs a terminal; for scripts use `citebot ask`", file=sys.stderr)
        return 2
    from .tui.app import run

    run(corpus, args.locale)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="citebot", description="Answers questions only by quoting its sources.")
    parser.add_argument("--version", action="version", version=f"citebot {__version__}")
    sub = parser.add_subparsers(dest="command")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--corpus", metavar="DIR", help="folder of .txt/.md/.jsonl(.gz) files (default: the bundled corpus)")
    common.add_argument("--json", action="store_true", help="one JSON object a line")
    common.add_argument("--follow-links", action="store_true",
                        help="also read files that links in the corpus folder lead to outside it")
    ask = sub.add_parser("ask", parents=[common], help="answer questions (arguments, or one a line on standard input)")
    ask.add_argument("question", nargs="*", help="the question; none: read one question a line from standard input")
    ask.add_argument("--quotes", type=int, default=3, metavar="N", help="at most N quotes (default 3)")
    ask.add_argument("--locale", metavar="CODE", help="crisis contacts for a country: US, CA, GB, IE, AU, EU... "
                     "(default: $CITEBOT_LOCALE, else US)")
    sub.add_parser("sources", parents=[common], help="list the corpus's sources and their metadata")
    sub.add_parser("index", parents=[common], help="build or refresh the corpus's search index (in the user's cache)")
    check = sub.add_parser("check", parents=[common], help="run question-test files (TOML) against the corpus")
    check.add_argument("paths", nargs="+", metavar="FILE_OR_DIR", help="question-test files, or folders holding "
                       "questions_*.toml / *.questions.toml files")
    check.add_argument("--junit", metavar="PATH", help="also write a JUnit XML report to PATH")
    chat = sub.add_parser("chat", help="open the chat (the default when no command is given)")
    chat.add_argument("--corpus", metavar="DIR", help="folder of .txt/.md/.jsonl(.gz) files (default: the bundled corpus)")
    chat.add_argument("--locale", metavar="CODE", help="crisis contacts for a country (default: $CITEBOT_LOCALE, else US)")
    return parser


def main(argv: list[str] | None = None) -> int:
    # Undecodable input is read as U+FFFD, and nothing printed can fail to encode.
    for stream, errors in ((sys.stdin, "replace"), (sys.stdout, "replace"), (sys.stderr, "backslashreplace")):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors=errors)
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0].startswith("--corpus") or argv[0] == "--locale":
        argv = ["chat", *argv]
    args = parser.parse_args(argv)
    if args.command == "chat":
        return cmd_chat(args)
    if args.command == "check":
        return cmd_check(args)
    if args.command == "ask" and args.quotes < 1:
        parser.error("--quotes must be at least 1")
    from .store import open_corpus

    started = time.perf_counter()
    progress = Progress(sys.stderr) if args.command == "index" else None
    try:
        corpus, index, stats = open_corpus(args.corpus, progress, waiting=_tell, follow_links=args.follow_links)
    except CorpusError as exc:
        print(f"citebot: {field(str(exc))}", file=sys.stderr)
        return 2
    finally:
        if progress:
            progress.done()
    for problem in corpus.problems:
        print(f"citebot: {field(str(problem))}", file=sys.stderr)
    if args.command == "index":
        print(f"{len(corpus.documents)} documents, {index.size} quotable sentences, "
              f"{time.perf_counter() - started:.2f} s ({stats['read']} of {stats['files']} files read, "
              f"{stats['indexed']} indexed, {stats['removed']} removed)")
        return 0
    if args.command == "ask":
        return cmd_ask(args, corpus, index)
    return cmd_sources(args, corpus)


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
