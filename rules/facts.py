"""Facts an SME states about a situation: parsing `name=value` and comparing them to clauses."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from rules.language import is_hangul
from rules.model import Clause, Operator, Scalar
from rules.numerals import korean_number, korean_unit, numbers_in
from rules.units import DEGREES, Fact, Quantity, parse_quantity

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


class FactSyntaxError(ValueError):
    """A fact that is not `name=value` with an identifier name and a non-empty value."""


# The largest magnitude a fact may have: beyond it a number is a typing accident, not a reading.
MAX_MAGNITUDE = 1e15
_YES = {"true", "yes", "예", "네", "응", "그렇다", "있다", "맞다"}
_NO = {"false", "no", "아니요", "아니오", "아니", "없다", "아니다"}


def parse_value(raw: str) -> Fact:
    """Read a fact value: numbers become floats, a number with a unit a Quantity (`2912 degF`,
    `영하 5도`, `85퍼센트`), yes/no (예/아니요) booleans, anything else lower-case text. A number
    that is not finite or is beyond any measurement raises FactSyntaxError."""
    text = unicodedata.normalize("NFKC", raw).strip()
    cleaned = text.replace(",", "") if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text) else text
    if _NUMBER.match(cleaned):
        return _finite(float(cleaned), raw)
    if text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        raise FactSyntaxError(f"{raw.strip()!r} is not a number a measurement can have")
    if text[:1].isdigit() or text[:1] in "+-.":
        quantity = parse_quantity(text)
        if quantity is not None:
            return Quantity(_finite(quantity.value, raw), quantity.unit)
    korean = _korean_value(text)
    if korean is not None:
        return korean
    lowered = text.lower()
    if lowered in _YES:
        return True
    if lowered in _NO:
        return False
    return lowered


def _float(value: float) -> float:
    try:
        return float(value)
    except OverflowError:  # a JSON integer of hundreds of digits
        raise FactSyntaxError(f"a number of {len(str(value))} digits is too large for a measurement") from None


def _finite(value: float, raw: str) -> float:
    if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
        shown = raw.strip() if len(raw.strip()) <= 24 else raw.strip()[:20] + "..."
        raise FactSyntaxError(f"{shown!r} is too large for a measurement (at most {MAX_MAGNITUDE:g})")
    return value


def _korean_value(text: str) -> Fact | None:
    """A Korean number and unit as a worker types it: `영하 5도`, `85퍼센트`, `팔십 퍼센트`, `두 시간`."""
    if not any(is_hangul(ch) for ch in text):
        return None
    below = text.startswith("영하")
    rest = text.removeprefix("영하").removeprefix("영상").strip()
    found = numbers_in(rest)
    words = rest.split()
    if len(found) == 1 and found[0][0] == 0 and not rest[found[0][1] :].strip():
        _start, _end, value, unit = found[0]
    elif len(words) == 2 and korean_number(words[0]) is not None and korean_unit(words[1]):
        value, unit = float(korean_number(words[0]) or 0), korean_unit(words[1])  # "두 시간", "다섯 밀리"
    else:
        return None
    if below and unit not in ("degrees", "degC", "degF", None):
        return None  # 영하 (below zero) is said of temperatures only
    value = _finite(-value if below else value, text)
    if unit is None:
        return value
    return Quantity(value, DEGREES if unit == "degrees" else unit)


def check_name(name: str) -> str:
    """A fact name as the rules spell it: letters of any script (`온도`, `steel_temperature`),
    digits and underscores, not starting with a digit; spaces between words become underscores."""
    cleaned = "_".join(unicodedata.normalize("NFC", name).split())
    if (
        not cleaned
        or not (cleaned[0].isalpha() or cleaned[0] == "_")
        or not all(ch.isalnum() or ch == "_" for ch in cleaned)
    ):
        raise FactSyntaxError(f"fact name {name!r} must start with a letter and hold only letters, digits and _")
    return cleaned


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
    for raw_name, value in data.items():
        name = check_name(str(raw_name))
        if isinstance(value, bool):
            out[name] = value
        elif isinstance(value, (int, float)):
            out[name] = _finite(_float(value), str(value)[:24])
        elif isinstance(value, str):
            if not value.strip():
                raise FactSyntaxError(f"fact {name!r} has no value")
            out[name] = parse_value(value)
        elif isinstance(value, dict) and set(value) == {"value", "unit"}:
            number, unit = value["value"], value["unit"]
            if not isinstance(number, (int, float)) or isinstance(number, bool) or not isinstance(unit, str):
                raise FactSyntaxError(f"fact {name!r}: value must be a number and unit a text")
            measured = _finite(_float(number), str(number)[:24])
            quantity = parse_quantity(f"{measured!r} {unit}")
            if quantity is None:
                raise FactSyntaxError(f"fact {name!r}: unknown unit {unit!r}")
            out[name] = quantity
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
