"""Fronted context phrases (found by `openings.fronted_tokens`): "For bars thicker than 40 mm, ...",
"In winter, ...", "Above three mites per hundred bees, ..." become the condition of what the rest of
the sentence says to do."""

from __future__ import annotations

from spacy.tokens import Span, Token

from elicitation.citing import moved, shift
from elicitation.english import patterns
from elicitation.english.comma import segment_actions
from elicitation.english.markers import find_markers
from elicitation.english.openings import fronted_tokens, threshold_subject
from elicitation.english.sentences import sentence_rule
from elicitation.english.shapes import certainty_of, clause_of, confidence_of, sentence_actions
from elicitation.english.tokens import Reparse, text_of, trim
from elicitation.values import find_measure
from rules import Action, Clause, Group, Rule


def context_rule(clause: Clause, actions: list[Action], sent: Span, root: Token, rationale: str | None = None) -> Rule:
    """A rule whose one condition is a context phrase ("In winter", "For bars thicker than 40 mm")."""
    return Rule(
        conditions=Group(join="all", items=[clause]),
        actions=actions,
        rationale=rationale,
        certainty=certainty_of(sent),
        confidence=confidence_of(root, [patterns.PREPOSITIONAL_CONFIDENCE], [clause], actions),
    )


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
    has_marker = any(
        m.role in ("condition", "exception") and first > context[-1].i for m, first, _ in find_markers(sent)
    )
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
    subject = context[-1].i + 1 == rest[0].i and threshold_subject(tokens) == context
    # "Anything more than 2 percent swell, it comes out": what happens to what the threshold names
    pointed = context[0].lower_ in ("any", "anything", "every", "everything") and rest[0].lower_ in ("it", "they")
    if not actions and (
        follows.lower_ == "and"
        or subject
        or (clause.cue_kind == "number" and (pointed or _bare_threshold(context, rest)))
    ):
        # "More than 60 bar and the walls spring", "Two repairs on one spot and the joint is cut
        # out", "Below 58, it gets re-hardened": what follows the threshold or count, as said
        rest, when = _trailing_time(rest)
        said = text_of(rest)
        actions = [Action(text=said, start=rest[0].idx, end=rest[0].idx + len(said))]
        if when:
            rule = context_rule(clause, actions, sent, inner.root)
            timed = Group(join="all", items=[clause, clause_of(when, when[0])])
            return rule.model_copy(update={"conditions": timed})
    if not actions:
        return None
    return context_rule(clause, actions, sent, inner.root)


_TIME_LEADS = ("for", "after")  # not "within an hour": when the step must be done


def _trailing_time(rest: list[Token]) -> tuple[list[Token], list[Token]]:
    """ "gets turned every day for the first month": the step, and the time it holds for, when
    the words end with one."""
    for n, tok in enumerate(rest[1:], start=1):
        if tok.lower_ in _TIME_LEADS:
            phrase = trim(rest[n:])
            measure = find_measure(text_of(phrase)) if phrase else None
            if measure is not None and measure.dimension == "time" and measure.start == 0:
                return trim(rest[:n]), phrase
    return rest, []
