"""`citebot check` and the pytest plugin, run on question-test files written to disk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parents[1]

GOOD = '''
# comments are fine
[[case]]
name = "BDNF is quoted"
question = "What is BDNF?"
expect = "answer"
cite = ["expanding-role-of-ketamine"]
contains = ["neurotrophic"]

[[case]]
name = "dosing is referred"
question = "How many milligrams of ketamine should I use?"
expect = "refer"
rule = "dosing"
'''

FAILING = GOOD + '''
[[case]]
name = "wrongly expects the clinic page"
question = "What is BDNF?"
expect = "answer"
cite = ["soft-reboot-wellness-new-tool"]
not_contains = ["BDNF"]
'''


def citebot(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def test_all_passing_cases_exit_0(tmp_path):
    (tmp_path / "questions_ok.toml").write_text(GOOD, encoding="utf-8")
    result = citebot("check", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("PASS ") and lines[0].endswith("::BDNF is quoted")
    assert lines[-1] == "2 passed, 0 failed"


def test_a_failing_case_exits_1_and_prints_the_difference(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(FAILING, encoding="utf-8")
    result = citebot("check", str(path))
    assert result.returncode == 1
    out = result.stdout
    assert "FAIL " in out and "::wrongly expects the clinic page" in out
    assert "expected a quote from soft-reboot-wellness-new-tool" in out
    assert "expected no quote containing 'BDNF'" in out
    assert "brain-derived neurotrophic factor (BDNF)" in out  # the quote that came back
    assert out.splitlines()[-1] == "2 passed, 1 failed"


def test_a_broken_toml_file_exits_2_naming_the_line(tmp_path):
    path = tmp_path / "questions_bad.toml"
    path.write_text('[[case]]\nquestion = "What is BDNF?"\nexpect = answer\n', encoding="utf-8")
    result = citebot("check", str(path))
    assert result.returncode == 2
    assert f"{path}:3:" in result.stderr


def test_an_unusable_case_exits_2_naming_its_line(tmp_path):
    path = tmp_path / "questions_bad.toml"
    path.write_text(GOOD + '\n[[case]]\nquestion = "What is BDNF?"\nexpect = "maybe"\n', encoding="utf-8")
    result = citebot("check", str(path))
    assert result.returncode == 2
    assert f"{path}:16:" in result.stderr and "expect" in result.stderr


def test_json_gives_one_result_object_a_line(tmp_path):
    (tmp_path / "questions_f.toml").write_text(FAILING, encoding="utf-8")
    result = citebot("check", "--json", str(tmp_path))
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["passed"] for r in rows] == [True, True, False]
    assert rows[2]["reply"]["outcome"] == "answer" and rows[2]["problems"]
    assert result.stderr.strip().endswith("2 passed, 1 failed")


def test_junit_file_is_xml_with_one_testcase_per_case(tmp_path):
    (tmp_path / "questions_f.toml").write_text(FAILING, encoding="utf-8")
    report = tmp_path / "out" / "junit.xml"
    report.parent.mkdir()
    result = citebot("check", "--junit", str(report), str(tmp_path))
    assert result.returncode == 1
    suite = ElementTree.parse(report).getroot()
    assert suite.tag == "testsuite" and suite.get("tests") == "3" and suite.get("failures") == "1"
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["BDNF is quoted", "dosing is referred", "wrongly expects the clinic page"]
    assert cases[2].find("failure") is not None and cases[0].find("failure") is None


def test_corpus_option_and_file_corpus(tmp_path):
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "lithium.md").write_text("# Lithium\n\nLithium is a mood stabiliser used for bipolar disorder.\n", encoding="utf-8")
    case = '[[case]]\nquestion = "What is lithium?"\nexpect = "answer"\ncite = ["lithium"]\n'
    (tmp_path / "questions_own.toml").write_text('corpus = "docs"\n' + case, encoding="utf-8")
    assert citebot("check", str(tmp_path / "questions_own.toml")).returncode == 0
    (tmp_path / "plain.toml").write_text(case, encoding="utf-8")
    assert citebot("check", str(tmp_path / "plain.toml")).returncode == 1  # the bundled corpus knows no lithium
    assert citebot("check", "--corpus", str(corpus), str(tmp_path / "plain.toml")).returncode == 0


def test_pytest_collects_a_folder_holding_only_a_question_file(pytester):
    pytester.makefile(".toml", questions_demo=FAILING)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines([
        "*questions_demo.toml::BDNF is quoted PASSED*",
        "*questions_demo.toml::wrongly expects the clinic page FAILED*",
        "*expected a quote from soft-reboot-wellness-new-tool*",
    ])


def test_pytest_reports_a_broken_question_file_with_its_line(pytester):
    pytester.makefile(".toml", questions_broken='[[case]]\nquestion = "x"\nexpect = "answer"\nbogus = 1\n')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*questions_broken.toml:1: unknown key(s) bogus*"])
