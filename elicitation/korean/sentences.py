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
    MARKERS,
    PAST,
    Part,
    conditional_myeon,
    has_morpheme,
    last_ending,
    pairs_of,
    split_clauses,
)
from elicitation.korean.values import lemma_of, measure, observed_cue
from rules import Action, Certainty, Clause, Group, Operator, Rule

_ALWAYS = {"항상", "늘", "언제나", "반드시", "꼭", "무조건", "절대", "절대로", "꼭꼭", "매번", "언제든"}
_USUALLY = {"보통", "대개", "대체로", "주로", "대부분", "웬만하면", "거의", "일반적으로", "웬만해선", "아마", "아마도"}
_SOMETIMES = {"가끔", "가끔은", "가끔씩", "때때로", "간혹", "때로는", "종종", "이따금", "어쩌다"}


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
_COMING_AND_GOING = {"가다", "나가다", "오다", "들어오다", "나오다", "들어가다", "돌아가다"}


def courtesy(tokens: Sequence[Token]) -> bool:
    """A condition on what the listener wants or minds, not on the work: "해 주고 싶은 말이
    있다면요", "괜찮으시면", "시간 되시면" (the honorific 시 on the listener's own state)."""
    lemmas = {lemma_of(t) for t in tokens}
    if _seems(tokens):
        lemmas.discard("싶다")  # "시큼하다 싶으면": when it seems sour, a state of the work
    thinking = "생각하다" in lemmas or any(t.text == "생각" for t in tokens)  # Kiwi: 생각 + 하면, or 생각하면
    if lemmas & _COURTESY or (thinking and any(t.text in ("지금", "돌이켜") for t in tokens)):
        return True  # "지금 생각하면": a reflection, not a state of the work
    honorific = any(f == "시" and tag == "EP" for t in tokens for f, tag in pairs_of(t))
    if honorific and lemmas & _COMING_AND_GOING:
        return True  # "나가실 때": when the visitor leaves
    return any(t.text.startswith("시간") for t in tokens) and any(
        f == "시" and tag == "EP" for t in tokens for f, tag in pairs_of(t)
    )


def _seems(tokens: Sequence[Token]) -> bool:
    """Whether 싶다 follows a sentence-like -다 ("짙어진다 싶으면": it seems to darken), not a wish."""
    return any(
        lemma_of(t) == "싶다" and k > 0 and any(f.endswith("다") and tag == "EC" for f, tag in pairs_of(tokens[k - 1]))
        for k, t in enumerate(tokens)
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
        # "색이 까맣게 되고 냄새가 올라오면": two states, both wanted
        joined = joined or (
            ending == ("고", "EC")
            and (_predicate(tok) or (k > 0 and _predicate(tokens[k - 1])))
            and _new_subject(tokens[k + 1 :])
        )
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


def _new_subject(rest: Sequence[Token]) -> bool:
    """Whether a second state starts after -고: no auxiliary at once ("끄고 나서", "해 주고 싶은"),
    and a subject of its own ("... 냄새가 올라오면")."""
    words = [t for t in rest if not (t.is_space or t.is_punct)]
    if not words or any(tag == "VX" for _, tag in pairs_of(words[0])):
        return False
    return any(pairs_of(t)[:1] and pairs_of(t)[0][1] in ("JKS",) for t in words[:6])


def _predicate(tok: Token) -> bool:
    pairs = pairs_of(tok)
    return any(tag in ("VV", "VA", "VX", "XSV", "XSA") for _, tag in pairs)


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
    if text.endswith("면요"):  # "쓰면요?": the polite 요 is not part of the condition
        text, end = text[:-1], end - 1
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
    certainty: Certainty | None = None  # a verdict's hedge, for the rule before ("아마 ... 괜찮을 거예요")
    cases: list[Clause] | None = None  # a case named ("...경우가 있어요") for a 그럴 때는 after it


def read_sentence(sent: Span, leaning: bool = True) -> SentenceReading:
    """What the sentence says; `leaning`: a 그럼 "before/after X" may be when to act, not a case."""
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
    parts, default = _without_default(_sequenced(_how_long(split_clauses(sent))))
    tokens = [t for t in tokens if t not in default]
    main = parts[-1]
    conditions = [p for p in parts[:-1] if p.marker and p.marker.role in ("condition", "context")]
    exceptions = [p for p in parts[:-1] if p.marker and p.marker.role == "exception"]
    reasons = [p for p in parts[:-1] if p.marker and p.marker.role == "rationale"]
    kind = main_kind(main.tokens)
    cases = [p for p in parts[:-1] if p.marker and p.marker.role == "case"]
    if cases and not conditions and any(lemma_of(t) in ("있다", "생기다") for t in words[-2:]):
        # "원단이 꼬여서 안 도는 경우가 있어요": a case named, for the sentence after to act on
        return SentenceReading(kind="case", cases=[c for p in cases for c in [clause_of(p)] if c is not None])
    if parts[:-1] and not main.content and parts[-2].marker and parts[-2].marker.name.startswith("reason"):
        return SentenceReading(kind="reason", rationale=sent.text.strip())  # "모터가 탄 거니까요."
    if final is not None and final[0].endswith("니까요"):
        return SentenceReading(kind="reason", rationale=sent.text.strip())  # "모터가 탄 거니까요."
    if final is not None and final[0].endswith("거든요") and kind != "past":
        return SentenceReading(kind="reason", rationale=sent.text.strip())
    if _because_so(words):
        return SentenceReading(kind="reason", rationale=sent.text.strip())  # "산소가 모자라서 그래요"
    if kind in ("question", "past", "none") or _remark(words, kind) or _so_it_is(main.tokens):
        return SentenceReading(kind=kind)
    if conditions and all(_pointer(p) for p in conditions) and kind not in ("instruction", "prohibition"):
        # "아마 그때쯤이면 거의 바닥일 거예요": by then, what is so; the reason for the rule before
        return SentenceReading(kind="reason", rationale=sent.text.strip())
    if not conditions and not exceptions and words[0].text in _SOMETIMES and kind == "consequence":
        # "가끔 블록이 뒤틀린 채로 와요": a case named, for a "그러면 ..." after it
        case = clause_of(Part([t for t in tokens if t.i > words[0].i], None))
        return SentenceReading(kind="case", cases=[case] if case is not None else None)
    if leaning:
        parts, conditions = _sequence_only(parts, conditions, back)
    main = parts[-1]
    actions = main_actions(main.tokens, kind)
    if not actions:
        return SentenceReading(kind=kind)
    amount_only = bool(conditions) and all("".join(t.text for t in p.content).endswith("정도면") for p in conditions)
    if (not conditions or amount_only) and not exceptions and _verdict(words, amount_only):
        # "아마 그 정도면 괜찮을 거예요": a verdict on what was just said, hedged or not; no rule
        return SentenceReading(kind="verdict", back=back, certainty=certainty_of(tokens))
    if reasons and not conditions and not exceptions and kind in ("instruction", "prohibition", "habit"):
        # "물에 안 녹는 염료니까 먼저 풀어서 넣으세요": the reason is the only case it names
        conditions, reasons = [Part(p.tokens, MARKERS["reason-nikka"]) for p in reasons], []
    contexts_only = all(p.marker and p.marker.role == "context" for p in conditions)
    if conditions and contexts_only and kind not in ("instruction", "prohibition", "habit"):
        return SentenceReading(kind=kind, back=back, actions=actions)
    if not conditions and not exceptions:
        return SentenceReading(kind=kind, back=back, actions=actions)
    clauses = [c for p in conditions for c in clauses_of(p, alternatives=True)]
    unless = [_unless(c) for p in exceptions for c in clauses_of(p) if isinstance(c, Clause)]
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
        rationale=_said(reasons) if reasons else None,
        certainty=certainty_of(tokens),
        confidence=round(min(score, 0.99), 3),
    )
    return SentenceReading(rule=rule, kind=kind, back=back)


def _because_so(words: Sequence[Token]) -> bool:
    """ "산소가 모자라서 그래요": it is so because ..., the reason for the rule before."""
    return (
        lemma_of(words[-1]) == "그렇다"
        and len(words) <= 6
        and any(last_ending(t) in (("어서", "EC"), ("아서", "EC")) for t in words)
    )


def _unless(clause: Clause) -> Clause:
    """An exception said with its negation, "온도가 200도를 넘지 않는 한" (as long as it does not
    exceed 200: unless it does): the master's words kept, its test the case that stops the rule
    (온도 > 200), since the words read as a plain clause (온도 <= 200) would invert it."""
    if clause.operator is None:
        return clause
    return opposite(clause).model_copy(update={"text": clause.text})


def _said(parts: list[Part]) -> str:
    """The words of the parts as the master said them: "모터가 탄 거니까"."""
    tokens = [t for p in parts for t in p.tokens if not t.is_space]
    while tokens and tokens[-1].is_punct:
        tokens = tokens[:-1]
    return tokens[0].doc.text[tokens[0].idx : tokens[-1].idx + len(tokens[-1].text)] if tokens else ""


_DEFAULT_LEADS = {*_USUALLY, "원래", "평소", "평소엔", "평소에는", "보통은", "원래는"}


def _without_default(parts: list[Part]) -> tuple[list[Part], list[Token]]:
    """The parts without a default said before the exception to it ("보통은 두 번 칠하는데 습도가
    80%를 넘으면 세 번 칠해요"): the default is no condition of the rule, and its 보통 no hedge on
    it. Returns the parts and the default's tokens."""
    for k, part in enumerate(parts[:-1]):
        words = [t for t in part.tokens if not (t.is_space or t.is_punct)]
        if not words or words[0].text not in _DEFAULT_LEADS:
            continue
        cut = next((n for n, t in enumerate(words) if _but(t, words[n - 1] if n else None)), None)
        if cut is None or cut + 1 >= len(words):
            return parts, []
        rest = [t for t in part.tokens if t.i > words[cut].i]
        return [*parts[:k], Part(rest, part.marker), *parts[k + 1 :]], [t for t in part.tokens if t.i <= words[cut].i]
    return parts, []


def _but(tok: Token, before: Token | None) -> bool:
    """Whether the token ends a clause with -는데 (Kiwi reads it as an ending, or as 데 after 는)."""
    ending = last_ending(tok)
    if ending is not None and ending[1] == "EC" and ending[0] in _BUT:
        return True
    return tok.text == "데" and pairs_of(tok)[:1] == [("데", "NNB")] and before is not None and _adnominal(before)


def _how_long(parts: list[Part]) -> list[Part]:
    """ "물이 맑아질 때까지 헹구고요": until, with an action not forbidden, is how long to act, not
    when (as in English); the clause goes back into the action. "300도 될 때까지는 ... 조금씩만"
    and "...때까지 열지 마세요" keep it as a condition."""
    if len(parts) < 2 or not parts[-2].marker or not parts[-2].marker.until:
        return parts
    main = parts[-1]
    if main_kind(main.tokens) == "prohibition" or any(t.text in ("까지는", "는") for t in parts[-2].tokens[-2:]):
        return parts
    return [*parts[:-2], Part([*parts[-2].tokens, *main.tokens])]


_AFTER = {"after", "after-go-naseo", "before"}  # a step before or after another, in a sequence


def _sequenced(parts: list[Part]) -> list[Part]:
    """A step said before the last one with -ㄴ 다음에 / 후에, after the sentence's own condition:
    "자개가 두꺼운 경우에는 뒷면을 갈아서 얇게 만든 다음에 붙여요" is one instruction in two steps
    under one condition, so the step goes back into the main clause."""
    for k, part in enumerate(parts[:-1]):
        earlier = [p for p in parts[:k] if p.marker and p.marker.role == "condition" and p.marker.name not in _AFTER]
        if part.marker and part.marker.name in _AFTER and earlier:
            main = Part([*[t for p in parts[k:-1] for t in p.tokens], *parts[-1].tokens])
            return [*parts[:k], main]
    return parts


def _remark(words: Sequence[Token], kind: str) -> bool:
    """A passing remark on how one feels or what seems so ("점심 먹고 나니까 이제 좀 살 것
    같네요"): it ends in -네요 with 것 같다 and tells nobody to do anything."""
    final = last_ending(words[-1]) if words else None
    seems = any(t.text == "것" for t in words[-4:]) and any(lemma_of(t) == "같다" for t in words[-3:])
    obliged = any(has_morpheme(t, "EC", ["어야", "아야", "야"]) for t in words)
    return final == ("네요", "EF") and seems and not obliged and kind not in ("instruction", "prohibition")


_VERDICTS = {"괜찮다", "되다", "좋다", "충분하다", "문제없다"}
_POINTERS = ("그때", "그쯤", "그정도", "그럴", "그런")


_POINTING = {"그때", "때", "정도", "쯤", "경우", "그쯤", "그정도", "그럴", "그런", "그렇"}
_NAMING = {"NNG", "NNP", "NNB", "NP", "VV", "VA", "XR", "SN", "NR"}


def _pointer(part: Part) -> bool:
    """A condition that only points back: "그때쯤이면", "그 정도면", "그럴 때면" (not "그런 냄새가
    나면", which names a case of its own)."""
    content = [t for t in part.content if t.text not in ("아마", "한", "거의")]
    if not "".join(t.text for t in content).startswith(_POINTERS):
        return False
    return all(t.text in _POINTING for t in content if t.tag_.split("+")[0] in _NAMING)


def _so_it_is(main: Sequence[Token]) -> bool:
    """A main clause that only says "it is so" ("처음엔 다 그래요")."""
    words = [t for t in main if not (t.is_punct or t.is_space)]
    return bool(words) and lemma_of(words[-1]) == "그렇다" and all(t.pos_ == "ADV" for t in words[:-1])


def _sequence_only(parts: list[Part], conditions: list[Part], back: str | None) -> tuple[list[Part], list[Part]]:
    """ "그럼 다음 배치 넣기 전에 밸브부터 봐요": after 그럼, a "before"/"after" with no case of its
    own is when to do the step, not a condition; it goes back into the action."""
    sequenced = [p for p in conditions if p.marker and p.marker.name in _AFTER]
    if back != "same" or not sequenced or len(sequenced) != len(conditions) or len(parts) < 2:
        return parts, conditions
    tokens = [t for p in parts if p in sequenced or p is parts[-1] for t in p.tokens]
    return [*[p for p in parts[:-1] if p not in sequenced], Part(tokens)], []


def _verdict(words: Sequence[Token], amount: bool = False) -> bool:
    """A short sentence that only judges what was said before: "그 정도면 괜찮을 거예요", "그럼 돼요",
    "보통 세 번 정도면 될 거예요" (`amount`: its only condition is "about so much")."""
    lemmas = [lemma_of(t) for t in words]
    back = any(t.text in ("그", "그럼", "그러면", "그렇게", "그거면", "그정도면") for t in words[:3])
    obliged = any(has_morpheme(t, "EC", ["어야", "아야", "야"]) for t in words)  # "넣어야 돼요": a step
    permits = any(has_morpheme(t, "EC", ["어도", "아도"]) for t in words)  # "60% 정도면 칠해도 좋아요"
    points = back or (amount and not permits)
    return points and not obliged and len(words) <= 10 and any(lemma in _VERDICTS for lemma in lemmas[-4:])


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
    if not words or any(has_morpheme(t, "EP", [*PAST, "셨", "었었"]) for t in words):
        return False  # "우리 어머님은 냄새로만 아셨어요, 시계도 안 보시고": a story, not a step
    last = pairs_of(words[-1])
    if last and last[-1] == ("요", "JX") and len(words) >= 1:
        last = last[:-1] or (pairs_of(words[-2]) if len(words) > 1 else [])
    return bool(last) and last[-1][1] == "EC" and last[-1][0] in ("고", "구")


def halves(sent: Span) -> list[Span]:
    """A sentence that states two rules joined by -고 ("가까이 대면 얼룩이 생기고, 멀리서 뿌리면
    거칠어져요"), cut after the -고: each half has its own -면 condition. Otherwise the sentence."""
    tokens = [t for t in sent if not t.is_space]
    for k, tok in enumerate(tokens):
        if last_ending(tok) != ("고", "EC") or k + 1 >= len(tokens):
            continue
        before = any(conditional_myeon(tokens, j) for j in range(k))
        after = any(conditional_myeon(tokens, j) for j in range(k + 1, len(tokens)))
        if before and after:
            cut = tok.i + 1
            while cut < sent.end and (sent.doc[cut].is_punct or sent.doc[cut].is_space):
                cut += 1
            return [sent.doc[sent.start : tok.i + 1], sent.doc[cut : sent.end]]
    return [sent]


def contrasted(sent: Span) -> list[Rule]:
    """Two topics set against each other, joined by -고: "바닥은 먼저 초벌로 칠하고, 마감은 붓으로
    해도 돼요" is a rule for the floor and one for the finish. Empty for any other sentence."""
    tokens = [t for t in sent if not t.is_space]
    cut = next((k for k, t in enumerate(tokens) if last_ending(t) == ("고", "EC")), None)
    if cut is None:
        return []
    sides = [tokens[: cut + 1], [t for t in tokens[cut + 1 :] if not (t.is_punct and t.i == tokens[cut].i + 1)]]
    topics = [_topic(side) for side in sides]
    if None in topics or len({side[0].text for side in sides}) < 2:
        return []
    rules = []
    for side, topic in zip(sides, topics, strict=True):
        rule = _side_rule(sent, side, topic) if topic is not None else None
        if rule is None:
            return []
        rules.append(rule)
    return rules


def _side_rule(sent: Span, side: list[Token], topic: int) -> Rule | None:
    """One side's rule: its topic is its case, and a condition of its own after the topic joins it
    ("철판은 두께가 10밀리를 넘으면 예열하고": the plate, over 10 mm)."""
    rest = side[topic:]
    parts = split_clauses(sent.doc[rest[0].i : rest[-1].i + 1])
    own = [p for p in parts[:-1] if p.marker and p.marker.role == "condition"]
    if len(own) != len(parts) - 1:
        return None  # an exception, a reason or a context inside: read the sentence whole
    main = [t for t in parts[-1].tokens if not t.is_space]
    kind = main_kind(main)
    actions = main_actions(main, kind) if kind not in ("question", "past", "none") else []
    if own:
        first = Part([*side[:topic], *own[0].tokens], own[0].marker)
        clauses = [c for p in [first, *own[1:]] for c in clauses_of(p)]
    else:
        clauses = [c for c in [clause_of(Part(side[:topic], MARKERS["topic-context"]))] if c is not None]
    if not actions or not clauses:
        return None
    marker = own[0].marker if own and own[0].marker else MARKERS["topic-context"]
    score = marker.score + (0.1 if kind in ("instruction", "prohibition") else 0.0)
    return Rule(
        conditions=Group(join="all", items=clauses),
        actions=actions,
        certainty=certainty_of(side),
        confidence=round(min(score, 0.99), 3),
    )


def _topic(side: list[Token]) -> int | None:
    """How many tokens the side's opening topic takes ("바닥" + "은", "얇은 판은"), or None."""
    # an adjective before the noun: "두꺼운" is one token, "얇 은" two
    start = next((k + 1 for k, t in enumerate(side[:2]) if _adnominal(t) and _predicate(side[0])), 0)
    if len(side) <= start + 2 or pairs_of(side[start])[:1] != [(side[start].text, "NNG")]:
        return None
    end = start + 1
    if pairs_of(side[end]) == [("에", "JKB")]:
        end += 1  # "여름에는"
    after = side[end] if end < len(side) - 1 else None
    if after is not None and pairs_of(after) == [(after.text, "JX")] and after.text in ("은", "는"):
        return end + 1
    return None
