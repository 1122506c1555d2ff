"""Triage: whether a question is a crisis, a question to refer to a clinician, or for the sources.

The rules and every message they give are data in `rules.toml`; this module only reads and applies
them (crisis rules first, so crisis > refer > answer / no_answer). Rules read the question's shape,
never a list of drugs, so a medicine the corpus has never seen is triaged like any other.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from rapidfuzz import fuzz, process

from . import lexicon
from .language import ENGLISH_FUNCTION_WORDS, SCRIPTS, detect
from .model import Reply
from .settings import DEFAULT_COUNTRY, country_of
from .triage_model import TriageModel

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_MIXED = re.compile(r"(?<![\w@$])(?=[\w@$]*[a-z])(?=[\w@$]*[0-9@$])[\w@$]+")
_PLUS = re.compile(r"(?<=\w)(?:\s+\+\s*|\+)(?=\w)")  # "a + b", "a +b", "a+b"; not "C++", "B+ blood", "18+"
_UNIT_AFTER_NUMBER = re.compile(r"^\d+(\.\d+)?[a-z]{1,5}$")
_PATTERN_WORD = re.compile(r"[a-z]{4,}")
_ESCAPE = re.compile(r"\\[a-zA-Z]")
_EXPANDED = {" whats ": " what is ", " hows ": " how is ", " whos ": " who is ", " wheres ": " where is ",
             " whens ": " when is ", " thats ": " that is ", " theres ": " there is "}
_CONTRACTIONS = re.compile("|".join(map(re.escape, _EXPANDED)))
FUZZY_MIN_SCORE = 80
_ASKING = frozenset({"how", "why", "where", "who"})


@dataclass(frozen=True)
class Reading:
    """A question as rules read it: `plain`, and `marked` with each substance numbered in order of
    first mention (ketamine·s1 ... xanax·s2), which the {SUBSTANCE} macros match."""

    plain: str
    marked: str

    @cached_property
    def plain_words(self) -> frozenset[str]:
        """Its words (runs of word characters), which a pattern's gate is tested against."""
        return frozenset(_WORD.findall(self.plain))

    @cached_property
    def marked_words(self) -> frozenset[str]:
        return frozenset(_WORD.findall(self.marked))

    @cached_property
    def scripts(self) -> frozenset[str]:
        """The languages of language.SCRIPTS whose writing the reading holds a character of: the
        rules of such a language can only match a message that does (a test proves it of every
        pattern), so they are not searched in others."""
        return frozenset(language for language, script in SCRIPTS.items() if script.search(self.plain))


@dataclass(frozen=True)
class Decision:
    """Where a message goes and why: the rule that fired, or the learned model and its score."""

    outcome: str  # crisis, refer or answer
    rule: str | None = None
    topic: str | None = None
    score: float | None = None


MODEL_TOPIC = "dosing or treatment"


class Matcher:
    """Whether any of some patterns matches a reading: the patterns written with macros are read
    against Reading.marked, the others against Reading.plain.

    A pattern with a gate in bot/rule_gates.tsv (words one of which any match holds: built by
    bench/build_rule_gates.py) is searched alone, and only when the reading holds one of them: most
    patterns are ruled out for most messages by a set test. The others that start at a word
    boundary are searched as one alternation, a search that tries every position anyway; a pattern
    that starts with its own letters is searched alone, where the engine skips straight to those
    letters (in an alternation it could not: crisis.zh's patterns took three times as long on
    English posts), and so is one anchored at the start, which alone is tried there only. A pattern
    that refers back to a group of its own is searched alone too: in an alternation its group
    numbers would shift. A gated pattern is compiled the first time a reading holds one of its
    gate words (most never are, in a process that reads a few messages): compiling them all was
    two thirds of a warm `citebot ask`'s start."""

    __slots__ = ("plain", "marked", "plain_gated", "marked_gated", "expanded")

    def __init__(self, sources: list[str], treatment: str, gates: dict[str, frozenset[str]] | None = None,
                 lazy: bool = False) -> None:
        """`lazy`: every pattern is compiled when first searched with (a rule of its own script's)."""
        plain: list[str] = []
        marked: list[str] = []
        alone: list[tuple[re.Pattern[str] | _Lazy, bool]] = []
        gated: list[tuple[_Lazy, frozenset[str], bool]] = []
        self.expanded = tuple(_expand(raw, treatment) for raw in sources)  # as written, macros filled in
        for raw, expanded in zip(sources, self.expanded):
            is_marked = _MACRO.search(raw) is not None
            words = (gates or {}).get(gate_key(expanded))
            if words:
                gated.append((_Lazy(expanded), words, is_marked))
            elif _BACKREFERENCE.search(expanded) or not expanded.startswith("\\b"):
                alone.append((_Lazy(expanded) if lazy else re.compile(expanded), is_marked))
            else:
                (marked if is_marked else plain).append(expanded)
        self.plain = tuple(p for p, m in alone if not m) + _alternation(plain, lazy)
        self.marked = tuple(p for p, m in alone if m) + _alternation(marked, lazy)
        self.plain_gated = tuple((p, w) for p, w, m in gated if not m)
        self.marked_gated = tuple((p, w) for p, w, m in gated if m)

    def any(self, reading: Reading) -> bool:
        if self.plain_gated:
            words = reading.plain_words
            if any(not needs.isdisjoint(words) and p.search(reading.plain) for p, needs in self.plain_gated):
                return True
        if self.marked_gated:
            words = reading.marked_words
            if any(not needs.isdisjoint(words) and p.search(reading.marked) for p, needs in self.marked_gated):
                return True
        return any(p.search(reading.plain) for p in self.plain) or any(p.search(reading.marked) for p in self.marked)


class _Lazy:
    """A pattern compiled when first searched with: every gated pattern (bot/rule_gates.tsv gates
    only patterns that bench/build_rule_gates.py parsed with Python's own parser), and every pattern
    of a rule searched only in its own script. Tests compile every bundled pattern."""

    __slots__ = ("source", "compiled")

    def __init__(self, source: str) -> None:
        self.source = source
        self.compiled: re.Pattern[str] | None = None

    def search(self, text: str) -> re.Match[str] | None:
        if self.compiled is None:
            self.compiled = re.compile(self.source)
        return self.compiled.search(text)


GATES = Path(__file__).with_name("rule_gates.tsv")
_WORD = re.compile(r"\w+")


def gate_key(pattern: str) -> str:
    """A pattern's key in rule_gates.tsv: a changed pattern has another, and so no gate."""
    return hashlib.sha1(pattern.encode("utf-8")).hexdigest()[:16]


def read_gates(path: Path = GATES) -> dict[str, frozenset[str]]:
    """The gates of rule_gates.tsv (none if it is missing: every pattern is then searched)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    gates = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, words = line.partition("\t")
            gates[key] = frozenset(words.split())
    return gates


def _alternation(patterns: list[str], lazy: bool = False) -> tuple[re.Pattern[str] | _Lazy, ...]:
    if not patterns:
        return ()
    source = patterns[0] if len(patterns) == 1 else "|".join(f"(?:{p})" for p in patterns)
    return (_Lazy(source) if lazy else re.compile(source),)


@dataclass(frozen=True)
class Rule:
    id: str
    outcome: str
    topic: str
    matches: Matcher
    excepted: Matcher
    script: str | None = None  # a key of SCRIPTS: the rule is only searched in a reading that holds it

    @property
    def patterns(self) -> tuple[str, ...]:
        return self.matches.expanded

    @property
    def unless(self) -> tuple[str, ...]:
        return self.excepted.expanded

    def fires(self, reading: Reading) -> bool:
        if self.script is not None and self.script not in reading.scripts:
            return False
        return self.matches.any(reading) and not self.excepted.any(reading)


_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=")
_SUBSTANCE = r"\b\w+·s\d+\b"
_SECOND_SUBSTANCE = r"·s2\b"
_MACRO = re.compile(r"\{(SUBSTANCE|SECOND_SUBSTANCE|TREATMENT)\}")
_NAMED = re.compile(r"\{([A-Z][A-Z_]*)\}")  # a macro above, or one of rules.toml's [fragments]


def _treatment(treatments: list[str]) -> str:
    """What {TREATMENT} stands for: a listed treatment or any substance."""
    return r"(?:\b(?:" + "|".join(map(re.escape, treatments)) + r")\b|" + _SUBSTANCE + ")"


def _expand(source: str, treatment: str) -> str:
    """A rule pattern with its {MACROS} filled in ({TREATMENT} with `treatment`), its letters read
    as `normalise` reads a message's: without their accents or marks. A pattern written with them
    ("زائدة", "compañero") would otherwise never match a message, which never holds them."""
    if not source.isascii():
        source = _without_marks(source)
    source = source.replace("{SECOND_SUBSTANCE}", _SECOND_SUBSTANCE)
    return source.replace("{SUBSTANCE}", _SUBSTANCE).replace("{TREATMENT}", treatment)


def _deleet(token: str) -> str:
    """'k3tamine' -> 'ketamine', but '25mg' and '0.5ml' stay as they are."""
    if _UNIT_AFTER_NUMBER.match(token) or token.isdigit():
        return token
    return token.translate(_LEET)


def _without_marks(text: str) -> str:
    """Letters without their accents or marks ("é" -> "e", "أ" -> "ا"), composed again."""
    return unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFKD", text)
                                                if not unicodedata.combining(c)))


def normalise(question: str) -> str:
    """The question as rules read it: lower case, plain letters and digits without accents, single spaces."""
    # "ß" as "ss" ("erschießen" is read as the rules spell it, "erschiessen"), as casefold would
    text = _without_marks(unicodedata.normalize("NFKC", question).lower().replace("ß", "ss"))
    text = text.replace("’", "'").replace("`", "'").replace("'", "")
    text = _MIXED.sub(lambda m: _deleet(m.group()), text)
    text = _PLUS.sub(" plus ", text)  # "xanax + alcool ?": the sign joins two things, as "plus" does
    text = re.sub(r"[\W_]+", " ", text)
    text = _CONTRACTIONS.sub(lambda m: _EXPANDED[m.group()], f" {text} ")
    return " ".join(text.split())


class Glosses:
    """Word-for-word English glosses by language (gloss.toml): idioms dropped first, then phrases of
    several words, then single words; a word not listed stays as it is."""

    def __init__(self, data: dict) -> None:
        data = dict(data)
        idioms = data.pop("idioms", {})
        self.danger = frozenset(data.pop("danger", ()))
        ambiguous = data.pop("ambiguous", {})
        medicine = data.pop("refer", {})
        self.tables = {language: _gloss_table(table, idioms.get(language, ())) for language, table in data.items()}
        # the tables a dosing or treatment question is read by: the medicine words added, the words of
        # two meanings left out
        self.refer_tables = {
            language: _gloss_table({k: v for k, v in {**table, **medicine.get(language, {})}.items()
                                    if k not in ambiguous.get(language, ())}, idioms.get(language, ()))
            for language, table in data.items()
        }

    def read(self, plain: str, language: str) -> str | None:
        """A reading (Policy.read's plain text) in English word for word; None for a language with
        no glosses, or when the English holds no word of danger (gloss.toml's `danger`)."""
        english = self.english(plain, language)
        return english if english and not self.danger.isdisjoint(english.split()) else None

    def language_of(self, plain: str, told: str | None = None) -> str | None:
        """The language whose glosses hold the most phrases of a reading, and words that are no
        English words ("welches", "conviene"; never "die" or "casa", which English dictionaries
        list too). `told`, the language function words tell (language.detect), unless another's
        glosses hold more; else the one whose glosses hold at least two, more than the reading's
        English function words and more than any other language's; None else. Function words
        alone tell a short question's language badly: "Welches Schlafmittel empfehlen Sie?" holds
        none of them, and "¿Me conviene pasar de X a Y?" is told as Portuguese."""
        words = plain.split()
        least = max(2, sum(w in ENGLISH_FUNCTION_WORDS for w in words) + 1)  # more than its English words
        if told not in self.refer_tables and sum(not lexicon.is_english_word(w) for w in words) < least:
            return None  # an English question, most often
        known = {language: self._known_words(plain, language) for language in self.refer_tables}
        counts = sorted(known.values(), reverse=True)
        most = counts[0]
        if told is not None and told in known and known[told] >= most:
            return told
        alone = len(counts) == 1 or counts[1] < most
        return next(language for language, n in known.items() if n == most) if most >= least and alone else None

    def _known_words(self, plain: str, language: str) -> int:
        """How many of a reading's phrases, and of its other words that English dictionaries do not
        list, the language's glosses hold."""
        _, phrases, table = self.refer_tables[language]
        rest, found = phrases.subn(" ", plain) if phrases is not None else (plain, 0)
        return found + sum(w in table and not lexicon.is_english_word(w) for w in rest.split())

    def english(self, plain: str, language: str, refer: bool = False) -> str | None:
        """A reading in English word for word, whatever it holds; None for a language with no glosses.
        `refer`: read for a dosing or treatment question (gloss.toml's medicine words added, its
        words of two meanings left as they are)."""
        tables = self.refer_tables if refer else self.tables
        if language not in tables:
            return None
        idioms, phrases, table = tables[language]
        if idioms is not None:
            plain = idioms.sub(" ", plain)
        if phrases is not None:  # a phrase's gloss is kept whole, joined by NULs, until the words are read
            plain = phrases.sub(lambda m: table[m.group()].replace(" ", "\x00"), plain)
        words = " ".join(w.replace("\x00", " ") if "\x00" in w else table.get(w, w) for w in plain.split())
        return " ".join(words.split()) or None


GlossTable = tuple[re.Pattern[str] | None, re.Pattern[str] | None, dict[str, str]]


def _gloss_table(table: dict[str, str], idioms: Iterable[str]) -> GlossTable:
    """A language's idioms, its phrases (longest first) and its table of words and phrases."""
    phrases = sorted((k for k in table if " " in k), key=len, reverse=True)
    idiom = "|".join(f"(?:{p})" for p in idioms)
    return (re.compile(idiom) if idiom else None,
            re.compile(r"\b(" + "|".join(map(re.escape, phrases)) + r")\b") if phrases else None,
            table)


class Policy:
    def __init__(self, path: str | Path | None = None, gates: dict[str, frozenset[str]] | None = None) -> None:
        """The rules of `path` (default: the bundled rules.toml); `gates`, each pattern's gate
        words by `gate_key` (default: bot/rule_gates.tsv's; {} searches every pattern)."""
        if path:
            raw = Path(path).read_text(encoding="utf-8")
        else:
            raw = Path(__file__).with_name("rules.toml").read_text(encoding="utf-8")
        data = tomllib.loads(raw)
        messages = dict(data["messages"])
        self.crisis_by_language: dict[str, str] = messages.pop("crisis_by_language", {})
        self.messages: dict[str, str] = messages
        self.contacts: dict[str, tuple[tuple[str, str], ...]] = {
            locale: tuple((name, contact) for name, contact in entries)
            for locale, entries in data["crisis_contacts"].items()
        }
        self.locale_aliases: dict[str, str] = data.get("locale_aliases", {})
        self.words: dict[str, list[str]] = data.get("words", {})
        treatment = _treatment(self.words.get("treatments", []))
        gates = read_gates() if gates is None else gates
        self._kinds: dict[str, list[str]] = data.get("unless_kinds", {})
        self._fragments: dict[str, str] = data.get("fragments", {})
        self.rules = tuple(self._rule(r, treatment, gates) for r in data["rule"])
        vetoes = data.get("model", {})
        self.crisis_model_unless = tuple(re.compile(p) for p in vetoes.get("crisis_unless", ()))
        refer_unless = {"id": "model.refer", "unless": vetoes.get("refer_unless", []),
                        "unless_kinds": vetoes.get("refer_unless_kinds", [])}
        self.refer_model_unless = tuple(re.compile(p) for p in self._unless(refer_unless))
        self.refer_model_needs = tuple(re.compile(p) for p in vetoes.get("refer_needs", ()))

    def _rule(self, rule: dict, treatment: str, gates: dict[str, frozenset[str]]) -> Rule:
        """A rule of rules.toml; one of a language with a script of its own compiles its patterns
        only when a message first holds that script."""
        language = _language_of(rule["id"])
        script = language if language in SCRIPTS else None
        lazy = script is not None
        patterns = [self._filled(p, rule["id"]) for p in rule["patterns"]]
        unless = [self._filled(p, rule["id"]) for p in self._unless(rule)]
        return Rule(rule["id"], rule["outcome"], rule["topic"], Matcher(patterns, treatment, gates, lazy),
                    Matcher(unless, treatment, gates, lazy), script)

    def _filled(self, pattern: str, rule_id: str) -> str:
        """A pattern with each {NAME} of rules.toml's [fragments] written out: a long list of words
        that several patterns share (the signs of a body failing) is written and reviewed once."""
        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            if _MACRO.fullmatch(match.group()):
                return match.group()  # filled in later, by _expand
            if name not in self._fragments:
                raise ValueError(f"rule {rule_id}: no [fragments] named {name}")
            return "(?:" + self._fragments[name] + ")"
        return _NAMED.sub(fill, pattern)

    def _unless(self, rule: dict) -> list[str]:
        """A rule's own `unless` patterns, then those of the kinds it names in `unless_kinds`."""
        unknown = [k for k in rule.get("unless_kinds", []) if k not in self._kinds]
        if unknown:
            raise ValueError(f"rule {rule['id']}: no [unless_kinds] named {', '.join(unknown)}")
        return rule.get("unless", []) + [p for k in rule.get("unless_kinds", []) for p in self._kinds[k]]

    @cached_property
    def model(self) -> TriageModel:
        return TriageModel()

    @cached_property
    def vocabulary(self) -> list[str]:
        """The words the English rules are written in, which a misspelt word of a question is read as."""
        return sorted(self._words_of(rule for rule in self.rules if not _in_other_language(rule.id)))

    @cached_property
    def _known(self) -> frozenset[str]:
        """Every rule's words, in every language: a word here is never read as another."""
        return frozenset(self._words_of(self.rules))

    def _words_of(self, rules) -> set[str]:
        words = set()
        for rule in rules:
            for pattern in rule.patterns + rule.unless:
                words.update(_PATTERN_WORD.findall(_ESCAPE.sub(" ", pattern)))
        for listed in self.words.values():
            words.update(w for w in listed if len(w) >= 4)
        return words

    @cached_property
    def _multiword_substances(self) -> re.Pattern[str]:
        names = sorted((s for s in self.words.get("substances", ()) if " " in s), key=len, reverse=True)
        return re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b") if names else re.compile(r"(?!)")

    def read(self, question: str, glossed: bool = False, unknown_substances: bool = True) -> Reading:
        """The question as rules read it. A misspelt word is read as the rule word it is closest
        to; a listed substance, or a word no English dictionary knows (most often a medicine's
        name), is a substance. A `glossed` question (English glosses among words of another
        language) has no word read as another: "normandie" stays itself, never "norman die". Without
        `unknown_substances`, a word no English dictionary knows is only a word, unless listed."""
        substances = set(self.words.get("substances", ()))
        plain: list[str] = []
        marked: list[str] = []
        numbers: dict[str, int] = {}

        def substance(name: str) -> str:
            return f"{name}·s{numbers.setdefault(name, len(numbers) + 1)}"

        folded = normalise(question)
        # Two English words typed without the space between them are read apart ("takea" -> "take
        # a"); a word of another language is not ("ferme" is no "fer me", "Normandie" no "Norman die").
        english = not glossed and detect(question, folded) is None
        text = self._multiword_substances.sub(lambda m: m.group().replace(" ", "_"), folded)
        for token in self._retyped(text.split()):
            if "_" in token:
                plain.append(token.replace("_", " "))
                marked.append(substance(token))
                continue
            is_substance = token in substances
            if not is_substance and len(token) >= 4 and token.isalpha() and token not in self._known \
                    and not lexicon.is_english_word(token):
                # A misspelt word is read as the English rule word it is closest to in an English
                # message only: in another language it is a word of that language ("peuvent" is no
                # "prevent", "c'est" no "chest"), which that language's rules read as it is.
                match = process.extractOne(token, self.vocabulary, scorer=fuzz.ratio,
                                           score_cutoff=FUZZY_MIN_SCORE) if english else None
                if match is not None and match[0][0] == token[0]:
                    token = match[0]
                elif parts := (lexicon.split_glued(token) if english and token.isascii() and len(token) >= 5 else None):
                    plain.append(parts[0])  # two words typed without the space between them: "takea" -> "take a"
                    marked.append(parts[0])
                    token = parts[1]
                else:
                    is_substance = unknown_substances
            plain.append(token)
            marked.append(substance(token) if is_substance else token)
        return Reading(" ".join(plain), " ".join(marked))

    def _retyped(self, tokens: list[str]) -> list[str]:
        """A "dose" right after how, why, where or who is read as the "does" it was meant to be."""
        out: list[str] = []
        for token in tokens:
            out.append("does" if token == "dose" and out and out[-1] in _ASKING else token)
        return out

    def rule_for(self, question: str) -> Rule | None:
        """The first reviewed rule that fires, if any."""
        return self._rule_for(self.read(question))

    def _rule_for(self, reading: Reading, rules: tuple[Rule, ...] | None = None) -> Rule | None:
        """The first of `rules` (default: all, in the file's order, so crisis first) that fires
        anywhere in the message.

        A long message is read in overlapping windows of WINDOW words: a sign of danger is a
        phrase, and patterns such as "i ... die" cost time in the square of what they scan."""
        windows = _windows(reading)
        return next((rule for rule in (self.rules if rules is None else rules) if any(rule.fires(w) for w in windows)), None)

    @cached_property
    def _english_rules(self) -> dict[str, tuple[Rule, ...]]:
        """The rules written for English, by outcome: those a message's English gloss is read by
        (its crisis rules for a crisis, its dosing and treatment rules for a referral)."""
        by_outcome: dict[str, list[Rule]] = {}
        for rule in self.rules:
            if not _in_other_language(rule.id):
                by_outcome.setdefault(rule.outcome, []).append(rule)
        return {outcome: tuple(rules) for outcome, rules in by_outcome.items()}

    def _model_crisis(self, plain: str, score: float) -> bool:
        """Whether the crisis model's score routes a reading to crisis, its reviewed vetoes heard."""
        return score >= self.model.crisis_threshold and not any(p.search(plain) for p in self.crisis_model_unless)

    def decide(self, question: str) -> Decision:
        """Crisis rules, then the crisis model, then refer rules (and the English ones on a gloss of
        the message), then the refer model: crisis > refer > answer, and a missed crisis or dosing
        question is the error to avoid."""
        reading = self.read(question)
        rule = self._rule_for(reading)
        if rule is not None and rule.outcome == "crisis":
            return Decision("crisis", rule.id, rule.topic)
        scores = self.model.scores(reading.plain)
        if self._model_crisis(reading.plain, scores.crisis):
            return Decision("crisis", "model.crisis", "danger to life", round(scores.crisis, 2))
        language = detect(reading.plain)
        glossed = self._crisis_in_gloss(reading, language)
        if glossed is not None:
            return glossed
        if rule is not None:
            return Decision(rule.outcome, rule.id, rule.topic)
        glossed = self._refer_in_gloss(reading, language)
        if glossed is not None:
            return glossed
        if scores.refer >= self.model.refer_threshold_for(language) and \
                self._model_may_refer(reading.plain):
            return Decision("refer", "model.refer", MODEL_TOPIC, round(scores.refer, 2))
        return Decision("answer")

    @cached_property
    def glosses(self) -> Glosses:
        """The English glosses of other languages' words (gloss.toml)."""
        return Glosses(tomllib.loads(Path(__file__).with_name("gloss.toml").read_text(encoding="utf-8")))

    def _crisis_in_gloss(self, reading: Reading, language: str | None) -> Decision | None:
        """A crisis that a message in Spanish, French, German, Portuguese or Italian shows when read
        word for word in English (gloss.toml) by the English crisis rules and the crisis model, with
        their vetoes; the rule id, or model.crisis, says so: "crisis.suicide@gloss.es". None else,
        and for a gloss that holds no word of danger. `language`: the message's (language.detect)."""
        glossed = self.glosses.read(reading.plain, language) if language else None
        if glossed is None:
            return None
        english = self.read(glossed, glossed=True)
        rule = self._rule_for(english, self._english_rules.get("crisis", ()))
        if rule is not None:
            return Decision("crisis", f"{rule.id}@gloss.{language}", rule.topic)
        score = self.model.scores(english.plain).crisis
        if self._model_crisis(english.plain, score):
            return Decision("crisis", f"model.crisis@gloss.{language}", "danger to life", round(score, 2))
        return None

    def _refer_in_gloss(self, reading: Reading, language: str | None) -> Decision | None:
        """A dosing or treatment question in Spanish, German, Portuguese or Italian that no rule of
        its own language catches, read word for word in English (gloss.toml) by the English dosing
        and treatment rules, with their exceptions: "dosing.timing@gloss.de". None else. French is
        read by its own rules only: they were written from real French questions, and on those
        (posos-fr-dev) the gloss referred about nine information questions for each one it caught.
        `language`: the message's (language.detect); the glosses' own count of its words decides."""
        if language not in (None, *_GLOSS_REFERS):
            return None
        language = self.glosses.language_of(reading.plain, language)
        glossed = self.glosses.english(reading.plain, language, refer=True) if language in _GLOSS_REFERS else None
        if glossed is None:
            return None
        english = self.read(glossed, glossed=True, unknown_substances=False)
        rule = self._rule_for(english, self._english_rules.get("refer", ()))
        return Decision("refer", f"{rule.id}@gloss.{language}", rule.topic) if rule is not None else None

    def _model_may_refer(self, plain: str) -> bool:
        needs = self.refer_model_needs
        return (not needs or any(p.search(plain) for p in needs)) and \
            not any(p.search(plain) for p in self.refer_model_unless)

    def contacts_for(self, locale: str | None = None) -> tuple[tuple[str, str], ...]:
        """Crisis contacts for a country or locale such as 'GB', 'en_AU' or 'en_IE.UTF-8' (the
        caller's settings say which: see bot/settings.py), else the default country's."""
        code = country_of(locale) or DEFAULT_COUNTRY
        code = self.locale_aliases.get(code, code)
        if code not in self.contacts and code in _EU_COUNTRIES:
            code = "EU"
        return self.contacts.get(code) or self.contacts["fallback"]

    def crisis_message(self, question: str, rule_id: str | None = None) -> str:
        """The crisis message in the message's language where its wording is reviewed, else English."""
        language = rule_id.rsplit(".", 1)[-1] if rule_id else None
        if language not in self.crisis_by_language:
            language = detect(question, normalise(question))
        return self.crisis_by_language.get(language or "", self.messages["crisis"])

    def triage(self, question: str, locale: str | None = None) -> Reply | None:
        """A crisis or refer reply, saying which rule (or the model, with its score) routed it;
        None for an information question."""
        decision = self.decide(question)
        if decision.outcome == "crisis":
            return Reply(question, "crisis", self.crisis_message(question, decision.rule), rule=decision.rule,
                         contacts=self.contacts_for(locale), score=decision.score)
        if decision.outcome == "refer":
            return Reply(question, "refer", self.messages["refer"].format(topic=decision.topic), rule=decision.rule,
                         score=decision.score)
        return None


WINDOW = 120  # words
OVERLAP = 30


def _windows(reading: Reading) -> list[Reading]:
    plain, marked = reading.plain.split(" "), reading.marked.split(" ")
    if len(plain) <= WINDOW or len(plain) != len(marked):
        return [reading]
    step = WINDOW - OVERLAP
    return [Reading(" ".join(plain[i:i + WINDOW]), " ".join(marked[i:i + WINDOW]))
            for i in range(0, len(plain) - OVERLAP, step)]


def _language_of(rule_id: str) -> str:
    """'crisis.zh' -> 'zh'; 'dosing' -> 'dosing' (an English rule's id names no language)."""
    return rule_id.rsplit(".", 1)[-1]


def _in_other_language(rule_id: str) -> bool:
    """'crisis.es', 'dosing.fr': the rules written for a language other than English."""
    return _language_of(rule_id) in _OTHER_LANGUAGES


_OTHER_LANGUAGES = frozenset({"es", "fr", "de", "pt", "it", "zh", "ar"})
_GLOSS_REFERS = ("es", "de", "pt", "it")  # the languages whose dosing and treatment questions a gloss reads


_EU_COUNTRIES = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IT LV LT LU MT NL PL PT RO SK SI ES SE".split()
)
