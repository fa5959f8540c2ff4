"""Checks that drive the next interview: conflicts, redundancy, subsumption and gaps.

Each rule's condition tree (units normalised) becomes one or more boxes: per variable, a numeric
interval, a set of allowed or excluded words, or a yes/no. Two rules whose boxes overlap and whose
actions contradict (increase vs decrease, add vs never add, set a fact to two values) conflict;
equal boxes with the same actions are duplicates; a box inside another with the same actions is a
special case of it. Per numeric variable, a range between the thresholds the rules use that no
rule covers is a gap. Every finding names its rules, says whether they come from one master or
from several, and carries the question the interviewer should ask next.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations, pairwise

from rules.engine import KnownRule
from rules.messages import Message, said
from rules.model import Action, Clause, Operator, clause_alternatives
from rules.units import UnitError, normalize_clause, reference_units, show


@dataclass(frozen=True)
class Finding:
    kind: str  # "conflict", "duplicate", "subsumed" or "gap"
    rules: tuple[str, ...]
    masters: tuple[str, ...]
    detail: str
    question: str

    @property
    def scope(self) -> str:
        return "one master" if len(set(self.masters)) <= 1 else "between masters"


@dataclass
class _Range:
    low: float = -math.inf
    low_in: bool = True
    high: float = math.inf
    high_in: bool = True

    def empty(self) -> bool:
        return self.low > self.high or (self.low == self.high and not (self.low_in and self.high_in))

    def meet(self, other: _Range) -> _Range:
        low, low_in = max((self.low, not self.low_in), (other.low, not other.low_in))
        high, high_in = min((self.high, self.high_in), (other.high, other.high_in))
        return _Range(low, not low_in, high, high_in)

    def within(self, other: _Range) -> bool:
        low_ok = self.low > other.low or (self.low == other.low and (other.low_in or not self.low_in))
        high_ok = self.high < other.high or (self.high == other.high and (other.high_in or not self.high_in))
        return low_ok and high_ok


@dataclass
class _Constraint:
    """What one alternative of a rule requires of one variable."""

    numbers: _Range = field(default_factory=_Range)
    allowed: frozenset[str] | None = None  # None: any word
    excluded: frozenset[str] = frozenset()
    flag: bool | None = None

    def add(self, clause: Clause) -> None:
        op, value = clause.operator, clause.value
        if op is Operator.IS_TRUE or op is Operator.IS_FALSE:
            self.flag = op is Operator.IS_TRUE
        elif op is Operator.BETWEEN and isinstance(value, list):
            self.numbers = self.numbers.meet(_Range(float(value[0]), True, float(value[1]), True))
        elif op in (Operator.LT, Operator.LE, Operator.GT, Operator.GE) and isinstance(value, (int, float)):
            v = float(value)
            bound = {
                Operator.LT: _Range(high=v, high_in=False),
                Operator.LE: _Range(high=v),
                Operator.GT: _Range(low=v, low_in=False),
                Operator.GE: _Range(low=v),
            }[op]
            self.numbers = self.numbers.meet(bound)
        elif op is Operator.EQ and isinstance(value, (int, float)) and not isinstance(value, bool):
            self.numbers = self.numbers.meet(_Range(float(value), True, float(value), True))
        elif op is Operator.EQ or op is Operator.IN:
            words = frozenset(str(v).lower() for v in (value if isinstance(value, list) else [value]))
            self.allowed = words if self.allowed is None else self.allowed & words
        elif op is Operator.NE:
            self.excluded = self.excluded | {str(value).lower()}

    def overlaps(self, other: _Constraint) -> bool:
        if self.flag is not None and other.flag is not None and self.flag != other.flag:
            return False
        if self.numbers.meet(other.numbers).empty():
            return False
        allowed = _meet_words(self.allowed, other.allowed)
        excluded = self.excluded | other.excluded
        return allowed is None or bool(allowed - excluded)

    def within(self, other: _Constraint) -> bool:
        if other.flag is not None and self.flag != other.flag:
            return False
        if not self.numbers.within(other.numbers):
            return False
        if other.allowed is not None and (self.allowed is None or not self.allowed <= other.allowed):
            return False
        return other.excluded <= self.excluded or (self.allowed is not None and not (self.allowed & other.excluded))


def _meet_words(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    if a is None:
        return b
    return a if b is None else a & b


_Box = dict[str, _Constraint]


def _boxes(known: KnownRule, units: dict[str, str]) -> list[_Box]:
    try:
        terms = [[normalize_clause(c, units) for c in term] for term in clause_alternatives(known.rule.conditions)]
    except UnitError:
        return []
    boxes = []
    for term in terms:
        box: _Box = {}
        for clause in term:
            assert clause.variable is not None
            box.setdefault(clause.variable, _Constraint()).add(clause)
        boxes.append(box)
    return boxes


def _overlap(a: _Box, b: _Box) -> bool:
    return all(a[v].overlaps(b[v]) for v in a.keys() & b.keys())


def _within(a: _Box, b: _Box) -> bool:
    """Every situation of `a` is one of `b` (b is the more general)."""
    return all(v in a and a[v].within(b[v]) for v in b)


# --- actions ------------------------------------------------------------------------------------

_UP = {"increase", "raise", "add", "more", "open", "heat", "higher", "extend", "lengthen", "speed", "up", "increasing"}
_DOWN = {"decrease", "lower", "reduce", "less", "close", "cool", "slow", "shorten", "remove", "cut", "down", "fewer"}
_NEGATIONS = {"never", "not", "don't", "dont", "no", "avoid", "stop"}
_FILLER = {"the", "a", "an", "some", "little", "bit", "it", "them", "your", "you", "we", "i", "to", "of", "and", "do"}
_FILLER |= {"use", "put", "give", "apply", "make", "much", "bit", "slightly"}  # verbs that only carry the amount


@dataclass(frozen=True)
class _Act:
    target: str
    direction: int  # +1 up, -1 down, 0 neither
    negated: bool
    sets: tuple[str, str] | None


def _act(action: Action) -> _Act:
    words = re.findall(r"[a-z']+", action.text.lower())
    direction = next((1 if w in _UP else -1 for w in words if w in _UP or w in _DOWN), 0)
    negated = action.negated or any(w in _NEGATIONS for w in words)
    target = " ".join(w for w in words if w not in _UP | _DOWN | _NEGATIONS | _FILLER)
    if action.object:
        target = " ".join(w for w in re.findall(r"[a-z']+", action.object.lower()) if w not in _FILLER | _UP | _DOWN)
    sets = (action.variable, show(action.value).lower()) if action.variable and action.value is not None else None
    return _Act(target, direction, negated, sets)


def _contradiction(a: _Act, b: _Act) -> Message | None:
    if a.sets and b.sets and a.sets[0] == b.sets[0] and a.sets[1] != b.sets[1]:
        return Message(
            "one sets {variable} = {value}, the other {other_variable} = {other_value}",
            variable=a.sets[0],
            value=a.sets[1],
            other_variable=b.sets[0],
            other_value=b.sets[1],
        )
    if not a.target or a.target != b.target:
        return None
    up_a = a.direction * (-1 if a.negated else 1)
    up_b = b.direction * (-1 if b.negated else 1)
    if up_a and up_b and up_a != up_b:
        if up_a > 0:
            return Message("one says more {target}, the other less", target=a.target)
        return Message("one says less {target}, the other more", target=a.target)
    if a.negated != b.negated and a.direction == b.direction:
        return Message("one says to {target}, the other never to", target=a.target)
    return None


# --- checks -------------------------------------------------------------------------------------


def check(rules: Sequence[KnownRule]) -> list[Finding]:
    """Conflicts, duplicates, special cases and gaps among these rules."""
    units = reference_units(c for k in rules for c in k.rule.clauses())
    boxes = {k.key: _boxes(k, units) for k in rules}
    acts = {k.key: [_act(a) for a in k.rule.actions] for k in rules}
    by_key = {k.key: k for k in rules}
    findings: list[Finding] = []
    # only rules acting on the same thing (or setting the same fact) can conflict or repeat
    groups: dict[str, list[str]] = {}
    for k in rules:
        for act in acts[k.key]:
            target = f"set:{act.sets[0]}" if act.sets else act.target
            if target:
                groups.setdefault(target, [])
                if k.key not in groups[target]:
                    groups[target].append(k.key)
    seen: set[tuple[str, str, str]] = set()
    for members in groups.values():
        for a, b in combinations(members, 2):
            if not boxes[a] or not boxes[b]:
                continue
            finding = _pair(by_key[a], by_key[b], boxes[a], boxes[b], acts[a], acts[b])
            if finding is not None and (finding.kind, a, b) not in seen:
                seen.add((finding.kind, a, b))
                findings.append(finding)
    findings.extend(_gaps(rules, boxes, units))
    return findings


def _pair(
    a: KnownRule, b: KnownRule, boxes_a: list[_Box], boxes_b: list[_Box], acts_a: list[_Act], acts_b: list[_Act]
) -> Finding | None:
    masters = (a.master or "?", b.master or "?")
    keys = (a.key, b.key)
    if any(_overlap(x, y) for x in boxes_a for y in boxes_b):
        for x in acts_a:
            for y in acts_b:
                why = _contradiction(x, y)
                if why:
                    return Finding(
                        "conflict",
                        keys,
                        masters,
                        Message(
                            "rules #{first} and #{second} can apply together but contradict: {why}",
                            first=a.key,
                            second=b.key,
                            why=why,
                        ),
                        Message(
                            "When both “{first}” and “{second}” apply, which is right, and what tells them apart?",
                            first=said(a.rule),
                            second=said(b.rule),
                        ),
                    )
    if sorted(x.__repr__() for x in acts_a) != sorted(y.__repr__() for y in acts_b):
        return None
    a_in_b = all(any(_within(x, y) for y in boxes_b) for x in boxes_a)
    b_in_a = all(any(_within(y, x) for x in boxes_a) for y in boxes_b)
    if a_in_b and b_in_a:
        return Finding(
            "duplicate",
            keys,
            masters,
            Message("rules #{first} and #{second} say the same thing", first=a.key, second=b.key),
            Message(
                "Are “{first}” and “{second}” one rule? Which wording should stay?",
                first=said(a.rule),
                second=said(b.rule),
            ),
        )
    if a_in_b or b_in_a:
        special, general = (a, b) if a_in_b else (b, a)
        return Finding(
            "subsumed",
            (special.key, general.key),
            (special.master or "?", general.master or "?"),
            Message(
                "rule #{special} is a special case of rule #{general} with the same action",
                special=special.key,
                general=general.key,
            ),
            Message(
                "Does “{special}” add anything to “{general}”, or is there a reason the narrower case matters?",
                special=said(special.rule),
                general=said(general.rule),
            ),
        )
    return None


def _gaps(rules: Sequence[KnownRule], boxes: dict[str, list[_Box]], units: dict[str, str]) -> list[Finding]:
    """Ranges of a numeric variable between the thresholds in use that no rule covers,
    for each master's rules and for all of them together."""
    findings = []
    scopes: dict[str | None, list[KnownRule]] = {}
    for k in rules:
        scopes.setdefault(k.master or "?", []).append(k)
    if len(scopes) > 1:
        scopes[None] = list(rules)  # after each master's own: a gap none of them closes
    reported: set[tuple[str, float, float]] = set()
    for master, members in scopes.items():
        ranges: dict[str, list[tuple[_Range, str]]] = {}
        for k in members:
            for box in boxes[k.key]:
                for var, constraint in box.items():
                    r = constraint.numbers
                    if not (math.isinf(r.low) and math.isinf(r.high)):
                        ranges.setdefault(var, []).append((r, k.key))
        for var, spans in ranges.items():
            if len({key for _r, key in spans}) < 2:
                continue
            for low, high, keys in _uncovered(spans):
                if (var, low, high) in reported:
                    continue
                reported.add((var, low, high))
                unit = f" {units[var]}" if var in units else ""
                name = var.replace("_", " ")
                who = Message("{master}'s rules", master=master) if master else Message("the rules of all masters")
                findings.append(
                    Finding(
                        "gap",
                        tuple(keys),
                        tuple(sorted({by.master or "?" for by in members if by.key in keys})),
                        Message(
                            "{who} say nothing for {name} between {low} and {high}{unit}",
                            who=who,
                            name=name,
                            low=show(low),
                            high=show(high),
                            unit=unit,
                        ),
                        Message(
                            "What do you do when {name} is between {low} and {high}{unit}?",
                            name=name,
                            low=show(low),
                            high=show(high),
                            unit=unit,
                        ),
                    )
                )
    return findings


def _uncovered(spans: list[tuple[_Range, str]]) -> list[tuple[float, float, list[str]]]:
    """Open stretches between the finite bounds of the spans that no span covers, with the rules on
    either side."""
    finite = sorted({b for r, _k in spans for b in (r.low, r.high) if not math.isinf(b)})
    out = []
    for low, high in pairwise(finite):
        middle = (low + high) / 2
        if any(_holds(r, middle) for r, _k in spans):
            continue
        near = [k for r, k in spans if r.high == low or r.low == high]
        out.append((low, high, list(dict.fromkeys(near))))
    return out


def _holds(r: _Range, x: float) -> bool:
    return r.low <= x <= r.high and not (x == r.low and not r.low_in) and not (x == r.high and not r.high_in)
