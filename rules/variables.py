"""The variables a knowledge base's rules test, as a form can ask for them, and facts read from a
question in plain words ("welding in the rain at 85% humidity").

A variable is a number (with the unit its rules use most), a flag (rules test it true or false)
or a category (the values its rules name). The plain-words reading is lexical first: a variable
is mentioned when its words are, and takes the nearest number, or a category value named in the
question. `facts_by_meaning` then reads paraphrases ("wet weather" for weather = rain) by comparing
sentence vectors of the question's parts with the rules' clauses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rules.model import Clause, Operator, Rule, Scalar
from rules.units import DEGREES, Fact, Quantity, known_unit, reference_units

_FLAG_OPS = {Operator.IS_TRUE, Operator.IS_FALSE}
_NUMBER = re.compile(r"(?<![\w.])[+-]?\d+(?:[.,]\d+)?")
_WORD = re.compile(r"[a-z0-9]+")
_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100,
}  # fmt: skip
# Temperature units as people type them after a number; "%" and a bare number mean the
# variable's own unit.
_UNIT_WORDS = {"°c": "degC", "°f": "degF", "degc": "degC", "degf": "degF"}


@dataclass(frozen=True)
class Variable:
    name: str
    kind: str  # "number", "flag" or "category"
    unit: str | None = None
    values: tuple[Scalar, ...] = ()
    low: float | None = None  # the smallest and largest thresholds the rules use
    high: float | None = None
    rules: int = 0
    said: tuple[str, ...] = field(default_factory=tuple)  # clause texts, to show what it means
    observed: bool = False  # the worker judges it with his senses ("the arc pops and hisses")

    @property
    def label(self) -> str:
        """How a form names it: an observation by the master's words, anything else by its name."""
        if self.observed and self.said:
            return self.said[0].removeprefix("not (").removesuffix(")")
        return self.name.replace("_", " ")


def catalogue(rules: Iterable[Rule]) -> list[Variable]:
    """Every variable the rules test, with its kind, unit, values and range; most used first."""
    clauses: dict[str, list[Clause]] = {}
    counts: dict[str, int] = {}
    for rule in rules:
        seen = set()
        for c in [*rule.clauses(), *rule.exceptions]:
            if c.variable and c.operator:
                clauses.setdefault(c.variable, []).append(c)
                seen.add(c.variable)
        for name in seen:
            counts[name] = counts.get(name, 0) + 1
    units = reference_units(c for cs in clauses.values() for c in cs)
    out = []
    for name, cs in clauses.items():
        numbers = [
            float(v)
            for c in cs
            for v in (c.value if isinstance(c.value, list) else [c.value])
            if isinstance(v, int | float) and not isinstance(v, bool)
        ]
        words = sorted(
            {
                v
                for c in cs
                for v in (c.value if isinstance(c.value, list) else [c.value])
                if isinstance(v, str) and v.strip()
            }
        )
        scale = next((c.scale for c in cs if c.scale), None)
        if scale:  # a cue on the master's scale offers every step, in his order
            words = [*scale, *(w for w in words if w.lower() not in {s.lower() for s in scale})]
        said = tuple(dict.fromkeys(c.text for c in cs))[:3]
        observed = any(c.observed for c in cs)
        if all(c.operator in _FLAG_OPS for c in cs):
            out.append(Variable(name, "flag", rules=counts[name], said=said, observed=observed))
        elif numbers and not words:
            out.append(Variable(name, "number", units.get(name), (), min(numbers), max(numbers), counts[name], said))
        else:
            out.append(Variable(name, "category", None, tuple(words), rules=counts[name], said=said, observed=observed))
    out.sort(key=lambda v: (-v.rules, v.name))
    return out


def _tokens(text: str) -> list[tuple[str, int]]:
    return [(m.group(), m.start()) for m in _WORD.finditer(text.lower())]


def _number_near(text: str, at: int, unit: str | None) -> Fact | None:
    """The number closest to position `at` (digits, or a number word), with its unit if one follows."""
    best: tuple[int, Fact] | None = None
    for m in _NUMBER.finditer(text):
        value = float(m.group().replace(",", "."))
        tail = text[m.end() : m.end() + 12].strip().lower()
        fact: Fact = value
        for written, pint_name in _UNIT_WORDS.items():
            if tail.startswith(written) and (len(tail) == len(written) or not tail[len(written)].isalpha()):
                fact = Quantity(value, pint_name) if unit else value
                break
        else:
            word = tail.split(" ")[0].strip(".,;:?!)") if tail else ""
            if unit and word and known_unit(word):
                fact = Quantity(value, word)
        distance = abs(m.start() - at)
        if best is None or distance < best[0]:
            best = (distance, fact)
    for word, pos in _tokens(text):
        if word in _NUMBER_WORDS and (best is None or abs(pos - at) < best[0]):
            best = (abs(pos - at), float(_NUMBER_WORDS[word]))
    return best[1] if best else None


def _hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


def _korean_facts(text: str, variables: Sequence[Variable]) -> dict[str, Fact]:
    """Facts in a Korean question ("습도가 85%일 때 어떻게 해요?"). Korean attaches particles to
    words, so a variable is mentioned where its name's words appear inside the text (습도 in 습도가);
    a number takes the closest number said (digits or Korean numerals, with their unit); a category
    takes a value said (a noun as is, an adjective or verb by its stem: 얇다 in 얇을 때); a flag is
    false when a negation (안, 없, 않, 못) follows its name in the same phrase."""
    from rules.numerals import numbers_in

    facts: dict[str, Fact] = {}
    numbers = numbers_in(text)
    for v in variables:
        parts = [p for p in v.name.split("_") if p]
        if not parts or not all(p in text for p in parts):
            continue
        at = text.index(parts[-1]) + len(parts[-1])
        if v.kind == "flag":
            phrase = re.split(r"[,.?!]|(?<=[면때])\s", text[at:], maxsplit=1)[0]
            facts[v.name] = not re.search(r"(?:^|\s)(?:안|못)\s|없|않", phrase)
        elif v.kind == "category":
            for value in v.values:
                said = str(value)
                stem = said[:-1] if said.endswith("다") and len(said) >= 2 else said
                if stem and stem in text:
                    facts[v.name] = value
                    break
        elif numbers:
            _start, _end, value, unit = min(numbers, key=lambda n: abs(n[0] - at))
            if unit == "degrees" and v.unit:
                facts[v.name] = Quantity(value, DEGREES)
            elif unit and v.unit and known_unit(unit):
                facts[v.name] = Quantity(value, unit)
            else:
                facts[v.name] = value
    return facts


def facts_from_text(text: str, variables: Sequence[Variable]) -> dict[str, Fact]:
    """The facts a plain-words question states about known variables; anything unsure is left out.

    A number variable is mentioned by all the words of its name ("humidity", "plate thickness")
    and takes the closest number; a category by one of its values ("rain", "wet scrap"); a flag
    by its name, negated by a "not"/"no" just before it. A Korean question is read the Korean way
    (`_korean_facts`), for Korean variable names; English names are then still looked for.
    """
    if _hangul(text):
        found = _korean_facts(text, [v for v in variables if _hangul(v.name)])
        rest = [v for v in variables if not _hangul(v.name)]
        return {**_english_facts(text, rest), **found}
    return _english_facts(text, variables)


def _english_facts(text: str, variables: Sequence[Variable]) -> dict[str, Fact]:
    lowered = text.lower()
    tokens = _tokens(text)
    words = {w for w, _ in tokens}
    facts: dict[str, Fact] = {}
    for v in variables:
        parts = v.name.lower().split("_")
        if v.kind == "category":
            for value in v.values:
                if isinstance(value, str) and re.search(rf"\b{re.escape(value.lower())}", lowered):
                    facts[v.name] = value
                    break
            continue
        if not all(p in words for p in parts):
            continue
        at = min(pos for w, pos in tokens if w == parts[-1])
        if v.kind == "flag":
            before = lowered[max(0, at - 12) : at].split()
            facts[v.name] = not any(w in ("not", "no", "isn't", "without") for w in before)
            continue
        number = _number_near(text, at, v.unit)
        if number is not None:
            facts[v.name] = number
    return facts


# --- by meaning ------------------------------------------------------------------------------------

_CHUNK_SPLIT = re.compile(r"[,;:?!.]|\b(?:when|while|if|and|but|because|after|before|with|during)\b", re.I)
_LEAD_IN = re.compile(r"^\s*(?:what|how|should|can|do|does|is|are|must)\b.*?\b(?:i|we|you)\b\s*(?:do|handle)?\s*", re.I)


_KOREAN_SPLIT = re.compile(r"[,;:?!.]|(?<=[면때고서데])\s")
_KOREAN_LEAD = re.compile(
    r"\s*(?:어떻게|뭘|무엇을|뭐|어떤)\s*(?:해야|하나요|해요|하죠|합니까|하면|하세요|돼요|되나요).*$"
)


def question_chunks(text: str) -> list[str]:
    """The parts of a question that may each state one fact ("welding in wet weather", "at 85%
    humidity"; "비 오는 날", "습도가 85%일 때"), without the lead-in ("what do I do", "어떻게 해요")."""
    if _hangul(text):
        parts = [_KOREAN_LEAD.sub("", p).strip() for p in _KOREAN_SPLIT.split(text)]
        return list(dict.fromkeys(p for p in parts if len(p) >= 2))
    out = []
    for part in _CHUNK_SPLIT.split(text):
        part = _LEAD_IN.sub("", part or "").strip()
        if len(_WORD.findall(part.lower())) >= 2 or any(ch.isdigit() for ch in part):
            out.append(part)
    return list(dict.fromkeys(out))


def facts_by_meaning(
    text: str,
    chunks: Sequence[str],
    chunk_vectors: Any,
    clauses: Sequence[Clause],
    clause_vectors: Any,
    variables: Sequence[Variable],
    threshold: float = 0.6,
    scale: tuple[float, float] = (0.0, 1.0),
) -> dict[str, tuple[Fact, str]]:
    """Facts a question states in other words than the rules: each part of the question (row i of
    `chunk_vectors` embeds `chunks[i]`) is compared with the rules' clauses (rows of
    `clause_vectors`); a clause at least `threshold` close gives its fact: a category's value, a
    flag's truth, or for a number the number said in that part. Returns name -> (fact, the
    master's words it was matched to). `scale` maps the vectors' cosines onto the scale `threshold`
    is set on (a multilingual model's, for a Korean question)."""
    kinds = {v.name: v for v in variables}
    best: dict[str, tuple[float, Fact, str]] = {}
    if not len(chunks) or not len(clauses):
        return {}
    sims = scale[0] + scale[1] * (clause_vectors @ chunk_vectors.T)  # on the primary model's scale
    for i, clause in enumerate(clauses):
        var = kinds.get(clause.variable or "")
        if var is None or clause.operator is None:
            continue
        j = int(sims[i].argmax())
        score = float(sims[i, j])
        if score < threshold or (clause.variable in best and best[clause.variable][0] >= score):
            continue
        fact: Fact | None = None
        if var.kind == "flag" and clause.operator in _FLAG_OPS:
            fact = clause.operator is Operator.IS_TRUE
        elif var.kind == "category" and clause.operator is Operator.EQ and isinstance(clause.value, str):
            fact = clause.value
        elif var.kind == "number":
            fact = _number_near(chunks[j], 0, var.unit) if _NUMBER.search(chunks[j]) else None
        if fact is not None:
            best[str(clause.variable)] = (score, fact, clause.text)
    return {name: (fact, said) for name, (_, fact, said) in best.items()}
