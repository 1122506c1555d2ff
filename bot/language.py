"""Which language a message is written in, so that a crisis message can be shown in it.

Only the languages whose crisis wording is reviewed (rules.toml, messages.crisis_by_language) and
English are told apart: Chinese and Arabic by their script, the others by their most common short
words. Anything unsure is English (None), the language every message is written in first.
"""

from __future__ import annotations

import re

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_KANA_OR_HANGUL = re.compile(r"[\u3040-\u30ff\uac00-\ud7af]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_WORD = re.compile(r"[^\W\d_]+")
# The languages told by their script alone: a character of it, in a message as triage reads it
# (compatibility forms unified), is a character of one of these ranges.
SCRIPTS = {"zh": _HAN, "ar": _ARABIC}

# Frequent function words that are not also frequent in the other languages listed here.
_FUNCTION_WORDS = {
    "en": "the and is are you i my me it to of in that this what how do does have not with for was am im".split(),
    "es": "el la los las que de y en es un una por para con no me mi yo estoy quiero pero muy esta como porque".split(),
    "fr": "le la les des et est je ne pas un une que qui pour avec mon ma mes suis jai veux cest plus dans".split(),
    "de": "der die das und ist ich nicht ein eine zu mit mich mir mein meine bin habe will auch wie oder".split(),
    "pt": "o a os as que de e em um uma nao eu meu minha para com estou quero mais muito voce isso".split(),
    "it": "il la i gli le che di e un una non io mi mio mia sono voglio per con ho piu anche questo".split(),
}
ENGLISH_FUNCTION_WORDS = frozenset(_FUNCTION_WORDS["en"])
_WEIGHTS: dict[str, list[str]] = {}
for _language, _words in _FUNCTION_WORDS.items():
    for _word in _words:
        _WEIGHTS.setdefault(_word, []).append(_language)


def detect(text: str, folded: str | None = None) -> str | None:
    """'es', 'fr', 'de', 'pt', 'it', 'zh' or 'ar'; None for English or when unsure."""
    if _KANA_OR_HANGUL.search(text):
        return None
    if _HAN.search(text):
        return "zh"
    if _ARABIC.search(text):
        return "ar"
    words = _WORD.findall(folded if folded is not None else text.lower())
    votes = dict.fromkeys(_FUNCTION_WORDS, 0.0)
    for word in words:
        languages = _WEIGHTS.get(word, ())
        for language in languages:
            votes[language] += 1 / len(languages)
    best = max(votes, key=lambda language: (votes[language], language == "en"))
    if best == "en" or votes[best] < 1 or votes[best] <= votes["en"]:
        return None
    return best
