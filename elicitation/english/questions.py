"""An interviewer's English question and the answer to it: the conditions (or the action) a question
sets up, and the answer's rules with those conditions joined, citing both turns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from elicitation.citing import cite, offsets, sentences
from elicitation.disfluency import Cleaned
from elicitation.english import patterns
from elicitation.english.markers import clause_head, find_markers
from elicitation.english.openings import fronted_tokens
from elicitation.english.shapes import (
    action_of,
    certainty_of,
    clause_of,
    confidence_of,
    is_imperative,
    sentence_actions,
    split_conjuncts,
    thing_subject,
)
from elicitation.english.tokens import starts_with, trim
from elicitation.transcripts import Turn
from rules import Action, Clause, Evidence, Group, Rule


@dataclass(frozen=True)
class Question:
    """The condition an interviewer's question sets up, for the answer to complete."""

    turn: int
    speaker: str
    start: int
    end: int
    conditions: tuple[Clause, ...]
    # "When do you start finishing the surface?": the question names the action, the answer the condition.
    action: Action | None = None


_CASES = {"if-clause", "whenever-clause", "when-clause", "every-time", "each-time", "in-case"}
_QUESTION_LEADS = {"suppose", "imagine", "say"}
_TELLING = {"know", "tell", "judge", "see", "check", "decide", "recognise", "recognize", "spot", "notice"}
_LAUGHS = {"ha", "haha", "hah", "heh", "hehe", "lol"}
_QUESTION_AUX = {"do", "does", "did", "can", "could", "should", "would", "will", "is", "are", "was", "were", "'s"}


def read_question(doc: Doc, turn: Turn, spoken: Cleaned) -> Question | None:
    """The conditions in the turn's last question: "And what if the humidity is high but it is
    not raining?", "Suppose a shelf cracks, what then?". None when it asks for none."""
    sents = [s for s in doc.sents if s.text.strip()]
    asked = next((s for s in reversed(sents) if s.text.strip().endswith("?")), None)
    if asked is None:
        asked = next((s for s in reversed(sents) if _supposes(s)), None)  # "Let's say it's winter."
    if asked is None:
        return None
    clauses: list[Clause] = []
    for tok in asked:
        if tok.lower_ in _QUESTION_LEADS and tok.i < asked.start + 3:
            comp = next((c for c in tok.children if c.dep_ in ("ccomp", "dobj")), None)
            if comp is not None:
                tokens = trim([t for t in comp.subtree if t.text != "?"])
                if tokens:
                    clauses.extend(clause_of(p, h) for p, h, _ in split_conjuncts(tokens, comp))
            break
    if not clauses:
        for marker, first, last in find_markers(asked):
            if marker.role != "condition" or marker.words[0] not in ("if", "in", "whenever", "when", "once"):
                continue
            if last + 1 < asked.end and doc[last + 1].lower_ in _QUESTION_AUX:
                continue  # "When do you reheat?" asks for a condition; it does not give one
            asking = [t for t in doc[max(asked.start, first - 2) : first] if t.pos_ != "ADP"]
            if asking and asking[-1].lemma_ in _TELLING:
                continue  # "How do you know when it's set?" asks for the signs; the answer names them
            head = clause_head(asked, doc[last])
            if head is None:
                continue
            tokens = trim([t for t in head.subtree if t.i > last and t.text != "?"])
            if tokens:
                clauses.extend(clause_of(p, h) for p, h, _ in split_conjuncts(tokens, head))
    action = None if clauses else _asked_action(asked)
    if not clauses and action is None:
        return None
    start, end = spoken.to_original(asked.start_char, asked.start_char + len(asked.text.rstrip()))
    # Offsets of a question's clauses point into another turn than the rule's first evidence.
    loose = tuple(c.model_copy(update={"start": None, "end": None}) for c in clauses)
    return Question(turn.index, turn.speaker, start, end, loose, action)


def _supposes(sent: Span) -> bool:
    """An interviewer's case put as a statement: "Let's say it's the middle of winter."."""
    words = [t.lower_ for t in sent if not (t.is_punct or t.lower_ in patterns.FILLERS)][:4]
    if words[:3] == ["let", "'s", "say"]:
        return words[3:4] not in (["that"], ["i"], ["we"])  # "Let's say that's enough for today"
    return words[:1] in (["suppose"], ["supposing"])


def _asked_action(asked: Span) -> Action | None:
    """The action in "When do you start finishing the surface?", "So when can the forms come
    off?" or "Do you mix colours yourself?", without the question words and the "you"."""
    toks = [t for t in asked if not (t.is_punct or t.lower_ in patterns.FILLERS)]
    if len(toks) < 3:
        return None
    low = [t.lower_ for t in toks]
    if low[0] == "when" and low[1] in _QUESTION_AUX:
        rest = toks[2:]
    elif low[0] in ("do", "does", "should", "can") and low[1] in ("you", "we", "i"):
        rest = toks[1:]
    else:
        return None
    root = asked.root
    if root.pos_ not in ("VERB", "AUX") or root not in rest:
        return None
    tokens = [t for t in rest if (t in list(root.subtree) and t.dep_ not in ("aux", "advmod")) or t == root]
    if tokens and tokens[0].lower_ in ("you", "we", "i"):
        tokens = tokens[1:]
    tokens = trim([t for t in tokens if t.lower_ != "ever"])
    if not tokens:
        return None
    return action_of(tokens, root).model_copy(update={"start": None, "end": None})


_ANSWER_WORDS = {"yes", "yeah", "yep", "sure", "no", "always", ","}


def _completed(action: Action, sent: Span, clause: Clause) -> Action:
    """The asked action with what the answer adds after its condition: "Do you preheat?" "For walls
    over 20 mm, yes, to about 120 degrees." is to preheat to about 120 degrees."""
    end = clause.end if clause.end is not None else sent.start_char
    rest = [t for t in sent if t.idx >= end and not t.is_space]
    while rest and (rest[0].lower_ in _ANSWER_WORDS or rest[0].is_punct):
        rest = rest[1:]
    rest = trim(rest)
    if not rest or rest[0].lower_ not in ("to", "at", "until", "for", "about", "around") or len(rest) > 8:
        return action
    return action.model_copy(update={"text": f"{action.text} {sent.doc[rest[0].i : rest[-1].i + 1].text}"})


def _answer_condition(sent: Span) -> Clause | None:
    """The condition an answer fragment gives: "When the bleed water is gone.", "For old cars, yes"."""
    markers = find_markers(sent)
    if markers and markers[0][0].role == "condition" and markers[0][1] <= sent.start + 1:
        tokens = trim(list(sent.doc[markers[0][2] + 1 : sent.end]))
        if tokens and all(t.pos_ not in ("VERB", "AUX") or t.head.i > markers[0][2] for t in tokens):
            head = next((t for t in tokens if t.pos_ in ("VERB", "AUX", "ADJ")), tokens[0])
            return clause_of(tokens, head)
    context = fronted_tokens(trim([t for t in sent if not t.is_space]))
    if context:
        return clause_of(context, context[0])
    return None


def answer_rules(
    question: Question | None, doc: Doc, turn: Turn, spoken: Cleaned, calibrated: Callable[[float], float]
) -> list[Rule]:
    """The turn's rules, cited. After a question with conditions, those conditions join what the
    answer opens with (its first three sentences): a rule in the first two sentences takes them
    on, and the steps said in a row without a condition of their own ("Pull it out right away.
    Then cut off the end.") become one more rule under the question's conditions, unless the
    answer has already taken up a case of its own ("If the slump is over 150 mm, send it back.
    We don't add water on site.": a general point, not one for the question's case). `calibrated` is the
    reader's calibration (`RuleExtractor.confidence` of the pipeline that read the turn)."""
    rules: list[Rule] = list(doc._.rules)
    if question is None:
        return [cite(r, doc, turn, spoken) for r in rules]
    asked = Evidence(turn=question.turn, speaker=question.speaker, start=question.start, end=question.end)
    sents = [s for s in sentences(doc) if s.text.strip()][:3]

    def owned(sent: Span) -> list[int]:
        return [i for i, r in enumerate(rules) if any(sent.start_char <= o[0] < sent.end_char for o in offsets(r))]

    if question.action is not None:
        first = sents[0] if sents else None
        clause = _answer_condition(first) if first is not None and not owned(first) else None
        cited_rules = [cite(r, doc, turn, spoken) for r in rules]
        if clause is None or first is None:
            return cited_rules
        action = _completed(question.action, first, clause)
        return [
            _asked_rule([clause], [action], first, 0.55, asked, doc, turn, spoken, calibrated),
            *cited_rules,
        ]
    joined: set[int] = set()
    steps: list[Action] = []
    first_step: Span | None = None
    then: dict[int, list[Action]] = {}
    cased = False  # whether the answer has taken up a case of its own ("If the slump is over ...")
    for n, sent in enumerate(sents):
        own = owned(sent)
        if own:
            if steps or n > 1:
                break
            joined.add(own[0])
            cased = cased or any(m.name in _CASES for m, *_ in find_markers(sent))
            continue
        words = [t.lower_ for t in sent if not t.is_punct]
        laughed = bool(words) and words[-1] in _LAUGHS  # "Yes, I drink a lot of water, ha.": a joke
        actions = [] if laughed else sentence_actions(sent) or (_then_what_happens(sent) if n == 0 else [])
        if not actions:
            if steps or joined:
                break
            continue
        if joined and not steps and starts_with(sent, ("then",)) is not None:
            # "After the kiln is cool, replace the shelf. And then check the others.": one sequence.
            then.setdefault(max(joined), []).extend(actions)
            continue
        if cased and is_imperative(sent.root) and not steps and n == len(joined):
            # "If it is heavy, stop. Cover the slab.": one more step of the answer's own case
            then.setdefault(max(joined), []).extend(actions)
            continue
        if cased:
            break  # "If the slump is over 150 mm, send it back. We don't add water on site.": a new point
        if steps and _described(sent):
            break  # "Then I keep the rubber warm. Cold gum doesn't lay down, you get air trapped.": the why
        steps.extend(actions)
        first_step = first_step or sent
    out = []
    for i, rule in enumerate(rules):
        if i in then:
            rule = rule.model_copy(update={"actions": [*rule.actions, *then[i]]})
        cited = cite(_join(question.conditions, rule) if i in joined else rule, doc, turn, spoken)
        if i in joined:
            cited = cited.model_copy(update={"evidence": [*cited.evidence, asked]})
        out.append(cited)
    if steps and first_step is not None:
        out.insert(
            0, _asked_rule(list(question.conditions), steps, first_step, 0.6, asked, doc, turn, spoken, calibrated)
        )
    return out


_HANDLED = {"go", "get", "come", "stay", "sit", "need", "want", "wait"}  # "it goes through", "it gets ..."


def _then_what_happens(sent: Span) -> list[Action]:
    """ "And if the sheet arrives bowed?" "Then it goes through the leveller first.": an answer that
    opens with "then" says what is done in the asked case, though it names no one doing it."""
    at = starts_with(sent, ("then",))
    root = sent.root
    passive = root.tag_ == "VBN" and any(c.dep_ == "auxpass" and c.tag_ in ("VBZ", "VBP") for c in root.children)
    said_of = any(c.dep_ in ("acomp", "oprd") for c in root.children)  # "it gets tough"
    handled = passive or (root.tag_ in ("VBZ", "VBP") and root.lemma_ in _HANDLED and not said_of)
    if at is None or not handled or root.i < at:
        return []  # "Then it cracks" is what follows, not what is done
    if sent.text.strip().endswith("?") or any(c.dep_ == "neg" for c in root.children):
        return []
    tokens = trim([t for t in sent if t.i >= at and not t.is_space])
    return [action_of(tokens, root)] if tokens else []


def _described(sent: Span) -> bool:
    """A sentence that opens by saying how a thing is ("Cold cushion gum doesn't lay down, ..."),
    a third person's, not a step of the answer."""
    root = sent.root
    said = [c for c in root.children if c.dep_ == "ccomp" and c.i < root.i]
    return bool(said) and thing_subject(said[0]) and root.lemma_ in ("get", "be", "have", "end")


def _asked_rule(
    clauses: list[Clause],
    actions: list[Action],
    said: Span,
    base: float,
    asked: Evidence,
    doc: Doc,
    turn: Turn,
    spoken: Cleaned,
    calibrated: Callable[[float], float],
) -> Rule:
    """A rule made of a question and its answer, cited in the answer's turn and the question's,
    with its confidence calibrated like every other rule's."""
    rule = Rule(
        conditions=Group(join="all", items=[*clauses]),
        actions=actions,
        certainty=certainty_of(said),
        confidence=calibrated(confidence_of(said.root, [base], clauses, actions)),
    )
    cited = cite(rule, doc, turn, spoken)
    return cited.model_copy(update={"evidence": [*cited.evidence, asked]})


def _join(conditions: tuple[Clause, ...], rule: Rule) -> Rule:
    items: list[Clause | Group] = [*conditions]
    if rule.conditions.join == "all":
        items.extend(rule.conditions.items)
    else:
        items.append(rule.conditions)
    return rule.model_copy(update={"conditions": Group(join="all", items=items)})
