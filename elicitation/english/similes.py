"""A sensory cue said with a likeness: "Once it splits clean over your finger, like a boiled egg
white, and the whey is clear, you cut", "When you hear a knock at the bottom, like somebody hit the
die with a hammer, you're bottoming out". The parser often takes the likeness for the main clause;
the sentence is read again with it blanked out (spaces keep every offset), and the likeness goes
back into the condition it describes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spacy.tokens import Span

from elicitation.citing import doc_text, map_offsets, shift
from elicitation.english.markers import find_markers
from elicitation.english.tokens import Reparse
from rules import Clause, Rule

_MAX_WORDS = 9  # a likeness is short: "like a boiled egg white", "like somebody hit it with a hammer"

SentenceReader = Callable[[Span, Reparse], Rule | None]


def _likeness(sent: Span) -> tuple[int, int] | None:
    """The character span, from its comma to its last word, of a likeness set off by commas
    after a condition has started, or None."""
    if not any(t.lower_ == "like" and t.i > sent.start and sent.doc[t.i - 1].text == "," for t in sent):
        return None  # the cheap test first: most sentences have no likeness
    markers = [first for m, first, _ in find_markers(sent) if m.role == "condition"]
    for tok in sent:
        if tok.text != "," or tok.i + 2 >= sent.end or sent.doc[tok.i + 1].lower_ != "like":
            continue
        if not any(first < tok.i for first in markers):
            continue
        close = next((t for t in sent.doc[tok.i + 2 : sent.end] if t.text == ","), None)
        if close is None or close.i - tok.i - 1 > _MAX_WORDS or close.i + 1 >= sent.end:
            continue
        last = sent.doc[close.i - 1]
        return tok.idx, last.idx + len(last.text)
    return None


def simile_rule(sent: Span, reparse: Reparse, read: SentenceReader) -> Rule | None:
    """The sentence's rule read without its likeness, the likeness kept in the condition before
    it; None when the sentence has none, or no rule without it."""
    found = _likeness(sent)
    if found is None:
        return None
    start, end = found
    text = doc_text(sent.doc)
    base = sent.start_char
    said = text[base : sent.end_char]
    blanked = said[: start - base] + " " * (end - start) + said[end - base :]
    part = reparse(blanked)
    inner = next(iter(part.sents), None)
    if inner is None or len(list(part.sents)) > 1:
        return None
    rule = read(inner, reparse)
    if rule is None:
        return None

    def widen(item: Any) -> Any:
        """The item's words from the sentence as said, a condition ending at the likeness widened
        over it."""
        if item.start is None or item.end is None:
            return item
        stop = item.end
        if isinstance(item, Clause) and item.start < start and not text[min(stop, start) : start].strip(" ,"):
            stop = max(stop, end)
        said = text[item.start : stop].rstrip(" ,")
        return item.model_copy(update={"end": item.start + len(said), "text": said})

    return map_offsets(shift(rule, base), widen)
