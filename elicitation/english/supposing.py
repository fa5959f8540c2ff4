"""A condition put as a supposition, with no "if": "Say the customer wants a matte finish, I sand
with 400 grit", "Suppose the melt runs cold, you add a little coke"."""

from __future__ import annotations

from spacy.tokens import Span, Token

from elicitation.citing import moved
from elicitation.english.shapes import certainty_of, clause_of, confidence_of, sentence_actions
from elicitation.english.tokens import Reparse, text_of, trim
from rules import Group, Rule

_LEADS = {("say",), ("suppose",), ("supposing",), ("imagine",), ("assume",), ("assuming",), ("let", "'s", "say")}
_OPENERS = {"so", "now", "well", "okay", "ok", "and", "but", "uh", "um", ","}
_BASE_CONFIDENCE = 0.7  # as sure as "if": the master names the case himself


_WOULD = {"would", "'d", "could", "might"}
_RESULTS = {"lose", "ruin", "get", "end", "have", "be", "waste", "break", "crack", "burn"}


def _would(rest: list[Token]) -> bool:
    """Whether the answer to the supposition is only imagined ("you'd lose the batch", "I would
    not"), not what one does then."""
    return any(
        t.lower_ in _WOULD and t.tag_ == "MD" and t.head.lemma_ in _RESULTS for t in rest[:4]
    )  # "you'd add a little coke" is still a step


def supposed_rule(sent: Span, reparse: Reparse) -> Rule | None:
    """The rule of a sentence that opens with a supposition and says, after its comma, what to do
    then; None for any other sentence."""
    words = [t for t in sent if t.lower_ not in _OPENERS or t.i > sent.start + 2]
    lead = next(
        (n for n in sorted(_LEADS, key=len, reverse=True) if tuple(t.lower_ for t in words[: len(n)]) == n), None
    )
    if lead is None:
        return None
    start = words[len(lead) - 1].i + 1
    comma = next((t.i for t in sent.doc[start : sent.end] if t.text == ","), None)
    if comma is None:
        return None
    supposed = trim([t for t in sent.doc[start:comma] if t.lower_ != "that" or t.i > start])
    rest = trim(list(sent.doc[comma + 1 : sent.end]))
    if len(supposed) < 2 or not rest or not any(t.pos_ in ("VERB", "AUX") for t in supposed):
        return None
    if rest[-1].text == "?" or sent.text.rstrip().endswith("?") or _would(rest):
        return None  # "Suppose the melt runs cold, would you add coke?": asked, or only imagined
    offset = rest[0].idx
    part = reparse(text_of(rest))
    actions = [moved(a, offset) for a in sentence_actions(part[:])]
    if not actions:
        return None
    head = sent.doc[supposed[0].i : supposed[-1].i + 1].root
    clause = clause_of(supposed, head)
    return Rule(
        conditions=Group(join="all", items=[clause]),
        actions=actions,
        certainty=certainty_of(sent),
        confidence=confidence_of(part[:].root, [_BASE_CONFIDENCE], [clause], actions),
    )
