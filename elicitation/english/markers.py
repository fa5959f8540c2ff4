"""Marker phrases in an English sentence ("if", "as soon as", "unless", ...; the data is in
`patterns.MARKERS`) and the head of the clause each introduces."""

from __future__ import annotations

from spacy.tokens import Span, Token

from elicitation.english import patterns
from elicitation.english.patterns import Marker
from elicitation.english.tokens import is_negated

_HOW_OFTEN = {"a", "an", "every", "per", "each", "or", "more", "again", "in"}
_ASKING_VERBS = {"know", "ask", "wonder", "see", "check", "tell", "doubt", "decide", "find", "remember", "test"}


def find_markers(sent: Span) -> list[tuple[Marker, int, int]]:
    """Marker phrases in the sentence: (marker, first token index, last token index)."""
    lowered = [t.lower_ for t in sent]
    hits: list[tuple[Marker, int, int]] = []
    taken: set[int] = set()
    for marker in patterns.MARKERS:
        n = len(marker.words)
        for i in range(len(lowered) - n + 1):
            if tuple(lowered[i : i + n]) == marker.words and not taken.intersection(range(i, i + n)):
                first, last = sent[i], sent[i + n - 1]
                if n == 1 and first.dep_ not in ("mark", "advmod", "prep", "cc"):
                    continue
                if n == 1 and marker.words[0] in ("after", "before") and first.dep_ == "prep":
                    continue
                if marker.name == "until-clause" and not is_negated(sent.root):
                    continue  # "turn the pipe until it stiffens" is how long to act, not when
                if marker.words == ("once",) and lowered[i + 1 : i + 2] and lowered[i + 1] in _HOW_OFTEN:
                    taken.update(range(i, i + n))
                    continue  # "once a week we flatten the stones": how often, not when
                if i > 0 and lowered[i - 1] in ("even", "as"):
                    taken.update(range(i, i + n))
                    continue  # "even if it looks sharp" concedes; "as if" compares
                asked_by = [t for t in sent.doc[max(sent.start, first.i - 3) : first.i] if t.pos_ != "PRON"]
                if marker.words == ("if",) and asked_by and asked_by[-1].lemma_.lower() in _ASKING_VERBS:
                    taken.update(range(i, i + n))
                    continue  # "I don't know if that's true", "they ask if I can save it"
                hits.append((marker, first.i, last.i))
                taken.update(range(i, i + n))
    hits.sort(key=lambda h: h[1])
    return hits


def clause_head(sent: Span, last: Token) -> Token | None:
    """The verb (or predicate) of the clause a marker introduces."""
    for candidate in [last.head, *last.head.ancestors]:
        if candidate.dep_ in ("aux", "auxpass") and candidate.head.i > last.i:
            return candidate.head  # "when the water is gone": the marker hangs on the auxiliary
        if candidate.i > last.i and candidate.pos_ in ("VERB", "AUX", "ADJ", "NOUN"):
            return candidate
        if candidate.i > last.i and candidate.lower_ in ("'s", "’s") and candidate.dep_ != "case":
            return candidate  # "when the foot pedal's live": the "is" taken for a possessive
        if candidate.dep_ == "ROOT":
            break
    for tok in sent.doc[last.i + 1 : min(sent.end, last.i + 9)]:
        if tok.pos_ in ("VERB", "AUX"):
            return tok
    return None
