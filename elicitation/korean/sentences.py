"""One Korean sentence read: its clauses' conditions and exceptions, its main clause's actions and
certainty, as a rule, or as the reason for the rule before or a sentence pointing back to it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Span, Token

from elicitation.korean.main_clause import main_actions, main_kind, stripped
from elicitation.korean.markers import (
    BACK_OPPOSITE,
    BACK_SAME,
    Part,
    has_morpheme,
    last_ending,
    pairs_of,
    split_clauses,
)
from elicitation.korean.values import lemma_of, measure, observed_cue
from rules import Action, Certainty, Clause, Group, Operator, Rule

_ALWAYS = {"항상", "늘", "언제나", "반드시", "꼭", "무조건", "절대", "절대로", "꼭꼭", "매번", "언제든"}
_USUALLY = {"보통", "대개", "대체로", "주로", "대부분", "웬만하면", "거의", "일반적으로", "웬만해선"}
_SOMETIMES = {"가끔", "때때로", "간혹", "가끔씩", "때로는", "종종", "이따금"}


def certainty_of(tokens: Sequence[Token]) -> Certainty:
    texts = {t.text for t in tokens}
    lemmas = [lemma_of(t) for t in tokens]
    also = any(
        t.text == "기도" or (has_morpheme(t, "ETN", ["기"]) and k + 1 < len(tokens) and tokens[k + 1].text == "도")
        for k, t in enumerate(tokens)
    )  # "말리기도 해요": it is done too, now and then
    if texts & _SOMETIMES or ("수" in texts and "있다" in lemmas[-3:]) or also:
        return Certainty.SOMETIMES
    if texts & _USUALLY or "편" in texts:
        return Certainty.USUALLY
    return Certainty.ALWAYS


_COURTESY = {"싶다", "원하다", "괜찮다"}


def courtesy(tokens: Sequence[Token]) -> bool:
    """A condition on what the listener wants or minds, not on the work: "해 주고 싶은 말이
    있다면요", "괜찮으시면", "시간 되시면" (the honorific 시 on the listener's own state)."""
    lemmas = {lemma_of(t) for t in tokens}
    if lemmas & _COURTESY:
        return True
    return any(t.text.startswith("시간") for t in tokens) and any(
        f == "시" and tag == "EP" for t in tokens for f, tag in pairs_of(t)
    )


_BUT = {"는데", "ᆫ데", "은데", "인데", "데"}


def clauses_of(part: Part, *, alternatives: bool = False) -> list[Clause | Group]:
    """A part's conditions: two where -는데 joins them ("습도가 높은데 비는 안 올 때는": humidity
    is high, and it does not rain); with `alternatives`, one `any` group where -거나 does ("타는
    냄새가 나거나 색이 변하면": either one)."""
    tokens = list(part.tokens)
    pieces: list[list[Token]] = [[]]
    joins: list[str] = []
    for k, tok in enumerate(tokens):
        if not pieces[-1] and len(pieces) > 1 and pairs_of(tok)[:1] in ([("도", "JX")], [("요", "JX")]):
            pieces[-2].append(tok)  # "돌렸는데도": the 도 stays with the clause it ends
            continue
        pieces[-1].append(tok)
        ending = last_ending(tok)
        joined = ending is not None and ending[1] == "EC" and ending[0] in _BUT
        # Kiwi often reads 높은데 as 높 + 은 (ETM) + 데 (NNB)
        bound = tok.text == "데" and pairs_of(tok)[:1] == [("데", "NNB")] and k > 0 and _adnominal(tokens[k - 1])
        either = alternatives and ending == ("거나", "EC")
        if (joined or bound or either) and k + 1 < len(tokens):
            pieces.append([])
            joins.append("any" if either else "all")
    if len(pieces) == 1:
        clause = clause_of(part)
        return [clause] if clause is not None else []
    out = [clause_of(Part(piece, None)) for piece in pieces[:-1]]
    out.append(clause_of(Part(pieces[-1], part.marker)))
    found = [c for c in out if c is not None]
    if set(joins) == {"any"} and len(found) > 1:
        alternative: list[Clause | Group] = list(found)
        return [Group(join="any", items=alternative)]
    if "any" in joins:  # -거나 beside -는데: read as before, one condition each
        return [c for c in (clause_of(p) for p in [part]) if c is not None]
    return list(found)


def _adnominal(tok: Token) -> bool:
    pairs = pairs_of(tok)
    return bool(pairs) and pairs[-1][1] == "ETM"


def clause_of(part: Part) -> Clause | None:
    toks = stripped([t for t in part.tokens if not t.is_space])
    while toks and toks[-1].text == "요":
        toks = toks[:-1]  # "때는요?": the polite 요 is not part of the condition
    if not toks or courtesy(toks):
        return None
    start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    m = measure(toks, until=bool(part.marker and part.marker.until))
    text = toks[0].doc.text[start:end]
    if m.variable is None or m.operator is None:
        cue = observed_cue(toks)
        if cue is None:
            return Clause(text=text, start=start, end=end)
        name, operator, value = cue
        return Clause(
            text=text, variable=name, operator=operator, value=value, start=start, end=end, observed=value is None
        )
    return Clause(text=text, variable=m.variable, operator=m.operator, value=m.value, unit=m.unit, start=start, end=end)


@dataclass
class SentenceReading:
    """What one sentence says: its rule, or the reason it gives for the one before."""

    rule: Rule | None = None
    kind: str = "none"
    rationale: str | None = None  # a -거든요 / -서 그래요 sentence: the reason for the rule before
    back: str | None = None  # "same" or "opposite": it leans on the sentence before (그러면, 아니면)
    actions: list[Action] | None = None  # the actions of a sentence with no condition of its own


def read_sentence(sent: Span) -> SentenceReading:
    tokens = [t for t in sent if not t.is_space]
    words = [t for t in tokens if not t.is_punct]
    if not words:
        return SentenceReading()
    final = next((e for t in reversed(words) if (e := last_ending(t)) and e[1] == "EF"), None)
    head = [t.text for t in words[:3]]
    back = None
    if head and (head[0] in BACK_SAME or (head[0] == "그런" and len(head) > 1)):
        back = "same"
    if head and ("".join(head[:2]) in BACK_OPPOSITE or head[0] in BACK_OPPOSITE):
        back = "opposite"
    parts = split_clauses(sent)
    main = parts[-1]
    conditions = [p for p in parts[:-1] if p.marker and p.marker.role in ("condition", "context")]
    exceptions = [p for p in parts[:-1] if p.marker and p.marker.role == "exception"]
    kind = main_kind(main.tokens)
    if final is not None and final[0].endswith("거든요") and kind != "past":
        return SentenceReading(kind="reason", rationale=sent.text.strip())
    if (
        lemma_of(words[-1]) == "그렇다"
        and len(words) <= 6
        and any(last_ending(t) in (("어서", "EC"), ("아서", "EC")) for t in words)
    ):
        return SentenceReading(kind="reason", rationale=sent.text.strip())  # "산소가 모자라서 그래요"
    if kind in ("question", "past", "none"):
        return SentenceReading(kind=kind)
    actions = main_actions(main.tokens, kind)
    if not actions:
        return SentenceReading(kind=kind)
    contexts_only = all(p.marker and p.marker.role == "context" for p in conditions)
    if conditions and contexts_only and kind not in ("instruction", "prohibition", "habit"):
        return SentenceReading(kind=kind, back=back, actions=actions)
    if not conditions and not exceptions:
        return SentenceReading(kind=kind, back=back, actions=actions)
    clauses = [c for p in conditions for c in clauses_of(p, alternatives=True)]
    unless = [c for p in exceptions for c in clauses_of(p) if isinstance(c, Clause)]
    if not clauses and not unless:
        return SentenceReading(kind=kind, back=back, actions=actions)  # only courtesy ("시간 되시면")
    markers = [p.marker for p in conditions + exceptions if p.marker]
    score = max(m.score for m in markers)
    if kind in ("instruction", "prohibition"):
        score += 0.1
    if any(c.measurable for c in [*clauses, *unless] if isinstance(c, Clause)):
        score += 0.05
    if kind == "diagnosis":
        score -= 0.05
    rule = Rule(
        conditions=Group(join="all", items=list(clauses)),
        exceptions=unless,
        actions=actions,
        certainty=certainty_of(tokens),
        confidence=round(min(score, 0.99), 3),
    )
    return SentenceReading(rule=rule, kind=kind, back=back)


def opposite(clause: Clause) -> Clause:
    """The clause's contrary, for "아니면 ..." (otherwise): operators flipped where measurable."""
    flips = {
        Operator.LT: Operator.GE, Operator.LE: Operator.GT, Operator.GT: Operator.LE, Operator.GE: Operator.LT,
        Operator.EQ: Operator.NE, Operator.NE: Operator.EQ, Operator.IS_TRUE: Operator.IS_FALSE,
        Operator.IS_FALSE: Operator.IS_TRUE,
    }  # fmt: skip
    if clause.operator in flips:
        return clause.model_copy(update={"operator": flips[clause.operator], "text": f"not ({clause.text})"})
    return clause.model_copy(
        update={"variable": None, "operator": None, "value": None, "unit": None, "text": f"not ({clause.text})"}
    )


def continues(sent: Span) -> bool:
    """A sentence that only adds a step to the one before: it ends in -고(요) ("바꿔 끼고요")."""
    words = [t for t in sent if not (t.is_punct or t.is_space)]
    if not words:
        return False
    last = pairs_of(words[-1])
    if last and last[-1] == ("요", "JX") and len(words) >= 1:
        last = last[:-1] or (pairs_of(words[-2]) if len(words) > 1 else [])
    return bool(last) and last[-1][1] == "EC" and last[-1][0] in ("고", "구")
