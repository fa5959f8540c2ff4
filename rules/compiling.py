"""Compiling one rule to durable_rules tests: each clause in the C core's spelling, the condition
tree as a disjunction of conjunctions of tests, in each variable's reference unit.

A rule's compiled form depends only on the rule and the reference units of the variables it
measures, so it is kept (`compiled_rule`): a knowledge base that changed in one rule compiles one
rule again, not thousands (the engine still packs and registers the rulesets afresh).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rules.model import Clause, Group, Operator, Rule, Scalar, clause_alternatives, iter_clauses
from rules.units import UnitError, normalize_clause

MAX_ALTERNATIVES = 1024
# Rules' compiled forms kept (a programme's working state and a few releases).
COMPILED_KEPT = 250_000


def core_text(text: str) -> str:
    """A name or string value as the C core can match it. durable_rules never matches a string
    with bytes beyond ASCII (a Korean variable or value, "달걀" == "가라앉다", silently fails), so
    those are spelled as the hex of their UTF-8 bytes, the same way in rulesets and in facts."""
    return text if text.isascii() else "x_" + text.encode("utf-8").hex()


def core_value(v: Scalar) -> Scalar:
    return core_text(v) if isinstance(v, str) else v


def compile_clause(clause: Clause) -> list[list[dict[str, Any]]]:
    """One clause as alternatives (a disjunction) of conjunctions of durable_rules tests."""
    var, op, value = clause.variable, clause.operator, clause.value
    if var is None or op is None:
        raise CompileError(f"clause {clause.text!r} is not measurable")
    var = core_text(var)
    if op is Operator.IS_TRUE:
        return [[{var: True}]]
    if op is Operator.IS_FALSE:
        return [[{var: False}]]
    if op is Operator.IN:
        assert isinstance(value, list)
        return [[{var: core_value(v)}] for v in dict.fromkeys(norm(v) for v in value)]
    if op is Operator.BETWEEN:
        assert isinstance(value, list)
        return [[{"$gte": {var: float(value[0])}}, {"$lte": {var: float(value[1])}}]]
    symbol = {
        Operator.EQ: None,
        Operator.NE: "$neq",
        Operator.LT: "$lt",
        Operator.LE: "$lte",
        Operator.GT: "$gt",
        Operator.GE: "$gte",
    }[op]
    assert value is not None and not isinstance(value, list)
    return [[{var: core_value(norm(value))}]] if symbol is None else [[{symbol: {var: core_value(norm(value))}}]]


def alternatives(group: Group) -> list[list[dict[str, Any]]]:
    """A condition tree as a disjunction of conjunctions of tests (an empty list: it can never fire).

    The clause alternatives of the tree (`rules.model.clause_alternatives`), with each `in`
    clause spread over one conjunction per value; more than MAX_ALTERNATIVES are cut off there.
    """
    out: list[list[dict[str, Any]]] = []
    for term in clause_alternatives(group, MAX_ALTERNATIVES):
        tests: list[list[dict[str, Any]]] = [[]]
        for clause in term:
            tests = [left + right for left in tests for right in compile_clause(clause)]
            if len(tests) > MAX_ALTERNATIVES:
                break
        out.extend(tests)
        if len(out) > MAX_ALTERNATIVES:
            break
    return out


def variables_in(test: dict[str, Any]) -> list[str]:
    (key, inner), *_ = test.items()
    return list(inner) if key.startswith("$") else [key]


def norm(v: Scalar) -> Scalar:
    if isinstance(v, str):
        return v.lower()
    if isinstance(v, int) and not isinstance(v, bool):
        return float(v)
    return v


def normalize_group(group: Group, units: Mapping[str, str]) -> Group:
    return Group(
        join=group.join,
        items=[normalize_group(i, units) if isinstance(i, Group) else normalize_clause(i, units) for i in group.items],
    )


@dataclass
class Compiled:
    """A rule as the engine asks it: its condition tree and exceptions in reference units, the
    tree's clauses (normalised and as the master said them) and its alternatives of tests."""

    rule: Rule
    conditions: Group
    exceptions: list[Clause]
    alternatives: list[list[dict[str, Any]]]
    clauses: list[Clause] = field(default_factory=list)  # the condition tree's clauses, normalised
    originals: list[Clause] = field(default_factory=list)  # the same clauses in the master's units

    def __post_init__(self) -> None:
        self.clauses = list(iter_clauses(self.conditions))
        self.originals = self.rule.clauses()


class CompileError(ValueError):
    """A rule that cannot be compiled to the engine's form."""


# id(rule) -> (the rule, the reference units it was compiled in, its compiled form or why not)
_kept: dict[int, tuple[Rule, tuple[str | None, ...], Compiled | str]] = {}


def compiled_rule(rule: Rule, units: Mapping[str, str]) -> Compiled | str:
    """The rule compiled in these reference units, or why it cannot be (a unit that cannot
    measure its variable, too many alternatives). Kept for the same rule object and units."""
    measured = tuple(units.get(c.variable) for c in [*rule.clauses(), *rule.exceptions] if c.unit and c.variable)
    kept = _kept.get(id(rule))
    if kept is not None and kept[0] is rule and kept[1] == measured:
        return kept[2]
    out = _compile(rule, units)
    if len(_kept) >= COMPILED_KEPT:
        _kept.clear()
    _kept[id(rule)] = (rule, measured, out)  # the rule is held, so its id is not reused meanwhile
    return out


def _compile(rule: Rule, units: Mapping[str, str]) -> Compiled | str:
    try:
        conditions = normalize_group(rule.conditions, units)
        exceptions = [normalize_clause(e, units) for e in rule.exceptions]
    except UnitError as exc:
        return str(exc)
    alts = alternatives(conditions)
    if len(alts) > MAX_ALTERNATIVES:
        return f"its conditions expand to more than {MAX_ALTERNATIVES} alternatives"
    return Compiled(rule, conditions, exceptions, alts)
