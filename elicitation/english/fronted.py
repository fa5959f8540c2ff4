"""Fronted context phrases: "For bars thicker than 40 mm, ...", "In winter, ...", "Above three mites
per hundred bees, ..." become the condition of what the rest of the sentence says to do."""

from __future__ import annotations

from spacy.tokens import Span, Token

from elicitation.citing import moved, shift
from elicitation.english import patterns
from elicitation.english.comma import segment_actions
from elicitation.english.markers import find_markers
from elicitation.english.sentences import sentence_rule
from elicitation.english.shapes import certainty_of, clause_of, confidence_of, sentence_actions
from elicitation.english.tokens import Reparse, text_of, trim
from elicitation.values import find_measure
from rules import Action, Clause, Group, Rule

_COMPARING = {"under", "over", "above", "below", "less", "more", "thicker", "thinner", "colder", "hotter", "longer"}
_THRESHOLDS = {"above", "below", "over", "under", "beyond"}


FRONTED = {"for", "with", "in", "on", "during", "at", "between", *_THRESHOLDS}


def context_rule(clause: Clause, actions: list[Action], sent: Span, root: Token, rationale: str | None = None) -> Rule:
    """A rule whose one condition is a context phrase ("In winter", "For bars thicker than 40 mm")."""
    return Rule(
        conditions=Group(join="all", items=[clause]),
        actions=actions,
        rationale=rationale,
        certainty=certainty_of(sent),
        confidence=confidence_of(root, [patterns.PREPOSITIONAL_CONFIDENCE], [clause], actions),
    )


def _threshold_phrase(tokens: list[Token]) -> list[Token]:
    """A threshold that opens a sentence with no comma after it ("Over 20 mm you preheat",
    "More than 60 bar and the walls spring"): the tokens of its comparison, when a subject or
    "and" follows them at once."""
    if not tokens:
        return []
    start = tokens[0].idx
    measure = find_measure(text_of(tokens[: min(len(tokens), 10)]))
    if measure is None or measure.start != 0:
        return []
    end = next((n for n, t in enumerate(tokens) if t.idx - start >= measure.end), None)
    if end is None or end < 2:
        return []
    after = tokens[end]
    starts_clause = after.lower_ in ("and", ",") or after.lower_ in patterns.FIRST_PERSON or after.lower_ in (
        "the", "it", "that", "this",
    )  # fmt: skip
    return tokens[:end] if starts_clause else []


def fronted_tokens(tokens: list[Token]) -> list[Token]:
    """A context phrase that opens a sentence: "For plates thicker than 25 mm", "In winter",
    "Anything under five degrees", "Over 20 mm you preheat"."""
    lead_words = [t.lower_ for t in tokens[:2]]
    if lead_words[:1] and (
        lead_words[0] in _THRESHOLDS or lead_words == ["more", "than"] or lead_words == ["less", "than"]
    ):
        comma = next((n for n, t in enumerate(tokens) if t.text == ","), None)
        if comma is None or comma > 10:
            phrase = _threshold_phrase(tokens)
            if phrase:
                return phrase
    if len(tokens) > 3 and tokens[0].lower_ in ("anything", "everything") and tokens[1].lower_ in _COMPARING:
        comma = next((n for n, t in enumerate(tokens) if t.text == ","), None)
        if comma is not None and comma <= 8 and find_measure(text_of(tokens[:comma])):
            return tokens[:comma]
    lead = next(
        (
            n
            for n, t in enumerate(tokens[:8])
            if t.lower_ in FRONTED
            and (t.dep_ == "prep" or (t.lower_ in _THRESHOLDS and t.dep_ in ("advmod", "quantmod")))
            and (n == 0 or tokens[n - 1].text == "," or tokens[n - 1].lower_ in ("but", "and", "so"))
        ),
        None,
    )
    if lead is None:
        return []
    tokens = tokens[lead:]
    first = tokens[0]
    words = {t.lower_ for t in tokens[:6]}
    if first.lower_ in ("in", "on", "during", "at") and not (
        words & patterns.CONTEXT_NOUNS or any(w in patterns.WEATHER_ADJECTIVES for w in words)
    ):
        return []
    if first.lower_ in _THRESHOLDS:
        # "Above three mites per hundred bees, treat the hive": a threshold, up to the comma.
        comma = next((n for n, t in enumerate(tokens) if t.text == ","), None)
        if comma is None or comma > 10 or find_measure(text_of(tokens[:comma])) is None:
            return []
        return tokens[:comma]
    end = len(tokens)
    for n, tok in enumerate(tokens[1:], start=1):
        if (
            tok.text == ","
            or tok.lower_ in patterns.FIRST_PERSON
            or tok.lower_ in ("my", "your", "our", "his", "her", "their")
            or (tok.lower_ in ("the", "a") and n > 1)
        ):
            end = n
            break
        if tok.pos_ in ("VERB", "AUX") and tok.tag_ != "VBG" and tok.dep_ not in ("amod", "relcl", "acl"):
            end = n
            break
    phrase = trim(tokens[:end])
    if any(t.lower_ in ("that", "which", "this") for t in phrase):
        return []  # "in that case" points back; see back_reference_rule
    if len(phrase) < 2 or len(phrase) > 12 or not any(t.pos_ in ("NOUN", "PROPN") for t in phrase):
        return []
    return phrase


def _bare_threshold(context: list[Token], rest: list[Token]) -> bool:
    """Whether a fronted phrase is a threshold alone, before a comma and a clause of its own
    ("Below 58, it gets re-hardened"; not "Above 70 percent you get blushing, a milky haze")."""
    said = text_of(context)
    measure = find_measure(said)
    doc = context[0].doc
    after = context[-1].i + 1
    return (
        measure is not None
        and measure.end >= len(said) - 1
        and after < len(doc)
        and doc[after].text == ","
        and any(t.pos_ in ("VERB", "AUX") for t in rest)
    )


def fronted_rule(sent: Span, reparse: Reparse) -> Rule | None:
    tokens = trim([t for t in sent if not t.is_space])
    context = fronted_tokens(tokens)
    if not context:
        return None
    rest = trim([t for t in tokens if t.i > context[-1].i])
    if not rest:
        return None
    clause = clause_of(context, context[0])
    doc = sent.doc
    has_marker = any(m.role == "condition" and first > context[-1].i for m, first, _ in find_markers(sent))
    if not has_marker and sent.root.i > context[-1].i:
        # The parse already reads the rest as the main clause: no need to parse it again.
        actions = sentence_actions(doc[rest[0].i : rest[-1].i + 1])
        if actions:
            return context_rule(clause, actions, sent, sent.root)
    if not has_marker:
        found = segment_actions(rest, reparse)
        if found is not None:
            return context_rule(clause, found[0], sent, sent.root, found[1])
    offset = rest[0].idx
    part = reparse(text_of(rest))
    inner = part[:]
    inner_rule = sentence_rule(inner, None) if has_marker else None
    if inner_rule is not None:
        inner_rule = shift(inner_rule, offset)
        items = [clause, *inner_rule.clauses()]
        return inner_rule.model_copy(
            update={"conditions": Group(join="all", items=items), "certainty": certainty_of(sent)}  # type: ignore[arg-type]
        )
    actions = [moved(a, offset) for a in sentence_actions(inner)]
    follows = tokens[context[-1].i - tokens[0].i + 1]
    if not actions and clause.cue_kind == "number" and (follows.lower_ == "and" or _bare_threshold(context, rest)):
        # "More than 60 bar and the walls spring", "Below 58, it gets re-hardened": what follows
        # the threshold, as the master said it
        said = text_of(rest)
        actions = [Action(text=said, start=rest[0].idx, end=rest[0].idx + len(said))]
    if not actions:
        return None
    return context_rule(clause, actions, sent, inner.root)
