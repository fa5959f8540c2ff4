"""Facts an SME states about a situation: parsing `name=value` and comparing them to clauses."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rules.model import Clause, Operator, Scalar
from rules.units import Fact, Quantity, parse_quantity

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class FactSyntaxError(ValueError):
    """A fact that is not `name=value` with an identifier name and a non-empty value."""


def parse_value(raw: str) -> Fact:
    """Read a fact value: numbers become floats, a number with a known unit a Quantity
    (`2912 degF`), true/false/yes/no booleans, anything else lower-case text."""
    text = raw.strip()
    cleaned = text.replace(",", "") if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text) else text
    if _NUMBER.match(cleaned):
        return float(cleaned)
    if text[:1].isdigit() or text[:1] in "+-.":
        quantity = parse_quantity(text)
        if quantity is not None:
            return quantity
    lowered = text.lower()
    if lowered in ("true", "yes"):
        return True
    if lowered in ("false", "no"):
        return False
    return lowered


def check_name(name: str) -> str:
    """A fact name must be an identifier (letters, digits, underscores; not starting with a digit)."""
    if not _NAME.match(name):
        raise FactSyntaxError(f"fact name {name!r} must start with a letter and hold only letters, digits and _")
    return name


def parse_fact(item: str) -> tuple[str, Fact]:
    """Parse one `name=value` fact, raising FactSyntaxError with the offending text."""
    if "=" not in item:
        raise FactSyntaxError(f"fact {item!r} is not of the form name=value")
    name, _, raw = item.partition("=")
    name = check_name(name.strip())
    if not raw.strip():
        raise FactSyntaxError(f"fact {name!r} has no value")
    return name, parse_value(raw)


def parse_facts(items: list[str]) -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    for item in items:
        name, value = parse_fact(item)
        facts[name] = value
    return facts


def facts_from_json(data: Any) -> dict[str, Fact]:
    """Facts from a JSON object: numbers, true/false, text (`"2912 degF"` is read with its unit),
    or `{"value": 2912, "unit": "degF"}`."""
    if not isinstance(data, dict):
        raise FactSyntaxError("facts must be a JSON object of name: value")
    out: dict[str, Fact] = {}
    for name, value in data.items():
        check_name(str(name))
        if isinstance(value, bool):
            out[str(name)] = value
        elif isinstance(value, (int, float)):
            out[str(name)] = float(value)
        elif isinstance(value, str):
            if not value.strip():
                raise FactSyntaxError(f"fact {name!r} has no value")
            out[str(name)] = parse_value(value)
        elif isinstance(value, dict) and set(value) == {"value", "unit"}:
            number, unit = value["value"], value["unit"]
            if not isinstance(number, (int, float)) or isinstance(number, bool) or not isinstance(unit, str):
                raise FactSyntaxError(f"fact {name!r}: value must be a number and unit a text")
            quantity = parse_quantity(f"{number} {unit}")
            if quantity is None:
                raise FactSyntaxError(f"fact {name!r}: unknown unit {unit!r}")
            out[str(name)] = quantity
        else:
            raise FactSyntaxError(
                f'fact {name!r}: value must be a number, text, true/false or {{"value": ..., "unit": ...}}'
            )
    return out


def clause_holds(clause: Clause, facts: Mapping[str, Scalar | Quantity]) -> bool | None:
    """Whether a measurable clause holds for the facts; None when the fact is missing.

    This is the data interpretation of the closed operator set, used to explain a firing
    (which fact value satisfied which clause); the engine itself decides what fires.
    """
    if clause.variable is None or clause.variable not in facts:
        return None
    fact = facts[clause.variable]
    if isinstance(fact, Quantity):  # callers normalise units first; a bare Quantity compares by number
        fact = fact.value
    op = clause.operator
    value = clause.value
    if op is Operator.IS_TRUE:
        return fact is True
    if op is Operator.IS_FALSE:
        return fact is False
    if op is Operator.EQ:
        return _same(fact, value)
    if op is Operator.NE:
        return not _same(fact, value)
    if op is Operator.IN:
        assert isinstance(value, list)
        return any(_same(fact, v) for v in value)
    if not isinstance(fact, (int, float)) or isinstance(fact, bool):
        return False
    if op is Operator.BETWEEN:
        assert isinstance(value, list)
        low, high = float(value[0]), float(value[1])
        return low <= fact <= high
    number = float(value)  # type: ignore[arg-type]
    if op is Operator.LT:
        return fact < number
    if op is Operator.LE:
        return fact <= number
    if op is Operator.GT:
        return fact > number
    if op is Operator.GE:
        return fact >= number
    return False


def _same(a: object, b: object) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return a == b
