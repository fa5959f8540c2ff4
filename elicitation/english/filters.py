"""What reads like a rule but is none: courtesy ("if you like"), invitations, counterfactuals and
stories told in the past."""

from __future__ import annotations

import re
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
    return past_verb(root) or any(c.tag_ == "VBD" and c.dep_ in ("aux", "auxpass") for c in root.children)


def counterfactual(head: Token) -> bool:
    """ "If I had known ..., I would have ...": what did not happen is no rule."""
    return any(c.lower_ == "had" and c.dep_ == "aux" for c in head.children) and head.tag_ == "VBN"


_SOCIAL = {("come", "back"), ("come", "by"), ("drop", "by"), ("call", "me"), ("come", "again")}


def social(actions: list[Action]) -> bool:
    """ "Come back if your knives get dull", "get yourself a bacon butty before they're gone": an
    invitation or a kindness to the visitor, not craft."""
    return all(
        tuple(w.lower() for w in a.text.split()[:2]) in _SOCIAL or _YOURSELF.search(a.text) is not None for a in actions
    )


_YOURSELF = re.compile(r"^(?:go on,?\s+)?(?:get|grab|help|make|pour|treat)\s+yourself\b", re.IGNORECASE)


_LEAVING = {("you", "go"), ("you", "leave"), ("you", "come", "back"), ("you", "head", "home"), ("you", "head", "out")}


def farewell(rule: Rule) -> bool:
    """ "Take some tea with you when you go": a parting kindness, not craft. Only when leaving is
    the whole condition and the action is something to take or enjoy ("lock up when you leave"
    stays a rule)."""
    said = [tuple(w.strip(",.").lower() for w in c.text.split()) for c in rule.clauses()]
    if not said or not all(s in _LEAVING for s in said) or rule.exceptions:
        return False
    return all(" with you" in f" {a.text.lower()} " or a.verb in ("enjoy", "come", "say") for a in rule.actions)


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
        return finite is not None and past_verb(finite)

    acts = [tokens_of(a) for a in rule.actions]
    conds = [tokens_of(c) for c in rule.clauses()]
    return bool(acts) and all(past(a) for a in acts) and bool(conds) and all(past(c) for c in conds if c)


def past_verb(verb: Token) -> bool:
    """A verb told in the past: tagged so and spelt unlike its base form, or, for verbs whose past
    and present look alike ("cut", "set", "put"), said of a third person ("my uncle set every
    rivet by eye"), since "we put up the screens" and "cut it square" are what to do now."""
    if verb.tag_ != "VBD":
        return False
    if verb.lower_ != verb.lemma_:
        return True
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None:
        return False
    # a person told about: "he", "my uncle", "Mr Kim"; not a misparsed noun ("the dent springs ... put")
    return subject.lower_ in ("he", "she") or subject.pos_ == "PROPN" or any(c.dep_ == "poss" for c in subject.children)


def is_anecdote(root: Token, heads: list[Token]) -> bool:
    """Past-tense narrative ("When I started, we had no cranes") states no rule."""
    has_would = any(c.lower_ in ("would", "'d") for c in root.children if c.dep_ == "aux")
    if has_would:
        return False
    root_past = past_verb(root) or any(c.tag_ == "VBD" for c in root.children if c.dep_ in ("aux", "auxpass"))
    cond_past = bool(heads) and all(
        h.tag_ == "VBD" or any(c.tag_ == "VBD" for c in h.children if c.dep_ in ("aux", "auxpass"))
        for h in heads
        if h.pos_ in ("VERB", "AUX")
    )
    return root_past and cond_past


_OFFERED = ("there ", "there's", "there're", "help yourself", "feel free", "just ask", "you can have", "you're welcome to")  # fmt: skip


def offered(rule: Rule) -> bool:
    """ "There are boots on the rack if you want to come through": what the visitor may have if
    he wishes, not craft. Only when every condition is the visitor's wish."""
    said = [tuple(w.strip(",.").lower() for w in c.text.split()) for c in rule.clauses()]
    wishes = said and all(any(s[: len(p)] == p for p in _POLITE) for s in said)
    return bool(wishes) and all(a.text.lower().startswith(_OFFERED) for a in rule.actions)
