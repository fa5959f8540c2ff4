"""The variables a knowledge base's rules test, as a form can ask for them, and facts read from a
question in plain words ("welding in the rain at 85% humidity").

A variable is a number (with the unit its rules use most), a flag (rules test it true or false)
or a category (the values its rules name). The plain-words reading is lexical: a variable is
mentioned when its words are, and takes the nearest number, or a category value named in the
question. The semantic layer will add paraphrases ("wet weather") on top.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rules.model import Clause, Operator, Rule, Scalar
from rules.units import Fact, Quantity, known_unit, reference_units

_FLAG_OPS = {Operator.IS_TRUE, Operator.IS_FALSE}
_NUMBER = re.compile(r"(?<![\w.])[+-]?\d+(?:[.,]\d+)?")
_WORD = re.compile(r"[a-z0-9]+")
_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100,
}  # fmt: skip
# Temperature units as people type them after a number; "%" and a bare number mean the
# variable's own unit.
_UNIT_WORDS = {"°c": "degC", "°f": "degF", "degc": "degC", "degf": "degF"}


@dataclass(frozen=True)
class Variable:
    name: str
    kind: str  # "number", "flag" or "category"
    unit: str | None = None
    values: tuple[Scalar, ...] = ()
    low: float | None = None  # the smallest and largest thresholds the rules use
    high: float | None = None
    rules: int = 0
    said: tuple[str, ...] = field(default_factory=tuple)  # clause texts, to show what it means

    @property
    def label(self) -> str:
        return self.name.replace("_", " ")


def catalogue(rules: Iterable[Rule]) -> list[Variable]:
    """Every variable the rules test, with its kind, unit, values and range; most used first."""
    clauses: dict[str, list[Clause]] = {}
    counts: dict[str, int] = {}
    for rule in rules:
        seen = set()
        for c in [*rule.clauses(), *rule.exceptions]:
            if c.variable and c.operator:
                clauses.setdefault(c.variable, []).append(c)
                seen.add(c.variable)
        for name in seen:
            counts[name] = counts.get(name, 0) + 1
    units = reference_units(c for cs in clauses.values() for c in cs)
    out = []
    for name, cs in clauses.items():
        numbers = [
            float(v)
            for c in cs
            for v in (c.value if isinstance(c.value, list) else [c.value])
            if isinstance(v, int | float) and not isinstance(v, bool)
        ]
        words = sorted(
            {
                v
                for c in cs
                for v in (c.value if isinstance(c.value, list) else [c.value])
                if isinstance(v, str) and v.strip()
            }
        )
        said = tuple(dict.fromkeys(c.text for c in cs))[:3]
        if all(c.operator in _FLAG_OPS for c in cs):
            out.append(Variable(name, "flag", rules=counts[name], said=said))
        elif numbers and not words:
            out.append(Variable(name, "number", units.get(name), (), min(numbers), max(numbers), counts[name], said))
        else:
            out.append(Variable(name, "category", None, tuple(words), rules=counts[name], said=said))
    out.sort(key=lambda v: (-v.rules, v.name))
    return out


def _tokens(text: str) -> list[tuple[str, int]]:
    return [(m.group(), m.start()) for m in _WORD.finditer(text.lower())]


def _number_near(text: str, at: int, unit: str | None) -> Fact | None:
    """The number closest to position `at` (digits, or a number word), with its unit if one follows."""
    best: tuple[int, Fact] | None = None
    for m in _NUMBER.finditer(text):
        value = float(m.group().replace(",", "."))
        tail = text[m.end() : m.end() + 12].strip().lower()
        fact: Fact = value
        for written, pint_name in _UNIT_WORDS.items():
            if tail.startswith(written) and (len(tail) == len(written) or not tail[len(written)].isalpha()):
                fact = Quantity(value, pint_name) if unit else value
                break
        else:
            word = tail.split(" ")[0].strip(".,;:?!)") if tail else ""
            if unit and word and known_unit(word):
                fact = Quantity(value, word)
        distance = abs(m.start() - at)
        if best is None or distance < best[0]:
            best = (distance, fact)
    for word, pos in _tokens(text):
        if word in _NUMBER_WORDS and (best is None or abs(pos - at) < best[0]):
            best = (abs(pos - at), float(_NUMBER_WORDS[word]))
    return best[1] if best else None


def facts_from_text(text: str, variables: Sequence[Variable]) -> dict[str, Fact]:
    """The facts a plain-words question states about known variables; anything unsure is left out.

    A number variable is mentioned by all the words of its name ("humidity", "plate thickness")
    and takes the closest number; a category by one of its values ("rain", "wet scrap"); a flag
    by its name, negated by a "not"/"no" just before it.
    """
    lowered = text.lower()
    tokens = _tokens(text)
    words = {w for w, _ in tokens}
    facts: dict[str, Fact] = {}
    for v in variables:
        parts = v.name.lower().split("_")
        if v.kind == "category":
            for value in v.values:
                if isinstance(value, str) and re.search(rf"\b{re.escape(value.lower())}", lowered):
                    facts[v.name] = value
                    break
            continue
        if not all(p in words for p in parts):
            continue
        at = min(pos for w, pos in tokens if w == parts[-1])
        if v.kind == "flag":
            before = lowered[max(0, at - 12) : at].split()
            facts[v.name] = not any(w in ("not", "no", "isn't", "without") for w in before)
            continue
        number = _number_near(text, at, v.unit)
        if number is not None:
            facts[v.name] = number
    return facts
