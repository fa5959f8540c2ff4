"""Spoken comma splices after a condition: a misparsed "If A, B." split at its comma, and the
comma-separated parts after a condition read one by one as actions or as the reason."""

from __future__ import annotations

from spacy.tokens import Span, Token

from elicitation.citing import doc_text, moved
from elicitation.english.filters import is_anecdote
from elicitation.english.patterns import Marker
from elicitation.english.shapes import (
    action_of,
    certainty_of,
    clause_of,
    confidence_of,
    sentence_actions,
    split_conjuncts,
)
from elicitation.english.tokens import Reparse, comma_parts, text_of, trim
from rules import Action, Clause, Group, Rule


def comma_split_rule(sent: Span, marker: tuple[Marker, int, int], reparse: Reparse) -> Rule | None:
    """Fallback for a misparsed "If A, B." whose condition verb became the root: split at the
    first comma, parse the condition alone, and read B as the action."""
    doc = sent.doc
    comma = next((t for t in doc[marker[2] + 1 : sent.end] if t.text == "," or t.lower_ == "then"), None)
    if comma is None:
        comma = _main_clause_start(sent, marker[2], reparse)
    if comma is None:
        return None
    cond_tokens = trim(list(doc[marker[2] + 1 : comma.i]))
    act_tokens = trim(list(doc[comma.i + (0 if comma.lower_ not in (",", "then") else 1) : sent.end]))
    verb = next((t for t in act_tokens if t.pos_ in ("VERB", "AUX")), None)
    if verb is None and act_tokens and act_tokens[0].tag_ in ("JJR", "VB", "NN"):
        verb = act_tokens[0]  # "..., lower the lance": an imperative the tagger read as another word
    if not cond_tokens or not act_tokens or verb is None:
        return None
    offset = cond_tokens[0].idx
    part = reparse(text_of(cond_tokens))
    items: list[Clause] = []
    join = "all"
    for tokens, head, cc in split_conjuncts(list(part), part[:].root):
        clause = clause_of(tokens, head)
        items.append(moved(clause, offset))
        if cc == "or":
            join = "any"
    if is_anecdote(verb, [t for t in part if t.dep_ == "ROOT"]):
        return None  # "Once after a typhoon, the whole yard flooded"
    actions = [action_of(act_tokens, verb)]
    rationale = None
    found = segment_actions(act_tokens, reparse)
    if found is not None:
        actions, rationale = found
    return Rule(
        conditions=Group(join=join, items=items),  # type: ignore[arg-type]
        actions=actions,
        rationale=rationale,
        certainty=certainty_of(sent),
        confidence=confidence_of(verb, [marker[0].base_confidence - 0.05], items, actions),
    )


def segment_actions(tokens: list[Token], reparse: Reparse) -> tuple[list[Action], str | None] | None:
    """Spoken comma splices after a condition: "..., there's a crack inside, put it aside" or
    "..., we don't lay stone with lime mortar, the frost breaks it". Each comma-separated part is
    parsed alone; the parts that say what to do are the actions, the others the reason. None
    when there is a single part or no part says what to do."""
    parts = [p for p in (trim(p) for p in comma_parts(tokens)) if p]
    if len(parts) < 2:
        return None
    actions: list[Action] = []
    reasons: list[str] = []
    for part in parts:
        if not any(t.pos_ in ("VERB", "AUX") or t.tag_ in ("VB", "VBP") for t in part):
            if actions:
                actions[-1] = _widen(actions[-1], part)  # "..., gently, gently": still the same action
            continue
        offset = part[0].idx
        alone = reparse(text_of(part))
        said = sentence_actions(alone[:])
        if said:
            actions.extend(moved(a, offset) for a in said)
        else:
            reasons.append(text_of(part))
    if not actions:
        return None
    return actions, "; ".join(reasons) or None


def _widen(action: Action, tokens: list[Token]) -> Action:
    """The action with its text and end stretched over a verbless part said after it."""
    doc = tokens[0].doc
    if action.start is None:
        return action
    end = tokens[-1].idx + len(tokens[-1].text)
    return action.model_copy(update={"text": doc_text(doc)[action.start : end], "end": end})


_SUBJECT_STARTS = {"the", "a", "an", "i", "we", "you", "they", "it", "this", "that"}


def _main_clause_start(sent: Span, after: int, reparse: Reparse) -> Token | None:
    """Where the main clause starts in "When the button is pushed the system shuts down" (no comma,
    no "then"): the last word that can open a subject and leaves a complete clause of its own."""
    doc = sent.doc
    for tok in reversed(list(doc[after + 3 : sent.end - 1])):
        if tok.lower_ not in _SUBJECT_STARTS or doc[tok.i - 1].pos_ not in (
            "VERB",
            "AUX",
            "ADJ",
            "ADV",
            "PART",
            "NOUN",
            "NUM",
            "ADP",
        ):
            continue
        if doc[tok.i - 1].lower_ in ("and", "or", "that", "if", "when"):
            continue
        tail = reparse(doc[tok.i : sent.end].text)
        root = tail[:].root
        if root.pos_ in ("VERB", "AUX") and any(c.dep_ in ("nsubj", "nsubjpass") for c in root.children):
            return tok
    return None
