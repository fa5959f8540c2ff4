"""Numbers a condition points back to: "if it's colder than that", "if it gets hotter",
"온도가 그것보다 낮으면". The master said the number a moment before, in the same turn or the one
before it; the condition compares against it.

A condition is resolved when its words compare (a comparative, or "than that" / 그것보다) but it
holds no number, and a number of the same kind (a temperature for "hotter", a length for
"thicker") was said just before. "Colder than 18 to 24 degrees" means below 18; "hotter", above 24.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from elicitation.transcripts import Transcript
from elicitation.values import COMPARATIVES, NUMBER, UNITS, normalise_unit, words_to_number
from rules import Clause, Group, Operator, Rule
from rules.numerals import numbers_in
from rules.units import dimension_of

LOOK_BACK_TURNS = 2  # the turn the condition is in and the two before it
_UNIT_WORDS = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_SAID = re.compile(
    rf"(?<![\w])(?P<lo>{NUMBER})\s*(?:(?:-|–|~|to|and)\s*(?P<hi>{NUMBER})\s*)?(?P<unit>{_UNIT_WORDS})(?![\w])",
    re.IGNORECASE,
)
_POINTING = re.compile(r"\bthan\s+(?:that|this|it|those)\b", re.IGNORECASE)
_KO_POINTING = ("그것보다", "그거보다", "그보다", "이것보다", "이거보다", "이보다", "그것보단", "그보단")
# The dimension a comparative word speaks of, as pint names it.
_DIMENSIONS = {
    "temperature": "[temperature]",
    "thickness": "[length]",
    "length": "[length]",
    "width": "[length]",
    "weight": "[mass]",
    "speed": "[length] / [time]",
}
_KO_DIRECTIONS = {
    "높": (Operator.GT, None), "낮": (Operator.LT, None), "넘": (Operator.GT, None), "많": (Operator.GT, None),
    "적": (Operator.LT, None), "크": (Operator.GT, None), "작": (Operator.LT, None),
    "뜨겁": (Operator.GT, "[temperature]"), "차갑": (Operator.LT, "[temperature]"), "차가": (Operator.LT, "[temperature]"),
    "두껍": (Operator.GT, "[length]"), "두꺼": (Operator.GT, "[length]"), "얇": (Operator.LT, "[length]"),
}  # fmt: skip
_KO_NAMES = {"[temperature]": "온도", "[length]": "두께", "[mass]": "무게", "[length] / [time]": "속도"}


@dataclass(frozen=True)
class Said:
    """A number said in a turn: where it ends, its value (a range's ends) and its unit."""

    end: int
    low: float
    high: float
    unit: str


def resolve_references(rules: Sequence[Rule], transcript: Transcript) -> list[Rule]:
    """The rules with each condition that points back to a number made a comparison with it."""
    return [_resolved(rule, transcript) for rule in rules]


def _resolved(rule: Rule, transcript: Transcript) -> Rule:
    changed = False

    def fix(clause: Clause) -> Clause:
        nonlocal changed
        new = _resolve(clause, rule, transcript)
        changed = changed or new is not clause
        return new

    conditions = _map_group(rule.conditions, fix)
    exceptions = [fix(e) for e in rule.exceptions]
    return rule.model_copy(update={"conditions": conditions, "exceptions": exceptions}) if changed else rule


def _map_group(group: Group, fix: object) -> Group:
    items = [_map_group(i, fix) if isinstance(i, Group) else fix(i) for i in group.items]  # type: ignore[operator]
    return group.model_copy(update={"items": items})


def _resolve(clause: Clause, rule: Rule, transcript: Transcript) -> Clause:
    if (isinstance(clause.value, (int, float)) and not isinstance(clause.value, bool)) or isinstance(
        clause.value, list
    ):
        return clause
    direction = _direction(clause.text)
    if direction is None:
        return clause
    operator, dimension, korean = direction
    said = _said_before(clause, rule, transcript, dimension, korean)
    if said is None:
        return clause
    value = said.low if operator is Operator.LT else said.high
    name = _name(clause, said.unit, korean)
    number = int(value) if float(value).is_integer() else value
    return clause.model_copy(
        update={"variable": name, "operator": operator, "value": number, "unit": said.unit, "observed": False}
    )


def _direction(text: str) -> tuple[Operator, str | None, bool] | None:
    """The comparison a clause's words make, the dimension they name, and whether they are Korean."""
    if any(p in text for p in _KO_POINTING):
        for stem, (op, dimension) in _KO_DIRECTIONS.items():
            if stem in text.split("보다", 1)[-1]:
                return op, dimension, True
        return None
    lowered = text.lower()
    pointing = _POINTING.search(lowered) is not None
    for word, (sign, dim) in COMPARATIVES.items():
        if re.search(rf"\b{word}\b", lowered) and (pointing or dim in _DIMENSIONS):
            return Operator(sign), _DIMENSIONS.get(dim), False  # "bigger" alone names no kind of number
    if pointing and re.search(r"\bmore\b", lowered):
        return Operator.GT, None, False
    if pointing and re.search(r"\b(?:less|fewer)\b", lowered):
        return Operator.LT, None, False
    return None


def _said_before(
    clause: Clause, rule: Rule, transcript: Transcript, dimension: str | None, korean: bool
) -> Said | None:
    """The last number of the right kind said before the clause: earlier in its turn, then in the
    turns before it."""
    turns = transcript.turns
    where = next(
        (
            (e.turn, clause.start)
            for e in rule.evidence
            if 0 <= e.turn < len(turns)
            and clause.start is not None
            and clause.end is not None
            and turns[e.turn].text[clause.start : clause.end] == clause.text
        ),
        None,
    )
    if where is None or where[1] is None:
        return None
    index, at = where
    for back in range(LOOK_BACK_TURNS + 1):
        if index - back < 0:
            break
        text = turns[index - back].text
        found = [s for s in _numbers(text if back else text[:at], korean) if _fits(s.unit, dimension)]
        if found:
            return found[-1]
    return None


def _numbers(text: str, korean: bool) -> list[Said]:
    if korean:
        out: list[Said] = []
        for start, end, value, unit in numbers_in(text):
            if unit is None:
                continue
            unit = "degC" if unit == "degrees" else unit
            previous = out[-1] if out else None
            if previous is not None and previous.unit == unit and start - previous.end <= 4 and value > previous.high:
                out[-1] = Said(end, previous.low, value, unit)  # "1,400도에서 1,450도": a range
                continue
            out.append(Said(end, value, value, unit))
        return out
    said = []
    for m in _SAID.finditer(text):
        low = words_to_number(m.group("lo"))
        high = words_to_number(m.group("hi")) if m.group("hi") else low
        unit = normalise_unit(m.group("unit"), text[max(0, m.start() - 40) : m.end()])
        if low is not None and high is not None and unit is not None and low <= high:
            said.append(Said(m.end(), low, high, unit))
    return said


def _fits(unit: str, dimension: str | None) -> bool:
    if dimension is None:
        return True
    return dimension_of(unit) == dimension


def _name(clause: Clause, unit: str, korean: bool) -> str:
    dimension = dimension_of(unit) or ""
    if korean:
        return clause.variable if clause.variable and not clause.observed else _KO_NAMES.get(dimension, "값")
    word = next((w for w, d in _DIMENSIONS.items() if d == dimension), "value")
    if clause.variable and word in clause.variable:
        return clause.variable
    return word
