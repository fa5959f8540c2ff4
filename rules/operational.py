"""Whether a rule can ever guide a worker, and why not: a condition nobody can answer (no
variable yet), or conditions that can never hold together (above 80 and below 50, rain and
snow). The review shows these before a master confirms a dead rule, with the fix in place."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rules.messages import Message
from rules.model import Clause, Operator, Rule, clause_alternatives, iter_clauses

_LEAD = re.compile(r"^\s*(?:if|when|whenever|once|the|a|an)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Blocker:
    """Why the rule cannot fire: the message, and the clause to fix when it is one clause."""

    message: Message
    clause: Clause | None = None


def blockers(rule: Rule) -> list[Blocker]:
    """What keeps the rule from ever firing; empty for a rule some situation fires."""
    alternatives = clause_alternatives(rule.conditions)
    if not alternatives:  # an `any` group fires through any measurable alternative
        return [
            Blocker(Message("“{words}” has no variable yet, so no worker can answer it", words=c.text), c)
            for c in iter_clauses(rule.conditions)
            if not c.measurable
        ]
    conflicts = [_conflict(alt) for alt in alternatives]
    if alternatives and all(conflicts):
        return [Blocker(conflicts[0])]  # type: ignore[arg-type]
    return []


def _conflict(clauses: list[Clause]) -> Message | None:
    """Two clauses on one variable that no value satisfies together."""
    for i, a in enumerate(clauses):
        for b in clauses[i + 1 :]:
            if a.variable == b.variable and a.unit == b.unit and _disjoint(a, b):
                return Message("“{first}” and “{second}” can never both hold", first=a.text, second=b.text)
    return None


def _disjoint(a: Clause, b: Clause) -> bool:
    first, second = _bounds(a), _bounds(b)
    if first is not None and second is not None:
        return max(first[0], second[0]) > min(first[1], second[1])
    if a.operator is Operator.EQ and b.operator is Operator.EQ:
        if _number(a.value) and _number(b.value):
            return float(a.value) != float(b.value)  # type: ignore[arg-type]
        return str(a.value).lower() != str(b.value).lower()
    pair = {a.operator, b.operator}
    return pair == {Operator.IS_TRUE, Operator.IS_FALSE}


def _bounds(c: Clause) -> tuple[float, float] | None:
    """The interval of numbers the clause allows, None when it is not a numeric comparison."""
    value = c.value
    if c.operator is Operator.BETWEEN and isinstance(value, list):
        return float(value[0]), float(value[1])
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    number = float(value)
    if c.operator in (Operator.GT, Operator.GE):
        return number + (1e-9 if c.operator is Operator.GT else 0.0), float("inf")
    if c.operator in (Operator.LT, Operator.LE):
        return float("-inf"), number - (1e-9 if c.operator is Operator.LT else 0.0)
    if c.operator is Operator.EQ:
        return number, number
    return None


def as_observation(clause: Clause, name: str | None = None) -> Clause:
    """The clause as an observation the worker answers yes or no, named `name` or by its words."""
    said = clause.text.strip()
    negated = said.startswith("not (") and said.endswith(")")  # the contrary of a cue ("otherwise")
    words = re.findall(r"\w+", _LEAD.sub("", said[5:-1] if negated else said).lower())
    variable = name or "_".join(words[:6]) or "observation"
    if variable[0].isdigit():
        variable = f"cue_{variable}"
    operator = Operator.IS_FALSE if negated else Operator.IS_TRUE
    return clause.model_copy(
        update={"variable": variable, "operator": operator, "value": None, "unit": None, "observed": True}
    )


def _number(value: object) -> bool:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True
    try:
        float(str(value))
    except ValueError:
        return False
    return True
