"""Which language a text is in, as far as the readers need to know: Korean or English.

A text is Korean when at least a quarter of its letters are Hangul; masters mix English terms
("TIG 용접", "rpm") into Korean speech, never the other way round often enough to matter.
"""

from __future__ import annotations

from collections.abc import Iterable

KOREAN = "ko"
ENGLISH = "en"


def is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3" or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f"


def language_of(text: str) -> str:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return ENGLISH
    hangul = sum(1 for ch in letters if is_hangul(ch))
    return KOREAN if hangul * 4 >= len(letters) else ENGLISH


def language_of_texts(texts: Iterable[str]) -> str:
    return language_of(" ".join(texts))
