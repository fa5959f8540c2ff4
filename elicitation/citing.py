"""Offsets and evidence both readers share: docs that remember their text, a rule's offsets moved
from the cleaned text to the spoken turn or from a fragment to its sentence, and the citing of turns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from elicitation.disfluency import Cleaned
from elicitation.transcripts import Turn
from rules import Evidence, Group, Rule


def register_extensions() -> None:
    """The Doc attributes both readers set: `doc._.rules`, the rules read, and `doc._.possible_rules`,
    the sentences the detector takes for rules that the reader could not structure, as (start, end,
    score)."""
    for name in ("rules", "possible_rules"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=[])


def made(nlp: Language, text: str, question: bool = False) -> Doc:
    """A tokenised doc that remembers its text (see `doc_text`), and whether it is an
    interviewer's turn, which the rule component leaves alone."""
    doc = nlp.make_doc(text)
    doc.user_data["myeongjang_text"] = text
    if question:
        doc.user_data["myeongjang_question"] = True
    return doc


def doc_text(doc: Doc) -> str:
    """`doc.text`, built once per doc (spaCy joins the tokens again on every access)."""
    text: str | None = doc.user_data.get("myeongjang_text")
    if text is None:
        text = doc.text
        doc.user_data["myeongjang_text"] = text
    return text


def sentences(doc: Doc) -> list[Span]:
    """The doc's sentences, listed once per doc (spaCy rebuilds them on every `doc.sents`)."""
    cached: list[Span] | None = doc.user_data.get("myeongjang_sents")
    if cached is None:
        cached = list(doc.sents)
        doc.user_data["myeongjang_sents"] = cached
    return cached


def evidence(sent: Span, turn: Turn, spoken: Cleaned) -> Evidence:
    start, end = spoken.to_original(sent.start_char, sent.start_char + len(sent.text.rstrip()))
    return Evidence(turn=turn.index, speaker=turn.speaker, start=start, end=end)


def cite(rule: Rule, doc: Doc, turn: Turn, spoken: Cleaned) -> Rule:
    """The rule with offsets in the spoken turn and evidence covering the sentences it uses."""
    spans = list(offsets(rule)) or [(0, len(doc.text))]
    start = min(o[0] for o in spans)
    end = max(o[1] for o in spans)
    for sent in sentences(doc):
        if sent.start_char <= start < sent.end_char:
            start = sent.start_char
        if sent.start_char < end <= sent.end_char:
            end = max(end, sent.start_char + len(sent.text.rstrip()))
    start, end = spoken.to_original(start, end)
    cited = [Evidence(turn=turn.index, speaker=turn.speaker, start=start, end=end)]
    return to_original(rule, spoken).model_copy(update={"evidence": cited})


def to_original(rule: Rule, spoken: Cleaned) -> Rule:
    """The rule with clause and action offsets moved from the cleaned text to the spoken turn."""
    if spoken.text == spoken.original:
        return rule

    def move(item: Any) -> Any:
        if item.start is None or item.end is None:
            return item
        start, end = spoken.to_original(item.start, item.end)
        return item.model_copy(update={"start": start, "end": end})

    return map_offsets(rule, move)


def map_offsets(rule: Rule, move: Callable[[Any], Any]) -> Rule:
    """The rule with `move` applied to every clause (in nested groups too), exception and action."""

    def move_group(group: Group) -> Group:
        items = [move_group(i) if isinstance(i, Group) else move(i) for i in group.items]
        return group.model_copy(update={"items": items})

    return rule.model_copy(
        update={
            "conditions": move_group(rule.conditions),
            "exceptions": [move(c) for c in rule.exceptions],
            "actions": [move(a) for a in rule.actions],
        }
    )


def moved(item: Any, offset: int) -> Any:
    """A clause or action read in a fragment, with its offsets moved to where the fragment starts."""
    if item.start is None or item.end is None:
        return item
    return item.model_copy(update={"start": item.start + offset, "end": item.end + offset})


def shift(rule: Rule, offset: int) -> Rule:
    """The rule with every clause and action offset moved by `offset` characters."""
    return map_offsets(rule, lambda item: moved(item, offset)) if offset else rule


def offsets(rule: Rule) -> Iterator[tuple[int, int]]:
    for c in rule.clauses():
        if c.start is not None and c.end is not None:
            yield c.start, c.end
    for a in rule.actions:
        if a.start is not None and a.end is not None:
            yield a.start, a.end


def without_overlap(rule: Rule) -> Rule:
    """The rule with each action starting after the clauses it overlaps: a condition that took
    in an aside ("drops, say below 1,100 degrees, I stop") leaves the action its own words."""
    ends = [c.end for c in [*rule.clauses(), *rule.exceptions] if c.start is not None and c.end is not None]
    actions = []
    for action in rule.actions:
        if action.start is None or action.end is None:
            actions.append(action)
            continue
        cut = max((e for e in ends if action.start < e < action.end), default=None)
        if cut is None:
            actions.append(action)
            continue
        rest = action.text[cut - action.start :]
        trimmed = rest.lstrip(" ,;:-–")
        if not trimmed.strip():
            actions.append(action)
            continue
        start = action.end - len(trimmed)
        instruction = action.instruction
        cut_words = action.text[: len(action.text) - len(trimmed)].strip(" ,;:-–").lower()
        if instruction and cut_words and instruction.lower().startswith(cut_words):
            rest_of = instruction[len(cut_words) :].lstrip(" ,;:-–")
            instruction = rest_of[:1].upper() + rest_of[1:] if rest_of else None
        update = {"text": trimmed, "start": start, "instruction": instruction}
        actions.append(action.model_copy(update=update))
    return rule.model_copy(update={"actions": actions}) if actions != rule.actions else rule
