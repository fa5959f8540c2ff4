"""A threshold said after the verb, with no "if": "Never run the spindle above 3,000 rpm on cast
iron", "you have to stop above about 2 m/s". The threshold is when the prohibition (or the change
of course) applies, so it becomes a condition, and a material or part named with it another.

Only for prohibitions and for verbs that change what you are doing (stop, slow, reduce, ...):
in "keep it below 40 degrees" or "heat it to above 200 degrees" the number is the target of the
action, not a condition on it."""

from __future__ import annotations

from spacy.tokens import Token

from elicitation.english import patterns
from elicitation.english.openings import THRESHOLDS
from elicitation.english.tokens import is_negated
from elicitation.values import find_measure

_THRESHOLDS = {*THRESHOLDS, "past"}  # the words that open a threshold phrase, and "past"
_CHANGING = {"stop", "slow", "reduce", "ease", "change", "switch", "pause", "wait", "quit", "cut", "back", "lower"}
_WITH_IT = {"on", "for", "with", "in"}

Found = list[tuple[list[Token], Token, float]]


def threshold_conditions(root: Token, excluded: set[int], conditions: Found) -> None:
    """Adds the thresholds on `root` (or on the verb it governs: "have to stop above ...") and the
    context named inside them to `conditions`, and their tokens to `excluded`."""
    verbs = [root, *(c for c in root.children if c.dep_ == "xcomp" and c.pos_ == "VERB")]
    for verb in verbs:
        if not (is_negated(verb) or is_negated(root) or verb.lemma_ in _CHANGING):
            continue
        for prep in [c for c in verb.children if c.dep_ in ("prep", "advmod")]:
            if prep.lower_ not in _THRESHOLDS or prep.i in excluded:
                continue
            sub = list(prep.subtree) if prep.dep_ == "prep" else _measured(prep)
            if not sub or not find_measure(" ".join(t.text for t in sub)):
                continue
            inner = [
                c
                for t in sub
                for c in t.children
                if c.dep_ == "prep" and c.lower_ in _WITH_IT and any(g.pos_ in ("NOUN", "PROPN") for g in c.children)
            ]
            nested = {t.i for c in inner for t in c.subtree}
            conditions.append(([t for t in sub if t.i not in nested], prep, patterns.PREPOSITIONAL_CONFIDENCE))
            for context in inner:
                conditions.append((list(context.subtree), context, patterns.PREPOSITIONAL_CONFIDENCE))
            excluded.update(t.i for t in sub)


def _measured(word: Token) -> list[Token]:
    """ "stop above about 2 m/s", the parser hanging "above" on the verb alone: the word and the
    measure right after it (within the next eight words of the sentence)."""
    doc = word.doc
    end = min(word.sent.end, word.i + 9)
    if end <= word.i + 1:
        return []
    said = doc.text[word.idx : doc[end - 1].idx + len(doc[end - 1])]
    measure = find_measure(said)
    if measure is None or measure.start > len(word.text) + 1:
        return []
    return [t for t in doc[word.i : end] if t.idx - word.idx < measure.end and (not t.is_punct or t.text == "/")]
