"""Clauses on one variable in one rule, made consistent: "what if the humidity is high but it is
not raining?" answered "if the humidity is above eighty percent I treat it like rain" gives
humidity == high and humidity > 80 %, which no situation satisfies. The number says what "high"
means, so the rule keeps humidity > 80 %; of two bounds on one side it keeps the tighter.

Bounds that cannot both hold (above 80 and below 50) are left as said: the review shows the
master that the rule can never fire.
"""

from __future__ import annotations

from collections.abc import Sequence

from rules import Clause, Group, Operator, Rule

_ABOVE = (Operator.GT, Operator.GE)
_BELOW = (Operator.LT, Operator.LE)
_HIGH = {"high", "hot", "thick", "big", "large", "strong", "fast", "heavy", "much"} | {
    "높다", "많다", "뜨겁다", "두껍다", "크다", "세다", "빠르다",
}  # fmt: skip
_LOW = {"low", "cold", "thin", "small", "weak", "slow", "light", "little"} | {
    "낮다", "적다", "차갑다", "얇다", "작다", "약하다", "느리다",
}  # fmt: skip


def _agrees(word: Clause, number: Clause) -> bool:
    """Whether a word and a bound can mean the same ("high" and "above 80 %"); a word that names
    no direction is taken to be what the number makes exact."""
    said = str(word.value if word.value is not None else word.variable).lower()
    if said in _HIGH:
        return number.operator in _ABOVE
    if said in _LOW:
        return number.operator in _BELOW
    return True


def _tightness(bound: Clause, side: tuple[Operator, Operator]) -> tuple[float, bool]:
    """How tight a bound is: the higher lower bound (the lower upper one), strict before not."""
    value = float(bound.value)  # type: ignore[arg-type]
    if side is _ABOVE:
        return value, bound.operator is Operator.GT
    return -value, bound.operator is Operator.LT


def merge_same_variable(rules: Sequence[Rule]) -> list[Rule]:
    """The rules with the clauses of each `all` group made consistent per variable."""
    return [_merged(rule) for rule in rules]


def _merged(rule: Rule) -> Rule:
    conditions = _group(rule.conditions)
    return rule if conditions == rule.conditions else rule.model_copy(update={"conditions": conditions})


def _group(group: Group) -> Group:
    items = [_group(i) if isinstance(i, Group) else i for i in group.items]
    if group.join != "all":
        return group.model_copy(update={"items": items})
    clauses = [i for i in items if isinstance(i, Clause)]
    dropped = {id(c) for c in _superseded(clauses)}
    kept = [i for i in items if id(i) not in dropped]
    return group.model_copy(update={"items": kept})


def _superseded(clauses: list[Clause]) -> list[Clause]:
    """The clauses a number on the same variable says more exactly, and the looser of two bounds."""
    out: list[Clause] = []
    by_variable: dict[str, list[Clause]] = {}
    for clause in clauses:
        if clause.variable is not None and not clause.observed:
            by_variable.setdefault(clause.variable, []).append(clause)
    for same in by_variable.values():
        numeric = [c for c in same if c.cue_kind == "number" and c.operator in (*_ABOVE, *_BELOW)]
        if not numeric or len(same) < 2:
            continue
        words = [
            c for c in same if c.cue_kind in ("category", "flag") and c.operator in (Operator.EQ, Operator.IS_TRUE)
        ]
        out.extend(c for c in words if all(_agrees(c, n) for n in numeric))
        for side in (_ABOVE, _BELOW):
            bounds = [c for c in numeric if c.operator in side and c.unit == numeric[0].unit]
            if len(bounds) > 1:
                tightest = max(bounds, key=lambda c: _tightness(c, side))
                out.extend(c for c in bounds if c is not tightest)
    return out
