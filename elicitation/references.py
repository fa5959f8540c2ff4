"""Numbers a condition points back to: "if it's colder than that", "if it gets hotter",
"온도가 그것보다 낮으면". The master said the number a moment before, in the same turn or the one
before it; the condition compares against it.

A condition is resolved when its words compare (a comparative, or "than that" / 그것보다) but it
holds no number, and a number of the same kind (a temperature for "hotter", a length for
"thicker") was said just before. "Colder than 18 to 24 degrees" means below 18; "hotter", above 24.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from elicitation.transcripts import Transcript
from elicitation.values import COMPARATIVES, UNITS, find_measure, normalise_unit
from rules import Clause, Group, Operator, Rule
from rules.english_numbers import NUMBER, words_to_number
from rules.numerals import numbers_in
from rules.units import dimension_of

LOOK_BACK_TURNS = 2  # the turn the condition is in and the two before it
_UNIT_WORDS = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_SAID = re.compile(
    rf"(?<![\w])(?P<lo>{NUMBER})\s*(?:(?:-|–|~|to|and)\s*(?P<hi>{NUMBER})\s*)?(?P<unit>{_UNIT_WORDS})(?![\w])",
    re.IGNORECASE,
)
_POINTING = re.compile(r"\bthan\s+(?:that|this|it|those)\b", re.IGNORECASE)
_BEYOND = re.compile(r"\b(below|under|above|over|beyond|past)\s+(?:that|this|those)\b", re.IGNORECASE)
_KO_POINTING = (
    "그거 넘",
    "그걸 넘",
    "그것을 넘",
    "그거를 넘",
    "그것보다",
    "그거보다",
    "그보다",
    "이것보다",
    "이거보다",
    "이보다",
    "그것보단",
    "그보단",
)
# The dimension a comparative word speaks of, as pint names it.
_DIMENSIONS = {
    "temperature": "[temperature]",
    "thickness": "[length]",
    "length": "[length]",
    "width": "[length]",
    "weight": "[mass]",
    "speed": "[length] / [time]",
    "pressure": "[mass] / [length] / [time] ** 2",
    "current": "[current]",
    "flow": "[length] ** 3 / [time]",
}
_KO_DIRECTIONS = {
    "높": (Operator.GT, None), "낮": (Operator.LT, None), "넘": (Operator.GT, None), "많": (Operator.GT, None),
    "적": (Operator.LT, None), "크": (Operator.GT, None), "작": (Operator.LT, None),
    "뜨겁": (Operator.GT, "[temperature]"), "차갑": (Operator.LT, "[temperature]"), "차가": (Operator.LT, "[temperature]"),
    "두껍": (Operator.GT, "[length]"), "두꺼": (Operator.GT, "[length]"), "얇": (Operator.LT, "[length]"),
}  # fmt: skip
_EN_QUALITIES = {
    "hot": (Operator.GT, "[temperature]"), "warm": (Operator.GT, "[temperature]"),
    "cold": (Operator.LT, "[temperature]"), "cool": (Operator.LT, "[temperature]"),
    "thick": (Operator.GT, "[length]"), "thin": (Operator.LT, "[length]"), "wide": (Operator.GT, "[length]"),
    "heavy": (Operator.GT, "[mass]"), "fast": (Operator.GT, "[length] / [time]"),
    "slow": (Operator.LT, "[length] / [time]"), "humid": (Operator.GT, None), "high": (Operator.GT, None),
    "low": (Operator.LT, None),
}  # fmt: skip
_KO_QUALITIES = {
    "뜨겁": (Operator.GT, "[temperature]"), "뜨거": (Operator.GT, "[temperature]"), "덥": (Operator.GT, "[temperature]"),
    "차갑": (Operator.LT, "[temperature]"), "차가": (Operator.LT, "[temperature]"), "춥": (Operator.LT, "[temperature]"),
    "두껍": (Operator.GT, "[length]"), "두꺼": (Operator.GT, "[length]"), "얇": (Operator.LT, "[length]"),
    "높": (Operator.GT, None), "낮": (Operator.LT, None), "빠르": (Operator.GT, None), "느리": (Operator.LT, None),
}  # fmt: skip
_KO_NAMES = {
    "[temperature]": "온도", "[length]": "두께", "[mass]": "무게", "[length] / [time]": "속도",
    "[mass] / [length] / [time] ** 2": "압력", "[current]": "전류", "[length] ** 3 / [time]": "유량",
}  # fmt: skip


@dataclass(frozen=True)
class Said:
    """A number said in a turn: where it ends, its value (a range's ends) and its unit."""

    end: int
    low: float
    high: float
    unit: str


def resolve_references(rules: Sequence[Rule], transcript: Transcript) -> list[Rule]:
    """The rules with each condition that points back to a number made a comparison with it."""
    return [_resolved(rule, transcript) for rule in rules]


def _resolved(rule: Rule, transcript: Transcript) -> Rule:
    changed = False

    def fix(clause: Clause) -> Clause:
        nonlocal changed
        new = _resolve(clause, rule, transcript)
        changed = changed or new is not clause
        return new

    conditions = _map_group(rule.conditions, fix)
    exceptions = [fix(e) for e in rule.exceptions]
    return rule.model_copy(update={"conditions": conditions, "exceptions": exceptions}) if changed else rule


def _map_group(group: Group, fix: object) -> Group:
    items = [_map_group(i, fix) if isinstance(i, Group) else fix(i) for i in group.items]  # type: ignore[operator]
    return group.model_copy(update={"items": items})


def _resolve(clause: Clause, rule: Rule, transcript: Transcript) -> Clause:
    if clause.variable in _GENERIC and clause.unit is None:
        return _bare(clause, rule, transcript)
    if (isinstance(clause.value, (int, float)) and not isinstance(clause.value, bool)) or isinstance(
        clause.value, list
    ):
        return clause
    if _THAT_LONG.search(clause.text) or any(p in clause.text for p in _KO_THAT_LONG):
        return _how_long(clause, rule, transcript)
    direction = _direction(clause.text) or _quality(clause.text)
    if direction is None or _NEGATED.search(clause.text):
        return clause  # "if it is not colder than that": left for the master to say plainly
    operator, dimension, korean = direction
    said = _said_before(clause, rule, transcript, dimension, korean)
    if said is None:
        asked = _said_after(clause, rule, transcript, _quality(clause.text))
        if asked is None:
            return clause
        said, operator = asked
    value = said.low if operator is Operator.LT else said.high
    name = _name(clause, said.unit, korean)
    number = int(value) if float(value).is_integer() else value
    return clause.model_copy(
        update={"variable": name, "operator": operator, "value": number, "unit": said.unit, "observed": False}
    )


def _direction(text: str) -> tuple[Operator, str | None, bool] | None:
    """The comparison a clause's words make, the dimension they name, and whether they are Korean."""
    if any(p in text for p in _KO_POINTING):
        for stem, (op, dimension) in _KO_DIRECTIONS.items():
            if stem in text.split("보다", 1)[-1]:
                return op, dimension, True
        return None
    lowered = text.lower()
    pointing = _POINTING.search(lowered) is not None
    for word, (sign, dim) in COMPARATIVES.items():
        if re.search(rf"\b{word}\b", lowered) and (pointing or dim in _DIMENSIONS):
            return Operator(sign), _DIMENSIONS.get(dim), False  # "bigger" alone names no kind of number
    beyond = _BEYOND.search(lowered)  # "below that", "over that"
    if beyond is not None:
        return (Operator.LT if beyond.group(1) in ("below", "under") else Operator.GT), None, False
    if pointing and re.search(r"\bmore\b", lowered):
        return Operator.GT, None, False
    if pointing and re.search(r"\b(?:less|fewer)\b", lowered):
        return Operator.LT, None, False
    return None


def _said_before(
    clause: Clause, rule: Rule, transcript: Transcript, dimension: str | None, korean: bool
) -> Said | None:
    """The last number of the right kind said before the clause: earlier in its turn, then in the
    turns before it."""
    if _direction(clause.text) is None:
        return None  # a plain "hot" compares with nothing said before; only a threshold asked for
    return _last_said(clause, rule, transcript, dimension, korean)


def _last_said(clause: Clause, rule: Rule, transcript: Transcript, dimension: str | None, korean: bool) -> Said | None:
    turns = transcript.turns
    where = _where(clause, rule, transcript)
    if where is None:
        return None
    index, at = where
    for back in range(LOOK_BACK_TURNS + 1):
        if index - back < 0:
            break
        text = turns[index - back].text
        found = [s for s in _numbers(text if back else text[:at], korean) if _fits(s.unit, dimension, clause)]
        if found:
            return found[-1]
    return None


_THAT_LONG = re.compile(r"\b(?:that|this|so)\s+long\b", re.IGNORECASE)
_KO_THAT_LONG = ("오래", "그렇게 길게", "그만큼 길게")  # "(그렇게) 오래 못 기다리면"


def _how_long(clause: Clause, rule: Rule, transcript: Transcript) -> Clause:
    """ "when you can't wait that long" after "another two weeks": the time waited, under the
    duration said before ("that long" but not: less; "if it takes that long": at least)."""
    korean = any(p in clause.text for p in _KO_THAT_LONG)
    said = _last_said(clause, rule, transcript, "[time]", korean)
    if said is None:
        return clause
    negated = _NEGATED.search(clause.text) is not None
    operator, value = (Operator.LT, said.low) if negated else (Operator.GE, said.high)
    cue = [w for w in (clause.variable or "").split("_") if w not in _NOT_CUES]
    name = "_".join([*cue[:3], "시간" if korean else "time"])
    number = int(value) if float(value).is_integer() else value
    return clause.model_copy(
        update={"variable": name, "operator": operator, "value": number, "unit": said.unit, "observed": False}
    )


_NOT_CUES = {"long", "that", "so", "오래", "길게", "그렇다", "그렇게", "만약", "없다", "않다", "못하다", "수"}
_GENERIC = {"value", "값"}
_NEGATED = re.compile(r"\b(?:not|never|no|cannot)\b|n't|(?:^|\s)(?:안|못)\s|않|없으")


def _bare(clause: Clause, rule: Rule, transcript: Transcript) -> Clause:
    """A bare number ("if it's under 1,620") in the unit of the number of like size said just
    before ("the bath should be at 1,650 degrees"); left as it is when there is none."""
    numbers = clause.value if isinstance(clause.value, list) else [clause.value]
    if not numbers or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in numbers):
        return clause
    size = abs(float(numbers[0]))  # type: ignore[arg-type]
    where = _where(clause, rule, transcript)
    if where is None:
        return clause
    korean = clause.variable == "값"
    index, at = where
    for back in range(LOOK_BACK_TURNS + 1):  # its own turn, then the turns before, to the first number
        if index - back < 0:
            break
        text = transcript.turns[index - back].text
        found = _numbers(text if back else text[:at], korean)
        if found:
            said = found[-1]  # the last number said with a unit, and only if it is of like size
            if said.low > 0 and 0.7 * said.low <= size <= 1.3 * said.high:
                return clause.model_copy(update={"unit": said.unit, "variable": _name(clause, said.unit, korean)})
            return clause
    return clause


def _where(clause: Clause, rule: Rule, transcript: Transcript) -> tuple[int, int] | None:
    """The turn the clause was said in and where in it: by its offsets, else by its words."""
    turns = transcript.turns
    cited = [e.turn for e in rule.evidence if 0 <= e.turn < len(turns)]
    for index in cited:
        start, end = clause.start, clause.end
        if start is not None and end is not None and turns[index].text[start:end] == clause.text:
            return index, start
    for index in cited:
        at = turns[index].text.find(clause.text)
        if at >= 0:
            return index, at
    return None


def _quality(text: str) -> tuple[Operator, str | None, bool] | None:
    """A plain quality with a direction ("too hot", "뜨겁다고"): what a threshold asked for next refines."""
    lowered = text.lower()
    for stem, (op, dimension) in _KO_QUALITIES.items():
        if stem in text:
            return op, dimension, True
    for word, (op, dimension) in _EN_QUALITIES.items():
        if re.search(rf"\b{word}\b", lowered):
            return op, dimension, False
    return None


def _said_after(
    clause: Clause, rule: Rule, transcript: Transcript, quality: tuple[Operator, str | None, bool] | None
) -> tuple[Said, Operator] | None:
    """A threshold asked for and given just after the clause: the clause in the question ("몇 도부터
    뜨겁다고 보세요?" / "200도를 넘으면요"), or its rule followed by a question and the answer."""
    where = _where(clause, rule, transcript)
    if where is None or quality is None:
        return None
    direction, dimension, korean = quality
    turns = transcript.turns
    index = where[0]
    asking = turns[index].text.rstrip().endswith("?")
    if not asking:
        if index + 1 >= len(turns) or not turns[index + 1].text.rstrip().endswith("?"):
            return None
        index += 1
    if index + 1 >= len(turns):
        return None
    answer = turns[index + 1].text
    found = [s for s in _numbers(answer, korean) if _fits(s.unit, dimension, clause)]
    if not found or len(answer.split()) > 14:
        return None
    return found[0], _compared(answer, korean) or direction


def _compared(text: str, korean: bool) -> Operator | None:
    if korean:
        for word, op in (("이상", Operator.GE), ("이하", Operator.LE), ("초과", Operator.GT), ("미만", Operator.LT),
                         ("넘", Operator.GT), ("아래", Operator.LT), ("밑", Operator.LT)):  # fmt: skip
            if word in text:
                return op
        return None
    measure = find_measure(text)
    return Operator(measure.operator) if measure is not None and measure.operator != "between" else None


_UNIT_FIRST = re.compile(r"\b(?P<unit>HRC)\s*(?P<lo>\d+(?:\.\d+)?)(?:\s*(?:에서|~|-|to)\s*(?P<hi>\d+(?:\.\d+)?))?")


def _numbers(text: str, korean: bool) -> list[Said]:
    """The numbers said with a unit, in order; a scale named first ("HRC 58에서 60") too."""
    said = _numbers_after(text, korean)
    for m in _UNIT_FIRST.finditer(text):
        low = float(m.group("lo"))
        said.append(Said(m.end(), low, float(m.group("hi") or low), "HRC"))
    return sorted(said, key=lambda s: s.end)


def _numbers_after(text: str, korean: bool) -> list[Said]:
    if korean:
        out: list[Said] = []
        for start, end, value, unit in numbers_in(text):
            if unit is None:
                continue
            unit = "degC" if unit == "degrees" else unit
            previous = out[-1] if out else None
            if previous is not None and previous.unit == unit and start - previous.end <= 4 and value > previous.high:
                out[-1] = Said(end, previous.low, value, unit)  # "1,400도에서 1,450도": a range
                continue
            out.append(Said(end, value, value, unit))
        return out
    said = []
    for m in _SAID.finditer(text):
        low = words_to_number(m.group("lo"))
        high = words_to_number(m.group("hi")) if m.group("hi") else low
        unit = normalise_unit(m.group("unit"), text[max(0, m.start() - 40) : m.end()])
        if low is not None and high is not None and unit is not None and low <= high:
            said.append(Said(m.end(), low, high, unit))
    return said


# What a variable's name says it measures, for words that name no kind of number ("higher").
_NAMED = {
    "[temperature]": ("temperature", "temp", "heat", "온도", "기온", "열"),
    "[length]": ("thick", "length", "width", "gap", "depth", "두께", "길이", "폭", "간격", "깊이"),
    "dimensionless": ("humidity", "moisture", "concentration", "percent", "습도", "수분", "농도", "함량"),
    "[mass]": ("weight", "mass", "무게", "중량"),
    "[length] / [time]": ("speed", "velocity", "wind", "속도", "풍속"),
}


def _fits(unit: str, dimension: str | None, clause: Clause) -> bool:
    """Whether a number in `unit` can be what the words compare. Words that name no kind of
    number ("higher", "more than that") take it only when the clause names no subject ("it is
    higher than that") or a subject of that kind ("온도가 그것보다 낮으면"), never a duration."""
    found = dimension_of(unit)
    if dimension is not None:
        return found == dimension
    if found == "[time]":
        return False
    name = clause.variable or ""
    if not name or name in _GENERIC or clause.observed or clause.operator is Operator.IS_TRUE:
        return True
    return any(word in name for word in _NAMED.get(found or "", ()))


def _name(clause: Clause, unit: str, korean: bool) -> str:
    """The variable: the clause's own subject with what the number measures ("plate_temperature",
    "쇠_온도"), or that alone when the clause named no subject."""
    dimension = dimension_of(unit) or ""
    word = (
        _KO_NAMES.get(dimension, "값")
        if korean
        else next((w for w, d in _DIMENSIONS.items() if d == dimension), "value")
    )
    if unit == "HRC":
        word = "경도" if korean else "hardness"  # a scale pint does not hold, named by itself
    usable = clause.variable and clause.variable not in _GENERIC and not clause.observed
    own = clause.variable if usable and clause.operator is not Operator.IS_TRUE else None
    if own is None:
        return word
    if dimension not in _DIMENSIONS.values():
        return own  # "the humidity is high" and "above 80 %": the humidity itself
    return own if word in own or any(w in own for w in _KO_NAMES.values()) else f"{own}_{word}"
