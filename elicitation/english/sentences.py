"""The core reading of one English sentence: marker clauses become conditions, exceptions and the
rationale, context prepositions conditions too, and the main clause gives the actions."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from elicitation.english import patterns
from elicitation.english.comma import comma_split_rule
from elicitation.english.filters import counterfactual, is_anecdote, polite
from elicitation.english.markers import clause_head, find_markers
from elicitation.english.openings import fronted_tokens
from elicitation.english.patterns import Marker
from elicitation.english.shapes import (
    action_of,
    certainty_of,
    clause_of,
    confidence_of,
    is_directive,
    opposite,
    split_conjuncts,
    thing_subject,
)
from elicitation.english.thresholds import threshold_conditions
from elicitation.english.tokens import Reparse, contiguous, is_negated, text_of, trim
from elicitation.values import find_measure
from rules import Action, Clause, Group, Rule


@dataclass
class Taken:
    """What a sentence's markers and context phrases take from it for the rule: the condition,
    exception and rationale tokens, the indexes of the tokens they cover (no action may use them),
    and the condition heads whose clause "until"/"before" flips."""

    conditions: list[tuple[list[Token], Token, float]] = field(default_factory=list)
    exceptions: list[tuple[list[Token], Token]] = field(default_factory=list)
    rationale: list[Token] = field(default_factory=list)
    excluded: set[int] = field(default_factory=set)
    flipped: set[int] = field(default_factory=set)
    marked: list[str] = field(default_factory=list)  # the condition markers' names

    @property
    def timed_only(self) -> bool:
        """Whether every marked condition only says when in a sequence (before, after, until)."""
        return bool(self.marked) and all(m in _SEQUENCE for m in self.marked)


_SEQUENCE = {"before-clause", "after-clause", "until-clause"}


def sentence_rule(sent: Span, reparse: Reparse | None = None) -> Rule | None:
    """The rule one sentence states, or None for questions, anecdotes and plain description."""
    text = sent.text.strip()
    if not text or text.endswith("?"):
        return None
    root = sent.root
    markers = find_markers(sent)
    if reparse is not None and _misparsed_opening(sent, root, markers):
        return comma_split_rule(sent, markers[0], reparse)
    taken = _marked_clauses(sent, root, markers)
    if root.i in taken.excluded:
        return None
    _context_conditions(root, taken)
    threshold_conditions(root, taken.excluded, taken.conditions)
    if taken.conditions or taken.exceptions:
        _opening_condition(sent, taken)
    conditions = [c for c in taken.conditions if not polite(c[0]) and not counterfactual(c[1])]
    if not conditions and not taken.exceptions:
        return None
    if (
        conditions
        and all(base == patterns.PREPOSITIONAL_CONFIDENCE for _, _, base in conditions)
        and not is_directive(root)
    ):
        return None  # "That happens on windy days": a context, but nothing to do
    if is_anecdote(root, [c[1] for c in conditions]):
        return None
    if taken.timed_only and not taken.exceptions and _told_of_a_thing(root):
        return None  # "a burner loses its flame and the fuel's off before you've blinked": how it goes
    actions = _main_actions(root, taken.excluded, [c[1] for c in conditions])
    if not actions:
        return None
    clause_items, join = _condition_items(conditions, taken.flipped)
    certainty = certainty_of(sent)
    confidence = confidence_of(root, [c[2] for c in conditions] or [0.5], clause_items, actions)
    return Rule(
        conditions=Group(join=join, items=clause_items),  # type: ignore[arg-type]
        actions=actions,
        exceptions=[clause_of(t, h) for t, h in taken.exceptions],
        rationale=text_of(taken.rationale) if taken.rationale else None,
        certainty=certainty,
        confidence=confidence,
    )


def _misparsed_opening(sent: Span, root: Token, markers: list[tuple[Marker, int, int]]) -> bool:
    """Whether the sentence opens with a condition whose clause head the parser got wrong."""
    doc = sent.doc
    lead = next((t.i for t in sent if not _opener(t)), sent.start)
    if markers and markers[0][1] == lead and markers[0][0].role == "condition":
        head = clause_head(sent, doc[markers[0][2]])
        comma = next((t.i for t in doc[markers[0][2] + 1 : sent.end] if t.text == ","), None)
        # A sentence-opening condition ends at its first comma; a clause head past it is a misparse.
        if head is None or head == root or (comma is not None and head.i > comma):
            return True
        if (
            comma is not None
            and root.i < comma
            and root.tag_ != "VBD"
            and any(c.dep_ == "conj" and c.i > comma and c.pos_ in ("VERB", "AUX") for c in root.children)
        ):
            return True  # "If it rains or the humidity is above 80 %, add filler": the main clause a conjunct
        hung = [t for t in doc[head.right_edge.i + 1 : comma or head.right_edge.i + 1] if not t.is_punct]
        if hung and (hung[0].dep_ == "cc" or head.pos_ in ("NOUN", "PROPN")):
            # "whenever the pipe is wet or it's below zero, ...": a conjunct hung on the main clause;
            # "once cone 8 bends, ...": a condition read as a bare noun, its verb given away
            return True
    return False


def _opener(tok: Token) -> bool:
    """A word a spoken sentence opens with before its marker: "Also, whenever ...", "And if ..."."""
    return tok.is_punct or tok.lower_ in patterns.FILLERS or tok.dep_ == "cc" or tok.lower_ in _OPENERS


_OPENERS = {"again", "plus", "right"}  # besides the fillers ("also", "so", "now", "well", ...)


def _marked_clauses(sent: Span, root: Token, markers: list[tuple[Marker, int, int]]) -> Taken:
    """The clauses the markers introduce (`root` is the sentence's), as conditions, exceptions or
    the rationale."""
    doc = sent.doc
    taken = Taken()
    excluded = taken.excluded
    for marker, first, last in markers:
        head = clause_head(sent, doc[last])
        if head is None or head == root or head.i in excluded:
            continue
        span_tokens = [t for t in head.subtree if t.i > last and t.i not in excluded]
        excluded.update(t.i for t in head.subtree)
        excluded.update(range(first, last + 1))
        span_tokens = trim(span_tokens)
        if not span_tokens:
            continue
        if head.i < root.i and not any(c.dep_ in ("nsubj", "nsubjpass") for c in root.children):
            # "When the button is pushed the system shuts down": the parser hung the main
            # clause's subject on the condition verb; give it back to the main clause.
            stolen = next(
                (c for c in head.children if c.dep_ in ("dobj", "attr") and c.right_edge.i == root.i - 1),
                None,
            )
            if stolen is not None:
                moved = {t.i for t in stolen.subtree}
                excluded.difference_update(moved)
                span_tokens = trim([t for t in span_tokens if t.i not in moved])
        if marker.role == "condition" and marker.words[0] not in ("if", "unless"):
            span_tokens = _without_otherwise(span_tokens)
        if marker.role == "condition":
            if marker.name in patterns.NEGATED_UNTIL and is_negated(root):
                span_tokens = [doc[first], *span_tokens]
                taken.flipped.add(head.i)
            taken.conditions.append((span_tokens, head, marker.base_confidence))
            taken.marked.append(marker.name)
        elif marker.role == "exception":
            taken.exceptions.append((_before_then(span_tokens), head))
        else:
            taken.rationale = span_tokens
    return taken


def _told_of_a_thing(root: Token) -> bool:
    """ "a burner loses its flame": the main clause says what a thing does, no modal, no one acting."""
    return thing_subject(root) and not any(c.tag_ == "MD" for c in root.children)


def _before_then(tokens: list[Token]) -> list[Token]:
    """ "unless it's a fleet customer who signs off, and then it's their call": the exception ends
    where what follows from it begins."""
    for n, tok in enumerate(tokens[1:], start=1):
        after = [t.lower_ for t in tokens[n + 1 : n + 3]]
        if tok.text == "," and (after[:1] == ["then"] or after == ["and", "then"]):
            return trim(tokens[:n])
    return tokens


def _without_otherwise(tokens: list[Token]) -> list[Token]:
    """ "before you walk into the office or Sandra will laugh at you": what happens otherwise is
    no part of when to act (after "if", "or ... will" is a case of its own)."""
    for n, tok in enumerate(tokens[1:], start=1):
        after = [t.lower_ for t in tokens[n + 1 : n + 4]]
        if tok.lower_ == "or" and ("will" in after or any(w.endswith("'ll") for w in after)):
            return trim(tokens[:n])
    return tokens


_SETTINGS = {"heat", "speed", "power", "flame", "pressure", "setting", "angle", "feed"}


def _context_conditions(root: Token, taken: Taken) -> None:
    """Context prepositions on the main verb ("on windy days", "without a cloth") as conditions."""
    excluded = taken.excluded
    for child in root.children:
        if child.dep_ == "prep" and child.lower_ in patterns.CONTEXT_PREPOSITIONS and child.i not in excluded:
            sub = list(child.subtree)
            nouns = {t.lower_ for t in sub if t.dep_ == "pobj"}
            if any(t.lower_ in ("that", "which", "this") for t in sub):
                continue  # "in that case" points back; see back_reference_rule
            if child.lower_ in ("at", "with") and child.i > root.i and {t.lemma_ for t in sub} & _SETTINGS:
                continue  # "give it a short roast at low heat": how to do it, not when
            if nouns & patterns.CONTEXT_NOUNS or find_measure(" ".join(t.text for t in sub)):
                adjectives = [t for t in sub if t.pos_ == "ADJ"]
                if adjectives or find_measure(" ".join(t.text for t in sub)):
                    excluded.update(t.i for t in sub)
                    taken.conditions.append((sub, child, patterns.PREPOSITIONAL_CONFIDENCE))

        elif child.dep_ == "prep" and child.lower_ == "without" and is_negated(root) and child.i not in excluded:
            # "Never iron silk without a cloth on top": what is forbidden without it.
            sub = list(child.subtree)
            excluded.update(t.i for t in sub)
            taken.conditions.append((sub, child, patterns.PREPOSITIONAL_CONFIDENCE))


def _opening_condition(sent: Span, taken: Taken) -> None:
    """A context phrase the sentence opens with, when a marker or threshold gave the rule its other
    conditions: "With gas-shielded wire you have to stop above about 2 m/s"."""
    context = fronted_tokens(trim([t for t in sent if not t.is_space]))
    if context and not any(t.i in taken.excluded or t == sent.root for t in context):
        taken.excluded.update(t.i for t in context)
        taken.conditions.insert(0, (context, context[0], patterns.PREPOSITIONAL_CONFIDENCE))


def _main_actions(root: Token, excluded: set[int], heads: list[Token]) -> list[Action]:
    """The main clause's actions: the root verb's and its conjoined verbs', without the tokens taken
    and without a step said before a "then" that the condition is on ("Steam the branches until
    the bark slips, then peel it while it's warm": the condition is on peeling)."""
    then = any(t.lower_ == "then" and t.head == root for t in root.lefts)
    for step in root.lefts:
        if then and step.dep_ == "advcl" and step.tag_ == "VB" and not any(c.dep_ == "mark" for c in step.children):
            excluded = excluded | {t.i for t in step.subtree}
    later = next(
        (h.head for h in heads if h.head.head == root and h.head.dep_ in ("conj", "dep") and h.head.i > root.i), None
    )
    if (
        later is not None
        and later.pos_ == "VERB"
        and any(t.lower_ == "then" and t.i < later.i and t.head in (root, later) for t in root.doc[root.i : later.i])
    ):
        # "Soak the reeds until they bend, then split them while they're wet", "split" parsed under "soak"
        root, excluded = later, excluded | {t.i for t in later.subtree if t.dep_ == "cc"}
    verbs = [root] + [
        t
        for t in root.children
        if t.dep_ == "conj" and t.pos_ in ("VERB", "AUX") and t.i not in excluded and not _remark(root, t)
    ]
    actions: list[Action] = []
    for verb in verbs:
        other = {t.i for v in verbs if v is not verb and v.i > verb.i for t in v.subtree}
        tokens = [
            t
            for t in verb.subtree
            if t.i not in excluded and t.i not in other and not (t.dep_ == "cc" and t.head in verbs)
        ]
        tokens = trim(contiguous(tokens, verb))
        if tokens:
            actions.append(action_of(tokens, verb))
    return actions


def _remark(root: Token, verb: Token) -> bool:
    """ "Grind it out and reweld it, and the foreman signs off in the end": a conjunct told of
    someone else after an instruction to the worker is a remark, not one more step for him."""
    if any(c.dep_ in ("nsubj", "nsubjpass") for c in root.children):
        return False
    return thing_subject(verb)


def _condition_items(conditions: list[tuple[list[Token], Token, float]], flipped: set[int]) -> tuple[list[Clause], str]:
    """The conditions as clauses, split at their conjunctions, and how they join ("all" or "any")."""
    clause_items: list[Clause] = []
    join = "all"
    for tokens, head, _ in conditions:
        for part, part_head, cc in split_conjuncts(tokens, head):
            clause = clause_of(part, part_head)
            if head.i in flipped:
                clause = opposite(clause).model_copy(update={"text": clause.text})
            clause_items.append(clause)
            if cc == "or":
                join = "any"
    return clause_items, join
