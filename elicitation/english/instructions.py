"""An action as an instruction to the worker, in plain words: "I usually add a little more
filler" is "Add a little more filler"; "you must preheat to around a hundred degrees" is "Preheat
to around a hundred degrees". The hedge goes to the rule's certainty, and the master's own words
stay beside the instruction as the quote.

Only what a person is told or does becomes an instruction; a consequence or a diagnosis ("the
colour bleeds", "it's ready") has none.
"""

from __future__ import annotations

import re

from spacy.tokens import Token

from elicitation.english import patterns

_PEOPLE = {"i", "we", "you", "u"}
_MODALS = {"must", "should", "shall", "will", "'ll", "would", "'d", "can", "could", "ca", "might", "may", "ought"}
_LEAD_WORDS = {"then", "so", "just", "also", "always", "now"}
_TO_VERBS = {"have", "need", "got", "want", "try", "has", "had"}


def instruction_of(tokens: list[Token], verb: Token) -> str | None:
    """The action's words as an imperative, or None when it does not tell anyone what to do."""
    subject = next((c for c in _children(verb, tokens) if c.dep_ in ("nsubj", "nsubjpass")), None)
    if verb.dep_ == "xcomp" and subject is None:
        subject = next((c for c in _children(verb.head, tokens) if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is not None and subject.lower_ not in _PEOPLE:
        return None  # "the colour bleeds": a consequence, not an instruction
    if subject is None and (verb.tag_ == "VBZ" or (verb.tag_ in ("VBD", "VBN", "VBG") and verb.lower_ != verb.lemma_)):
        return None  # "the colour bleeds" with the subject misparsed: an imperative is the bare verb
    if any(c.dep_ == "auxpass" for c in _children(verb, tokens)):
        return None
    main = verb
    if verb.lemma_ in _TO_VERBS:
        main = next((c for c in _children(verb, tokens) if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")), verb)
        if main is verb:
            return None  # "you need a finer stone": what is needed, no verb to tell
    negated = any(t.dep_ == "neg" and t.head in (verb, main) for t in tokens)
    never = any(t.lower_ == "never" and t.head in (verb, main) for t in tokens)
    dropped = _dropped(tokens, verb, main, subject)
    words: list[str] = []
    for tok in tokens:
        if tok.i in dropped:
            continue
        text = tok.lemma_ if tok is main and tok.tag_ in ("VBZ", "VBD", "VBP", "VBG", "VBN") else tok.text
        words.append(text + tok.whitespace_)
    body = re.sub(r"\s*,(?:\s*,)+", ",", "".join(words)).strip().strip(",;:.").strip()
    body = re.sub(r"^(?:yes|no|well|okay|ok)\b[,\s]*", "", body, flags=re.IGNORECASE)
    if not body:
        return None
    if never:
        body = f"never {body}"
    elif negated:
        body = f"do not {body}"
    return body[0].upper() + body[1:]


def _children(token: Token, tokens: list[Token]) -> list[Token]:
    """The token's dependents among the action's own words (Token.children walks far more of the doc)."""
    return [t for t in tokens if t.head.i == token.i and t.i != token.i]


def _dropped(tokens: list[Token], verb: Token, main: Token, subject: Token | None) -> set[int]:
    """The token indexes an instruction leaves out: the person, modals, hedges, the "have to" frame."""
    out: set[int] = set()
    heads = {verb.i, main.i}
    for tok in tokens:
        lowered = tok.lower_
        if subject is not None and tok.i == subject.i:
            out.add(tok.i)
        elif tok.head.i in heads and tok.dep_ in ("aux", "auxpass", "neg") and tok.i < main.i:
            out.add(tok.i)  # must, will, do(n't), the "to" of "have to"
        elif tok.head.i in heads and lowered in patterns.HEDGES and tok.i < main.i:
            out.add(tok.i)  # usually, maybe: the rule's certainty says it
        elif (tok.head.i in heads and lowered == "never") or (
            tok.i < main.i and lowered in _LEAD_WORDS and tok.head.i in heads
        ):
            out.add(tok.i)
        elif tok is verb and main is not verb:
            out.add(tok.i)  # "have" of "have to preheat"
        elif lowered in _MODALS and tok.head.i in heads:
            out.add(tok.i)
    return out
