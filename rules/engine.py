"""Inference on durable_rules, compiled from rule data, with an explanation for every firing.

durable_rules cannot change or remove a registered ruleset, so every knowledge-base state is
compiled to a new ruleset name. It reports only which action ran, so the explanation (which
clause matched which fact value) is computed here from the same clause data.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from durable.engine import Host, MessageNotHandledException

from rules.facts import clause_holds
from rules.model import Clause, Group, Operator, Rule, Scalar

_SITUATION = "myeongjang_situation"
_host_lock = threading.Lock()
_host: Host | None = None
_counter = itertools.count(1)


def _shared_host() -> Host:
    global _host
    with _host_lock:
        if _host is None:
            _host = Host()
        return _host


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
    clause: Clause
    fact_value: Scalar | None


@dataclass(frozen=True)
class Firing:
    """A rule that fired, with the clauses that matched and the fact values that satisfied them."""

    known: KnownRule
    matched: list[ClauseMatch]

    def explain(self) -> str:
        if not self.matched:
            return "applies in every situation"
        parts = [f"{m.clause.text!r} ({m.clause.variable} = {m.fact_value!r})" for m in self.matched]
        return "because " + " and ".join(parts)


@dataclass(frozen=True)
class Answer:
    facts: dict[str, Scalar]
    fired: list[Firing]
    questions: list[str] = field(default_factory=list)


class CompileError(ValueError):
    """A rule that cannot be compiled to the engine's form."""


def compile_clause(clause: Clause) -> dict[str, Any]:
    """One clause as a durable_rules JSON expression."""
    var, op, value = clause.variable, clause.operator, clause.value
    if var is None or op is None:
        raise CompileError(f"clause {clause.text!r} is not measurable")
    if op is Operator.IS_TRUE:
        return {var: True}
    if op is Operator.IS_FALSE:
        return {var: False}
    if op is Operator.IN:
        assert isinstance(value, list)
        return {"$or": [{var: _norm(v)} for v in value]}
    if op is Operator.BETWEEN:
        assert isinstance(value, list)
        return {"$and": [{"$gte": {var: float(value[0])}}, {"$lte": {var: float(value[1])}}]}
    symbol = {
        Operator.EQ: None,
        Operator.NE: "$neq",
        Operator.LT: "$lt",
        Operator.LE: "$lte",
        Operator.GT: "$gt",
        Operator.GE: "$gte",
    }[op]
    assert value is not None and not isinstance(value, list)
    if symbol is None:
        return {var: _norm(value)}
    return {symbol: {var: _norm(value)}}


def _norm(v: Scalar) -> Scalar:
    if isinstance(v, str):
        return v.lower()
    if isinstance(v, int) and not isinstance(v, bool):
        return float(v)
    return v


def compile_group(group: Group) -> dict[str, Any] | None:
    """A condition tree as a durable_rules expression, or None when nothing in it is testable.

    In an `all` group one unmeasurable clause makes the group untestable (the rule then cannot
    fire and comes back as a question); in an `any` group unmeasurable items are left out.
    """
    parts: list[dict[str, Any]] = []
    for item in group.items:
        compiled = (
            compile_group(item) if isinstance(item, Group) else (compile_clause(item) if item.measurable else None)
        )
        if compiled is None:
            if group.join == "all":
                return None
            continue
        parts.append(compiled)
    if not parts:
        return None if group.items else {}
    if len(parts) == 1:
        return parts[0]
    return {"$and" if group.join == "all" else "$or": parts}


def compile_ruleset(
    rules: Sequence[KnownRule], callback: Callable[[str], Callable[[Any], None]]
) -> tuple[dict[str, Any], list[str]]:
    """The durable_rules JSON ruleset for these rules, and the keys of rules that cannot fire."""
    definition: dict[str, Any] = {}
    untestable: list[str] = []
    for index, known in enumerate(rules):
        expr = compile_group(known.rule.conditions)
        if expr is None:
            untestable.append(known.key)
            continue
        guard: dict[str, Any] = {"kind": _SITUATION}
        match = {"$and": [guard, expr]} if expr else guard
        definition[f"r{index}"] = {"all": [{"m": match}], "run": callback(known.key)}
    return definition, untestable


class Engine:
    """The compiled form of one knowledge-base state; ask it about a situation."""

    def __init__(self, rules: Sequence[KnownRule]) -> None:
        self.rules = list(rules)
        self._by_key = {k.key: k for k in self.rules}
        self._fired: list[str] = []
        self._lock = threading.Lock()
        definition, self.untestable = compile_ruleset(self.rules, self._recorder)
        digest = hashlib.sha1(
            json.dumps({k: v["all"] for k, v in definition.items()}, sort_keys=True, default=str).encode()
        ).hexdigest()[:12]
        self.ruleset_name = f"kb_{digest}_{next(_counter)}"
        self._host = _shared_host()
        if definition:
            self._host.register_rulesets({self.ruleset_name: definition})
        self._has_rules = bool(definition)

    def _recorder(self, key: str) -> Callable[[Any], None]:
        def record(_closure: Any) -> None:
            self._fired.append(key)

        return record

    def ask(self, facts: dict[str, Scalar]) -> Answer:
        """The rules that fire for these facts, each explained, and questions for near misses."""
        fact = {k: _norm(v) for k, v in facts.items()}
        fired_keys: list[str] = []
        if self._has_rules:
            with self._lock:
                self._fired.clear()
                message: dict[str, Any] = {"sid": "ask", "id": "situation", "kind": _SITUATION}
                message.update(fact)
                try:
                    self._host.assert_fact(self.ruleset_name, message)
                except MessageNotHandledException:
                    pass
                finally:
                    with contextlib.suppress(MessageNotHandledException):
                        self._host.retract_fact(self.ruleset_name, message)
                fired_keys = list(dict.fromkeys(self._fired))
        firings = []
        for key in fired_keys:
            known = self._by_key[key]
            if any(clause_holds(e, facts) for e in known.rule.exceptions):
                continue  # the master's "unless ..." holds: the rule does not apply
            matched = [
                ClauseMatch(c, facts.get(c.variable) if c.variable else None)
                for c in known.rule.clauses()
                if c.measurable and clause_holds(c, facts)
            ]
            firings.append(Firing(known, matched))
        firings.sort(key=lambda f: (-f.known.rule.confidence, f.known.key))
        questions = self._questions(facts, fired_keys)
        for firing in firings:  # an exception nobody has ruled out yet is worth asking about
            for exception in firing.known.rule.exceptions:
                q = _question(exception)
                if clause_holds(exception, facts) is None and q not in questions:
                    questions.append(q)
        return Answer(facts=dict(facts), fired=firings, questions=questions)

    def _questions(self, facts: dict[str, Scalar], fired: list[str]) -> list[str]:
        """Questions whose answers could make a near-miss rule fire.

        A rule is a near miss when none of its measurable clauses is contradicted by the facts
        and at least one clause lacks a fact or cannot be measured yet.
        """
        questions: list[str] = []
        for known in self.rules:
            if known.key in fired:
                continue
            clauses = known.rule.clauses()
            verdicts = [clause_holds(c, facts) if c.measurable else None for c in clauses]
            if any(v is False for v in verdicts) or not any(v is True for v in verdicts):
                continue
            for clause, verdict in zip(clauses, verdicts, strict=True):
                if verdict is None:
                    q = _question(clause)
                    if q not in questions:
                        questions.append(q)
        return questions


def _question(clause: Clause) -> str:
    if clause.variable is None:
        return f"Does this hold: {clause.text.rstrip('.?!')}?"
    return f"What is {clause.variable.replace('_', ' ')}? (the master said: {clause.text!r})"
