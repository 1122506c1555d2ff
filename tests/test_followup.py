"""Follow-up questions, read against the question before them, in the person's own words."""

from __future__ import annotations

import pytest

from bot.followup import filled, read_as


@pytest.mark.parametrize("previous, question, expected", [
    ("How does ketamine work?", "and its side effects?", "ketamine: its side effects?"),
    ("How does ketamine work?", "what about PTSD?", "ketamine: PTSD?"),
    ("How does ketamine work?", "How about for anxiety?", "ketamine: for anxiety?"),
    ("What is esketamine?", "is it addictive?", "esketamine: is it addictive?"),
    ("Does lithium affect the kidneys?", "and the thyroid?", "lithium kidneys: the thyroid?"),
])
def test_a_follow_up_is_read_with_the_subject_of_the_question_before(previous, question, expected):
    assert read_as(question, previous) == expected


@pytest.mark.parametrize("previous, question", [
    (None, "and its side effects?"),                               # nothing before it
    ("How does ketamine work?", "Who painted the Mona Lisa?"),     # a subject of its own
    ("How does ketamine work?", "What did the 2019 trial of esketamine find about it in older adults?"),  # long
    ("How does ketamine work?", "and how does ketamine work?"),    # nothing to add
])
def test_a_question_that_is_no_follow_up_is_read_as_typed(previous, question):
    assert read_as(question, previous) is None


def test_the_triage_also_reads_the_subject_where_the_follow_up_points_back():
    assert filled("how much of it?", "esketamine: how much of it?") == "how much of esketamine?"
    assert filled("and for PTSD?", "ketamine: for PTSD?") == "and for PTSD? ketamine"
