"""The rule as plain data: conditions, actions, certainty and provenance.

A rule is never code. It is a validated record that the engine, the exporters and the extractor
share; conditions are a small typed tree with a closed set of operators.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from rules.messages import Explained

Scalar = float | int | str | bool


class InvalidRule(Explained, ValueError):
    """A rule, clause or action that breaks the model's rules (pydantic reports it as a value error)."""


class Operator(StrEnum):
    """The closed set of comparison operators a clause may use."""

    EQ = "=="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    IN = "in"
    BETWEEN = "between"
    IS_TRUE = "is_true"
    IS_FALSE = "is_false"


class Certainty(StrEnum):
    """How firmly the master stated the rule, read from hedges such as "usually"."""

    ALWAYS = "always"
    USUALLY = "usually"
    SOMETIMES = "sometimes"


class ReviewStatus(StrEnum):
    """Where a rule stands in the master's review."""

    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    NEEDS_DISCUSSION = "needs_discussion"
    RETIRED = "retired"
    MERGED = "merged"  # folded into another rule, which carries its evidence on


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


class Clause(_Strict):
    """One condition in the master's words, measurable when `variable` and `operator` are set.

    An `observed` clause is one the worker judges with his own senses rather than an instrument:
    yes or no ("the arc pops and hisses": `is_true`), or a choice on the master's own scale
    ("flame colour: yellow-white": `==`). Its variable names the cue the worker is asked about.
    """

    kind: Literal["clause"] = "clause"
    text: str
    variable: str | None = None
    operator: Operator | None = None
    value: Scalar | list[Scalar] | None = None
    unit: str | None = None
    start: int | None = None
    end: int | None = None
    observed: bool = False
    scale: list[str] | None = None  # the master's own order of the cue's values, lowest first

    @field_validator("variable")
    @classmethod
    def _variable_is_identifier(cls, v: str | None) -> str | None:
        return _identifier(v)

    @field_validator("scale")
    @classmethod
    def _scale_is_an_order(cls, v: list[str] | None) -> list[str] | None:
        if v is None:
            return None
        steps = [" ".join(str(s).split()) for s in v]
        if not 2 <= len(steps) <= MAX_SCALE or any(not s or len(s) > 80 for s in steps):
            raise InvalidRule("a scale needs 2 to {most} named steps, lowest first", most=MAX_SCALE)
        if len({s.lower() for s in steps}) != len(steps):
            raise InvalidRule("a scale names each step once: {steps}", steps=" < ".join(steps))
        return steps

    @model_validator(mode="after")
    def _value_is_on_its_scale(self) -> Clause:
        if self.scale is None:
            return self
        steps = {s.lower() for s in self.scale}
        values = self.value if isinstance(self.value, list) else [self.value]
        if self.operator not in (Operator.EQ, Operator.NE, Operator.IN) or not all(
            isinstance(v, str) and v.lower() in steps for v in values
        ):
            raise InvalidRule(
                "clause {text!r} has a scale, so its value must be one of its steps: {steps}",
                text=self.text,
                steps=" < ".join(self.scale),
            )
        return self

    @model_validator(mode="after")
    def _operator_fits_value(self) -> Clause:
        op = self.operator
        if self.variable is None:
            if self.observed:
                raise InvalidRule(
                    "observation {text!r} needs a variable: the cue the worker is asked about", text=self.text
                )
            if op is not None or self.value is not None:
                raise InvalidRule("clause {text!r} has an operator or value but no variable", text=self.text)
            return self
        if op is None:
            raise InvalidRule("clause on {variable!r} needs an operator", variable=self.variable)
        if op in (Operator.IS_TRUE, Operator.IS_FALSE):
            if self.value is not None:
                raise InvalidRule("operator {operator} takes no value", operator=op.value)
        elif op is Operator.BETWEEN:
            if not (isinstance(self.value, list) and len(self.value) == 2):
                raise InvalidRule("operator between needs a value [low, high]")
            low, high = self.value
            if not _is_number(low) or not _is_number(high) or float(low) > float(high):
                raise InvalidRule("operator between needs two numbers, low first")
        elif op is Operator.IN:
            if not (isinstance(self.value, list) and self.value):
                raise InvalidRule("operator in needs a non-empty list of values")
        else:
            if self.value is None or isinstance(self.value, list):
                raise InvalidRule("operator {operator} needs a single value", operator=op.value)
            if op in (Operator.LT, Operator.LE, Operator.GT, Operator.GE) and not _is_number(self.value):
                raise InvalidRule(
                    "operator {operator} needs a number, not {value!r}", operator=op.value, value=self.value
                )
        return self

    @property
    def measurable(self) -> bool:
        return self.variable is not None

    @property
    def cue_kind(self) -> str:
        """What a worker answers: "observation", "number", "category", "flag", or "text" (not yet)."""
        if self.variable is None:
            return "text"
        if self.observed:
            return "observation"
        if self.operator in (Operator.IS_TRUE, Operator.IS_FALSE):
            return "flag"
        values = self.value if isinstance(self.value, list) else [self.value]
        return "number" if all(_is_number(v) for v in values) else "category"


MAX_SCALE = 20  # steps on one scale


def on_scale(scale: Sequence[str], step: str, direction: str) -> list[str]:
    """The steps of a scale a comparison admits: `step` itself ("=="), it and every step above
    (">=") or below ("<="), or only those strictly above (">") or below ("<"). Empty when `step`
    is not on the scale."""
    lowered = [s.lower() for s in scale]
    if step.lower() not in lowered:
        return []
    at = lowered.index(step.lower())
    picked = {
        "==": scale[at : at + 1],
        ">=": scale[at:],
        ">": scale[at + 1 :],
        "<=": scale[: at + 1],
        "<": scale[:at],
    }[direction]
    return list(picked)


class Group(_Strict):
    """Clauses joined by `all` or `any`; groups nest."""

    kind: Literal["group"] = "group"
    join: Literal["all", "any"] = "all"
    items: list[Annotated[Clause | Group, Field(discriminator="kind")]]


class Action(_Strict):
    """What the master does or tells you to do.

    An action may also assert a derived fact (`variable` = `value`, in `unit` when it has one:
    "humidity above 80 % -> treat it as rain" sets weather = rain), which other rules then use.
    """

    text: str
    verb: str | None = None
    object: str | None = None
    amount: float | None = None
    unit: str | None = None
    negated: bool = False
    start: int | None = None
    end: int | None = None
    variable: str | None = None
    value: Scalar | None = None
    instruction: str | None = None  # the action as an instruction to the worker, in plain words

    @field_validator("variable")
    @classmethod
    def _variable_is_identifier(cls, v: str | None) -> str | None:
        return _identifier(v)

    @model_validator(mode="after")
    def _derived_fact_is_whole(self) -> Action:
        if (self.variable is None) != (self.value is None):
            raise InvalidRule(
                "action {text!r} must give both the variable and the value of the fact it sets", text=self.text
            )
        return self


class Evidence(_Strict):
    """Where in a transcript a rule was said: turn index, speaker and character offsets."""

    turn: int
    speaker: str
    start: int
    end: int


class Rule(_Strict):
    """An if-then rule as a master stated it, with its provenance."""

    conditions: Group = Field(default_factory=lambda: Group(join="all", items=[]))
    actions: list[Action]
    certainty: Certainty = Certainty.ALWAYS
    exceptions: list[Clause] = Field(default_factory=list)
    rationale: str | None = None
    confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    domain: str | None = None
    process_step: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)

    @field_validator("actions")
    @classmethod
    def _at_least_one_action(cls, v: list[Action]) -> list[Action]:
        if not v:
            raise InvalidRule("a rule needs at least one action")
        return v

    def clauses(self) -> list[Clause]:
        """All clauses of the condition tree, depth first."""
        return list(iter_clauses(self.conditions))

    def summary(self) -> str:
        """One readable line: IF ... THEN ... (UNLESS ...)."""
        cond = " and ".join(c.text for c in self.clauses()) or "(always)"
        act = "; ".join(a.text for a in self.actions)
        unless = " or ".join(e.text for e in self.exceptions)
        return f"IF {cond} THEN {act}" + (f" UNLESS {unless}" if unless else "")

    def search_text(self) -> str:
        """The words a search looks in: the summary (with the exceptions) and the rationale."""
        return " ".join([self.summary(), *([self.rationale] if self.rationale else [])])[:4000]

    def to_contract(self) -> dict[str, Any]:
        """The extraction contract's JSON form (see DESIGN.md), extended with the full record."""
        data = self.model_dump(mode="json")
        data["conditions"] = [
            {**c.model_dump(mode="json", exclude={"kind"}), "kind": c.cue_kind} for c in self.clauses()
        ]
        data["condition_tree"] = self.conditions.model_dump(mode="json")
        return data


def clause_alternatives(group: Group, limit: int | None = None) -> list[list[Clause]]:
    """A condition tree as alternatives, each a list of measurable clauses that must all hold.

    `all` multiplies its items' alternatives and `any` adds them. An unmeasurable clause leaves
    an `all` group with none (the rule cannot fire yet) and drops out of an `any` group. With a
    limit, expansion stops once there are more than `limit` alternatives.
    """
    if not group.items:
        return [[]]
    parts: list[list[list[Clause]]] = []
    for item in group.items:
        alts = clause_alternatives(item, limit) if isinstance(item, Group) else ([[item]] if item.measurable else [])
        if not alts and group.join == "all":
            return []
        parts.append(alts)
    if group.join == "any":
        joined = [alt for alts in parts for alt in alts]
        return joined if limit is None else joined[: limit + 1]
    product: list[list[Clause]] = [[]]
    for alts in parts:
        product = [left + right for left in product for right in alts]
        if limit is not None and len(product) > limit:
            break
    return product


def iter_clauses(group: Group) -> Any:
    for item in group.items:
        if isinstance(item, Group):
            yield from iter_clauses(item)
        else:
            yield item


def _identifier(v: str | None) -> str | None:
    if v is None or v == "":
        return None
    if not all(ch.isalnum() or ch == "_" for ch in v) or v[0].isdigit():
        raise InvalidRule("variable name {v!r} must be letters, digits and underscores", v=v)
    return v


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


Group.model_rebuild()
