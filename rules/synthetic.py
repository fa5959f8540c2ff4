"""A generated knowledge base and random situations, for benchmarks and differential tests.

Variables are numeric (with units), categorical or yes/no; rules test one to three of them with
every operator of the closed set, some through `any` groups, some with an exception, spread over
domains and process steps. Seeded, so a run can be repeated.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from rules.engine import KnownRule
from rules.model import Action, Certainty, Clause, Group, Operator, Rule, Scalar

_UNITS = ["degC", "mm", "%", "bar", "s", "A"]
_OTHER_UNIT = {"degC": "degF", "mm": "cm", "bar": "psi", "s": "min", "A": "mA"}  # the same dimension
_WORDS = ["rain", "dry", "argon", "co2", "mix", "steel", "cast", "alloy", "red", "white", "blue", "orange"]
_DOMAINS = ["welding", "steelmaking", "machining", "casting"]
_STEPS = ["preparation", "preheat", "process", "finishing"]


@dataclass(frozen=True)
class Variable:
    name: str
    kind: str  # "number", "word" or "flag"
    unit: str | None = None
    values: tuple[str, ...] = ()


def variables(count: int, rng: random.Random) -> list[Variable]:
    out = []
    for i in range(count):
        kind = rng.choices(["number", "word", "flag"], weights=[6, 3, 1])[0]
        if kind == "number":
            out.append(Variable(f"v{i}", kind, rng.choice(_UNITS)))
        elif kind == "word":
            out.append(Variable(f"v{i}", kind, values=tuple(rng.sample(_WORDS, 4))))
        else:
            out.append(Variable(f"v{i}", kind))
    return out


def _clause(var: Variable, rng: random.Random) -> Clause:
    if var.kind == "flag":
        op = rng.choice([Operator.IS_TRUE, Operator.IS_FALSE])
        return Clause(text=f"{var.name} {op.value}", variable=var.name, operator=op)
    if var.kind == "word":
        op = rng.choice([Operator.EQ, Operator.EQ, Operator.NE, Operator.IN])
        value: Scalar | list[Scalar] = (
            list(rng.sample(var.values, 2)) if op is Operator.IN else rng.choice(var.values).capitalize()
        )
        return Clause(text=f"{var.name} {op.value} {value}", variable=var.name, operator=op, value=value)
    op = rng.choice([Operator.LT, Operator.LE, Operator.GT, Operator.GE, Operator.BETWEEN, Operator.EQ])
    if op is Operator.BETWEEN:
        low = rng.randrange(0, 80)
        value = [float(low), float(low + rng.randrange(5, 40))]
    else:
        value = float(rng.randrange(0, 100))
    unit = var.unit
    if unit in _OTHER_UNIT and rng.random() < 0.1:  # a master who says it in another unit
        unit = _OTHER_UNIT[unit]
    return Clause(text=f"{var.name} {op.value} {value} {unit}", variable=var.name, operator=op, value=value, unit=unit)


def knowledge_base(rules: int, variable_count: int, *, seed: int = 7) -> tuple[list[KnownRule], list[Variable]]:
    """`rules` confirmed rules over `variable_count` variables."""
    rng = random.Random(seed)
    pool = variables(variable_count, rng)
    out = []
    for i in range(rules):
        chosen = rng.sample(pool, rng.choice([1, 1, 2, 2, 2, 3]))
        items: list[Clause | Group] = [_clause(v, rng) for v in chosen]
        join = "all"
        if len(items) > 1 and rng.random() < 0.15:
            join = "any"
        elif len(items) > 2 and rng.random() < 0.2:
            items = [items[0], Group(join="any", items=items[1:])]
        exceptions = [_clause(rng.choice(pool), rng)] if rng.random() < 0.1 else []
        rule = Rule(
            conditions=Group(join=join, items=items),  # type: ignore[arg-type]
            actions=[Action(text=f"do step {i + 1}", verb="do", object=f"step {i + 1}")],
            exceptions=exceptions,
            certainty=rng.choice(list(Certainty)),
            confidence=round(rng.random(), 3),
            domain=rng.choice(_DOMAINS),
            process_step=rng.choice(_STEPS),
        )
        out.append(KnownRule(key=str(i + 1), rule=rule, master=f"master {i % 7}", quote=f"quote {i + 1}"))
    return out, pool


def situation(pool: list[Variable], facts: int, rng: random.Random) -> dict[str, Scalar]:
    """Random facts for `facts` of the variables, in their reference units, words in lower case."""
    out: dict[str, Scalar] = {}
    for var in rng.sample(pool, min(facts, len(pool))):
        if var.kind == "number":
            out[var.name] = float(rng.randrange(0, 100))
        elif var.kind == "word":
            out[var.name] = rng.choice([*var.values, "other"])
        else:
            out[var.name] = rng.random() < 0.5
    return out
