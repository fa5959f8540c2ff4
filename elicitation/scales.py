"""Cues on the master's own scale: "it goes dull red, then cherry red, orange, yellow, and at the
end white"; "검붉은색에서 주황색, 노란색을 거쳐 흰색으로". A choice cue whose value is a step of a
scale said in the interview carries that scale, and a comparison along it ("yellow or brighter",
"past orange", "노란색보다 밝아지면") admits the steps it names, so "white" fires "yellow or
brighter" and the worker is asked to name the step he sees.

Only colours are read as scales from the words: they are what masters grade by eye, and a colour
sequence is unambiguous. Without a scale in the interview, a heat colour takes the smith's chart
(HEAT_COLOURS); a master sets any other scale in review.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rules import Clause, Group, Operator, Rule
from rules.model import MAX_SCALE, on_scale

_COLOURS = (
    "white|yellow|orange|red|blue|green|black|grey|gray|brown|purple|violet|straw|bronze|amber|gold|golden|"
    "silver|pink|crimson|scarlet|cherry|salmon|lemon|cream|tan|rust|copper|peacock"
)
_MODIFIERS = "dull|dark|bright|light|pale|deep|dirty|blood|faint|pure|blinding|dazzling|brilliant|full"
_WORD = rf"(?:{_MODIFIERS}|{_COLOURS})(?:ish)?"
# A colour phrase: "dull red", "yellow-white", "cherry red", "white with a blue edge".
COLOUR = rf"\b(?:{_WORD}[\s-]+)*(?:{_COLOURS})(?:ish)?\b(?:\s+with\s+an?\s+(?:{_WORD}\s+)*\w+)?"
_COLOUR = re.compile(COLOUR, re.IGNORECASE)
_SEPARATOR = r"\s*(?:,\s*(?:and\s+)?(?:then\s+)?(?:on\s+to\s+|to\s+|finally\s+|at\s+the\s+end\s+)?|\s+(?:to|then|and\s+then|into|and\s+finally|and\s+at\s+the\s+end)\s+|\s*(?:->|→|>|<)\s*)"
_SEQUENCE = re.compile(rf"(?:{COLOUR}){_SEPARATOR}(?:{COLOUR})(?:{_SEPARATOR}(?:{COLOUR}))+", re.IGNORECASE)
_KO_COLOUR = r"[가-힣]{1,6}(?:색|빛)"
_KO_SEPARATOR = r"\s*(?:에서|,|→|->|>|그\s*다음(?:에)?|그리고|을\s*거쳐|를\s*거쳐|다음에)\s*"
_KO_SEQUENCE = re.compile(rf"{_KO_COLOUR}(?:{_KO_SEPARATOR}{_KO_COLOUR}){{2,}}")
# The smith's heat colours, coolest first: the scale of a heat colour no interview orders.
HEAT_COLOURS = ("dull red", "cherry red", "bright red", "orange", "yellow", "yellow-white", "white")

_UP = r"(?:brighter|hotter|lighter|whiter|more|above|higher|later|beyond|further|up|over)"
_DOWN = r"(?:darker|duller|cooler|redder|less|below|lower|earlier|under)"
_AFTER_UP = re.compile(rf"^\s*(?:or|and)\s+{_UP}\b", re.IGNORECASE)
_AFTER_DOWN = re.compile(rf"^\s*(?:or|and)\s+{_DOWN}\b", re.IGNORECASE)
_BEFORE_UP = re.compile(rf"\b(?:past|beyond|(?:{_UP})\s+than)\s+(?:the\s+)?$", re.IGNORECASE)
_BEFORE_DOWN = re.compile(rf"\b(?:before|short\s+of|not\s+yet|(?:{_DOWN})\s+than)\s+(?:the\s+)?$", re.IGNORECASE)
_KO_UP = re.compile(r"^\s*(?:보다\s*(?:밝|하얗|희|더\s*밝|뜨거|높)|을\s*넘|를\s*넘|\s*이상|\s*넘)")
_KO_DOWN = re.compile(r"^\s*(?:보다\s*(?:어둡|붉|검|차갑|낮)|\s*이하|\s*전|\s*이전)")


def scales_in(texts: Iterable[str]) -> list[list[str]]:
    """The colour scales said in the texts, each lowest first as said, steps normalised."""
    found: list[list[str]] = []
    for text in texts:
        for m in _SEQUENCE.finditer(text):
            steps = [_step(s.group(0)) for s in _COLOUR.finditer(m.group(0))]
            _keep(found, steps)
        for m in _KO_SEQUENCE.finditer(text):
            _keep(found, re.findall(_KO_COLOUR, re.sub(_KO_SEPARATOR, " ", m.group(0))))
    return found


def _keep(found: list[list[str]], steps: list[str]) -> None:
    steps = list(dict.fromkeys(steps))
    if 3 <= len(steps) <= MAX_SCALE and steps not in found:
        found.append(steps)


def _step(words: str) -> str:
    return re.sub(r"\s*-\s*", "-", " ".join(words.lower().split()))


def colour_value(text: str) -> str | None:
    """The last colour phrase in a clause's words, normalised ("yellow-white")."""
    found = _COLOUR.findall(text)
    return _step(found[-1]) if found else None


def apply_scales(rules: Sequence[Rule], texts: Iterable[str]) -> list[Rule]:
    """The rules with each colour cue put on the scale the interview says (else the heat colours,
    when its value is one), a comparison along it turned into the steps it admits."""
    scales = scales_in(texts)
    return [_on_scales(rule, scales) for rule in rules]


def _on_scales(rule: Rule, scales: list[list[str]]) -> Rule:
    conditions = _map(rule.conditions, scales)
    exceptions = [_placed(c, scales) for c in rule.exceptions]
    if conditions == rule.conditions and exceptions == rule.exceptions:
        return rule
    return rule.model_copy(update={"conditions": conditions, "exceptions": exceptions})


def _map(group: Group, scales: list[list[str]]) -> Group:
    items = [_map(i, scales) if isinstance(i, Group) else _placed(i, scales) for i in group.items]
    return group.model_copy(update={"items": items})


def _placed(clause: Clause, scales: list[list[str]]) -> Clause:
    if clause.observed and clause.operator is Operator.IS_TRUE and clause.variable:
        clause = _as_choice(clause, scales)  # "쇠가 주황색 이상이면", read as a yes/no cue
    if clause.scale or clause.operator not in (Operator.EQ, Operator.NE) or not isinstance(clause.value, str):
        return clause
    value = clause.value.lower()
    scale = next((s for s in scales if value in s), None)
    if scale is None:  # "쇠가 노란색보다 밝아지면" read as 쇠 == 밝다: the step said is the value
        said = sorted(
            ((step, s) for s in scales for step in s if step in clause.text.lower()), key=lambda p: -len(p[0])
        )
        if said:
            value, scale = said[0]
    if scale is None and value in HEAT_COLOURS and clause.variable and "colour" in clause.variable:
        scale = list(HEAT_COLOURS)
    if scale is None:
        return clause
    direction = _direction(clause.text, value)
    if clause.operator is Operator.NE:
        direction = "=="  # "not yet white" and the like: left as said, on its scale
    steps = on_scale(scale, value, direction)
    if not steps:
        return clause
    if direction == "==":
        return clause.model_copy(update={"value": steps[0], "scale": scale})
    return clause.model_copy(update={"operator": Operator.IN, "value": steps, "scale": scale})


def _as_choice(clause: Clause, scales: list[list[str]]) -> Clause:
    """A yes/no cue that names a step of a scale, as the choice of that step; its variable the
    words before the step ("쇠_주황색_이상": 쇠)."""
    assert clause.variable is not None
    parts = clause.variable.split("_")
    for scale in scales:
        for step in scale:
            words = step.replace("-", "_").replace(" ", "_").split("_")
            at = next((i for i in range(len(parts)) if parts[i : i + len(words)] == words), None)
            if at is not None:
                name = "_".join(parts[:at]) or ("색" if step[-1] in "색빛" else "colour")
                return clause.model_copy(update={"variable": name, "operator": Operator.EQ, "value": step})
    return clause


def _direction(text: str, value: str) -> str:
    """Which way along the scale the words compare: "==", ">=", ">", "<=" or "<"."""
    lowered = _step(text)
    at = lowered.rfind(value)
    if at < 0:
        return "=="
    before, after = lowered[:at], lowered[at + len(value) :]
    if _AFTER_UP.search(after) or _KO_UP.search(after):
        return ">" if "보다" in after[:3] or "넘" in after[:4] else ">="
    if _AFTER_DOWN.search(after) or _KO_DOWN.search(after):
        return "<" if "보다" in after[:3] or "전" in after[:3] else "<="
    if _BEFORE_UP.search(before):
        return ">"
    if _BEFORE_DOWN.search(before):
        return "<"
    return "=="


__all__ = ["COLOUR", "HEAT_COLOURS", "apply_scales", "colour_value", "scales_in"]
