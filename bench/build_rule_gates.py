"""Build bot/rule_gates.tsv: for each pattern of bot/rules.toml, words one of which any match holds.

    python bench/build_rule_gates.py          # rewrite bot/rule_gates.tsv (a second or two)
    python bench/build_rule_gates.py --check  # exit 1 if it is not what rules.toml gives now

Triage searches a rule's pattern only when the message holds one of the pattern's gate words
(bot/policy.py, Matcher): a plain set test that rules out most patterns for most messages, far
sooner than the regular expression engine trying every position of a long post. A gate is read
from the pattern's parsed form (Python's own parser, here at build time only): a run of parts
with a few exact spellings ("(kill|end) (my ?self|me)" spells "kill myself", "kill my self",
"kill me", ...), alternatives joined, optional and repeated parts read as they may be absent or
repeated, lookarounds passed over. Of each spelling, a word counts only where the pattern puts a
word boundary or a space on both its sides, so it is a whole word of the message as triage reads
it (`bot.policy.Reading.words`); a pattern with a spelling that holds no such word gets no gate and
is always searched. A pattern changed since the file was built has no line here, and is always
searched too: a stale file is slower, never wrong. Deterministic: the same rules give the same file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from re import _constants as sre  # noqa: PLC2701 - build time only: the runtime reads the file
from re import _parser as sre_parser  # noqa: PLC2701

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.policy import GATES, Policy, gate_key  # noqa: E402

SPELLINGS_AT_MOST = 64  # exact spellings kept for a run of parts, before the run is cut
WORD_AT_LEAST = 3  # letters: a shorter gate word ("i", "me") is in nearly every message
_EDGE = "\x00"  # a word boundary or the start or end of the text, inside a spelling
_EDGES = {sre.AT_BOUNDARY, sre.AT_BEGINNING, sre.AT_BEGINNING_STRING, sre.AT_END, sre.AT_END_STRING}


def gate(pattern: str) -> frozenset[str] | None:
    """Whole words one of which every match of `pattern` holds, or None."""
    parsed = sre_parser.parse(pattern)
    if parsed.state.flags & (sre.SRE_FLAG_IGNORECASE | sre.SRE_FLAG_VERBOSE):
        return None
    spelt, needed = _sequence(list(parsed))
    return _best([x for x in (spelt, needed) if x is not None])


def _words(spellings: set[str]) -> frozenset[str] | None:
    """The longest whole word of each spelling (None if one has none long enough)."""
    out = set()
    for spelling in spellings:
        pieces = spelling.replace(" ", _EDGE).split(_EDGE)
        whole = [p for p in pieces[1:-1] if p and p.isalnum()]  # delimited on both sides
        whole = [w for w in whole if len(w) >= WORD_AT_LEAST]
        if not whole:
            return None
        out.add(max(whole, key=lambda w: (len(w), w)))
    return frozenset(out)


def _best(candidates: list) -> frozenset[str] | None:
    """Of several requirements (sets of spellings, or of words already), the one whose shortest
    word is longest, then the one with fewest words."""
    sets = []
    for c in candidates:
        words = c if isinstance(c, frozenset) else _words(c)
        if words:
            sets.append(words)
    return max(sets, key=lambda s: (min(map(len, s)), -len(s), sorted(s))) if sets else None


def _sequence(items: list) -> tuple[set[str] | None, frozenset[str] | None]:
    """Every spelling of a sequence if it has few (else None), and the best gate a match needs."""
    run: set[str] = {""}
    found: list = []
    exact = True
    for op, arg in items:
        spelt, needed = _part(op, arg)
        if spelt is None:
            exact = False
            found.append(run)
            run = {""}
            if needed is not None:
                found.append(needed)
            continue
        longer = {a + b for a in run for b in spelt}
        if len(longer) > SPELLINGS_AT_MOST:
            exact = False
            found.append(run)
            # Cut here, the part still starts a word if every spelling before it ended one.
            edge = _EDGE if all(a[-1:] in (" ", _EDGE) for a in run) else ""
            run = {edge + b for b in spelt}
        else:
            run = longer
    found.append(run)
    return (run if exact else None), _best(found)


def _part(op, arg) -> tuple[set[str] | None, frozenset[str] | None]:
    if op is sre.LITERAL:
        return {chr(arg)}, None
    if op is sre.AT:
        return ({_EDGE} if arg in _EDGES else {""}), None
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return {""}, None
    if op is sre.SUBPATTERN:
        _, add_flags, _, body = arg
        if add_flags & (sre.SRE_FLAG_IGNORECASE | sre.SRE_FLAG_VERBOSE):
            return None, None
        return _sequence(list(body))
    if op is sre.BRANCH:
        branches = [_sequence(list(b)) for b in arg[1]]
        if all(spelt is not None for spelt, _ in branches):
            union = set().union(*(spelt for spelt, _ in branches if spelt is not None))
            if len(union) <= SPELLINGS_AT_MOST:
                return union, None
        words: set[str] = set()
        for spelt, needed in branches:
            best = _best([x for x in (spelt, needed) if x is not None])
            if best is None:  # an alternative that needs nothing: the whole needs nothing
                return None, None
            words |= best
        return None, frozenset(words)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, high, body = arg
        spelt, needed = _sequence(list(body))
        if low == high == 1:
            return spelt, needed
        if low == 0 and high == 1 and spelt is not None:
            return spelt | {""}, None
        if low >= 1:
            return None, _best([x for x in (spelt, needed) if x is not None])
        return None, None
    return None, None  # a class of characters, any character, a back-reference: no exact text


def build() -> str:
    policy = Policy(gates={})
    lines = {}
    for rule in policy.rules:
        for pattern in rule.patterns + rule.unless:
            words = gate(pattern)
            if words is not None:
                lines[gate_key(pattern)] = " ".join(sorted(words))
    header = "# built by bench/build_rule_gates.py from bot/rules.toml: pattern key, then its gate words\n"
    return header + "".join(f"{k}\t{v}\n" for k, v in sorted(lines.items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args()
    text = build()
    if args.check:
        current = GATES.read_text(encoding="utf-8") if GATES.exists() else ""
        if current != text:
            print(f"{GATES} is stale: run python bench/build_rule_gates.py", file=sys.stderr)
            return 1
        return 0
    GATES.write_text(text, encoding="utf-8")
    print(f"wrote {GATES}: {text.count(chr(10)) - 1} gated patterns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
