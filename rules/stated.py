"""The measurements a question states ("the chamber still reads 3 Pa", "발효실이 18도밖에 안 돼요")
and whether they meet a rule's measurable conditions, in the rule's own units.

A plain-words search ranks by meaning and words, which count "an hour" and "30 minutes" as words
about time whatever the numbers say. A number the worker read off his gauge that meets a rule's
threshold is the strongest evidence there is that the rule is his: `meets` says, for one rule,
which of the question's numbers met or missed which of its conditions, and whether the rule as a
whole is met, missed or cannot be told from the numbers alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rules.english_numbers import NUMBER, words_to_number
from rules.language import is_hangul
from rules.model import Clause, Group, Operator, Rule
from rules.numerals import JOINED_TIMES, TIME_ORDER, numbers_in, range_ends
from rules.units import DEGREES, UnitError, canonical_unit, convert, dimension_of, known_unit

# English unit words after a number and the pint spelling they stand for. A list, not pint's whole
# registry: pint reads "in" as inches and "at" as an atmosphere.
_ENGLISH_UNITS = {
    "%": "%", "percent": "%", "per cent": "%", "pct": "%",
    "°c": "degC", "degc": "degC", "deg c": "degC", "celsius": "degC", "degrees celsius": "degC", "c": "degC",
    "°f": "degF", "degf": "degF", "fahrenheit": "degF", "degrees fahrenheit": "degF", "f": "degF",
    "degrees": DEGREES, "degree": DEGREES, "°": DEGREES, "deg": DEGREES,
    "mm": "mm", "millimetres": "mm", "millimeters": "mm", "millimetre": "mm", "millimeter": "mm",
    "cm": "cm", "centimetres": "cm", "centimeters": "cm", "m": "m", "metres": "m", "meters": "m",
    "um": "um", "µm": "um", "micron": "um", "microns": "um", "inch": "inch", "inches": "inch", "feet": "ft",
    "ft": "ft", "g": "g", "grams": "g", "gram": "g", "kg": "kg", "kilos": "kg", "kilograms": "kg",
    "tonnes": "t", "tons": "t", "lb": "lb", "lbs": "lb", "pounds": "lb",
    "s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s", "min": "min", "mins": "min",
    "minute": "min", "minutes": "min", "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
    "day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month", "months": "month",
    "year": "year", "years": "year",
    "pa": "Pa", "kpa": "kPa", "mpa": "MPa", "bar": "bar", "psi": "psi", "torr": "torr", "mtorr": "mTorr",
    "atm": "atm", "v": "V", "volts": "V", "amps": "A", "amperes": "A", "kw": "kW", "w": "W", "watts": "W",
    "rpm": "rpm", "l": "L", "litres": "L", "liters": "L", "ml": "mL", "ppm": "ppm", "l/min": "L/min",
    "m/s": "m/s", "hz": "Hz", "℃": "degC", "℉": "degF",
}  # fmt: skip
# Counts that are no number words: "a couple of hours", "a few minutes", "an hour".
_ROUGH = {"a couple of": 2, "couple of": 2, "a few": 3, "a": 1, "an": 1, "a half": 0.5, "half a": 0.5, "half an": 0.5}
_UNIT = "|".join(re.escape(u) for u in sorted(_ENGLISH_UNITS, key=len, reverse=True))
_ENGLISH = re.compile(
    rf"(?<![\w.,/:%])(?P<minus>(?:minus|negative)\s+)?"
    rf"(?P<num>{NUMBER}|(?:{'|'.join(_ROUGH)})(?=\s))"
    rf"(?P<half>\s+and\s+a\s+half)?\s*(?:-\s*)?(?P<unit>{_UNIT})(?![A-Za-z0-9_]|/(?!\s*(?:min|h|s)\b))",  # 3 Pa에서; 3 mm/s
    re.IGNORECASE,
)
# An amount a minute, an hour or a second is a rate: "15 litres a minute" is 15 L/min.
_PER = re.compile(r"\s+(?:a|an|per)\s+(?P<per>minute|min|hour|hr|second|sec)\b|\s*/\s*(?P<short>min|h|s)\b", re.I)
_PER_UNIT = {"minute": "min", "min": "min", "hour": "h", "hr": "h", "h": "h", "second": "s", "sec": "s", "s": "s"}
_AMOUNTS = {"L", "mL", "m", "mm", "cm", "kg", "g", "t"}
# The lower end of a range just before a number: "2-4", "20 to 25", "between 20 and 25", "one
# to two", "two or three", "minus 5 to minus 10".
_RANGE_BEFORE = re.compile(
    rf"(?P<between>between\s+)?(?<![\w.,])(?P<minus>(?:minus|negative)\s+)?(?P<low>{NUMBER})"
    rf"(?P<gap>\s*(?:-|–|~|to|and|or)\s*)$",
    re.I,
)
_RANGE_GAP = re.compile(r"\s*(?:-|–|~|to|and|or|에서|부터)\s*", re.I)
_HALF_AFTER = re.compile(r"\s+and\s+a\s+half\b", re.I)
_TIME_GAP = re.compile(r"\s*(?:and)?\s*", re.I)
# A number in words is a measurement only with a unit of time or amount after it, or a unit
# written out ("an hour", "eighty percent"; "a m", "ten m" and "two pa" are not).
_WORDS_NEED = {"h", "min", "s", "day", "week", "month", "year", "kg", "g", "t", "L", "%", "mm", "cm", "inch"}


@dataclass(frozen=True)
class Said:
    """A number with a unit as the question says it ("3 Pa", "18도"), in pint's spelling (or
    DEGREES, a "degrees" whose scale the rule it is compared with decides)."""

    words: str
    value: float
    unit: str


@dataclass(frozen=True)
class Met:
    """One of the question's numbers compared with one of a rule's conditions."""

    words: str  # as the question says it
    clause: str  # the condition, in the master's words
    holds: bool


def quantities(text: str) -> list[Said]:
    """Every number with a unit the text states, in the order said; bare numbers (a count, a
    part number) are left out, since nothing says what they measure. Both ends of a range ("2-4
    Pa", "20~25도") are said; a length of time in two parts ("2 hours 30 minutes", "1시간 반")
    is one."""
    text = text.replace("\u2212", "-")  # the minus sign, as typed on a phone: one character for one
    found: list[tuple[int, int, Said]] = []
    if any(is_hangul(ch) for ch in text):
        found = _korean(text)
    for m in _ENGLISH.finditer(text):
        if not any(start < m.end() and m.start() < end for start, end, _ in found):
            found.extend(_english(text, m))
    return [said for _, _, said in _joined(text, sorted(found, key=lambda f: f[0]))]


def _korean(text: str) -> list[tuple[int, int, Said]]:
    """The Korean numbers with units (`numbers_in`), below zero after 영하 or a minus sign; the
    second end of a range below zero as its first ("영하 5~10도")."""
    out: list[tuple[int, int, Said]] = []
    for start, end, value, unit in numbers_in(text):
        if not unit:
            continue
        before = text[max(0, start - 3) : start]
        below = before.strip().endswith("영하") or bool(re.search(r"(?<![\w.,%~])-\s*$", before))
        if out and out[-1][2].value < 0 and _RANGE_GAP.fullmatch(text[out[-1][1] : start]):
            below = True
        out.append((start, end, Said(text[start:end].strip(), -value if below else value, canonical_unit(unit))))
    return out


def _english(text: str, m: re.Match[str]) -> list[tuple[int, int, Said]]:
    """One English number and unit (and the lower end of its range, "2-4 Pa"), or none."""
    unit = _ENGLISH_UNITS[" ".join(m.group("unit").lower().split())]
    raw = " ".join(m.group("num").lower().split())
    digits = raw.lstrip("+-")[:1].isdigit()
    value = _ROUGH.get(raw) if raw in _ROUGH else words_to_number(raw)
    if value is None or (not digits and unit not in _WORDS_NEED and len(m.group("unit")) < 3):
        return []  # "a m" is no metre
    if unit in ("degC", "degF") and len(m.group("unit")) == 1 and (not digits or m.group("unit").islower()):
        return []  # "a c" and "grade 5 c steel" are no temperature; "-5 C" is
    value = float(value) * (-1 if m.group("minus") else 1)
    end = m.end()
    after = _HALF_AFTER.match(text, end) if unit in TIME_ORDER else None
    if m.group("half") or after:
        value += 0.5
        end = after.end() if after else end
    per = _PER.match(text, end) if unit in _AMOUNTS else None
    if per:
        unit, end = f"{unit}/{_PER_UNIT[(per.group('per') or per.group('short')).lower()]}", per.end()
    elif text.startswith("/", end):
        return []  # a rate of something that is no amount ("3 Pa/s"): not the unit alone
    out = [(m.start(), end, Said(text[m.start() : end].strip(), value, unit))]
    low = _RANGE_BEFORE.search(text, 0, m.start())
    if low and (low.group("gap").strip() != "and" or low.group("between") or not digits):
        raw_low = " ".join(low.group("low").lower().split())
        said = _ROUGH.get(raw_low) if raw_low in _ROUGH else words_to_number(raw_low)
        if said is not None:
            said = -said if low.group("minus") else said
            if range_ends(said, value):
                begins = low.start("minus") if low.group("minus") else low.start("low")
                out.insert(0, (begins, low.end("low"), Said(text[begins : low.end("low")], float(said), unit)))
    return out


def _joined(text: str, found: list[tuple[int, int, Said]]) -> list[tuple[int, int, Said]]:
    """Two lengths of time said one after the other as one ("2 hours and 30 minutes"), and both
    ends of a range shown as the range ("2-4 Pa")."""
    out: list[tuple[int, int, Said]] = []
    for start, end, said in found:
        if out:
            p_start, _, before = out[-1]
            gap = text[out[-1][1] : start]
            if (before.unit, said.unit) in JOINED_TIMES and _TIME_GAP.fullmatch(gap):
                value = before.value + convert(said.value, said.unit, before.unit)
                out[-1] = (p_start, end, Said(text[p_start:end], value, before.unit))
                continue
            if before.unit == said.unit and _RANGE_GAP.fullmatch(gap):
                words = text[p_start:end]
                out[-1] = (p_start, out[-1][1], Said(words, before.value, before.unit))
                said = Said(words, said.value, said.unit)
        out.append((start, end, said))
    return out


def _in_unit(said: Said, clause: Clause) -> float | None:
    """The number said, in the clause's unit; None when the two do not measure the same thing."""
    target = canonical_unit(clause.unit) if clause.unit else None
    if target is None:
        return None
    if said.unit == DEGREES or target == DEGREES:
        other = target if said.unit == DEGREES else said.unit
        known = other == "deg" or (known_unit(other) and dimension_of(other) == "[temperature]")
        return said.value if known or other == DEGREES else None
    try:
        return convert(said.value, said.unit, target)
    except (UnitError, ValueError, TypeError):  # pint's errors for units it reads but cannot relate
        return None


def _holds(value: float, clause: Clause) -> bool | None:
    op, bound = clause.operator, clause.value
    if isinstance(bound, list):
        numbers = [float(b) for b in bound if isinstance(b, int | float) and not isinstance(b, bool)]
        if op is Operator.BETWEEN and len(numbers) == 2:
            return min(numbers) <= value <= max(numbers)
        return None
    if not isinstance(bound, int | float) or isinstance(bound, bool):
        return None
    limit = float(bound)
    tests = {
        Operator.GT: value > limit,
        Operator.GE: value >= limit,
        Operator.LT: value < limit,
        Operator.LE: value <= limit,
        Operator.EQ: abs(value - limit) <= 1e-9 * max(1.0, abs(limit)),
        Operator.NE: abs(value - limit) > 1e-9 * max(1.0, abs(limit)),
    }
    return tests.get(op) if op is not None else None


# A temperature is read against a condition only where it is of the condition's magnitude: within
# SPREAD times the threshold of it (with a floor, so a threshold of 0 takes -15 °C). 750 degrees
# is a forge's, not the dough's "above 28 degrees". Other measures are read whatever their size:
# three days meets "out over 4 hours", and 15 bar "above 0 bar".
SPREAD = 9.0
_FLOOR = {"degC": 10.0, "degF": 18.0, DEGREES: 10.0}


def _plausible(value: float, clause: Clause) -> bool:
    bounds = clause.value if isinstance(clause.value, list) else [clause.value]
    numbers = [float(b) for b in bounds if isinstance(b, int | float) and not isinstance(b, bool)]
    if not numbers:
        return False
    nearest = min(numbers, key=lambda b: abs(value - b))
    unit = canonical_unit(clause.unit) if clause.unit else ""
    if unit not in _FLOOR:
        return True  # lengths of time, pressures, amounts: a worker's reading may be many times a threshold
    return abs(value - nearest) <= SPREAD * max(abs(nearest), _FLOOR[unit])


def compare(clause: Clause, said: Sequence[Said]) -> Met | None:
    """The clause against the question's numbers in its unit: met if any of them meets it (a
    worker may give two readings), missed if every one misses; None when none measures it."""
    found: list[tuple[Said, bool]] = []
    for s in said:
        value = _in_unit(s, clause)
        if value is None or not _plausible(value, clause):
            continue
        holds = _holds(value, clause)
        if holds is not None:
            found.append((s, holds))
    if not found:
        return None
    chosen = next(((s, h) for s, h in found if h), found[0])
    return Met(chosen[0].words, clause.text, chosen[1])


def _measure(clause: Clause) -> str | None:
    """What the clause's unit measures ("[temperature]", or the unit itself where pint cannot say)."""
    if not clause.unit:
        return None
    unit = canonical_unit(clause.unit)
    if unit == DEGREES:
        return "[temperature]"
    return dimension_of(unit) if known_unit(unit) else unit


def _shared(rule: Rule) -> set[str]:
    """The measures more than one of the rule's clauses take: a number of that measure cannot be
    told apart (220 °C is the oven's, not the core's), so it may meet a clause, never rule one out."""
    seen: dict[str, int] = {}
    for c in [*rule.clauses(), *rule.exceptions]:
        measure = _measure(c)
        if measure is not None:
            seen[measure] = seen.get(measure, 0) + 1
    return {m for m, n in seen.items() if n > 1}


def _tree(group: Group, said: Sequence[Said], out: list[Met], shared: set[str]) -> bool | None:
    """The condition tree, three-valued: True or False where the numbers decide it, else None."""
    values: list[bool | None] = []
    for item in group.items:
        if isinstance(item, Group):
            values.append(_tree(item, said, out, shared))
            continue
        met = compare(item, said)
        if met is not None and not met.holds and _measure(item) in shared:
            met = None
        if met is not None:
            out.append(met)
        values.append(None if met is None else met.holds)
    if group.join == "all":
        return False if False in values else (True if values and all(v is True for v in values) else None)
    return True if True in values else (False if values and all(v is False for v in values) else None)


@dataclass(frozen=True)
class Meeting:
    """How a question's numbers meet one rule: `fit` is 1 when some condition is met and none
    rules the rule out, -1 when the numbers rule it out (a condition tree they make false, or an
    exception they make true), 0 when they say nothing of it; `met` says which number met or
    missed which condition."""

    fit: int
    met: tuple[Met, ...]


NOTHING = Meeting(0, ())


def meets(rule: Rule, said: Sequence[Said]) -> Meeting:
    """The question's numbers (`quantities`) against one rule's conditions and exceptions."""
    if not said:
        return NOTHING
    found: list[Met] = []
    shared = _shared(rule)
    tree = _tree(rule.conditions, said, found, shared)
    met_one = any(m.holds for m in found)
    # an exception the numbers make true rules the rule out; one they leave false says nothing
    applies = [
        m for e in rule.exceptions if _measure(e) not in shared and (m := compare(e, said)) is not None and m.holds
    ]
    found.extend(Met(m.words, f"unless {m.clause}", False) for m in applies)
    if tree is False or applies:
        return Meeting(-1, tuple(found))
    return Meeting(1 if met_one else 0, tuple(found))
