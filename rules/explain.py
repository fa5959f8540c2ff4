"""An answer as a person reads it and as JSON: one wording for the CLI, the UI and the API."""

from __future__ import annotations

from typing import Any

from rules.engine import Answer, Firing
from rules.model import Rule
from rules.units import Quantity, show


def _fact_json(value: Any) -> Any:
    if isinstance(value, Quantity):
        return {"value": value.value, "unit": value.unit}
    return value


def firing_lines(firing: Firing) -> list[str]:
    """The recommendation and why: the rule and version, each clause with the fact value that
    satisfied it, the chain of derived facts, the master and the quoted words."""
    k = firing.known
    lines = [
        f"Rule #{k.key} v{k.version} [{k.status}, {k.rule.certainty.value}]"
        + (f" from {k.master}" if k.master else ""),
        f"  DO: {'; '.join(instructions(k.rule))}",
    ]
    for d in firing.chain:
        unit = f" {d.unit}" if d.unit else ""
        lines.append(f"  derived: rule #{d.rule_key} set {d.variable} = {show(d.value)}{unit}")
    for m in firing.matched:
        given = show(m.fact_value) if m.fact_value is not None else "?"
        how = f" (derived by rule #{m.derived_by})" if m.derived_by else ""
        if m.clause.observed:
            lines.append(f"  because you observed “{m.clause.text}”: {_yes_no(m.fact_value)}")
            continue
        lines.append(f"  because {m.clause.variable} = {given}{how} satisfies “{m.clause.text}”")
    if not firing.matched:
        lines.append("  applies in every situation")
    if k.quote:
        lines.append(f"  {k.master or 'The master'} said: “{k.quote}”")
    return lines


def _yes_no(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return show(value) if value is not None else "?"


def instructions(rule: Rule) -> list[str]:
    """What the worker is told to do: each action's instruction, or the master's words where the
    action is a consequence or a finding rather than something to do."""
    return [a.instruction or a.text for a in rule.actions]


def answer_lines(answer: Answer) -> list[str]:
    lines: list[str] = []
    for message in answer.unknown:
        lines.append(f"Not understood: {message}")
    if not answer.fired:
        lines.append(
            "No rule applies to the facts that were understood."
            if answer.unknown
            else "No rule applies to this situation."
        )
    for firing in answer.fired:
        lines.extend(firing_lines(firing))
    for known, clause in answer.blocked:
        lines.append(f"Rule #{known.key} does not apply: the master's exception holds (“{clause.text}”)")
    for q in answer.questions:
        lines.append(f"To decide more, tell me: {q}")
    return lines


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    """The answer as JSON-ready data (`myeongjang ask --json`)."""
    return {
        "facts": {name: _fact_json(v) for name, v in answer.facts.items()},
        "derived": {
            name: {"value": d.value, "unit": d.unit, "rule_id": d.rule_key} for name, d in answer.derived.items()
        },
        "fired": [
            {
                "rule_id": f.known.key,
                "version": f.known.version,
                "status": f.known.status,
                "certainty": f.known.rule.certainty.value,
                "master": f.known.master,
                "quote": f.known.quote,
                "actions": [a.text for a in f.known.rule.actions],
                "instructions": instructions(f.known.rule),
                "matched": [
                    {
                        "clause": m.clause.text,
                        "variable": m.clause.variable,
                        "fact_value": _fact_json(m.fact_value),
                        "derived_by": m.derived_by,
                    }
                    for m in f.matched
                ],
                "chain": [
                    {"variable": d.variable, "value": d.value, "unit": d.unit, "rule_id": d.rule_key} for d in f.chain
                ],
                "explanation": f.explain(),
            }
            for f in answer.fired
        ],
        "blocked": [{"rule_id": k.key, "exception": c.text} for k, c in answer.blocked],
        "not_understood": [str(m) for m in answer.unknown],
        "questions": [
            {"text": q.text, "variable": q.variable, "unit": q.unit, "rules": list(q.rules)} for q in answer.questions
        ],
    }
