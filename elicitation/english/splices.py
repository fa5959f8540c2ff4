"""A reason or result spliced on with a comma: "..., otherwise it pops off", "Never iron silk without
a cloth on top, it goes shiny", "On humid days the glass sets slower, so we work longer"."""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Doc, Span, Token

from elicitation.citing import doc_text, moved, offsets, shift
from elicitation.english import patterns
from elicitation.english.fronted import context_rule
from elicitation.english.markers import find_markers
from elicitation.english.openings import fronted_tokens
from elicitation.english.sentences import sentence_rule
from elicitation.english.shapes import action_of, clause_of, is_directive, sentence_actions
from elicitation.english.tokens import Reparse, text_of, trim
from rules import Action, Rule

# A comma splice whose second part gives a reason ("..., otherwise it pops off") or the action
# ("on humid days the glass sets slower, so we work longer").
_SPLICE_RATIONALE = {"otherwise", "because", "'cause", "cause", "or"}
_SPLICE_RESULT = {"so"}


def _splice_point(sent: Span) -> tuple[Token, str] | None:
    """The comma (or semicolon) where a reason or result clause is spliced on, and its kind."""
    for tok in sent:
        if tok.i == sent.start or tok.i + 1 >= sent.end:
            continue
        nxt = sent.doc[tok.i + 1]
        if tok.text != ",":
            continue
        if (
            nxt.lower_ in ("you", "it", "that", "they", "there")
            and tok.i + 2 < sent.end
            and sent.doc[tok.i + 2].lemma_ == "be"
            and any(t.lower_ in ("if", "when", "whenever", "once") for t in sent.doc[sent.start : tok.i])
            and any(t.text == "," for t in sent.doc[sent.start : tok.i])  # the condition ended before
        ):
            return tok, "rationale"  # "When the smoke turns black, open the damper, you are starving the fire"
        if (
            nxt.lower_ == "that"
            and tok.i + 2 < sent.end
            and sent.doc[tok.i + 2].lemma_ == "be"
            and any(m.role in ("condition", "exception") and first < tok.i for m, first, _ in find_markers(sent))
        ):
            return tok, "rationale"  # "I don't sell one unless it's had its sixty days, that's the law"
        if nxt.lower_ in ("it", "they") and _opens_with_instruction(sent, tok.i):
            return tok, "rationale"  # "Never iron silk without a cloth on top, it goes shiny"
        if _states_a_fact(sent, tok.i + 1) and _instruction_before(sent, tok.i):
            return tok, "rationale"  # "Never lift a casting while it glows, the sand cracks"
        if nxt.lower_ in _SPLICE_RATIONALE - {"or"} or (
            nxt.lower_ == "or" and tok.i + 2 < sent.end and sent.doc[tok.i + 2].lower_ in ("it", "the", "they", "you")
        ):
            return tok, "rationale"
        if (
            nxt.lower_ in _SPLICE_RESULT
            and tok.i + 2 < sent.end
            and (sent.doc[tok.i + 2].lower_ in patterns.FIRST_PERSON or sent.doc[tok.i + 2].tag_ == "VB")
        ):
            return tok, "result"
    return None


def _states_a_fact(sent: Span, start: int) -> bool:
    """Whether the words from token `start` to the sentence's end are a noun phrase and a verb
    said of it: "the sand cracks", "the solder won't take otherwise" (the tagger reads "cracks"
    as a noun at times; the sentence's root counts as the verb then)."""
    first = sent.doc[start]
    if first.lower_ == "you" and start + 1 < sent.end and sent.doc[start + 1].lower_ in ("'ll", "will", "'d", "would"):
        return True  # "Don't pull it off until it's cooled, you'll tear the bond": the warning
    if first.lower_ not in ("the", "this", "that", "your", "my", "our", "his", "her", "their"):
        return False
    for tok in sent.doc[start + 1 : sent.end]:
        if tok.tag_ in ("VBZ", "VBP", "MD", "VBD") or tok == sent.root:
            return True
        if tok.pos_ not in ("DET", "ADJ", "NOUN", "PROPN", "NUM") and tok.dep_ != "compound":
            return False
    return False


def _instruction_before(sent: Span, before: int) -> bool:
    """Whether the part of the sentence just before token `before` is an instruction, either
    opening the sentence or following a condition and its comma ("If the seams are cold, warm
    them with the lamp, ...")."""
    if _opens_with_instruction(sent, before):
        return True
    if sent.root.i < before and is_directive(sent.root) and fronted_tokens(trim(list(sent.doc[sent.start : before]))):
        return True  # "With gas-shielded wire you have to stop above 2 m/s, ..."
    commas = [t.i for t in sent.doc[sent.start : before] if t.text == ","]
    if not commas or not any(m.role == "condition" and first < commas[-1] for m, first, _ in find_markers(sent)):
        return False
    return _opens_with_instruction(sent, before, commas[-1] + 1)


def _opens_with_instruction(sent: Span, before: int, start: int | None = None) -> bool:
    """Whether the sentence (or its part from token `start`) opens with an instruction ("Never
    iron ...", "Don't ...", "Keep ...") that ends before token `before`."""
    first_token = sent.start if start is None else start
    toks = [t for t in sent.doc[first_token:before] if not (t.is_punct or t.lower_ in patterns.FILLERS)]
    if not toks:
        return False
    first = toks[0]
    if first.lower_ in ("never", "always") or (first.lower_ in ("do", "don't") and len(toks) > 1):
        return True
    if (
        start is not None
        and first.pos_ in ("VERB", "ADJ")
        and not any(c.dep_ in ("nsubj", "nsubjpass") for c in first.children)
    ):
        return any(
            c.dep_ == "dobj" for c in first.children
        )  # "..., warm them with the lamp": the tagger read an adjective
    return (
        first.tag_ == "VB"
        and first.dep_ in ("ROOT", "advcl", "ccomp")
        and not any(c.dep_ in ("nsubj", "nsubjpass") for c in first.children)
    )


# Reads a sentence whole (`component.read_sentence`): a spliced part is read again by it.
SentenceReader = Callable[[Span, Reparse], Rule | None]


def spliced_rule(sent: Span, reparse: Reparse, read: SentenceReader) -> Rule | None:
    """The rule of a sentence with a reason or result spliced on, or None when it has none."""
    point = _splice_point(sent)
    if point is None:
        return None
    comma, kind = point
    doc = sent.doc
    head_tokens = trim(list(doc[sent.start : comma.i]))
    tail_tokens = trim(list(doc[comma.i + 1 : sent.end]))
    if not head_tokens or not tail_tokens:
        return None
    if kind == "rationale":
        return _rationale_splice(sent, comma, head_tokens, tail_tokens, reparse, read)
    return _result_splice(sent, head_tokens, tail_tokens, reparse, read)


def _rationale_splice(
    sent: Span, comma: Token, head_tokens: list[Token], tail_tokens: list[Token], reparse: Reparse, read: SentenceReader
) -> Rule | None:
    """ "..., otherwise it pops off": the first part's rule, with the second part as its reason."""
    if (
        not find_markers(sent)
        and not fronted_tokens(head_tokens)
        and not any(t.lower_ == "without" for t in head_tokens)
        and not _opens_with_instruction(sent, comma.i)
    ):
        return None  # nothing in the first part can make it a rule; spare the second parse
    connective = tail_tokens[0].lower_
    reason = trim(tail_tokens[1:]) if connective in _SPLICE_RATIONALE else tail_tokens
    rationale = text_of(reason) if reason else None
    if connective == "otherwise" and rationale:
        rationale = f"otherwise {rationale}"
    whole = sentence_rule(sent, None)
    if whole is not None and all(o[1] <= comma.idx for o in offsets(whole)):
        # The parse kept the reason apart already: no need to parse the first part again.
        return whole.model_copy(update={"rationale": whole.rationale or rationale})
    offset = head_tokens[0].idx
    part = reparse(text_of(head_tokens) + ".")  # ended as a sentence, so the parser reads it as one
    inner = next(iter(part.sents), None)
    rule = read(inner, reparse) if inner is not None else None
    if rule is None:
        return None
    return shift(rule, offset).model_copy(update={"rationale": rule.rationale or rationale})


def _result_splice(
    sent: Span, head_tokens: list[Token], tail_tokens: list[Token], reparse: Reparse, read: SentenceReader
) -> Rule | None:
    """ "X, so we do Y": Y is the action, X the reason, and X's fronted context the condition."""
    context = fronted_tokens(head_tokens)
    act_tokens = trim(tail_tokens[1:] if tail_tokens[0].lower_ == "so" else tail_tokens)
    if not context and act_tokens and any(m.role == "condition" for m, *_ in find_markers(sent)):
        # "If it's mushy, the brew turns sour, so you have to start again": the head's rule gives
        # the condition, what it says follows becomes the reason, and the tail the action.
        head_rule = _spliced_head_rule(head_tokens, reparse, read)
        steps = _actions_alone(act_tokens, reparse)
        if head_rule is not None and head_rule.clauses() and steps:
            said = "; ".join(a.text for a in head_rule.actions)
            return head_rule.model_copy(update={"actions": steps, "rationale": head_rule.rationale or said})
    if not context or not act_tokens:
        return None
    offset = act_tokens[0].idx
    part = reparse(text_of(act_tokens))
    actions = [moved(a, offset) for a in sentence_actions(part[:])]
    if not actions:
        return None
    reason = trim([t for t in head_tokens if t not in context])
    clause = clause_of(context, context[0])
    return context_rule(clause, actions, sent, part[:].root, text_of(reason) if reason else None)


def _spliced_head_rule(head_tokens: list[Token], reparse: Reparse, read: SentenceReader) -> Rule | None:
    part = reparse(text_of(head_tokens))
    inner = next(iter(part.sents), None)
    rule = read(inner, reparse) if inner is not None else None
    return shift(rule, head_tokens[0].idx) if rule is not None else None


def _actions_alone(tokens: list[Token], reparse: Reparse) -> list[Action]:
    offset = tokens[0].idx
    part = reparse(text_of(tokens))
    return [moved(a, offset) for a in sentence_actions(part[:])]


_SUBJECTS = {"you", "it", "they", "we", "i", "the", "your", "that", "he", "she", "nothing"}


def _purpose_follows(doc: Doc, start: int, end: int) -> bool:
    """Whether "so" at `start - 1` opens a purpose: "(that) you're bending ...", "the glue can grab"."""
    if start < end and doc[start].lower_ == "that":
        start += 1
    if start >= end or doc[start].lower_ not in _SUBJECTS:
        return False
    return any(t.pos_ in ("VERB", "AUX") for t in doc[start + 1 : min(end, start + 5)])


def _purpose_end(sent: Span, cut: Token, end: int) -> Token | None:
    """Where a purpose stops and a later step begins: "so the glue can grab, and then clamp it"."""
    doc = sent.doc
    for t in doc[cut.i + 1 : sent.end]:
        if t.idx >= end:
            break
        after = doc[t.i + 1].lower_ if t.i + 1 < sent.end else ""
        if (t.text in (",", ";") and after in ("and", "then")) or (t.lower_ == "and" and after == "then"):
            return t
    return None


def _later_step(sent: Span, stop: Token, end: int) -> Action | None:
    tokens = trim([t for t in sent if t.i > stop.i and t.idx < end])
    verbs = [t for t in tokens if t.pos_ == "VERB"]
    return action_of(tokens, verbs[0]) if tokens and verbs else None


def without_purpose(rule: Rule, sent: Span) -> Rule:
    """The rule with a purpose said after an action ("turn the blank ninety degrees so you're
    bending across the grain") cut from the action and kept as its reason; a step said after the
    purpose (", and then clamp it") stays a step."""
    doc = sent.doc
    actions, reasons = [], []
    for action in rule.actions:
        start, end = action.start, action.end
        cut = None
        if start is not None and end is not None:
            cut = next(
                (
                    t
                    for t in sent
                    if start < t.idx < end and t.lower_ == "so" and _purpose_follows(doc, t.i + 1, sent.end)
                ),
                None,
            )
        kept = [t for t in sent if start is not None and start <= t.idx and cut is not None and t.i < cut.i]
        kept = trim(kept)
        if cut is None or not kept or end is None:
            actions.append(action)
            continue
        stop = _purpose_end(sent, cut, end)
        reasons.append(doc_text(doc)[cut.idx : stop.idx if stop is not None else end].strip())
        said = text_of(kept)
        actions.append(action.model_copy(update={"text": said, "end": kept[0].idx + len(said)}))
        later = _later_step(sent, stop, end) if stop is not None else None
        if later is not None:
            actions.append(later)
    if not reasons:
        return rule
    return rule.model_copy(update={"actions": actions, "rationale": rule.rationale or "; ".join(reasons)})
