"""Answers through the real pipeline on the bundled corpus: verbatim quotes, origins, abstention."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot import bridge
from bot.answer import Bot
from bot.model import OUTCOMES

from conftest import read_source_text


def line_of(text: str, offset: int) -> int:
    return len(re.findall(r"\r\n|\r|\n", text[:offset])) + 1


def assert_verbatim(reply) -> None:
    for quote in reply.quotes:
        for source in (quote.source,):
            text = read_source_text(source.path)
            assert text[quote.start : quote.end] == quote.text
            assert line_of(text, quote.start) == quote.line_start
            assert line_of(text, quote.end - 1) == quote.line_end


def test_every_quote_is_verbatim_at_its_offsets_and_lines(bot, bundled_questions):
    assert len(bundled_questions) >= 50
    answered = 0
    for question in bundled_questions:
        reply = bot.ask(question)
        assert reply.outcome in OUTCOMES
        assert (reply.outcome == "answer") == bool(reply.quotes)
        assert_verbatim(reply)
        answered += reply.outcome == "answer"
    assert answered >= 30  # the list is mostly questions the sources cover


def test_quotes_are_whole_quotable_sentences(bot, bundled_questions):
    for question in bundled_questions:
        for quote in bot.ask(question).quotes:
            doc = next(d for d in bot.corpus.documents if d.source.id == quote.source.id)
            starts = {s.start: s for s in doc.sentences}
            ends = {s.end: s for s in doc.sentences}
            assert quote.start in starts and quote.end in ends, quote.text
            covered = [s for s in doc.sentences if quote.start <= s.start and s.end <= quote.end]
            assert covered and all(s.boilerplate is None for s in covered), quote.text


def test_boilerplate_is_never_quoted(bot, bundled_questions):
    advert = re.compile(r"visit healoverse|sign up|start here|free consult|reach out|schedule a consultation|share on|"
                        r"comments are closed|views|650-419|copyright|always consult your doctor", re.I)
    for question in bundled_questions + ["Visit HealoVerse", "Sign up for a free consult", "Where is the clinic?"]:
        for quote in bot.ask(question).quotes:
            assert not advert.search(quote.text), (question, quote.text)


def test_question_about_the_advertised_consult_gets_no_answer(bot):
    reply = bot.ask("What does the free consult include?")
    assert reply.outcome == "no_answer"
    assert reply.quotes == ()


@pytest.mark.parametrize("question", [
    "Who painted the Mona Lisa?",
    "How does MDMA work in the brain?",
    "What is electroconvulsive therapy?",
    "What is esketamine?",
    "How does ketamine affect the liver?",
    "What is the capital of France?",
])
def test_off_topic_and_near_topic_questions_get_no_answer(bot, question):
    reply = bot.ask(question)
    assert reply.outcome == "no_answer"
    assert reply.message == bot.messages["no_answer"]


@pytest.mark.parametrize("typo, right", [
    ("How does ketamin work on the brain?", "How does ketamine work on the brain?"),
    ("What is the mechanizm of ketamine?", "What is the mechanism of ketamine?"),
    ("Does ketamine help with depresion?", "Does ketamine help with depression?"),
    ("What is glutamat?", "What is glutamate?"),
])
def test_typos_are_tolerated(bot, typo, right):
    got, want = bot.ask(typo), bot.ask(right)
    assert got.outcome == want.outcome == "answer"
    assert [q.text for q in got.quotes] == [q.text for q in want.quotes]


def test_a_real_word_is_not_bent_into_a_corpus_word(bot):
    # "liver" is one edit from the corpus's "lives": it must stay "liver", which no source covers.
    assert bot.index.correct("liver") is None
    assert bot.index.correct("ketamin") == "ketamine"


# A made-up page on other conditions. A question about a condition these pages never name is not
# answered by the nearest of them: its name is not read as a word they use.
_OTHER_CONDITIONS = """Conditions of the face and skull

In Nager syndrome, an affected person usually inherits the condition from one affected parent.

The list of signs and symptoms for Graham-Cox syndrome includes short stature and a small jaw.

The 11p11.2 deletion syndrome is a chromosome change that can affect many parts of the body.

Bleeding under the skin may cause petechiae (peh-TEE-key-ay), tiny red spots.
"""


@pytest.mark.parametrize("question, misread_as", [
    ("Is Pierson syndrome inherited?", "person"),  # one edit from a word the page uses
    ("What are the symptoms of Nelson syndrome?", "graham"),  # a name near another name in meaning
    ("What is 16p11.2 deletion syndrome?", "11p11"),  # a code one digit from another
    ("What is PEHO?", "peh"),  # an acronym one letter from a syllable the page uses
])
def test_a_name_or_code_the_sources_never_use_is_not_read_as_another_word(tmp_path, question, misread_as):
    (tmp_path / "conditions.txt").write_text(_OTHER_CONDITIONS, encoding="utf-8")
    reply = Bot.open(tmp_path).ask(question)
    assert reply.outcome == "no_answer", [q.text for q in reply.quotes]


_PDH = "Pyruvate dehydrogenase deficiency\n\nPyruvate dehydrogenase deficiency is inherited in an X-linked pattern.\n"
_KINASE = "Enzymes\n\nA kinase is an enzyme that adds phosphate groups to other molecules.\n"
_FHM = "Familial hemiplegic migraine\n\nFamilial hemiplegic migraine is inherited in an autosomal dominant pattern.\n"


@pytest.mark.parametrize("pages, question, outcome", [
    # a source titled for another deficiency of pyruvate does not answer for this one
    ({"pdh.txt": _PDH, "enzymes.txt": _KINASE}, "Is pyruvate kinase deficiency inherited?", "no_answer"),
    ({"pdh.txt": _PDH, "enzymes.txt": _KINASE}, "How is pyruvate kinase deficiency inherited?", "no_answer"),
    # ... unless its quote names the one asked about
    ({"pdh.txt": _PDH.replace("\n\n", "\n\nPyruvate kinase deficiency is inherited in an autosomal recessive pattern. "),
      "enzymes.txt": _KINASE}, "Is pyruvate kinase deficiency inherited?", "answer"),
    # a title with a word more before the kind still names it
    ({"fhm.txt": _FHM}, "Is hemiplegic migraine inherited?", "answer"),
    ({"pdh.txt": _PDH}, "Is pyruvate dehydrogenase deficiency inherited?", "answer"),
])
def test_a_source_on_another_thing_of_the_kind_asked_about_does_not_answer(tmp_path, pages, question, outcome):
    for name, text in pages.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    reply = Bot.open(tmp_path).ask(question)
    assert reply.outcome == outcome, [q.text for q in reply.quotes]


_TYPE_2 = "Palmar keratoderma type 2\n\nPalmar keratoderma type 2 is inherited in an autosomal dominant pattern.\n"


@pytest.mark.parametrize("text, question, outcome", [
    (_TYPE_2, "Is palmar keratoderma type I inherited?", "no_answer"),  # a page on another type
    (_TYPE_2, "Is palmar keratoderma type 1 inherited?", "no_answer"),
    (_TYPE_2.replace("2", "1"), "Is palmar keratoderma type I inherited?", "answer"),  # type I is type 1
    (_TYPE_2.replace("pattern.", "pattern, like type I."), "Is palmar keratoderma type I inherited?", "answer"),
])
def test_a_page_on_another_numbered_type_does_not_answer(tmp_path, text, question, outcome):
    (tmp_path / "keratoderma.txt").write_text(text, encoding="utf-8")
    reply = Bot.open(tmp_path).ask(question)
    assert reply.outcome == outcome, [q.text for q in reply.quotes]


def test_a_name_typed_with_its_ending_left_off_is_still_read(bot):
    got, want = bot.ask("How does Ketamin work on the brain?"), bot.ask("How does ketamine work on the brain?")
    assert got.outcome == want.outcome == "answer"
    assert [q.text for q in got.quotes] == [q.text for q in want.quotes]


@pytest.mark.parametrize("question, expected", [
    ("When was ketamine first synthesized?", "first synthesized"),
    ("What is BDNF?", "brain-derived neurotrophic factor (BDNF)"),
    ("Was ketamine approved by the FDA?", "Food and Drug Administration (FDA)"),
    ("What is ketamine-assisted therapy?", "Ketamine-assisted therapy is an emerging approach"),
    ("What is NMDA?", "NMDA"),
])
def test_the_best_quote_says_it(bot, question, expected):
    reply = bot.ask(question)
    assert reply.outcome == "answer"
    assert expected in reply.quotes[0].text


def test_origin_carries_the_sources_metadata(bot):
    reply = bot.ask("What is BDNF?")
    source = reply.quotes[0].source
    assert source.title == "The Expanding Role of Ketamine in Psychiatry"
    assert source.author == "Lauro Amezcua-Patino, MD. FAPA"
    assert source.kind == "blog post"
    reply = bot.ask("How does ketamine work on NMDA receptors as an open channel blocker?")
    safa = next(q.source for q in reply.quotes if q.source.publisher == "Dr. Safa Blog")
    assert safa.date == "2024-05-02"
    assert "Chief Medical Officer at HealoVerse" in safa.disclosure


def test_at_most_the_asked_number_of_quotes(bot):
    assert 1 <= len(bot.ask("What is NMDA?").quotes) <= 3
    assert len(bot.ask("What is NMDA?", limit=1).quotes) == 1


def test_quotes_are_ranked(bot):
    scores = [q.score for q in bot.ask("What are the risks of ketamine?").quotes]
    assert scores == sorted(scores, reverse=True)


def test_the_same_words_in_different_sources_are_one_quote_crediting_each(tmp_path):
    shared = "Lithium was first used to treat mania in 1949 by John Cade in Australia."
    (tmp_path / "a.txt").write_text(f"History of lithium\n\n{shared}\n", encoding="utf-8")
    respaced = shared.replace("1949 by John", "1949  by JOHN").replace("\x27", "\u2019")  # spacing, case: same words
    (tmp_path / "b.md").write_text(f"# Lithium today\n\nSome background.\n\n{respaced}\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("Other drugs\n\nValproate is an anticonvulsant used for mania.\n", encoding="utf-8")
    bot = Bot.open(tmp_path)
    reply = bot.ask("Who first used lithium to treat mania?")
    assert reply.outcome == "answer"
    merged = [q for q in reply.quotes if q.also_in]
    assert len(merged) == 1
    ids = {merged[0].source.id, *(s.id for s in merged[0].also_in)}
    assert ids == {"a", "b"}
    assert sum("john cade" in q.text.lower() for q in reply.quotes) == 1


def test_empty_and_blank_questions_get_a_clear_message(bot):
    for question in ["", "   ", "\x00\x1b"]:
        reply = bot.ask(question)
        assert reply.outcome == "no_answer"
        assert reply.message == bot.messages["empty"]


def test_a_huge_question_is_cut_with_a_notice(bot):
    reply = bot.ask("What is NMDA? " + "ketamine " * 5000)
    assert reply.outcome in OUTCOMES
    assert reply.notice and "2000" in reply.notice


def test_a_sentence_with_the_figures_a_frequency_question_asks_for_ranks_first(tmp_path):
    # Both sentences name the condition and nothing else the question asks; only the second holds
    # the shapes of a frequency ("1 in 40,000", "3.5%": qtypes.toml's answer patterns).
    (tmp_path / "zorvalin.txt").write_text(
        "Zorvalin syndrome\n\n"
        "Zorvalin syndrome was named after the town where doctors first described it.\n\n"
        "Zorvalin syndrome is seen in about 1 in 40,000 and in 3.5% of siblings.\n",
        encoding="utf-8",
    )
    reply = Bot.open(tmp_path).ask("How common is Zorvalin syndrome?")
    assert reply.outcome == "answer"
    assert reply.quotes[0].text.endswith("3.5% of siblings."), [q.text for q in reply.quotes]
    assert_verbatim(reply)


def test_ascii_text_is_cut_into_the_same_words_as_any_other_text():
    from bot.text import WORD, words

    every_pair = "".join(chr(a) + chr(b) for a in range(128) for b in range(0, 128, 7))
    samples = [every_pair, "Don't take 2.5mg_of Ketamine-HCl (IV) at 10:30!", "ÉTÉ naïve Café 3µg", "", "___"]
    for text in samples:
        assert words(text) == WORD.findall(text.lower()), text


def _open(folder: Path, files: dict[str, str]) -> Bot:
    """The bot over a corpus of these files, written to `folder`."""
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return Bot.open(folder)


def _zorvalin_corpus(folder: Path) -> Bot:
    """Two types of a made-up condition; the second type's name also in an unrelated sentence, so
    the sources know the word (no veto) without saying anything about that type."""
    return _open(folder, {
        "zorvalin.txt": "Zorvalin syndrome type Brennick\n\n"
        "The symptoms of Zorvalin syndrome type Brennick are stiff joints, a rash on the palms and tiredness.\n\n"
        "Zorvalin syndrome type Brennick is passed down in an autosomal recessive pattern.\n",
        "town.txt": "Travel notes\n\nThe old mill at Quastorf is open to visitors on Sundays in summer.\n",
    })


@pytest.mark.parametrize("question", [
    "What are the symptoms of Zorvalin syndrome type Quastorf?",
    "How is Zorvalin syndrome type Quastorf passed down?",
])
def test_a_question_on_a_kind_the_sources_do_not_describe_gets_no_answer(tmp_path, question):
    """The sources know every word of the question but describe another type: quoting that type
    would answer a question nobody asked (rank.topic_words)."""
    bot = _zorvalin_corpus(tmp_path)
    assert bot.ask(question).outcome == "no_answer", [q.text for q in bot.ask(question).quotes]


@pytest.mark.parametrize("question", [
    "What are the symptoms of Zorvalin syndrome type Brennick?",
    "What are the symptoms of Zorvalin syndrome?",  # the type not named: the sources' type answers
])
def test_a_question_on_the_kind_the_sources_describe_is_answered(tmp_path, question):
    reply = _zorvalin_corpus(tmp_path).ask(question)
    assert reply.outcome == "answer"
    assert "Brennick" in reply.quotes[0].text
    assert_verbatim(reply)


def test_a_quote_names_the_topic_through_the_sentence_it_leads_on_from(tmp_path):
    """"These receptors ..." names its topic in the sentence before, which is quoted with it."""
    bot = _open(tmp_path, {"notes.txt": "Receptors\n\n"
                           "Drugs of this class act on the Velmorin receptors of the gut. "
                           "These receptors take part in slow waves of muscle movement.\n\n"
                           "Slow waves of muscle movement also come from nerves in the gut wall.\n"})
    reply = bot.ask("Are Velmorin receptors part of slow waves of muscle movement?")
    assert reply.outcome == "answer"
    assert reply.quotes[0].text.startswith("Drugs of this class act on the Velmorin receptors"), reply.quotes
    assert_verbatim(reply)


def _velmorin_corpus(folder: Path) -> Bot:
    """A made-up condition described by its signs and its care only, beside another condition's
    inheritance and frequency."""
    return _open(folder, {
        "velmorin.txt": "Velmorin disease\n\n"
        "Symptoms of Velmorin disease include dry eyes, swollen knuckles and a hoarse voice.\n\n"
        "Velmorin disease is usually looked after by a team of eye and joint doctors.\n",
        "other.txt": "Tarrow disease\n\n"
        "Tarrow disease is inherited in an autosomal dominant pattern.\n\n"
        "Hollis disease is inherited from a parent in most families.\n\n"
        "Pember disease is inherited in an X-linked pattern.\n\n"
        "Many eye diseases are inherited, and some joint diseases are inherited too.\n\n"
        "Tarrow disease affects about 1 in 50,000 people.\n",
    })


@pytest.mark.parametrize("question", ["Is Velmorin disease inherited?", "How common is Velmorin disease?"])
def test_a_sentence_naming_the_topic_but_not_saying_what_is_asked_is_no_answer(tmp_path, question):
    """Inheritance and frequency questions (qtypes.toml's needs_answer): a sentence on the
    condition's care does not say whether it is inherited or how common it is."""
    reply = _velmorin_corpus(tmp_path).ask(question)
    assert reply.outcome == "no_answer", [q.text for q in reply.quotes]


def test_a_sentence_saying_what_is_asked_answers(tmp_path):
    reply = _velmorin_corpus(tmp_path).ask("What are the symptoms of Velmorin disease?")
    assert reply.outcome == "answer"
    assert reply.quotes[0].text.startswith("Symptoms of Velmorin disease include"), reply.quotes
    assert_verbatim(reply)


def _marrow_corpus(folder: Path) -> Bot:
    """A made-up condition, in words of its own: "traumatic" but never "trauma", "children" but
    never "kids", "hepatitis" but never "liver", and no everyday word such as "good"."""
    return _open(folder, {
        "marrow.txt": "Quellan marrow fever\n\n"
        "Warm compresses ease the swollen knuckles of Quellan marrow fever.\n\n"
        "A traumatic blow to a knuckle can set off Quellan marrow fever.\n\n"
        "Children with Quellan marrow fever often walk with a limp.\n\n"
        "Hepatitis is rare in people with Quellan marrow fever.\n",
    })


@pytest.mark.parametrize("question", [
    "Are warm compresses any good for Quellan marrow fever?",
    "Do warm compresses calm the knuckles in Quellan marrow fever?",  # a rarer everyday word
])
def test_an_everyday_word_the_sources_never_use_does_not_silence_them(tmp_path, question):
    """"good" and "calm" are no words of these sources, but say nothing of a medical topic
    (bot/everyday_words.txt): the question is answered on its other words."""
    reply = _marrow_corpus(tmp_path).ask(question)
    assert reply.outcome == "answer", reply.message
    assert reply.quotes[0].text.startswith("Warm compresses ease"), reply.quotes
    assert_verbatim(reply)


@pytest.mark.parametrize("question, quote", [
    ("Can trauma set off Quellan marrow fever?", "A traumatic blow"),  # a word of medicine: a form of itself
    ("Do kids with Quellan marrow fever limp?", "Children with Quellan marrow fever"),  # an everyday word
])
def test_a_word_the_sources_never_use_is_read_as_the_nearest_they_do(tmp_path, question, quote):
    """bot/word_neighbours.tsv: "trauma" is read as "traumatic", "kids" as "children"."""
    reply = _marrow_corpus(tmp_path).ask(question)
    assert reply.outcome == "answer", reply.message
    assert reply.quotes[0].text.startswith(quote), reply.quotes
    assert_verbatim(reply)


def test_a_word_of_medicine_is_never_read_as_another_thing(tmp_path):
    """"liver" lies near "hepatic" and "hepatitis" in meaning, and "hepatic" shares its stem with
    "hepatitis"; but an organ is not a disease: the sources, which never name the liver, are
    silent on it."""
    reply = _marrow_corpus(tmp_path).ask("Does Quellan marrow fever affect the liver?")
    assert reply.outcome == "no_answer", [q.text for q in reply.quotes]


@pytest.mark.parametrize("word, opposite", [
    ("safe", "unsafe"), ("legal", "illegal"), ("men", "women"), ("male", "female"), ("cheap", "expensive"),
    ("high", "low"), ("easy", "difficult"), ("older", "younger"), ("april", "august"),
])
def test_a_word_is_never_read_as_its_opposite_or_a_sister_term(word, opposite):
    """Word vectors put opposites side by side; the shipped table leaves them out (bench/opposites.py)."""
    assert opposite not in [near for near, _ in bridge.neighbours(word)]


@pytest.mark.parametrize("word, alike", [("kids", "children"), ("surgery", "surgical"), ("cheap", "inexpensive")])
def test_the_neighbour_table_holds_words_alike_in_meaning(word, alike):
    assert alike in [near for near, _ in bridge.neighbours(word)]
