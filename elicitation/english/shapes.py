"""Clauses and actions from English tokens (made measurable where the words allow), a sentence's
certainty, the reader's raw confidence, and the tests for a directive verb."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from spacy.tokens import Span, Token

from elicitation.citing import doc_text
from elicitation.english import patterns
from elicitation.english.filters import is_anecdote
from elicitation.english.instructions import instruction_of
from elicitation.english.tokens import bounds, contiguous, text_of, trim
from elicitation.scales import colour_value
from elicitation.values import GENERIC, STAGE, UNITS, Measure, find_measure, snake
from rules import Action, Certainty, Clause, Operator


def sentence_actions(sent: Span) -> list[Action]:
    """The actions of a sentence that tells what to do, or says what I/we do, with no condition
    of its own: "Pull it out right away and cut off the burnt end." Empty for description,
    questions and past narrative."""
    text = sent.text.strip()
    root = sent.root
    if text and not text.endswith("?") and not is_directive(root):
        spliced = _spliced_step(sent)
        if spliced is not None:
            return sentence_actions(spliced)
    if not text or text.endswith("?") or not is_directive(root) or is_anecdote(root, [root]):
        return []
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if (
        subject is not None
        and subject.lower_ in ("i", "we")
        and any(c.lower_ in ("can", "could", "ca") for c in root.children if c.dep_ == "aux")
    ):
        return []  # "Chips I can feel with my thumbnail": what I am able to do, not what to do
    if root.lemma_ in ("be", "have") and not any(c.dep_ == "xcomp" for c in root.children):
        return []
    if root.lemma_ == "do" and any(c.lower_ in ("anything", "nothing", "much") for c in root.children):
        return []  # "You can't do anything during the firing"
    verbs = [root] + [t for t in root.children if t.dep_ == "conj" and t.pos_ in ("VERB", "AUX")]
    actions = []
    for verb in verbs:
        other = {t.i for v in verbs if v is not verb and v.i > verb.i for t in v.subtree}
        tokens = [
            t
            for t in verb.subtree
            if sent.start <= t.i < sent.end and t.i not in other and not (t.dep_ == "cc" and t.head in verbs)
        ]
        tokens = trim(contiguous(tokens, verb))
        if tokens:
            actions.append(action_of(tokens, verb))
    return actions


def _spliced_step(sent: Span) -> Span | None:
    """ "I hold back some water, maybe three percent, the flour takes in moisture": the parser
    made the reason spliced on after a comma the root, and the step its clausal complement; the
    words before that comma."""
    root = sent.root
    step = next((c for c in root.children if c.dep_ == "ccomp" and c.i < root.i and is_directive(c)), None)
    if step is None or step.lemma_ in ("get", "be", "have", "end", "hear", "see", "feel", "smell", "notice"):
        return None  # "Otherwise you get popcorning, ...": what follows, not a step
    if any(c.dep_ == "aux" and c.lower_ in ("ca", "can", "cannot", "could") for c in step.children):
        return None  # "You can't plate over old chrome, it won't take": why, said as what cannot be done
    comma = next((t for t in sent.doc[step.right_edge.i + 1 : root.i] if t.text == ","), None)
    if comma is None or step.left_edge.i < sent.start:
        return None
    return sent.doc[sent.start : comma.i]


def thing_subject(verb: Token) -> bool:
    """Whether the verb is said of a thing or a named person ("the foreman signs", "a burner
    loses its flame"), not of you, me or us."""
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return subject is not None and subject.pos_ in ("NOUN", "PROPN")


def split_conjuncts(tokens: list[Token], head: Token) -> list[tuple[list[Token], Token, str | None]]:
    """`it rains and the plate is cold` -> two clauses, with the joining word."""
    conj = [t for t in head.children if t.dep_ == "conj" and t.pos_ in ("VERB", "AUX") and t in tokens]
    if not conj:
        return [(tokens, head, None)]
    parts: list[tuple[list[Token], Token, str | None]] = []
    heads = [head, *conj]
    for h in heads:
        later = {t.i for other in heads if other.i > h.i for t in other.subtree}
        part = [t for t in tokens if t.i not in later and (h is head or t in list(h.subtree))]
        part = [t for t in part if not (t.dep_ == "cc" and t.head in heads)]
        cc = next((t.lower_ for t in h.children if t.dep_ == "cc"), None)
        part = trim(contiguous(part, h))
        if part:
            parts.append((part, h, cc))
    return parts or [(tokens, head, None)]


def _subject(head: Token) -> Token | None:
    for child in head.children:
        if child.dep_ in ("nsubj", "nsubjpass", "expl"):
            return child
    if head.dep_ in ("amod", "acl", "relcl") and head.head.pos_ in ("NOUN", "PROPN"):
        return head.head
    return None


def _noun_phrase(noun: Token) -> str:
    parts = [t for t in noun.subtree if t.dep_ in ("compound", "amod", "poss") and t.i < noun.i and t.pos_ != "ADJ"]
    return snake(" ".join([*(t.lemma_ for t in parts), noun.lemma_]))


def clause_of(tokens: list[Token], head: Token) -> Clause:
    """A condition clause, made measurable when the words allow it."""
    text = text_of(tokens)
    start, end = bounds(tokens)
    base: dict[str, Any] = {"text": text, "start": start, "end": end}
    lemmas = {t.lemma_.lower() for t in tokens}
    lowers = {t.lower_ for t in tokens}
    negated = any(t.dep_ == "neg" for t in tokens)

    subject = _subject(head)
    noun = subject if subject is not None and subject.pos_ in ("NOUN", "PROPN") else None
    if noun is None:
        noun = next(
            (t for t in tokens if t.dep_ in ("pobj", "nsubj", "dobj") and t.pos_ == "NOUN" and t.lower_ not in UNITS),
            None,
        )  # not "percent" or "degrees": the unit says what is measured, not of what
    if noun is not None and any(c.dep_ == "conj" for c in noun.children):
        return Clause(**base)  # coordinated subjects: which one the value belongs to is unclear

    measure = find_measure(text)
    if measure is None:
        aside = _aside(tokens)  # "the furnace temperature drops, say below 1,100 degrees, ..."
        if aside is not None:
            text, measure = aside
            base.update(text=text, end=start + len(text))
    if measure is not None:
        name = _measured_name(tokens, noun, measure.dimension, (measure.start, measure.end))
        if name:
            op = measure.operator
            inside = {t.i for t in tokens if measure.start <= t.idx - start < measure.end}
            negated = any(t.dep_ == "neg" and t.i not in inside for t in tokens)  # not "no more than"
            if negated and op in (">", "<", ">=", "<="):
                op = {">": "<=", "<": ">=", ">=": "<", "<=": ">"}[op]
            return Clause(**base, variable=name, operator=op, value=measure.value, unit=measure.unit)  # type: ignore[arg-type]

    for lemma, value in patterns.WEATHER_VERBS.items():
        if lemma in lemmas and any(t.lemma_ == lemma and t.pos_ in ("VERB", "NOUN") for t in tokens):
            return Clause(**base, variable="weather", operator="!=" if negated else "==", value=value)  # type: ignore[arg-type]
    for word, value in patterns.WEATHER_ADJECTIVES.items():
        if word in lowers and (
            subject is None or subject.lower_ == "it" or "weather" in lowers or "day" in lemmas or "days" in lowers
        ):
            return Clause(**base, variable="weather", operator="!=" if negated else "==", value=value)  # type: ignore[arg-type]

    shade = colour_value(text)
    if shade is not None:  # "the flame turns yellow-white or brighter": flame_colour, on a scale later
        owner = noun if noun is not None and noun.lower_ not in shade.split() else None
        name = _noun_phrase(owner) if owner is not None else ""
        name = name if name.endswith(("colour", "color")) else f"{name}_colour".lstrip("_")
        op = Operator.NE if negated else Operator.EQ
        return Clause(**base, variable=name, operator=op, value=shade, observed=True)
    if noun is not None and subject is noun and head.lemma_.lower() in patterns.SOUND_VERBS:
        name = _noun_phrase(noun)
        if name:
            op = Operator.NE if negated else Operator.EQ
            return Clause(**base, variable=f"{name}_sound", operator=op, value=head.lemma_.lower(), observed=True)
    predicate = next(
        (t for t in tokens if t.dep_ in ("acomp", "oprd", "attr") and t.pos_ == "ADJ" and t.head == head),
        None,
    )
    if predicate is None and (
        head.pos_ == "ADJ" or (head.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in head.children))
    ):
        predicate = head
    if predicate is not None:
        if noun is not None:
            name = _noun_phrase(noun)
            colour = predicate.lower_ in patterns.COLOURS
            if colour:
                name = f"{name}_colour"
            if name:
                value = predicate.lower_ if predicate.tag_ == "VBN" else predicate.lemma_.lower()
                op = Operator.NE if negated else Operator.EQ
                return Clause(**base, variable=name, operator=op, value=value, observed=colour)
        elif subject is not None and subject.lower_ in ("it", "that", "this"):
            name = snake(predicate.lemma_)
            if name:
                return Clause(**base, variable=name, operator="is_false" if negated else "is_true")  # type: ignore[arg-type]
    return observation_of(tokens, base, negated)


def observation_of(tokens: list[Token], base: dict[str, Any], negated: bool) -> Clause:
    """A clause no instrument measures, as a cue the worker judges himself: a season ("in
    winter": season = winter) or an observation answered yes or no ("the magnet still sticks":
    magnet_stick), named by its content words; plain text when it has none."""
    content = [t for t in tokens if not (t.is_punct or t.is_stop or t.dep_ in ("det", "prep", "mark", "neg"))]
    seasons = [patterns.SEASONS[t.lower_] for t in content if t.lower_ in patterns.SEASONS]
    if seasons and len(content) <= 2:
        return Clause(**base, variable="season", operator=Operator.NE if negated else Operator.EQ, value=seasons[0])
    name = snake(" ".join(cue_words(tokens)[:6]))
    if not name:
        return Clause(**base)
    operator = Operator.IS_FALSE if negated else Operator.IS_TRUE
    return Clause(**base, variable=name, operator=operator, observed=True)


_ASIDE = re.compile(
    r"^\s*[,(–-]\s*(?:say|like|about|roughly|i mean|that is|so)?[,\s]*"
    r"(?P<said>(?:[^,.;:()?!]|(?<=\d)[,.](?=\d)){3,40})[,.;:)?!]"
)


def _aside(tokens: list[Token]) -> tuple[str, Measure] | None:
    """A number said as an aside just after the clause, and the clause's text through it."""
    whole = doc_text(tokens[0].doc)
    after = tokens[-1].idx + len(tokens[-1].text)
    m = _ASIDE.match(whole[after:])
    if m is None:
        return None
    measure = find_measure(m.group("said"))
    if measure is None or measure.start > 12:
        return None
    offset = after + m.start("said")
    text = whole[tokens[0].idx : offset + m.end("said") - m.start("said")].rstrip()
    shift = offset - tokens[0].idx
    return text, dataclasses.replace(measure, start=measure.start + shift, end=measure.end + shift)


def cue_words(tokens: list[Token]) -> list[str]:
    """The words that name what a clause is about: its nouns, verbs and modifiers, without the
    function words, the pronouns, and a verb of perceiving ("you see sparks": the sparks)."""
    words = []
    for tok in tokens:
        lemma = tok.lemma_.lower()
        if tok.is_punct or tok.dep_ in ("det", "mark", "neg", "cc", "case", "aux", "auxpass") or tok.pos_ == "PRON":
            continue
        if tok.dep_ == "prep" or lemma in patterns.OBSERVATION_FILLERS or lemma in patterns.FILLERS:
            continue
        if lemma in patterns.PERCEIVING and tok.pos_ == "VERB" and any(c.pos_ == "PRON" for c in tok.children):
            continue
        words.append(lemma if tok.pos_ in ("VERB", "NOUN", "AUX") else tok.lower_)
    return words


def _measured_name(tokens: list[Token], noun: Token | None, dimension: str | None, at: tuple[int, int]) -> str:
    """The variable a measure in these tokens is about: its noun with the dimension ("plate_thickness");
    for a duration, what lasts that long ("stop_bubble_time", else "elapsed_time")."""
    if dimension == "time":
        first = tokens[0].idx
        outside = [t for t in tokens if not at[0] <= t.idx - first < at[1]]
        words = cue_words(outside)[:4]
        return snake(" ".join([*words, "time"])) if words else "elapsed_time"
    if dimension == STAGE:  # "cone 8 bends": the cone
        first = tokens[0].idx
        return snake(" ".join(t.lemma_ for t in tokens if at[0] <= t.idx - first < at[1] and not t.like_num))
    name = _noun_phrase(noun) if noun is not None else ""
    if name and dimension and dimension not in ("level", "amount") and dimension not in name:
        name = f"{name}_{dimension}"
    return name or dimension or GENERIC  # "if it's under 1,620": the number said before tells what


def action_of(tokens: list[Token], verb: Token) -> Action:
    start, end = bounds(tokens)
    negated = any(t.dep_ == "neg" or t.lower_ == "never" for t in tokens if t.head == verb)
    main = verb
    if verb.lemma_ in ("have", "need", "got", "want", "try"):
        main = next((c for c in verb.children if c.dep_ == "xcomp"), verb)
    obj = next((t for t in main.children if t.dep_ in ("dobj", "attr", "oprd")), None)
    amount = None
    unit = None
    m = find_measure(text_of(tokens))
    if m is not None and not isinstance(m.value, list):
        amount, unit = m.value, m.unit
    return Action(
        text=text_of(tokens),
        verb=main.lemma_.lower(),
        object=text_of(list(obj.subtree)) if obj is not None else None,
        amount=amount,
        unit=unit,
        negated=negated,
        start=start,
        end=end,
        instruction=instruction_of(tokens, verb),
    )


def opposite(clause: Clause) -> Clause:
    text = f"not ({clause.text})"
    if clause.operator is None:
        return clause.model_copy(update={"text": text})
    flip = {
        Operator.EQ: Operator.NE, Operator.NE: Operator.EQ, Operator.GT: Operator.LE, Operator.LE: Operator.GT,
        Operator.LT: Operator.GE, Operator.GE: Operator.LT, Operator.IS_TRUE: Operator.IS_FALSE,
        Operator.IS_FALSE: Operator.IS_TRUE,
    }  # fmt: skip
    if clause.operator not in flip:
        return clause.model_copy(update={"text": text, "variable": None, "operator": None, "value": None, "unit": None})
    return clause.model_copy(update={"text": text, "operator": flip[clause.operator]})


def certainty_of(sent: Span) -> Certainty:
    for tok in sent:
        hedge = patterns.HEDGES.get(tok.lower_)
        if hedge:
            return Certainty(hedge)
    return Certainty.ALWAYS


# What may come before an imperative verb: "In winter, always warm the anvil", "If it hisses, shorten it".
_BEFORE_IMPERATIVE = {"prep", "advcl", "advmod", "punct", "intj", "cc", "npadvmod", "mark"}


def is_directive(verb: Token) -> bool:
    children = list(verb.children)
    subject = next((c for c in children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None and verb.tag_ == "VB":
        return True
    if (
        subject is None
        and verb.dep_ == "ROOT"
        and verb.tag_ in ("JJ", "NN", "VBN", "VBD", "VBP")
        and all(c.dep_ in _BEFORE_IMPERATIVE for c in verb.lefts)
        and not any(c.dep_ in ("aux", "auxpass") for c in children)
        and any(c.dep_ in ("dobj", "prep", "prt") for c in children)
    ):
        return True  # "Warm the whole piece", "Shorten the rise": imperatives the tagger misread
    if any(c.dep_ in ("aux", "auxpass") and c.lower_ in patterns.DIRECTIVE_MODALS for c in children):
        return True
    if verb.lemma_ in ("have", "need") and any(c.dep_ == "xcomp" for c in children):
        return True
    if subject is not None and subject.lower_ in ("nobody", "no", "noone", "nothing") and verb.tag_ in ("VBZ", "VBP"):
        return True  # "nobody touches the chrome tank unless ...": a rule for everyone
    if verb.lemma_ == "need" and subject is not None and subject.lower_ in ("it", "they", "this", "that"):
        return any(c.dep_ == "dobj" for c in children)  # "it needs a proper patch": give it one
    # "we put up the screens": irregular verbs whose past and present look alike count as present
    present = verb.tag_ in ("VBP", "VBZ", "VB") or (verb.tag_ == "VBD" and verb.lower_ == verb.lemma_)
    return subject is not None and subject.lower_ in patterns.FIRST_PERSON and present


def is_imperative(verb: Token) -> bool:
    """An instruction with no subject: "Bin it", "Get a fresh tin", "Don't go adding brightener"."""
    return is_directive(verb) and not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)


def confidence_of(root: Token, bases: list[float], clauses: list[Clause], actions: list[Action]) -> float:
    score = max(bases)
    score += 0.1 if is_directive(root) else -0.15
    if any(c.measurable for c in clauses):
        score += 0.05
    if all(len(a.text.split()) < 2 for a in actions):
        score -= 0.1
    return round(min(0.97, max(0.05, score)), 3)
