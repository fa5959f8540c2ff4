"""Values in the master's words: numbers (digits or words), units, comparisons and ranges.

Turns a condition's text into `variable / operator / value / unit` where the words allow it;
the variable name is only a proposal that the master can correct in review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rules.english_numbers import NUMBER, words_to_number
from rules.units import degrees_unit

UNITS: dict[str, str] = {
    "%": "%",
    "percent": "%",
    "per cent": "%",
    "pct": "%",
    "°c": "degC",
    "degc": "degC",
    "deg c": "degC",
    "degrees celsius": "degC",
    "celsius": "degC",
    "degrees c": "degC",
    "°f": "degF",
    "degf": "degF",
    "fahrenheit": "degF",
    "degrees fahrenheit": "degF",
    "degrees": "degrees",
    "degree": "degrees",
    "kelvin": "K",
    "micron": "um",
    "microns": "um",
    "µm": "um",
    "um": "um",
    "micrometre": "um",
    "micrometres": "um",
    "micrometer": "um",
    "micrometers": "um",
    "mm": "mm",
    "millimetre": "mm",
    "millimetres": "mm",
    "millimeter": "mm",
    "millimeters": "mm",
    "mil": "mm",
    "mils": "mm",
    "cm": "cm",
    "centimetres": "cm",
    "centimeters": "cm",
    "m": "m",
    "metres": "m",
    "meters": "m",
    "metre": "m",
    "meter": "m",
    "min": "min",
    "mins": "min",
    "minute": "min",
    "minutes": "min",
    "s": "s",
    "sec": "s",
    "secs": "s",
    "second": "s",
    "seconds": "s",
    "h": "h",
    "hr": "h",
    "hrs": "h",
    "hour": "h",
    "hours": "h",
    "a": "A",
    "amp": "A",
    "amps": "A",
    "ohms": "ohm",
    "ohm": "ohm",
    "ampere": "A",
    "amperes": "A",
    "v": "V",
    "volt": "V",
    "volts": "V",
    "kg": "kg",
    "kilos": "kg",
    "kilo": "kg",
    "kilogram": "kg",
    "kilograms": "kg",
    "t": "t",
    "tons": "t",
    "tonnes": "t",
    "bar": "bar",
    "psi": "psi",
    "pa": "Pa",
    "pascal": "Pa",
    "pascals": "Pa",
    "kpa": "kPa",
    "mpa": "MPa",
    "mtorr": "mTorr",
    "millitorr": "mTorr",
    "torr": "torr",
    "hrc": "HRC",
    "rockwell": "HRC",
    "rpm": "rpm",
    "mm/min": "mm/min",
    "l/min": "L/min",
    "lpm": "L/min",
    "litres per minute": "L/min",
    "liters per minute": "L/min",
    "litres a minute": "L/min",
    "liters a minute": "L/min",
    "mm/s": "mm/s",
    "m/s": "m/s",
    "m/min": "m/min",
    "km/h": "km/h",
    "meters per second": "m/s",
    "metres per second": "m/s",
    "meters a second": "m/s",
    "metres a second": "m/s",
    "meters per minute": "m/min",
    "metres per minute": "m/min",
    "millimetres per second": "mm/s",
    "millimeters per second": "mm/s",
    "millimetres per minute": "mm/min",
    "millimeters per minute": "mm/min",
    "kilometres per hour": "km/h",
    "kilometers per hour": "km/h",
    "amps per second": "A/s",
    "days": "day",
    "day": "day",
    "weeks": "week",
    "week": "week",
    "months": "month",
    "month": "month",
    "years": "year",
    "year": "year",
    "inch": "inch",
    "inches": "inch",
    "square metres": "m**2",
    "square meters": "m**2",
    "square metre": "m**2",
    "square meter": "m**2",
    "m2": "m**2",
    "m²": "m**2",
    "microsiemens": "uS/cm",
    "µs/cm": "uS/cm",
    "us/cm": "uS/cm",
    "ppm": "ppm",
    "parts per million": "ppm",
    "grams": "g",
    "g": "g",
    "litres": "L",
    "liters": "L",
}
_UNIT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))

# comparison phrase -> operator
COMPARATORS: dict[str, str] = {
    "above": ">",
    "over": ">",
    "more than": ">",
    "greater than": ">",
    "higher than": ">",
    "exceeds": ">",
    "exceed": ">",
    "beyond": ">",
    "past": ">",
    "reaches": ">=",
    "reach": ">=",
    "hits": ">=",
    "hit": ">=",
    "gets to": ">=",
    "get to": ">=",
    "drops below": "<",
    "falls below": "<",
    "shows": ">=",
    "show": ">=",
    "reads": ">=",
    "at least": ">=",
    "no less than": ">=",
    "not less than": ">=",
    "or more": ">=",
    "below": "<",
    "under": "<",
    "less than": "<",
    "lower than": "<",
    "fewer than": "<",
    "at most": "<=",
    "no more than": "<=",
    "not more than": "<=",
    "up to": "<=",
    "or less": "<=",
}
# comparative adjectives -> (operator, dimension)
COMPARATIVES: dict[str, tuple[str, str]] = {
    "thicker": (">", "thickness"),
    "thinner": ("<", "thickness"),
    "hotter": (">", "temperature"),
    "warmer": (">", "temperature"),
    "colder": ("<", "temperature"),
    "cooler": ("<", "temperature"),
    "longer": (">", "length"),
    "shorter": ("<", "length"),
    "heavier": (">", "weight"),
    "lighter": ("<", "weight"),
    "wider": (">", "width"),
    "narrower": ("<", "width"),
    "faster": (">", "speed"),
    "slower": ("<", "speed"),
    "bigger": (">", "size"),
    "larger": (">", "size"),
    "smaller": ("<", "size"),
    "higher": (">", "level"),
    "lower": ("<", "level"),
    "harder": (">", "hardness"),
    "softer": ("<", "hardness"),
    "closer": ("<", "length"),
    "nearer": ("<", "length"),
    "farther": (">", "length"),
    "further": (">", "length"),
    "deeper": (">", "length"),
    "shallower": ("<", "length"),
    "older": (">", "age"),
    "newer": ("<", "age"),
    "younger": ("<", "age"),
    "stronger": (">", ""),
    "weaker": ("<", ""),
}
UNIT_DIMENSIONS = {
    "degC": "temperature",
    "degF": "temperature",
    "K": "temperature",
    "um": "thickness",
    "deg": "angle",
    "Pa": "pressure",
    "kPa": "pressure",
    "MPa": "pressure",
    "mTorr": "pressure",
    "torr": "pressure",
    "HRC": "hardness",
    "m/min": "speed",
    "L/min": "flow",
    "day": "duration",
    "week": "duration",
    "month": "duration",
    "year": "duration",
    "mm": "thickness",
    "min": "duration",
    "s": "duration",
    "h": "duration",
    "A": "current",
    "ohm": "resistance",
    "V": "voltage",
    "kg": "weight",
    "t": "weight",
    "bar": "pressure",
    "psi": "pressure",
    "rpm": "speed",
    "%": "level",
    "m/s": "speed",
    "km/h": "speed",
    "mm/s": "velocity",
    "mm/min": "feed",
    "m**2": "area",
    "inch": "thickness",
    "uS/cm": "conductivity",
    "ppm": "concentration",
}

_COMPARATOR = "|".join(re.escape(c) for c in sorted(COMPARATORS, key=len, reverse=True))
_COMPARATIVE = "|".join(sorted(COMPARATIVES, key=len, reverse=True))

_RANGE = re.compile(
    rf"(?:between\s+|from\s+)?(?P<lo>{NUMBER})\s*(?P<u1>{_UNIT})?\s*(?:-|–|~|to|and)\s*"
    rf"(?P<hi>{NUMBER})\s*(?P<u2>{_UNIT})?(?![\w])",
    re.IGNORECASE,
)
_COMPARE = re.compile(
    rf"(?<![\w])(?:(?P<adj>{_COMPARATIVE})\s+than|(?P<cmp>{_COMPARATOR}))\s+(?:about\s+|around\s+|roughly\s+)?"
    rf"(?P<num>{NUMBER})\s*(?P<unit>{_UNIT})?(?![\w])(?P<tail>\s+or\s+(?:more|less|above|below|lower|higher|longer|fewer|over|under))?",
    re.IGNORECASE,
)
_TRAILING = re.compile(
    rf"(?P<num>{NUMBER})\s*(?P<unit>{_UNIT})?\s+(?P<cmp>or more|or less|or above|or below|or lower|or higher|or longer|or over|or under|or fewer|and up|and above|and below)",
    re.IGNORECASE,
)


def normalise_unit(unit: str | None, context: str = "") -> str | None:
    """The pint name of a unit as said; a bare "degrees" is an angle near angle words, else degC."""
    if not unit:
        return None
    found = UNITS.get(" ".join(unit.strip().lower().split()))
    return degrees_unit(context) if found == "degrees" else found


@dataclass(frozen=True)
class Measure:
    """A comparison found in a clause: operator, value(s), unit and the dimension hinted by words."""

    operator: str
    value: float | list[float]
    unit: str | None
    dimension: str | None
    start: int
    end: int


_DURATION_UNITS = {"s", "min", "h", "day", "week", "month", "year"}
# The variable of a bare number whose subject is "it": what it measures is resolved from the
# number with a unit said just before (elicitation.references).
GENERIC = "value"
# "after two days" (at least), "within six hours" (at most), "the first three hours" (so far,
# at most), "within 5 degrees of the setpoint" and "plus or minus 2 mm" (a tolerance, at most).
_ELAPSED = re.compile(
    rf"(?P<word>\b(?:after|before|within|inside of|in the first|the first|for the first|first|plus or minus|had its)\b|±|\+/-)\s*"
    rf"(?:about\s+|around\s+|roughly\s+|a\s+few\s+)?(?P<num>{NUMBER})?\s*(?P<unit>{_UNIT})(?![\w])",
    re.IGNORECASE,
)
_FREEZING = re.compile(r"\b(?P<cmp>below|under|above|over)\s+(?P<what>zero|freezing)\b", re.IGNORECASE)
_EITHER = re.compile(rf"\b(?P<lo>{NUMBER})\s+or\s+(?P<hi>{NUMBER})\s+(?:of\b|(?P<unit>{_UNIT})(?![\w]))", re.IGNORECASE)


# Nouns whose numbers count the steps of an ordered sequence ("cone 8", "pass 3", "coat 2").
_STAGE_NOUNS = ("cone", "stage", "step", "phase", "pass", "coat", "layer", "course", "round", "gear", "grade")
STAGE = "stage"
_STAGE = re.compile(
    rf"\b(?P<noun>{'|'.join(_STAGE_NOUNS)})\s+(?:no\.?\s*|number\s+)?(?P<num>\d{{1,3}})\b"
    rf"(?![.,]\d|\s*(?:%|(?:{_UNIT})(?![\w])))",
    re.IGNORECASE,
)


def find_measure(text: str) -> Measure | None:
    """The first comparison or range in the text, if any."""
    m = _FREEZING.search(text)
    if m and (m.group("what").lower() == "freezing" or not _COMPARE.search(text[m.end() :])):
        op = "<" if m.group("cmp").lower() in ("below", "under") else ">"
        return Measure(op, 0.0, "degC", "temperature", m.start(), m.end())
    found = _comparison(text)
    if found is not None:
        return found
    return _elapsed(text) or _either(text) or _stage(text) or _count(text)


# "two repairs on the same spot", "five bad shots in a row", "steady for about twenty shots": a
# count of events, reached from that count on (no unit)
_EVENTS = ("shots", "cycles", "heats", "batches", "runs", "parts", "pieces", "repairs", "rejects", "strokes", "hits")
_COUNT = re.compile(
    rf"(?:^\s*|\bfor\s+(?:about\s+|around\s+)?)(?P<num>{NUMBER})\s+(?:[a-z-]+\s+){{0,3}}?"
    rf"(?:(?:in\s+a\s+row|running|straight)\b|(?:on|from|in)\s+the\s+same\b|(?=(?:{'|'.join(_EVENTS)})\b))",
    re.IGNORECASE,
)


def _count(text: str) -> Measure | None:
    m = _COUNT.search(text)
    number = words_to_number(m.group("num")) if m else None
    if m is None or number is None or number < 2 or number != int(number):
        return None
    after = text[m.end("num") :].lower().split()
    if after and (
        normalise_unit(after[0]) is not None or (after[0] == "parts" and bool({"to", "per"} & set(after[1:4])))
    ):
        return None  # "three days straight" is a time, "two parts resin to one" a ratio
    return Measure(">=", number, None, "count", m.start(), m.end())


def _elapsed(text: str) -> Measure | None:
    m = _ELAPSED.search(text)
    if m is None:
        return None
    word = m.group("word").lower()
    unit = normalise_unit(m.group("unit"), text)
    raw = m.group("num")
    number = _amount(raw, unit) if raw else (1.0 if "first" in word else None)
    if number is None or unit is None:
        return None
    tolerance = word in ("plus or minus", "±", "+/-") or (
        word in ("within", "inside of") and unit not in _DURATION_UNITS
    )
    if unit not in _DURATION_UNITS and not tolerance:
        return None
    op = ">=" if word in ("after", "had its") else "<" if word == "before" else "<="
    dimension = "deviation" if tolerance else "time"
    return Measure(op, number, unit, dimension, m.start(), m.end())


def _amount(raw: str, unit: str | None) -> float | None:
    """A number as said before its unit: "a minute" is one minute, though "a" alone is no number."""
    if unit is not None and raw.strip().lower() in ("a", "an"):
        return 1.0
    return words_to_number(raw)


def _either(text: str) -> Measure | None:
    """ "seven or eight of the ten frames": a count from the smaller on."""
    m = _EITHER.search(text)
    if m is None:
        return None
    lo, hi = words_to_number(m.group("lo")), words_to_number(m.group("hi"))
    if lo is None or hi is None or not lo < hi:
        return None
    unit = normalise_unit(m.group("unit"), text)
    return Measure(">=", lo, unit, UNIT_DIMENSIONS.get(unit or ""), m.start(), m.end())


def _stage(text: str) -> Measure | None:
    """ "once cone 8 bends", "when stage 3 begins": a numbered step of an ordered sequence,
    reached from that step on. The variable is the sequence's noun (dimension `stage`)."""
    m = _STAGE.search(text)
    if m is None:
        return None
    return Measure(">=", float(m.group("num")), None, STAGE, m.start(), m.end())


_ARRIVING = re.compile(r"\b(?:gets|get|got|comes|come|came|goes|go|went)\s+$", re.IGNORECASE)
_REACHED = re.compile(r"(?:\b(?:is|are|gets|get|comes|come|goes|go)|'s|’s)\s+$", re.IGNORECASE)
_AT_LEAST_TAILS = ("more", "above", "higher", "longer", "over")
_AT_MOST_TAILS = ("less", "below", "lower", "fewer", "under")


def _comparison(text: str) -> Measure | None:
    m = _COMPARE.search(text)
    if m:
        unit = normalise_unit(m.group("unit"), text)
        number = _amount(m.group("num"), unit)
        if number is not None:
            if m.group("adj"):
                op, dim = COMPARATIVES[m.group("adj").lower()]
                dim = UNIT_DIMENSIONS.get(unit or "", dim)  # "longer than a minute": a duration
            else:
                op, dim = COMPARATORS[m.group("cmp").lower()], None
                before = text[: m.start()]
                reached = _ARRIVING.search(before) or ("until" in before.lower() and _REACHED.search(before))
                if m.group("cmp").lower() == "up to" and reached:
                    op = ">="  # "until the oil is up to forty degrees": it has reached it
            tail = (m.group("tail") or "").lower()
            if tail.endswith(_AT_LEAST_TAILS):
                op = ">=" if op in (">", ">=") else op
            if tail.endswith(_AT_MOST_TAILS):
                # "it reads 5 mm or less": the tail says which way, whatever the verb before
                reading = op == ">=" and m.group("adj") is None  # "reads", "shows"
                op = "<=" if op in ("<", "<=") or reading else op
            return Measure(op, number, unit, dim or UNIT_DIMENSIONS.get(unit or ""), m.start(), m.end())

    m = _RANGE.search(text)
    if m:
        lo, hi = words_to_number(m.group("lo")), words_to_number(m.group("hi"))
        unit = normalise_unit(m.group("u2") or m.group("u1"), text)
        if lo is not None and hi is not None and lo <= hi and (unit or "between" in m.group(0).lower()):
            return Measure("between", [lo, hi], unit, UNIT_DIMENSIONS.get(unit or ""), m.start(), m.end())
    m = _TRAILING.search(text)
    if m:
        number = words_to_number(m.group("num"))
        if number is not None:
            unit = normalise_unit(m.group("unit"), text)
            op = ">=" if m.group("cmp").lower().endswith((*_AT_LEAST_TAILS, "up")) else "<="
            return Measure(op, number, unit, UNIT_DIMENSIONS.get(unit or ""), m.start(), m.end())
    return None


def snake(words: str) -> str:
    """A proposed variable name from words: `the arc length` -> `arc_length`."""
    tokens = re.findall(r"[a-z0-9]+", words.lower())
    tokens = [t for t in tokens if t not in {"the", "a", "an", "your", "my", "our", "its", "their", "this", "that"}]
    name = "_".join(tokens)
    if not name or name[0].isdigit():
        return ""
    return name[:60]
