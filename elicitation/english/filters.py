"""What reads like a rule but is none: courtesy ("if you like"), invitations, counterfactuals and
stories told in the past."""

from __future__ import annotations

from typing import Any

from spacy.tokens import Span, Token

from rules import Action, Rule

_POLITE = {
    ("you", "want"),
    ("you", "like"),
    ("you", "need"),
    ("you", "wish"),
    ("you", "'d", "like"),
    ("you", "have", "time"),
}


def polite(tokens: list[Token]) -> bool:
    """ "... if you want one", "come back if you like": courtesy, not a condition."""
    words = tuple(t.lower_ for t in tokens)
    return len(words) <= 4 and any(words[: len(p)] == p for p in _POLITE)


def told(root: Token) -> bool:
    """A sentence told in the past ("When I moved here, the machines were all manual"): a story,
    not a rule said unclearly."""
    if any(c.lower_ in ("would", "'d", "used") for c in root.children):
        return False
    return (root.tag_ == "VBD" and root.lower_ != root.lemma_) or any(
        c.tag_ == "VBD" and c.dep_ in ("aux", "auxpass") for c in root.children
    )


def counterfactual(head: Token) -> bool:
    """ "If I had known ..., I would have ...": what did not happen is no rule."""
    return any(c.lower_ == "had" and c.dep_ == "aux" for c in head.children) and head.tag_ == "VBN"


_SOCIAL = {("come", "back"), ("come", "by"), ("drop", "by"), ("call", "me"), ("come", "again")}


def social(actions: list[Action]) -> bool:
    """ "Come back if your knives get dull": an invitation, not craft."""
    return all(tuple(w.lower() for w in a.text.split()[:2]) in _SOCIAL for a in actions)


def past_story(sent: Span, rule: Rule) -> bool:
    """Every action and condition told in the past tense ("When he was young he sharpened
    swords"): a story, whichever way the sentence was read."""
    doc = sent.doc

    def tokens_of(item: Any) -> list[Token]:
        if item.start is None or item.end is None:
            return []
        return [t for t in doc[sent.start : sent.end] if item.start <= t.idx < item.end]

    def past(tokens: list[Token]) -> bool:
        verbs = [t for t in tokens if t.pos_ in ("VERB", "AUX")]
        if not verbs or any(t.lower_ in ("would", "'d", "will", "'ll") for t in tokens):
            return False
        finite = next((t for t in verbs if t.tag_ in ("VBD", "VBZ", "VBP", "MD")), None)
        return finite is not None and finite.tag_ == "VBD" and finite.lower_ != finite.lemma_

    acts = [tokens_of(a) for a in rule.actions]
    conds = [tokens_of(c) for c in rule.clauses()]
    return bool(acts) and all(past(a) for a in acts) and bool(conds) and all(past(c) for c in conds if c)


def is_anecdote(root: Token, heads: list[Token]) -> bool:
    """Past-tense narrative ("When I started, we had no cranes") states no rule."""
    has_would = any(c.lower_ in ("would", "'d") for c in root.children if c.dep_ == "aux")
    if has_would:
        return False
    root_past = (root.tag_ == "VBD" and root.lower_ != root.lemma_) or any(
        c.tag_ == "VBD" for c in root.children if c.dep_ in ("aux", "auxpass")
    )
    cond_past = bool(heads) and all(
        h.tag_ == "VBD" or any(c.tag_ == "VBD" for c in h.children if c.dep_ in ("aux", "auxpass"))
        for h in heads
        if h.pos_ in ("VERB", "AUX")
    )
    return root_past and cond_past
