"""Units of measure for facts and clauses: `1600 degC` and `2912 degF` are the same fact.

Every variable gets one reference unit, the unit its rules use most. Clause values and facts are
converted to it with pint before anything is compared, so the engine, the checks and the exporters
all see one number per variable. A unit pint does not know ("HRC") is kept as an opaque label that
only matches itself.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rules.model import Clause, Scalar

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_WITH_UNIT = re.compile(rf"^\s*(?P<num>{_NUMBER})\s*(?P<unit>[^\d\s].*?)\s*$")


class UnitError(ValueError):
    """A unit that cannot be read, or a fact in a unit that cannot measure its variable."""


@dataclass(frozen=True)
class Quantity:
    """A number with its unit, as an SME gives it (`2912 degF`)."""

    value: float
    unit: str

    def __str__(self) -> str:
        return f"{_number(self.value)} {self.unit}"


Fact = Scalar | Quantity


@functools.cache
def _registry() -> Any:
    import pint  # loaded on first use: half a second that most answers without units never pay

    registry: Any = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    registry.define("Torr = torr")  # so that mTorr, as vacuum gauges read, is a milli-Torr
    return registry


# "degrees" with no scale, as a worker types it ("4 degrees", "5도"): pint would read an angle.
# In a fact it takes the scale of the variable's own rules (degC, degF or an angle); the
# extractor decides by the words around it (`degrees_unit`).
DEGREES = "degrees"
_DEGREE_WORDS = {"degree", "degrees", "도", "°", "deg"}
_ANGLE_WORDS = (
    "angle",
    "bevel",
    "tilt",
    "slope",
    "incline",
    "rotat",
    "overbend",
    "springback",
    "protractor",
    "drawing",
    "각도",
    "기울",
    "경사",
    "각",
)
# Units people write that pint spells otherwise.
_ALIASES = {
    "℃": "degC", "°c": "degC", "℉": "degF", "°f": "degF", "hrc": "HRC", "퍼센트": "%", "프로": "%",
    "mtorr": "mTorr", "torr": "torr", "lpm": "L/min",
}  # fmt: skip
# Rockwell C hardness: a scale pint does not hold; a label that only matches itself.
_LABELS = {"HRC"}


def degrees_unit(context: str) -> str:
    """The unit a bare "degrees" means in this text: an angle near angle words, else degC."""
    lowered = context.lower()
    return "deg" if any(word in lowered for word in _ANGLE_WORDS) else "degC"


def canonical_unit(unit: str) -> str:
    """The unit as the rules spell it: `℃` is degC, `hrc` is HRC."""
    text = unit.strip()
    return _ALIASES.get(text.lower(), text)


@functools.cache
def known_unit(unit: str) -> bool:
    """Whether pint can read this unit (and it says enough to convert)."""
    if unit.strip().lower() in _DEGREE_WORDS - {"deg"}:
        return False
    try:
        _registry().Unit(unit)
    except Exception:  # pint raises several error types for unreadable units
        return False
    return True


def parse_quantity(text: str) -> Quantity | None:
    """`2912 degF`, `85%`, `3.2mm`, `4 degrees` as a Quantity; None when the text is not a number
    and a unit (a known one, "degrees" whose scale the rules decide, or a label such as HRC)."""
    m = _WITH_UNIT.match(text)
    if m is None:
        return None
    unit = canonical_unit(m.group("unit"))
    if unit.lower() == "e":
        return None  # "5e" is an exponent cut short, not 5 elementary charges
    if unit.lower() in _DEGREE_WORDS - {"deg"}:
        return Quantity(float(m.group("num")), DEGREES)
    if unit not in _LABELS and not known_unit(unit):
        return None
    return Quantity(float(m.group("num")), unit)


def dimension_of(unit: str) -> str | None:
    """What the unit measures ("[temperature]", "[length] / [time]"), None for a label."""
    if not known_unit(unit):
        return None
    return str(_registry().Unit(unit).dimensionality)


def measured(value: float, unit: str | None) -> tuple[str, float]:
    """What a number measures and its value in that measure's base unit, so that numbers said in
    different units compare ("1,600 °C" and "2,912 °F"; "2 h" and "120 min"); a bare "degrees"
    reads as Celsius, a unit pint does not know is its own measure, and a number with no unit is
    only itself."""
    if not unit:
        return ("", round(float(value), 6))
    unit = canonical_unit(unit)
    unit = "degC" if unit == DEGREES else unit
    if not known_unit(unit):
        return (unit, round(float(value), 6))
    try:
        base = _registry().Quantity(value, unit).to_base_units()
    except (ValueError, TypeError, AttributeError):  # pint's errors for a unit it reads but cannot reduce
        return (unit, round(float(value), 6))
    return (str(base.dimensionality), float(f"{float(base.magnitude):.6g}"))


@functools.cache
def _compatible(a: str, b: str) -> bool:
    if a == b:
        return True
    if not (known_unit(a) and known_unit(b)):
        return False
    reg = _registry()
    return bool(reg.Unit(a).dimensionality == reg.Unit(b).dimensionality)


def convert(value: float, unit: str, target: str) -> float:
    """The value in the target unit, rounded to 12 significant digits so 1600 degC == 2912 degF."""
    if unit == target:
        return value
    if not _compatible(unit, target):
        raise UnitError(f"{unit!r} cannot be converted to {target!r}")
    converted = _registry().Quantity(value, unit).to(target).magnitude
    return float(f"{float(converted):.12g}")


def reference_units(clauses: Iterable[Clause]) -> dict[str, str]:
    """Per variable, the unit most of its clauses use (first seen wins a tie)."""
    counts: dict[str, Counter[str]] = {}
    for clause in clauses:
        if clause.variable and clause.unit:
            counts.setdefault(clause.variable, Counter())[clause.unit] += 1
    return {var: c.most_common(1)[0][0] for var, c in counts.items()}


def normalize_clause(clause: Clause, units: Mapping[str, str]) -> Clause:
    """The clause with its value in its variable's reference unit; raises UnitError if it cannot be."""
    target = units.get(clause.variable) if clause.variable else None
    if target is None or clause.unit is None or clause.unit == target:
        return clause  # a clause without a unit is read in its variable's reference unit
    value = clause.value
    if isinstance(value, list):
        new: Any = [convert(float(v), clause.unit, target) if _numeric(v) else v for v in value]
    elif _numeric(value):
        new = convert(float(value), clause.unit, target)  # type: ignore[arg-type]
    else:
        new = value
    return clause.model_copy(update={"value": new, "unit": target})


def normalize_fact(name: str, fact: Fact, units: Mapping[str, str]) -> Scalar:
    """A fact as the engine compares it: in its variable's reference unit, text lower-cased."""
    if isinstance(fact, Quantity):
        target = units.get(name)
        if target is None:
            return fact.value  # no rule measures this variable in a unit: the number is what counts
        if fact.unit == DEGREES:
            if dimension_of(target) == "[temperature]" or target == "deg":
                return fact.value  # "4 degrees" on a scale the rules already fix
            raise UnitError(f"fact {name!r} is given in degrees, but the rules measure {name} in {target!r}")
        try:
            return convert(fact.value, fact.unit, target)
        except UnitError:
            raise UnitError(
                f"fact {name!r} is given in {fact.unit!r}, but the rules measure {name} in {target!r}"
            ) from None
    if isinstance(fact, str):
        return fact.lower()
    if isinstance(fact, int) and not isinstance(fact, bool):
        return float(fact)
    return fact


def show(fact: Fact) -> str:
    """A fact as a person reads it."""
    if isinstance(fact, float):
        return _number(fact)
    return str(fact)


def _numeric(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _number(v: float) -> str:
    return f"{v:g}" if abs(v) < 1e15 else str(v)
