"""A bridge of words between Korean and English, for BM25: a question's terms in the other
language, from the shop-floor glossary (glossary.tsv, about 750 concepts of the programme's
fields) and from the cue vocabulary's names where a knowledge base has confirmed them.

BM25 alone finds nothing across languages (a Korean question shares no word with an English
rule), and the multilingual model's sense of a technical word is coarse: 용접봉 and "electrode"
are one row of the glossary, and a question that says one finds a rule that says the other.
Within one language the same rows are synonyms (용접봉, 전극봉).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from knowledge_base.semantic.lexical import terms
from rules.language import is_hangul

GLOSSARY = Path(__file__).with_name("glossary.tsv")
# A term of the other language weighs this much of a term the question says itself (on the
# development questions 1.0 beat 0.5 and 0.75 across languages and tied within one).
BRIDGE_WEIGHT = 1.0


class Bridge:
    """Concepts as groups of words; a question's terms in each group's other words.

    A word is found in a question when all its terms are (용접봉: 용접, 봉, 용접봉; "welding
    rod": weld, rod); its concept then adds the terms of every other word of the group."""

    def __init__(self, groups: Iterable[Sequence[str]], *, as_said: bool = False) -> None:
        """`groups` of words that mean one thing; each word is found by `_word_terms`, or with
        `as_said` by all the terms it is said in (a cue's name "쇳물 온도": 쇳물 and 온도)."""
        self.words: dict[str, list[tuple[frozenset[str], int]]] = {}  # a word's last term -> (its terms, group)
        self.groups: list[list[tuple[str, ...]]] = []
        for words in groups:
            read = (lambda w: tuple(terms(w))) if as_said else _word_terms
            said = [t for t in dict.fromkeys(read(w) for w in words) if t]
            if len(said) < 2:
                continue
            group = len(self.groups)
            self.groups.append(said)
            for t in said:
                self.words.setdefault(t[-1], []).append((frozenset(t), group))

    def __bool__(self) -> bool:
        return bool(self.groups)

    def expand(self, question_terms: Sequence[str]) -> dict[str, float]:
        """The terms the question's words stand for in their groups, each with BRIDGE_WEIGHT
        shared among a word's senses (갈다 is to grind and to replace: each gets half; on the
        development questions one more found in the top three); none that the question says
        itself."""
        said = set(question_terms)
        groups: dict[int, frozenset[str]] = {}
        senses: dict[int, int] = {}  # a group's fewest senses among the words that found it
        for term in said:
            found = [(needed, group) for needed, group in self.words.get(term, ()) if needed <= said]
            meanings = len({group for _, group in found})  # a word twice in one group is one sense
            for needed, group in found:
                groups[group] = groups.get(group, frozenset()) | needed
                senses[group] = min(senses.get(group, meanings), meanings)
        out: dict[str, float] = {}
        for group, matched in groups.items():
            weight = BRIDGE_WEIGHT / senses[group]
            for word in self.groups[group]:
                if not set(word) <= matched:
                    for t in word:
                        if t not in said:
                            out[t] = max(out.get(t, 0.0), weight)
        return out


def _word_terms(word: str) -> tuple[str, ...]:
    """A glossary word as the terms a question must hold to say it. A Korean word is one term, its
    stem as Kiwi reads it in running text (예열하다: 예열; 용접봉: 용접봉); a Korean word Kiwi reads
    otherwise (용접기 as 용접 and a suffix) is left out, since its one term would say less than
    the word."""
    found = tuple(terms(word))
    if not any(is_hangul(ch) for ch in word):
        return found
    stem = word.replace(" ", "")
    for ending in ("하다", "되다", "다"):
        if stem.endswith(ending) and len(stem) > len(ending):
            stem = stem[: -len(ending)]
            break
    if stem in found:
        return (stem,)
    return (stem,) if "".join(found) == stem else ()


def read_glossary(path: Path = GLOSSARY) -> list[list[str]]:
    """The glossary's rows as groups of words (Korean and English together)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or "\t" not in line:
            continue
        korean, english = line.split("\t", 1)
        if korean == "korean":
            continue
        rows.append([w.strip() for w in [*korean.split(","), *english.split(",")] if w.strip()])
    return rows


@functools.cache
def glossary() -> Bridge:
    """The packaged glossary as a bridge; read once (Kiwi reads its Korean words)."""
    return Bridge(read_glossary())


def cue_bridge(cues: Iterable[tuple[str, Any]]) -> Bridge:
    """The confirmed cues' names and aliases (the extractor's names each cue stands for) as a
    bridge: a cue an interviewer named 습도 with the alias humidity joins a Korean question's
    습도 to an English rule's humidity, in the plant's own words, as the glossary does in the
    programme's."""
    groups = []
    for name, aliases in cues:
        also = [aliases] if isinstance(aliases, str) else list(aliases or [])  # JSON: a list, as stored
        groups.append([str(n).replace("_", " ") for n in [name, *also] if isinstance(n, str) and n])
    return Bridge(groups, as_said=True)


def merged(*expansions: dict[str, float]) -> dict[str, float]:
    """Several bridges' terms for one question, each at the highest weight any gives it."""
    out: dict[str, float] = {}
    for expansion in expansions:
        for term, weight in expansion.items():
            out[term] = max(out.get(term, 0.0), weight)
    return out
