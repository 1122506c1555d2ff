"""Gates in front of the triage rules' patterns (bot/rule_gates.tsv, built by
bench/build_rule_gates.py): a pattern is searched only when the message holds one of its gate
words. A gate must never hide a match: gated and ungated triage must route every message alike."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.policy import Matcher, Policy, Reading, _windows, gate_key

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from build_rule_gates import gate  # noqa: E402

LABELED = Path(__file__).parent / "data" / "triage_labeled.jsonl"


def test_the_gate_file_is_what_the_rules_give():
    """Edit rules.toml without rebuilding the gates and this fails (the edited patterns would only
    be searched ungated: slower, never wrong)."""
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "build_rule_gates.py"), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def _messages() -> list[str]:
    own = [json.loads(line)["question"] for line in LABELED.read_text(encoding="utf-8").splitlines() if line.strip()]
    # long messages too, read in overlapping windows: each sign of danger or question at another place
    filler = "I went to the shops and then walked home along the river with my sister. "
    long = [filler * k + message + " " + filler * (12 - k) for k, message in zip(range(0, 13, 3), own[::60])]
    return own + long


def test_gated_and_ungated_triage_route_every_message_alike():
    gated, plain = Policy(), Policy(gates={})
    assert any(m.plain_gated or m.marked_gated for r in gated.rules for m in (r.matches, r.excepted))
    for message in _messages():
        a, b = gated.read(message), plain.read(message)
        for wa, wb in zip(_windows(a), _windows(b)):
            for ra, rb in zip(gated.rules, plain.rules):
                assert ra.matches.any(wa) == rb.matches.any(wb), (ra.id, message)
                assert ra.excepted.any(wa) == rb.excepted.any(wb), (ra.id, "unless", message)
        assert gated.decide(message) == plain.decide(message), message


def test_a_gated_pattern_is_searched_only_when_the_message_holds_a_gate_word():
    pattern = r"\bkill\b"
    reading = Reading("i could kill for a coffee", "i could kill for a coffee")
    assert Matcher([pattern], "", {}).any(reading)
    assert not Matcher([pattern], "", {gate_key(pattern): frozenset({"zebra"})}).any(reading)
    assert Matcher([pattern], "", {gate_key(pattern): frozenset({"zebra", "coffee"})}).any(reading)


def test_a_gated_pattern_is_compiled_only_when_a_message_first_holds_a_gate_word():
    """A start compiles none of the gated patterns (test_gated_and_ungated_... compiles them all)."""
    pattern = r"\bkill\b"
    matcher = Matcher([pattern], "", {gate_key(pattern): frozenset({"kill"})})
    (lazy, _), = matcher.plain_gated
    assert lazy.compiled is None
    assert not matcher.any(Reading("a quiet day", "a quiet day"))
    assert lazy.compiled is None
    assert matcher.any(Reading("i could kill for a coffee", "i could kill for a coffee"))
    assert lazy.compiled is not None


@pytest.mark.parametrize(("pattern", "matches"), [
    (r"\b(kill|end) (my ?self|me)\b", ["kill myself", "end my self", "kill me"]),
    (r"\b(i|im) (finally )?(set|picked) (a|the) date\b", ["im finally set a date", "i picked the date"]),
    (r"\bhow (much|many)\b.*\b(take|use)\b", ["how much should i take", "how many can i use"]),
    (r"\bsafe\b(?!ty)", ["is it safe", "safe now"]),
    (r"\b(stop|quit)(ping|ting)?\b", ["stopping", "quit"]),
    (r"\bdos(e|es|ing)?\b", ["dos", "the dosing", "two doses"]),
])
def test_every_match_holds_a_gate_word(pattern, matches):
    words = gate(pattern)
    assert words
    for text in matches:
        reading = Reading(text, text)
        assert Matcher([pattern], "", {}).any(reading), text
        assert not words.isdisjoint(reading.plain_words), (pattern, text, words)


def test_a_part_after_too_many_spellings_still_starts_a_word():
    """Past SPELLINGS_AT_MOST spellings the run is cut; a part that follows a space or a word
    boundary in every spelling still starts a word, so its own words can gate: here the colours,
    which are longer than the numbers before them."""
    numbers = "one|two|three|four|five|six|seven|eight"
    colours = "crimson|scarlet|azure|indigo|violet|silver|golden|ebony|ivory"
    pattern = rf"\b({numbers}) ({colours})\b \S+$"
    assert gate(pattern) == frozenset(colours.split("|"))
    assert gate(rf"\b({numbers})({colours})\b \S+$") != frozenset(colours.split("|"))  # glued: no word start


@pytest.mark.parametrize("pattern", [
    r"(very )?bad\b",  # "bad" may end a longer word ("notbad"): no whole word is sure
    r"\b[a-z]+cide\b",  # no exact text
    r"\b(\w+)\1\b",  # a back-reference, and nothing exact
    r"\bod(ed|ing)?\b",  # words too short to gate by ("od")
    r"(?i)\bkill\b",  # case-insensitive: not read
    r"\b(kill|\w+) me\b",  # one alternative needs no word
])
def test_a_pattern_no_word_is_sure_of_gets_no_gate(pattern):
    assert gate(pattern) is None


def _needs_script(items, script) -> bool:
    """Whether every match of these parsed items holds a character `script` matches (conservative:
    False whenever it cannot tell)."""
    from re import _constants as sre  # noqa: PLC2701 - the pattern's parsed form, as the gate builder reads it

    def one(op, av) -> bool:
        if op is sre.LITERAL:
            return script.match(chr(av)) is not None
        if op is sre.IN:
            return bool(av) and all(o is sre.LITERAL and script.match(chr(a)) for o, a in av)
        if op is sre.SUBPATTERN:
            return _needs_script(av[-1], script)
        if op is sre.BRANCH:
            return all(_needs_script(branch, script) for branch in av[1])
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            return av[0] >= 1 and _needs_script(av[2], script)
        return False

    return any(one(op, av) for op, av in items)


def test_a_rule_searched_only_in_its_own_script_can_match_nothing_else():
    """Chinese and Arabic rules are not searched in a message without a character of their script
    (bot/language.py, SCRIPTS): so every pattern of theirs must need one, or a message could be
    missed. A pattern with a branch of Latin letters alone would fail here."""
    from re import _parser as sre_parser  # noqa: PLC2701

    from bot.language import SCRIPTS

    policy = Policy()
    scripted = [rule for rule in policy.rules if rule.script is not None]
    assert {rule.script for rule in scripted} == set(SCRIPTS)
    for rule in scripted:
        for pattern in rule.patterns:
            assert _needs_script(list(sre_parser.parse(pattern)), SCRIPTS[rule.script]), (rule.id, pattern)
        for pattern in rule.patterns + rule.unless:  # compiled only when first needed at run time: compiled here
            re.compile(pattern)
    assert not _needs_script(list(sre_parser.parse("(我)?(x|想)")), SCRIPTS["zh"])  # the check can fail


def test_a_message_without_the_script_is_not_searched_by_its_rules_and_one_with_it_is():
    policy = Policy()
    chinese = next(rule for rule in policy.rules if rule.id == "crisis.zh")
    assert policy.decide("I do not want to live any more").outcome == "crisis"
    # not even compiled by an English message: a start does not pay for them
    assert all(p.compiled is None for p in chinese.matches.plain + chinese.matches.marked)  # type: ignore[union-attr]
    assert chinese.fires(policy.read("我不想活了"))
    assert "zh" not in policy.read("I do not want to live").scripts
    assert policy.read("my friend wrote 我不想活了 tonight").scripts == {"zh"}
    assert policy.decide("my friend wrote 我不想活了 tonight").outcome == "crisis"
