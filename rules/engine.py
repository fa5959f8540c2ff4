"""Inference on durable_rules, compiled from rule data, with an explanation for every firing.

Each knowledge-base state compiles to new durable_rules JSON rulesets (a registered ruleset can
be neither changed nor cleanly removed). The compiler absorbs the C core's limits: every rule's
condition tree becomes a disjunction of plain conjunctions, and these are packed into rulesets of
at most `PARTITION_SIZE` (64) durable rules, grouped by a variable each one needs, so no ruleset
comes near the 512 alternatives that hang `create_ruleset`, the ~256 rules with one first condition
that fail with error 108, 4,096 rules per ruleset, or the 65 matches of one fact that fail with
error 303; a situation is asserted only into the rulesets whose variables it mentions. The rulesets live in a separate process (`rules.durable_core`).

durable_rules reports only which action ran, so the explanation (which clause matched which fact
value, and which derived facts led there) is computed here from the same clause data, and every
firing is checked against it. Derived facts (an action that sets a variable) are chained to a
fixpoint: the situation is asserted again with them until nothing new follows.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import json
import re
import weakref
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rules.compiling import Compiled, compiled_rule, core_text, core_value, norm, variables_in
from rules.durable_core import CoreCrashed, CoreError, CoreProcess, shared_core
from rules.facts import clause_holds
from rules.messages import Explained, Message
from rules.model import Action, Clause, Group, Operator, Rule, Scalar
from rules.units import Fact, Quantity, UnitError, convert, normalize_fact, reference_units, show

_SITUATION = "myeongjang_situation"
PARTITION_SIZE = 64  # durable_rules fails with error 303 (stack size) when more rules match one fact
MAX_QUESTIONS = 25  # an SME answers a handful; the ones that decide the most rules come first
_counter = itertools.count(1)


@dataclass(frozen=True)
class KnownRule:
    """A rule with the identity an answer must show: key, version, master, status, quote."""

    key: str
    rule: Rule
    version: int = 1
    status: str = "confirmed"
    master: str | None = None
    quote: str | None = None


@dataclass(frozen=True)
class ClauseMatch:
    """A clause that held, the fact value that satisfied it (as given), and the rule that derived it."""

    clause: Clause
    fact_value: Fact | None
    derived_by: str | None = None

    def explain(self) -> str:
        given = show(self.fact_value) if self.fact_value is not None else "?"
        how = f", derived by rule #{self.derived_by}" if self.derived_by else ""
        return f"{self.clause.text!r} ({self.clause.variable} = {given}{how})"


@dataclass(frozen=True)
class Derivation:
    """A fact a rule asserted: the variable, its value, and the firing that asserted it."""

    variable: str
    value: Scalar
    unit: str | None
    rule_key: str


@dataclass(frozen=True)
class Firing:
    """A rule that fired, with the clauses that matched and the chain of derived facts behind it."""

    known: KnownRule
    matched: list[ClauseMatch]
    chain: list[Derivation] = field(default_factory=list)

    def explain(self) -> str:
        if not self.matched:
            return "applies in every situation"
        text = "because " + " and ".join(m.explain() for m in self.matched)
        if self.chain:
            steps = "; ".join(
                f"rule #{d.rule_key} set {d.variable} = {show(d.value)}{' ' + d.unit if d.unit else ''}"
                for d in self.chain
            )
            text += f" (chain: {steps})"
        return text


@dataclass(frozen=True)
class Question:
    """What the engine needs to know: a fact a near-miss rule lacks, or a clause not measurable yet."""

    text: str
    variable: str | None = None
    unit: str | None = None
    rules: tuple[str, ...] = ()
    clause: Clause | None = None  # the clause asked about, for wording the question in another language

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Answer:
    facts: dict[str, Fact]
    fired: list[Firing]
    questions: list[Question] = field(default_factory=list)
    derived: dict[str, Derivation] = field(default_factory=dict)
    blocked: list[tuple[KnownRule, Clause]] = field(default_factory=list)
    unknown: list[Message] = field(default_factory=list)  # facts no rule tests, and what was meant


class FactError(Explained, ValueError):
    """A fact the engine cannot use (a unit that cannot measure its variable)."""


class EngineUnavailable(Explained, RuntimeError):
    """The rule engine's process failed on this request; the caller's process is unharmed."""


@dataclass(frozen=True)
class _Compiled:
    """A known rule and its compiled form (`rules.compiling`, kept across engines)."""

    known: KnownRule
    form: Compiled


def group_holds(group: Group, facts: Mapping[str, Scalar]) -> bool:
    """Whether a (unit-normalised) condition tree holds for the (normalised) facts."""
    if not group.items:
        return True
    verdicts = (
        group_holds(item, facts) if isinstance(item, Group) else bool(clause_holds(item, facts)) for item in group.items
    )
    return all(verdicts) if group.join == "all" else any(verdicts)


class Engine:
    """The compiled form of one knowledge-base state; ask it about a situation.

    `skipped` lists rules that could not be compiled (with the reason), `untestable` the keys of
    rules that cannot fire until a clause is made measurable.
    """

    def __init__(self, rules: Sequence[KnownRule], *, core: CoreProcess | None = None) -> None:
        self.rules = list(rules)
        self._core = core or shared_core()
        self.untestable: list[str] = []
        self.skipped: dict[str, str] = {}
        clauses = [c for k in self.rules for c in itertools.chain(k.rule.clauses(), k.rule.exceptions)]
        self.units = reference_units(clauses)
        self._kinds = _kinds(clauses, [a for k in self.rules for a in k.rule.actions])
        self._steps = {c.variable: c.scale for c in clauses if c.variable and c.scale}  # the masters' scales
        self._compiled: dict[str, _Compiled] = {}
        self._rules_by_variable: dict[str, list[str]] = {}
        terms: list[tuple[str, list[dict[str, Any]]]] = []
        for known in self.rules:
            form = compiled_rule(known.rule, self.units)
            if isinstance(form, str):
                self.skipped[known.key] = f"rule #{known.key}: {form}"
                continue
            alts = form.alternatives
            self._compiled[known.key] = _Compiled(known, form)
            for var in {c.variable for c in form.clauses if c.variable}:
                self._rules_by_variable.setdefault(var, []).append(known.key)
            if not alts:
                self.untestable.append(known.key)
            terms.extend((known.key, alt) for alt in alts)
        self._rulesets, self._by_anchor, self._always, self._rule_of = self._partition(terms)
        self.ruleset_name = next(iter(self._rulesets), "")
        self.size = len(terms)
        if self._rulesets:
            try:
                self._core.register(self._rulesets)
            except CoreError as exc:
                raise EngineUnavailable("the rules could not be compiled: {exc}", exc=exc) from None
            weakref.finalize(self, self._core.retire, list(self._rulesets))

    def _partition(
        self, terms: list[tuple[str, list[dict[str, Any]]]]
    ) -> tuple[dict[str, dict[str, Any]], dict[str, list[str]], list[str], dict[str, str]]:
        """Pack the conjunctions into rulesets, grouped by the rarest variable each one needs."""
        frequency = Counter(v for _key, tests in terms for t in tests for v in variables_in(t))
        by_anchor: dict[str | None, list[tuple[str, list[dict[str, Any]]]]] = {}
        for key, tests in terms:
            needed = {v for t in tests for v in variables_in(t)}
            anchor = min(needed, key=lambda v: (frequency[v], v)) if needed else None
            by_anchor.setdefault(anchor, []).append((key, tests))
        digest = hashlib.sha1(json.dumps(terms, sort_keys=True, default=str).encode()).hexdigest()[:10]
        prefix = f"kb_{digest}_{next(_counter)}"
        rulesets: dict[str, dict[str, Any]] = {}
        anchors: dict[str, list[str]] = {}
        always: list[str] = []
        rule_of: dict[str, str] = {}
        # small groups share a ruleset; a group never spreads over more rulesets than it needs
        current: dict[str, Any] = {}
        current_anchors: set[str | None] = set()

        def close() -> None:
            nonlocal current, current_anchors
            if not current:
                return
            name = f"{prefix}_{len(rulesets)}"
            rulesets[name] = current
            for anchor in current_anchors:
                if anchor is None:
                    always.append(name)
                else:
                    anchors.setdefault(anchor, []).append(name)
            current, current_anchors = {}, set()

        for anchor in sorted(by_anchor, key=lambda a: (a is not None, a or "")):
            for key, tests in by_anchor[anchor]:
                if len(current) >= PARTITION_SIZE:
                    close()
                guard: dict[str, Any] = {"kind": _SITUATION}
                match = {"$and": [guard, *tests]} if tests else guard
                name = f"t{len(rule_of)}"
                rule_of[name] = key
                current[name] = {"all": [{"m": match}]}
                current_anchors.add(anchor)
        close()
        return rulesets, anchors, always, rule_of

    # --- asking ----------------------------------------------------------------------------

    def normalize(self, facts: Mapping[str, Fact]) -> dict[str, Scalar]:
        """The facts in each variable's reference unit; raises FactError naming a fact the rules
        cannot use: text for a number, an answer other than yes/no for an observation, a unit
        that cannot measure its variable, or (when no fact at all is one the rules test) a name
        no rule tests, with the closest ones that are."""
        return self._normalized(facts, self.unknown(facts))

    def _normalized(self, facts: Mapping[str, Fact], unknown: list[Message]) -> dict[str, Scalar]:
        if unknown and len(unknown) == len(facts) and self._kinds:
            raise FactError(unknown[0].template, **unknown[0].params)
        for name, value in facts.items():
            self._check_fact(name, value)
        try:
            return {name: normalize_fact(name, value, self.units) for name, value in facts.items()}
        except UnitError as exc:
            raise FactError(str(exc)) from None

    def unknown(self, facts: Mapping[str, Fact]) -> list[Message]:
        """A message for each fact no rule tests, naming the closest names that rules do test."""
        out = []
        for name in facts:
            if name in self._kinds:
                continue
            close = difflib.get_close_matches(name, list(self._kinds), n=3, cutoff=0.5)
            if close:
                out.append(Message("no rule tests {name!r}; did you mean {close}?", name=name, close=", ".join(close)))
            else:
                out.append(Message("no rule tests {name!r}", name=name))
        return out

    def _check_fact(self, name: str, value: Fact) -> None:
        kinds = self._kinds
        if name not in kinds:
            return
        kind = kinds[name]
        if kind == "number" and (isinstance(value, (str, bool))):
            unit = self.units.get(name)
            raise FactError(
                "fact {name!r} is a number{unit}, not {value!r}",
                name=name,
                unit=f" (in {unit})" if unit else "",
                value=show(value),
            )
        if kind == "flag" and not isinstance(value, bool):
            raise FactError("fact {name!r} is answered yes or no, not {value!r}", name=name, value=show(value))
        steps = self._steps.get(name)
        if steps and not (isinstance(value, str) and value.lower() in {s.lower() for s in steps}):
            raise FactError(
                "fact {name!r} is one step of {steps}, not {value!r}",
                name=name,
                steps=" < ".join(steps),
                value=show(value),
            )

    def _matching(self, facts: dict[str, Scalar]) -> list[str]:
        names = list(self._always)
        for var in facts:
            names.extend(self._by_anchor.get(core_text(var), ()))
        if not names:
            return []
        message = {"kind": _SITUATION, **{core_text(k): core_value(v) for k, v in facts.items()}}
        for attempt in (1, 2):  # a restarted core needs the rulesets again, which ask() registers
            try:
                fired = self._core.ask(self._rulesets, list(dict.fromkeys(names)), message)
                break
            except CoreCrashed as exc:
                if attempt == 2:
                    raise EngineUnavailable("{exc}; this situation could not be answered", exc=exc) from None
            except CoreError as exc:
                raise EngineUnavailable(str(exc)) from None
        return list(dict.fromkeys(self._rule_of[name] for name in fired))

    def ask(self, facts: Mapping[str, Fact]) -> Answer:
        """The rules that fire for these facts, each explained, and questions for near misses."""
        given = dict(facts)
        unknown = self.unknown(given)
        state = self._normalized(given, unknown)
        derived: dict[str, Derivation] = {}
        order: list[str] = []
        blocked: dict[str, Clause] = {}
        for _round in range(len(self._compiled) + 1):
            new_fact = False
            for key in self._matching(state):
                if key in order or key in blocked:
                    continue
                compiled = self._compiled[key]
                if not group_holds(compiled.form.conditions, state):
                    continue  # the C core's match is checked against the rule data
                exception = next((e for e in compiled.form.exceptions if clause_holds(e, state)), None)
                if exception is not None:
                    blocked[key] = exception  # the master's "unless ..." holds: the rule does not apply
                    continue
                order.append(key)
                for action in compiled.known.rule.actions:
                    if action.variable is None or action.value is None or action.variable in state:
                        continue
                    value = action.value
                    target = self.units.get(action.variable)
                    if action.unit and target and isinstance(value, (int, float)) and not isinstance(value, bool):
                        value = convert(float(value), action.unit, target)
                    derived[action.variable] = Derivation(action.variable, value, action.unit, key)
                    state[action.variable] = norm(value)
                    new_fact = True
            if not new_fact:
                break
        firings = [self._firing(self._compiled[key], given, state, derived) for key in order]
        firings.sort(key=lambda f: (-f.known.rule.confidence, f.known.key))
        questions = self._questions(state, set(order) | set(blocked))
        for firing in firings:  # an exception nobody has ruled out yet is worth asking about
            for exception in self._compiled[firing.known.key].form.exceptions:
                if clause_holds(exception, state) is None:
                    _add(questions, exception, firing.known.key)
        return Answer(
            facts=given,
            fired=firings,
            questions=questions,
            derived=derived,
            blocked=[(self._compiled[k].known, c) for k, c in blocked.items()],
            unknown=unknown,
        )

    def _firing(
        self,
        compiled: _Compiled,
        given: dict[str, Fact],
        state: dict[str, Scalar],
        derived: dict[str, Derivation],
    ) -> Firing:
        matched = []
        for original, clause in zip(compiled.form.originals, compiled.form.clauses, strict=True):
            if not clause.measurable or not clause_holds(clause, state):
                continue
            var = clause.variable
            assert var is not None
            d = derived.get(var)
            matched.append(ClauseMatch(original, given.get(var, d.value if d else None), d.rule_key if d else None))
        chain: list[Derivation] = []
        pending = [m.derived_by for m in matched if m.derived_by]
        seen: set[str] = set()
        while pending:  # walk back through the rules whose derived facts this firing used
            key = pending.pop()
            if key in seen:
                continue
            seen.add(key)
            for d in derived.values():
                if d.rule_key == key:
                    chain.insert(0, d)
            for clause in self._compiled[key].form.clauses:
                upstream = derived.get(clause.variable or "")
                if upstream is not None and clause_holds(clause, state):
                    pending.append(upstream.rule_key)
        return Firing(compiled.known, matched, chain)

    def _questions(self, facts: dict[str, Scalar], done: set[str]) -> list[Question]:
        """Questions whose answers could make a near-miss rule fire, those that would decide the
        most rules first, at most `MAX_QUESTIONS`.

        A rule is a near miss when none of its measurable clauses is contradicted by the facts
        and at least one clause holds while another lacks a fact or cannot be measured yet; only
        rules that test one of the given facts can be one.
        """
        candidates = dict.fromkeys(key for var in facts for key in self._rules_by_variable.get(var, ()))
        found: dict[str, Question] = {}
        for key in candidates:
            if key in done:
                continue
            clauses = self._compiled[key].form.clauses
            verdicts = [clause_holds(c, facts) if c.measurable else None for c in clauses]
            if False in verdicts or True not in verdicts:
                continue
            for clause, verdict in zip(clauses, verdicts, strict=True):
                if verdict is None:
                    _collect(found, clause, key)
        ranked = sorted(found.values(), key=lambda q: -len(q.rules))  # stable: first seen wins a tie
        return ranked[:MAX_QUESTIONS]


def _kinds(clauses: Sequence[Clause], actions: Sequence[Action]) -> dict[str, str]:
    """What each variable takes: "number" (every test compares a number), "flag" (yes or no),
    or "category" (anything else, and every fact a rule derives)."""
    seen: dict[str, set[str]] = {}
    for clause in clauses:
        if clause.variable is not None:
            kind = clause.cue_kind
            if kind == "observation":
                kind = "flag" if clause.operator in (Operator.IS_TRUE, Operator.IS_FALSE) else "category"
            seen.setdefault(clause.variable, set()).add(kind)
    for action in actions:
        if action.variable is not None:
            seen.setdefault(action.variable, set()).add("category")
    return {name: kinds.pop() if len(kinds) == 1 else "category" for name, kinds in seen.items()}


def _collect(found: dict[str, Question], clause: Clause, key: str) -> None:
    text = question_for(clause)
    q = found.get(text)
    found[text] = Question(text, clause.variable, clause.unit, (*q.rules, key) if q else (key,), clause)


def _add(questions: list[Question], clause: Clause, key: str) -> None:
    found = {q.text: q for q in questions}
    _collect(found, clause, key)
    questions[:] = list(found.values())


_PHRASES = {
    Operator.LT: "below",
    Operator.LE: "at most",
    Operator.GT: "above",
    Operator.GE: "at least",
    Operator.EQ: "",
    Operator.NE: "other than",
}


_LEAD = re.compile(r"^\s*(?:if|when|whenever|once|as soon as|in case|the moment)\s+", re.IGNORECASE)


def cue_text(text: str) -> str:
    """A condition's words as a cue to check: "the arc pops and hisses", without "if"/"when"."""
    return _LEAD.sub("", text.strip().rstrip(".?!,")) or text


def question_for(clause: Clause) -> str:
    """A yes/no question an SME can answer: "Is steel temperature below 5 degC?"."""
    said = f" (the master said: {clause.text!r})"
    if clause.variable is None or clause.operator is None:
        return f"Does this hold: {clause.text.rstrip('.?!')}?"
    name = clause.variable.replace("_", " ")
    unit = f" {clause.unit}" if clause.unit else ""
    op, value = clause.operator, clause.value
    if clause.observed and op in (Operator.IS_TRUE, Operator.IS_FALSE):
        return f"Do you see, hear or feel this now: {cue_text(clause.text)}? (yes or no; observation {clause.variable})"
    if op is Operator.IS_TRUE:
        return f"Is it so: {name}?{said}"
    if op is Operator.IS_FALSE:
        return f"Is it not so: {name}?{said}"
    if op is Operator.BETWEEN and isinstance(value, list):
        return f"Is {name} between {show(value[0])} and {show(value[1])}{unit}?{said}"
    if clause.scale:  # one question per cue, whatever step a rule needs: the worker names the step
        return f"Which is {name} now: {' < '.join(clause.scale)}?"
    if op is Operator.IN and isinstance(value, list):
        return f"Is {name} one of {', '.join(show(v) for v in value)}?{said}"
    assert value is not None and not isinstance(value, list)
    phrase = _PHRASES[op]
    return f"Is {name} {phrase + ' ' if phrase else ''}{show(value)}{unit}?{said}"


__all__ = [
    "Answer",
    "ClauseMatch",
    "Derivation",
    "Engine",
    "EngineUnavailable",
    "FactError",
    "Firing",
    "KnownRule",
    "Quantity",
    "Question",
    "group_holds",
    "question_for",
]
