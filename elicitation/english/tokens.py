"""Runs of English tokens: trimmed of fillers and punctuation, kept contiguous, and their text and
offsets in the doc; and the callback that parses a fragment again on its own."""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Doc, Span, Token

from elicitation.citing import doc_text
from elicitation.english import patterns

# Parses a fragment on its own with the pipeline's other components (for misparses).
Reparse = Callable[[str], Doc]


def trim(tokens: list[Token]) -> list[Token]:
    while tokens and (tokens[0].is_punct or tokens[0].lower_ in patterns.FILLERS or tokens[0].dep_ == "cc"):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].lower_ in ("and", "but", "or", "so", "then")):
        tokens = tokens[:-1]
    return tokens


def contiguous(tokens: list[Token], anchor: Token) -> list[Token]:
    """The run of consecutive tokens that contains the anchor."""
    index = {t.i for t in tokens}
    if anchor.i not in index:
        return tokens
    lo = hi = anchor.i
    while lo - 1 in index:
        lo -= 1
    while hi + 1 in index:
        hi += 1
    return [t for t in tokens if lo <= t.i <= hi]


def text_of(tokens: list[Token]) -> str:
    return doc_text(tokens[0].doc)[tokens[0].idx : tokens[-1].idx + len(tokens[-1].text)]


def bounds(tokens: list[Token]) -> tuple[int, int]:
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def is_negated(verb: Token) -> bool:
    """ "don't open", "never open", "nobody goes in": the verb said with a negation."""
    return any(
        c.dep_ == "neg" or c.lower_ == "never" or (c.dep_ == "nsubj" and c.lower_ in ("nobody", "nothing", "none"))
        for c in verb.children
    )


def starts_with(sent: Span, words: tuple[str, ...]) -> int | None:
    """Index just past `words` if the sentence opens with them (after fillers), else None."""
    toks = [t for t in sent if not t.is_space]
    i = 0
    while i < len(toks) and (toks[i].lower_ in patterns.FILLERS - {"then"} or toks[i].is_punct):
        i += 1
    if tuple(t.lower_ for t in toks[i : i + len(words)]) == words:
        j = i + len(words)
        while j < len(toks) and toks[j].is_punct:
            j += 1
        return toks[j].i if j < len(toks) else None
    return None


def comma_parts(tokens: list[Token]) -> list[list[Token]]:
    """The tokens cut at each comma, the commas left out (a part may be empty)."""
    parts: list[list[Token]] = [[]]
    for tok in tokens:
        if tok.text == ",":
            parts.append([])
        else:
            parts[-1].append(tok)
    return parts
