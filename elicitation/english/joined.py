"""Conditions joined by commas, as masters say them: "Once it splits clean over your finger, like a
boiled egg white, and the whey in the crack is clear, you cut". The parser loses its way in such a
sentence (the second condition becomes a reason, or the main verb a condition); each part is read
on its own instead: the opening condition, each ", and ..." condition (a likeness stays with the
condition it describes) and, after the last comma, what to do."""

from __future__ import annotations

from spacy.tokens import Span, Token

from elicitation.citing import moved
from elicitation.english.openings import DOERS
from elicitation.english.shapes import certainty_of, clause_of, confidence_of, sentence_actions
from elicitation.english.tokens import Reparse, comma_parts, text_of, trim
from rules import Clause, Group, Rule

_LEADS = {"if", "when", "whenever", "once"}
# words that open a clause of their own in the last part ("..., you cut, unless it sags"): the reader
# of whole sentences keeps the exception or the reason, so such a sentence is left to it
_OWN_CLAUSE = {"unless", "because", "cause", "since", "otherwise", "if", "when", "until"}
_ASIDE_ENDS = {"will", "would", "does", "do", "did", "is", "was", "can", "could", "might", "may", "should", "usually"}
_BASE_CONFIDENCE = 0.7  # as sure as the reader's "if": the master names each case himself


def _clause(tokens: list[Token], reparse: Reparse) -> Clause | None:
    said = trim(tokens)
    if len(said) < 2:
        return None
    part = reparse(text_of(said))
    words = trim([t for t in part if not t.is_space])
    return moved(clause_of(words, part[:].root), said[0].idx) if words else None


def _states_a_case(tokens: list[Token]) -> bool:
    """Whether ", and ..." names a case ("and the whey in the crack is clear"), not an aside
    ("and it will", "and I mean it")."""
    words = [t for t in tokens if not t.is_punct]
    if len(words) < 2 or not any(t.pos_ in ("VERB", "AUX") for t in words):
        return False
    if words[-1].lower_ in _ASIDE_ENDS or words[-1].pos_ == "AUX":
        return False  # "and it will": the verb left out
    return not (words[0].lower_ == "i" and words[1].lemma_ in ("mean", "think", "guess", "know"))


def joined_rule(sent: Span, reparse: Reparse) -> Rule | None:
    """The rule of "If A, and B, you do C" read part by part; None for any other sentence."""
    tokens = trim([t for t in sent if not t.is_space])
    if len(tokens) < 6 or tokens[0].lower_ not in _LEADS:
        return None
    segments = comma_parts(tokens)
    if len(segments) < 3 or not all(segments):
        return None
    cases: list[list[Token]] = [segments[0][1:]]
    joins: set[str] = set()
    for seg in segments[1:-1]:
        if seg[0].lower_ == "like" and len(seg) <= 9:
            cases[-1] = [*cases[-1], *seg]  # the likeness belongs to the case it describes
        elif seg[0].lower_ in ("and", "or") and _states_a_case(seg[1:]):
            cases.append(seg[2:] if seg[1].lower_ in _LEADS else seg[1:])
            joins.add(seg[0].lower_)
        else:
            return None
    last = segments[-1]
    if len(cases) < 2 or len(joins) > 1 or not (last[0].lower_ in DOERS or last[0].tag_ == "VB"):
        return None
    if any(t.lower_ in _OWN_CLAUSE for t in last[1:]):
        return None
    clauses = [_clause(case, reparse) for case in cases]
    part = reparse(text_of(last))
    actions = [moved(a, last[0].idx) for a in sentence_actions(part[:])]
    found = [c for c in clauses if c is not None]
    if len(found) < len(clauses) or not actions:
        return None
    return Rule(
        conditions=Group(join="any" if joins == {"or"} else "all", items=list(found)),
        actions=actions,
        certainty=certainty_of(sent),
        confidence=confidence_of(part[:].root, [_BASE_CONFIDENCE], found, actions),
    )
