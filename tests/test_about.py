"""Questions about the sources themselves, and questions that only look like them."""

from __future__ import annotations

from bot.answer import Bot


def test_who_is_at_risk_asks_about_a_condition_not_a_person_named_in_a_publisher(tmp_path):
    (tmp_path / "lung.md").write_text(
        "# Lung cancer\n\nPeople who smoke are at a higher risk of lung cancer.\n\n"
        "Dr. Lee serves as an adviser to the institute.\n", encoding="utf-8")
    (tmp_path / "sources.toml").write_text(
        '["lung.md"]\npublisher = "National Cancer Institute"\nauthor = "Dr. Lee"\n', encoding="utf-8")
    bot = Bot.open(tmp_path)
    reply = bot.ask("Who is at risk for lung cancer?")
    assert reply.outcome == "answer" and "higher risk of lung cancer" in reply.quotes[0].text
    # ...while a person asked about by name is answered from what the source says of them
    reply = bot.ask("Who is Dr. Lee?")
    assert reply.outcome == "answer" and "serves as an adviser" in reply.quotes[0].text


def test_a_name_hundreds_of_sources_share_names_none_of_them(tmp_path):
    for i in range(12):
        (tmp_path / f"page{i}.md").write_text(f"# Page {i}\n\nTopic {i} is described here.\n", encoding="utf-8")
    (tmp_path / "sources.toml").write_text(
        "".join(f'["page{i}.md"]\npublisher = "Health Institute"\n\n' for i in range(12)), encoding="utf-8")
    bot = Bot.open(tmp_path)
    from bot.about import SourceNames, about_sources

    assert about_sources("When was the Health Institute page published?", lambda: SourceNames(bot.corpus.documents)) is None


def test_only_a_question_about_the_sources_reads_every_source_s_names(monkeypatch):
    """Reading the names of every source takes a quarter of a second at 16,000 sources: a question
    that is not about the sources must not wait for it (the first question of a session did)."""
    import bot.answer

    built = []
    real = bot.answer.SourceNames
    monkeypatch.setattr(bot.answer, "SourceNames", lambda documents: built.append(1) or real(documents))
    small = Bot.open()
    assert small.ask("What is ketamine?").outcome == "answer"
    assert small.ask("How does ketamine work on the brain?").outcome == "answer"
    assert built == []
    reply = small.ask("Who wrote The Expanding Role of Ketamine in Psychiatry?")
    assert reply.outcome == "answer" and "Amezcua-Patino" in reply.quotes[0].text
    assert built == [1]
    small.ask("When was the Soft Reboot Wellness article published?")
    assert built == [1]  # once per corpus
