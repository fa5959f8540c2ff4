"""Sentences that lean on the one before: "In that case, wait at the bench" takes it as the
condition, "Otherwise, ..." its opposite, and steps said after a diagnosis become its actions."""

from __future__ import annotations

from typing import Any

from spacy.tokens import Span

from elicitation.english.fronted import FRONTED
from elicitation.english.shapes import (
    certainty_of,
    clause_of,
    confidence_of,
    opposite,
    sentence_actions,
    split_conjuncts,
)
from elicitation.english.tokens import starts_with, trim
from rules import Group, Rule

# A sentence that leans on the one before: "In that case, wait at the bench."
BACK_REFERENCES: dict[tuple[str, ...], str] = {
    ("in", "that", "case"): "same",
    ("in", "which", "case"): "same",
    ("if", "so"): "same",
    ("if", "that", "happens"): "same",
    ("then",): "same",
    ("only", "then"): "same",
    ("otherwise",): "opposite",
    ("if", "not"): "opposite",
}


_POINTING_NOUNS = {
    "point",
    "stage",
    "moment",
    "case",
    "cases",
    "situation",
    "time",
    "times",
    "years",
    "days",
    "weather",
}


def _like_that(sent: Span) -> tuple[tuple[str, ...], str] | None:
    """ "On days like that, ...", "In those years, ...": a fronted phrase that points back."""
    toks = [t for t in sent if not t.is_space][:6]
    low = [t.lower_ for t in toks]
    if not low or low[0] not in FRONTED:
        return None
    for end in range(2, len(low) + 1):
        words = tuple(low[:end])
        if words[-2:] in (("like", "that"), ("like", "this")) or (
            end == 3 and words[1] in ("those", "such", "that", "this") and words[2] in _POINTING_NOUNS
        ):
            return words, "same"
    return None


def back_reference_rule(sent: Span, before: list[Span], previous_rule: Rule | None) -> Rule | None:
    """ "In that case, wait at the bench": the condition is the sentence before (or, for
    "otherwise", the opposite of the rule before)."""
    pointing = _like_that(sent)
    candidates = [pointing] if pointing is not None else list(BACK_REFERENCES.items())
    for words, kind in candidates:
        start = starts_with(sent, words)
        if start is None:
            continue
        doc = sent.doc
        body = doc[start : sent.end]
        actions = sentence_actions(body) if len(body) else []
        if not actions:
            body_root = body.root if len(body) else None
            if body_root is None:
                return None
            actions = sentence_actions(doc[body_root.left_edge.i : sent.end])
        if not actions:
            return None
        if kind == "opposite":
            if previous_rule is None or not previous_rule.clauses():
                return None
            items = [opposite(c) for c in previous_rule.clauses()]
            join = "any" if previous_rule.conditions.join == "all" and len(items) > 1 else "all"
        else:
            if before[-1].text.strip().endswith("?") or previous_rule is not None:
                return None  # "If A, do B. Then do C." is a sequence, not a new condition
            items = []
            for previous in before:
                tokens = trim([t for t in previous if not t.is_space])
                if tokens:
                    items.extend(clause_of(part, head) for part, head, _ in split_conjuncts(tokens, previous.root))
            if not items:
                return None
            join = "all"
        return Rule(
            conditions=Group(join=join, items=items),  # type: ignore[arg-type]
            actions=actions,
            certainty=certainty_of(sent),
            confidence=confidence_of(body.root, [0.6], items, actions),
        )
    return None


def after_diagnosis(rule: Rule, sent: Span) -> dict[str, Any] | None:
    """When a rule only says what a cue means ("..., the vat is too acid") and the next sentence
    says what to do, the steps become its actions and the diagnosis its rationale."""
    if not rule.actions or any(a.verb != "be" or a.negated for a in rule.actions):
        return None
    if sent.start == 0 or sent.doc[sent.start - 1].text != ";":
        return None  # only within one spoken sentence; "And look at the lines." is a new instruction
    steps = sentence_actions(sent)
    if not steps:
        return None
    diagnosis = "; ".join(a.text for a in rule.actions)
    return {"actions": steps, "rationale": rule.rationale or diagnosis}
