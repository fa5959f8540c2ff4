"""Sentences that lean on the one before: "In that case, wait at the bench" takes it as the
condition, "Otherwise, ..." its opposite, and steps said after a diagnosis become its actions."""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc, Span, Token

from elicitation.english.filters import past_verb
from elicitation.english.markers import find_markers
from elicitation.english.openings import FRONTED
from elicitation.english.shapes import (
    certainty_of,
    clause_of,
    confidence_of,
    is_directive,
    is_imperative,
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
    ("right", "then"): "same",  # "The leaves go soft. Right then, take them out."
    ("that", "'s", "when"): "same",
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


_ADVISING = {"do", "don't", "should", "shouldn't", "must", "need", "want", "have", "never", "always", "can't", "ca"}


def _advice(sent: Span) -> bool:
    """ "You don't want to pressure-test cold steel, it goes brittle": what one should (not) do,
    not a case for a "then" to act on."""
    words = [t.lower_ for t in sent if not (t.is_punct or t.is_space)][:3]
    if words[:1] in (["never"], ["always"], ["don't"]):
        return True
    return len(words) > 1 and words[0] in ("you", "we") and words[1] in _ADVISING


def _pro_verb(sent: Span) -> bool:
    """ "Everybody does.", "I do.": a sentence whose verb only stands in for one said before."""
    root = sent.root
    return root.lemma_ == "do" and not any(c.dep_ in ("dobj", "xcomp", "ccomp", "prep") for c in root.children)


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
            if any(_pro_verb(previous) for previous in before):
                return None  # "Everybody does. Then they chase it all afternoon.": a story goes on
            if words == ("right", "then") and doc[start].lower_ in ("let", "let's"):
                return None  # "Right then, let's have a look at the kiln": "OK, so"
            if any(_advice(previous) for previous in before):
                return None  # "You don't want to test cold steel. Then we hold it": the next step, no case
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
    """When a rule only says what a cue means ("..., the vat is too acid", "maybe its heater is
    fouled", "you used too little") and the next sentence says what to do, the steps become its
    actions, the diagnosis its rationale, and the steps' own certainty its certainty (a hedge on
    the diagnosis is no hedge on the instruction)."""
    kind = _diagnosis(rule, sent.doc)
    if kind is None:
        return None
    after_semicolon = sent.start > 0 and sent.doc[sent.start - 1].text == ";"
    if (
        not after_semicolon
        and kind == "plain"
        and (sent[0].lower_ in ("and", "also", "plus") or not is_imperative(sent.root))
    ):
        return None  # "The vat is too acid. And look at the lines.": a new instruction
    said = sentence_actions(sent)
    steps = [a for a in said if not a.text.lower().startswith(_WARNINGS)]
    if not steps:
        return None
    diagnosis = "; ".join(a.text for a in rule.actions)
    return {"actions": steps, "rationale": rule.rationale or diagnosis, "certainty": certainty_of(sent)}


# "Ease the depth off, or you'll chip the punch tip": what happens otherwise is no step
_WARNINGS = ("you'll", "you will", "it'll", "it will", "otherwise")


_HEDGES = {"maybe", "probably", "likely", "perhaps", "possibly"}


def _diagnosis(rule: Rule, doc: Doc) -> str | None:
    """How a rule's actions read as a diagnosis rather than something to do: "plain" ("the vat
    is too acid"), "weak" (hedged, told in the past, or "too much" said of what you did), or
    None when they say what to do."""
    if not rule.actions:
        return None
    kinds = set()
    for action in rule.actions:
        if action.start is None or action.end is None:
            return None
        span = doc.char_span(action.start, action.end, alignment_mode="expand")
        if span is None or not len(span):
            return None
        words = [t.lower_ for t in span]
        root = span.root
        has_subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in root.children)
        if action.verb == "be" and not action.negated and words[0] not in _HEDGES:
            kinds.add("plain")
        elif is_directive(root) or not has_subject:
            return None  # "maybe reduce earlier": a hedged instruction is still an instruction
        elif set(words[:3]) & _HEDGES or (words[0] in ("it", "that") and "must" in words[:3]):
            kinds.add("weak")  # "maybe its heater is fouled", "you've probably got too little acid"
        elif past_verb(root) or (words[0] == "you" and _too(span)) or _perfect(root):
            kinds.add("weak")  # "you used too little", "you let it slip too long"
        elif words[0] not in ("i", "we", "you"):
            kinds.add("plain")  # "it won't tack properly": what the cue means, an instruction may follow
        elif words[:2] in (["you", "'re"], ["you", "are"]) and root.tag_ == "VBG" and root.lemma_ != "go":
            kinds.add("weak")  # "you're bottoming out": what is going wrong as one works
        else:
            return None
    return "plain" if "plain" in kinds else "weak"


def _too(span: Span) -> bool:
    """ "you let it slip too long", said without a modal: what went wrong, not what to do."""
    words = [t.lower_ for t in span]
    return "too" in words and not any(t.tag_ == "MD" or t.lower_ in ("have", "need", "got") for t in span)


def instead(rule: Rule, sent: Span) -> Rule | None:
    """The rule with the other way the sentence gives ("Use oil that day instead") added to its
    actions, when the sentence has no condition of its own; None otherwise."""
    words = [t.lower_ for t in sent]
    at = next((i for i, w in enumerate(words) if w == "instead"), None)
    if at is None or (at + 1 < len(words) and words[at + 1] == "of") or not rule.actions:
        return None
    if any(m.role in ("condition", "exception") for m, *_ in find_markers(sent)):
        return None  # "If it is too wet, use oil instead": a rule of its own
    steps = sentence_actions(sent)
    if not steps:
        return None
    return rule.model_copy(update={"actions": [*rule.actions, *steps]})


def reason_alone(sent: Span) -> str | None:
    """A reason said as a sentence of its own after a rule ("Because the hose leaks at the
    joint."): its words, for the rule before; None for any other sentence."""
    words = [t for t in sent if not (t.is_punct or t.is_space)]
    if not words or words[0].lower_ not in ("because", "'cause", "cause", "since"):
        return None
    root = sent.root
    if not any(c.i == words[0].i and c.dep_ == "mark" for c in root.children):
        return None  # "Because of the heat, we open the doors": a main clause follows
    tokens = trim(words[1:])
    return sent.doc[tokens[0].i : tokens[-1].i + 1].text if tokens else None


def _perfect(verb: Token) -> bool:
    """ "it's gone skinny", "the seal has failed": what has happened to the work, said in the
    present perfect."""
    return verb.tag_ == "VBN" and any(c.dep_ == "aux" and c.lemma_ == "have" for c in verb.children)
