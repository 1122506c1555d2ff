"""The command line: `citebot ask` and `citebot sources`. It renders Replies; it decides nothing."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from typing import TextIO

from . import __version__
from .corpus import Corpus, CorpusError, load_corpus
from .model import Quote, Reply, Source

EXAMPLE = "How does ketamine work?"
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """Text safe to print on a terminal: control characters and escapes shown, not executed."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def origin(source: Source, line_start: int, line_end: int) -> str:
    parts = [source.title, source.author or source.publisher, source.date]
    lines = f"{line_start}" if line_start == line_end else f"{line_start}-{line_end}"
    parts.append(f"{source.path}:{lines}")
    return " · ".join(visible(p) for p in parts if p)


def nature(source: Source) -> str:
    parts = []
    if source.kind:
        parts.append(source.kind)
    if source.disclosure:
        parts.append(f"discloses: {source.disclosure}")
    return visible(" · ".join(parts))


def render_quote(number: int, quote: Quote) -> list[str]:
    text = " ".join(quote.text.split())
    lines = [f'[{number}] "{visible(text)}" — {origin(quote.source, quote.line_start, quote.line_end)}']
    if nature(quote.source):
        lines.append(f"    {nature(quote.source)}")
    for other in quote.also_in:
        lines.append(f"    also said in: {visible(other.title)} · {visible(other.path)}")
        if nature(other):
            lines.append(f"    {nature(other)}")
    return lines


def render_reply(reply: Reply) -> str:
    lines = []
    if reply.notice:
        lines.append(f"Note: {reply.notice}")
    if reply.outcome == "crisis":
        lines.append(f"!! CRISIS ({reply.rule}) !!")
        lines.append(reply.message)
        lines.extend(f"   {name}: {contact}" for name, contact in reply.contacts)
    elif reply.outcome == "refer":
        lines.append(f"-> Ask a clinician (rule: {reply.rule})")
        lines.append(reply.message)
    else:
        lines.append(reply.message)
        for number, quote in enumerate(reply.quotes, start=1):
            lines.extend(render_quote(number, quote))
    return "\n".join(lines)


def _questions(args: argparse.Namespace, stdin: TextIO) -> list[str] | TextIO:
    if args.question:
        return [" ".join(args.question)]
    return stdin


def cmd_ask(args: argparse.Namespace, corpus: Corpus) -> int:
    from .answer import Bot

    bot = Bot(corpus)
    first = True
    for line in _questions(args, sys.stdin):
        question = line.rstrip("\r\n")
        if not args.question and not question.strip():
            continue
        reply = bot.ask(question, limit=args.quotes, locale=args.locale)
        if args.json:
            print(json.dumps(reply.to_dict(), ensure_ascii=False))
        else:
            if not first:
                print()
            print(f"Q: {visible(question)}")
            print(render_reply(reply))
        sys.stdout.flush()
        first = False
    return 0


def cmd_sources(args: argparse.Namespace, corpus: Corpus) -> int:
    for doc in corpus.documents:
        src = doc.source
        if args.json:
            print(json.dumps(src.to_dict(), ensure_ascii=False))
            continue
        print(f"{visible(src.id)}: {visible(src.title)}")
        for label, value in (("author", src.author), ("publisher", src.publisher), ("date", src.date),
                             ("url", src.url), ("kind", src.kind), ("disclosure", src.disclosure), ("file", src.path)):
            print(f"    {label}: {visible(value) if value else 'unknown'}")
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
    runner = Runner(Path(args.corpus) if args.corpus else None)
    results = []
    try:
        for path in files:
            for result in runner.run(load_file(path)):
                results.append(result)
                if args.json:
                    print(json.dumps(result_dict(result), ensure_ascii=False))
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="citebot", description="Answers questions only by quoting its sources.")
    parser.add_argument("--version", action="version", version=f"citebot {__version__}")
    sub = parser.add_subparsers(dest="command")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--corpus", metavar="DIR", help="folder of .txt/.md/.jsonl(.gz) files (default: the bundled corpus)")
    common.add_argument("--json", action="store_true", help="one JSON object a line")
    ask = sub.add_parser("ask", parents=[common], help="answer questions (arguments, or one a line on standard input)")
    ask.add_argument("question", nargs="*", help="the question; none: read one question a line from standard input")
    ask.add_argument("--quotes", type=int, default=3, metavar="N", help="at most N quotes (default 3)")
    ask.add_argument("--locale", metavar="CODE", help="crisis contacts for a country: US, CA, GB, IE, AU, EU... "
                     "(default: $CITEBOT_LOCALE, else US)")
    sub.add_parser("sources", parents=[common], help="list the corpus's sources and their metadata")
    check = sub.add_parser("check", parents=[common], help="run question-test files (TOML) against the corpus")
    check.add_argument("paths", nargs="+", metavar="FILE_OR_DIR", help="question-test files, or folders holding "
                       "questions_*.toml / *.questions.toml files")
    check.add_argument("--junit", metavar="PATH", help="also write a JUnit XML report to PATH")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        print(f'\nTry: citebot ask "{EXAMPLE}"')
        return 0
    if args.command == "check":
        return cmd_check(args)
    try:
        corpus = load_corpus(args.corpus)
    except CorpusError as exc:
        print(f"citebot: {exc}", file=sys.stderr)
        return 2
    for problem in corpus.problems:
        print(f"citebot: {visible(str(problem))}", file=sys.stderr)
    if args.command == "ask":
        if args.quotes < 1:
            parser.error("--quotes must be at least 1")
        return cmd_ask(args, corpus)
    return cmd_sources(args, corpus)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
