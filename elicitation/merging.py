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
        out.extend(
            c for c in same if c.cue_kind in ("category", "flag") and c.operator in (Operator.EQ, Operator.IS_TRUE)
        )
        for side in (_ABOVE, _BELOW):
            bounds = [c for c in numeric if c.operator in side and c.unit == numeric[0].unit]
            if len(bounds) > 1:
                tightest = (max if side is _ABOVE else min)(bounds, key=lambda c: float(c.value))  # type: ignore[arg-type]
                out.extend(c for c in bounds if c is not tightest)
    return out
