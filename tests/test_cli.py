"""`citebot ask` and `citebot sources` as people run them: real processes, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import read_source_text

ROOT = Path(__file__).resolve().parents[1]
SOURCE_KEYS = {"id", "title", "author", "publisher", "date", "url", "kind", "disclosure", "path", "file"}
QUOTE_KEYS = {"text", "start", "end", "line_start", "line_end", "score", "source", "also_in"}


def citebot(*args: str, stdin: str | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)


def check_shape(obj: dict) -> None:
    assert {"question", "outcome", "rule", "message", "quotes"} <= obj.keys()
    assert obj["outcome"] in ("answer", "no_answer", "refer", "crisis")
    assert isinstance(obj["question"], str) and isinstance(obj["message"], str)
    assert obj["rule"] is None or isinstance(obj["rule"], str)
    assert (obj["outcome"] == "answer") == bool(obj["quotes"])
    for quote in obj["quotes"]:
        assert set(quote) == QUOTE_KEYS
        for key in ("start", "end", "line_start", "line_end"):
            assert isinstance(quote[key], int)
        assert isinstance(quote["score"], float)
        assert set(quote["source"]) == SOURCE_KEYS
        assert all(set(s) == SOURCE_KEYS for s in quote["also_in"])
        for key in SOURCE_KEYS - {"id", "title", "path"}:
            assert quote["source"][key] is None or isinstance(quote["source"][key], str)


def test_ask_json_has_the_documented_shape_and_exact_quotes():
    questions = ["How does ketamine work?", "How many milligrams of ketamine should I use?",
                 "I am going to kill myself tonight", "Who painted the Mona Lisa?"]
    result = citebot("ask", "--json", stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    objs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["outcome"] for o in objs] == ["answer", "refer", "crisis", "no_answer"]
    assert [o["question"] for o in objs] == questions
    assert objs[1]["rule"] == "dosing" and objs[2]["rule"].startswith("crisis.")
    for obj in objs:
        check_shape(obj)
    for quote in objs[0]["quotes"]:
        text = read_source_text(str(ROOT / quote["source"]["path"]))
        assert text[quote["start"] : quote["end"]] == quote["text"]


def test_source_path_opens_from_any_directory(tmp_path):
    result = citebot("ask", "--json", "What is BDNF?", cwd=tmp_path)
    quote = json.loads(result.stdout)["quotes"][0]
    path = Path(quote["source"]["path"])
    opened = path if path.is_absolute() else tmp_path / path
    assert read_source_text(str(opened))[quote["start"] : quote["end"]] == quote["text"]


def test_ask_prints_numbered_quotes_with_their_origin():
    result = citebot("ask", "What is BDNF?")
    assert result.returncode == 0
    first = next(line for line in result.stdout.splitlines() if line.startswith("[1] "))
    assert "brain-derived neurotrophic factor (BDNF)" in first
    assert ("— The Expanding Role of Ketamine in Psychiatry · Lauro Amezcua-Patino, MD. FAPA · "
            "corpus/expanding-role-of-ketamine.txt:22") in first
    assert "blog post" in result.stdout


def test_ask_shows_kind_and_disclosure():
    result = citebot("ask", "--quotes", "3", "Ketamine functions as an open channel blocker of NMDA receptors")
    assert "2024-05-02" in result.stdout
    assert "discloses: Dr. Safa Rubaye serves as the Chief Medical Officer at HealoVerse" in result.stdout


def test_markup_and_escape_sequences_in_a_question_are_printed_as_text():
    result = citebot("ask", "[bold red]What is BDNF?[/] \x1b[31mred\x1b[0m")
    assert "\x1b" not in result.stdout
    assert "\\x1b[31m" in result.stdout and "[bold red]" in result.stdout


def test_stdin_json_stays_valid_for_odd_input():
    odd = ["", "   ", "[link=http://x]hi[/link]", "\x1b[2J", "مرحبا كيف يعمل الكيتامين", "🙂🙂", "x" * 5000]
    result = citebot("ask", "--json", stdin="\n".join(odd) + "\n")
    assert result.returncode == 0
    objs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(objs) == len([q for q in odd if q.strip()])
    for obj in objs:
        check_shape(obj)


def test_bad_corpus_path_exits_2_with_a_message(tmp_path):
    result = citebot("ask", "--corpus", str(tmp_path / "nope"), "What is BDNF?")
    assert result.returncode == 2
    assert "corpus folder not found" in result.stderr
    assert result.stdout == ""


def test_another_corpus_and_its_problems(tmp_path):
    (tmp_path / "lithium.md").write_text("# Lithium\n\nLithium is a mood stabiliser used for bipolar disorder.\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    result = citebot("ask", "--json", "--corpus", str(tmp_path), "What is lithium?")
    assert result.returncode == 0
    obj = json.loads(result.stdout)
    assert obj["outcome"] == "answer"
    assert obj["quotes"][0]["source"]["id"] == "lithium"
    assert "empty.txt" in result.stderr and "empty" in result.stderr


def test_sources_lists_the_metadata():
    result = citebot("sources")
    assert result.returncode == 0
    assert result.stdout.count("    kind: ") == 5 and result.stdout.count("    file: corpus/") == 5
    assert "Safa Rubaye, MD" in result.stdout and "url: unknown" in result.stdout
    as_json = [json.loads(line) for line in citebot("sources", "--json").stdout.splitlines()]
    assert len(as_json) == 5 and all(set(s) == SOURCE_KEYS for s in as_json)


def test_no_arguments_opens_the_chat_which_needs_a_terminal():
    result = citebot(stdin="")
    assert result.returncode == 2
    assert "the chat needs a terminal" in result.stderr and "citebot ask" in result.stderr


def test_chat_with_a_bad_corpus_exits_2(tmp_path):
    result = citebot("chat", "--corpus", str(tmp_path / "missing"))
    assert result.returncode == 2 and "corpus folder not found" in result.stderr


@pytest.mark.parametrize("question", ["What is NMDA?"])
def test_the_console_script_is_installed(question):
    exe = Path(sys.executable).with_name("citebot")
    if not exe.exists():
        pytest.skip("citebot is not installed in this environment")
    result = subprocess.run([str(exe), "ask", "--json", question], capture_output=True, text=True, timeout=120)
    assert json.loads(result.stdout)["outcome"] == "answer"


def test_crisis_reply_shows_the_contacts_of_the_chosen_locale():
    result = citebot("ask", "--locale", "GB", "I am going to kill myself tonight")
    assert "CRISIS" in result.stdout
    assert "Samaritans: 116 123" in result.stdout and "999" in result.stdout
    as_json = json.loads(citebot("ask", "--json", "--locale", "en_AU", "I want to die").stdout)
    assert {"name": "Lifeline", "contact": "13 11 14"} in as_json["contacts"]


@pytest.mark.parametrize("argv", [["--locale=GB"], ["--locale", "GB"], ["--corpus=corpus"], ["--corpus", "corpus"]])
def test_options_without_a_command_open_the_chat(argv):
    result = citebot(*argv)  # not a terminal here: the chat says so, which shows the options were taken
    assert result.returncode == 2
    assert "the chat needs a terminal" in result.stderr and "usage:" not in result.stderr


@pytest.mark.parametrize("argv, wrong", [
    (["index", "--json"], "--json"),
    (["index", "--locale", "GB"], "--locale"),
    (["sources", "--quotes", "2"], "--quotes"),
    (["ask", "--quotes", "0", "What is ketamine?"], "must be at least 1"),
    (["ask", "--quotes", "many", "What is ketamine?"], "not a whole number"),
])
def test_an_option_a_command_does_not_take_is_an_error_not_ignored(argv, wrong):
    result = citebot(*argv)
    assert result.returncode == 2 and "usage:" in result.stderr and wrong in result.stderr, result.stderr


def test_help_gives_examples_exit_codes_and_the_environment():
    result = citebot("--help")
    assert result.returncode == 0
    for text in ("examples:", "citebot ask", "exit codes:", "CITEBOT_CACHE_DIR", "CITEBOT_LOCALE"):
        assert text in result.stdout


def test_ask_answers_a_crisis_and_a_referral_even_when_the_corpus_cannot_be_used(tmp_path):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")  # nothing citebot can read
    questions = "I am going to kill myself tonight\nHow many milligrams of ketamine should I take?\nWhat is gout?\n"
    result = citebot("ask", "--json", "--corpus", str(tmp_path), stdin=questions)
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["outcome"] for r in replies] == ["crisis", "refer"]
    assert result.returncode == 2 and "no usable document" in result.stderr


def test_citations_name_files_inside_the_corpus_from_any_directory(tmp_path):
    """The bundled corpus is cited as corpus/<file>, a user's corpus by the path inside its folder,
    whichever directory citebot runs from and wherever it is installed; --json keeps a path that
    opens the file from the directory it ran in."""
    elsewhere = tmp_path / "elsewhere" / "deeper"
    elsewhere.mkdir(parents=True)
    result = citebot("ask", "What is BDNF?", cwd=elsewhere)
    first = next(line for line in result.stdout.splitlines() if line.startswith("[1] "))
    assert first.endswith(" · corpus/expanding-role-of-ketamine.txt:22"), first

    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "sub" / "lithium.md").write_text("# Lithium\n\nLithium is a mood stabiliser used for bipolar disorder.\n",
                                            encoding="utf-8")
    result = citebot("ask", "--corpus", str(docs), "What is lithium?", cwd=elsewhere)
    assert " · sub/lithium.md:3" in result.stdout and str(tmp_path) not in result.stdout, result.stdout
    source = json.loads(citebot("ask", "--json", "--corpus", str(docs), "What is lithium?", cwd=elsewhere).stdout)
    source = source["quotes"][0]["source"]
    assert source["file"] == "sub/lithium.md"
    opened = Path(source["path"]) if Path(source["path"]).is_absolute() else elsewhere / source["path"]
    assert opened.read_text(encoding="utf-8").startswith("# Lithium")


def test_many_copies_are_reported_in_one_line_and_listed_on_request(tmp_path):
    for i in range(40):
        (tmp_path / f"copy{i:02}.md").write_text("# Same\n\nLithium is a mood stabiliser.\n", encoding="utf-8")
    result = citebot("index", "--corpus", str(tmp_path))
    notices = [line for line in result.stderr.splitlines() if "same text as" in line]
    assert result.returncode == 0 and len(notices) == 1, result.stderr
    assert "and 38 more documents repeat another's text" in notices[0]
    listed = citebot("index", "--duplicates", "--corpus", str(tmp_path)).stdout
    assert sum(line.startswith("same text: ") for line in listed.splitlines()) == 39
