"""Rules in Korean speech, read from Kiwi's morphemes as a registered spaCy component.

`nlp.add_pipe("myeongjang_rules_ko")` on the Korean pipeline (`load_korean_pipeline`) sets
`doc._.rules`, with character offsets into `doc.text`, as the English component does.

Korean puts the condition first and marks it with a connective ending or a noun after an
adnominal ending: -(으)면, -거든, -(으)ㄹ 때, -는 경우, -(으)니까, -(으)려면, -기 전에, -고 나서,
-ㄹ 때까지, ... Each sentence is cut at those markers into clauses (`MARKERS`, data in one place,
each with a sentence it covers); what follows the last one is the main clause, and its ending says
what kind of statement the rule is: an instruction (-세요, -아야 한다, -(으)면 된다), a prohibition
(-지 마세요, -(으)면 안 된다), a habit (-ㄴ다, -아요), a consequence ("금이 가요") or a diagnosis
("...인 거예요"). Questions and stories told in the past are no rules; a sentence ending in
-거든요 or "...서 그래요" gives the reason for the rule before it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from elicitation import calibration
from elicitation.disfluency import Cleaned, clean
from elicitation.korean_tokens import blank_korean, morphs
from elicitation.korean_values import lemma_of, measure, number_of, subject, unit_after
from elicitation.transcripts import Transcript, Turn
from rules import Action, Certainty, Clause, Evidence, Group, Operator, Rule

if not Doc.has_extension("rules"):
    Doc.set_extension("rules", default=[])
if not Doc.has_extension("possible_rules"):
    Doc.set_extension("possible_rules", default=[])


@dataclass(frozen=True)
class Marker:
    """A construction that ends a subordinate clause, what the clause is to the rule, the reader's
    base confidence in it, and a sentence it covers (tested in tests/test_korean.py)."""

    name: str
    role: str  # condition | exception | context
    score: float
    example: str
    until: bool = False


MARKERS: dict[str, Marker] = {
    m.name: m
    for m in [
        Marker("if-myeon", "condition", 0.8, "비가 오면 용접봉을 건조로에 넣으세요."),
        Marker("if-geodeun", "condition", 0.75, "불꽃이 하얘지거든 산소를 줄여라."),
        Marker("purpose-ryeomyeon", "condition", 0.65, "자개를 붙이려면 아교를 데워 놔야 돼요."),
        Marker("reason-nikka", "condition", 0.6, "장마철에는 그릇이 잘 안 마르니까 더 말리세요."),
        Marker("as-soon-as", "condition", 0.75, "불이 붙자마자 뚜껑을 닫으세요."),
        Marker("the-more", "condition", 0.6, "두꺼울수록 오래 예열하세요."),
        Marker("when-ttae", "condition", 0.75, "숫돌에 갈 때는 물을 계속 부어 주세요."),
        Marker("until-ttae-kkaji", "condition", 0.7, "온도가 300도 될 때까지는 장작을 조금씩만 넣어요.", until=True),
        Marker("case-gyeongu", "condition", 0.8, "두께가 25밀리 이상인 경우에는 예열을 해야 돼요."),
        Marker("on-days", "condition", 0.7, "비 오는 날에는 용접봉을 말리세요."),
        Marker("while-dongan", "condition", 0.65, "굽는 동안에는 문을 열지 마세요."),
        Marker("after", "condition", 0.65, "얇게 만든 다음에 붙여요."),
        Marker("after-go-naseo", "condition", 0.65, "불을 끄고 나서 이틀은 기다려야 돼요."),
        Marker("before", "condition", 0.7, "용접하기 전에 모재를 닦으세요."),
        Marker("as-long-as", "condition", 0.6, "불이 살아 있는 한 풀무질을 멈추지 마세요."),
        Marker("unless", "exception", 0.7, "비가 오지 않는 한 밖에서 말려요."),
        Marker("season-context", "context", 0.55, "겨울에는 토치로 습기를 날려 줘야 돼요."),
        Marker("topic-context", "context", 0.55, "탄소가 많은 쇠는 천천히 식혀야 돼요."),
    ]
}

# Nouns after an adnominal ending (-ㄴ/-는/-ㄹ) that make the clause before them a condition.
_NOUN_MARKERS = {
    "때": "when-ttae", "경우": "case-gyeongu", "날": "on-days", "동안": "while-dongan",
    "후": "after", "뒤": "after", "다음": "after", "한": "as-long-as",
}  # fmt: skip
# Nouns that, as a fronted topic (겨울에는, 처음엔), set the context of an instruction.
_CONTEXT_NOUNS = {
    "봄", "여름", "가을", "겨울", "장마", "장마철", "한여름", "한겨울", "처음", "초반", "중반", "후반", "마지막",
    "끝", "나중", "아침", "저녁", "밤", "새벽", "낮", "우기", "건기", "초벌", "재벌", "평소",
}  # fmt: skip
_TRAILING = {
    "에",
    "는",
    "은",
    "엔",
    "에는",
    "도",
    "까지",
    "마다",
    "요",
    "에도",
    "만",
    "에서",
    "에서는",
    "부터",
    "ᆫ",
    "이",
    "가",
}
_QUESTION_ENDINGS = {
    "나요",
    "까요",
    "ᆯ까요",
    "을까요",
    "니",
    "냐",
    "니까",
    "습니까",
    "ᆸ니까",
    "가요",
    "는가",
    "ᆫ가요",
    "는지",
}
_IMPERATIVE_ENDINGS = {
    "세요",
    "으세요",
    "십시오",
    "으십시오",
    "어라",
    "아라",
    "라",
    "으라",
    "자",
    "ᆸ시다",
    "읍시다",
    "시오",
    "오",
}
_PAST = {"었", "았", "였", "었었", "았었", "ᆻ"}
_PERSON_SUBJECTS = {"저", "제", "나", "내", "우리", "다들", "사람", "누구", "너", "자네", "여러분", "당신"}
_DISCOURSE = {
    "그리고",
    "근데",
    "그런데",
    "그래서",
    "그러니까",
    "그니까",
    "아",
    "음",
    "어",
    "또",
    "참",
    "예",
    "네",
    "그럼요",
    "있죠",
    "알죠",
}
_BACK_SAME = {"그러면", "그럼", "그때", "그때는", "그럴", "그런", "그런데서", "그렇게"}
_BACK_OPPOSITE = {"아니면", "안그러면", "그렇지않으면"}
_ALWAYS = {"항상", "늘", "언제나", "반드시", "꼭", "무조건", "절대", "절대로", "꼭꼭", "매번", "언제든"}
_USUALLY = {"보통", "대개", "대체로", "주로", "대부분", "웬만하면", "거의", "일반적으로", "웬만해선"}
_SOMETIMES = {"가끔", "때때로", "간혹", "가끔씩", "때로는", "종종", "이따금"}


def _pairs(tok: Token) -> list[tuple[str, str]]:
    return morphs(tok)


def _tags(tok: Token) -> list[str]:
    return [t for _, t in _pairs(tok)]


def _has(tok: Token, tag: str, forms: Sequence[str] | None = None) -> bool:
    return any(t == tag and (forms is None or f in forms) for f, t in _pairs(tok))


def _ends(tok: Token, forms: Sequence[str] | set[str], kind: str) -> bool:
    ending = _ending(tok)
    return ending is not None and ending[1] == kind and ending[0] in forms


def _ends_myeon(tok: Token) -> bool:
    ending = _ending(tok)
    return ending is not None and ending[0].endswith("면") and not ending[0].endswith("면서")


def _ending(tok: Token) -> tuple[str, str] | None:
    """The token's last ending morpheme (EC or EF), if it ends in one."""
    pairs = _pairs(tok)
    if pairs and pairs[-1][1] in ("EC", "EF"):
        return pairs[-1]
    return None


@dataclass
class Part:
    """A clause of a sentence: its tokens and, for a subordinate one, the marker that ends it."""

    tokens: list[Token]
    marker: Marker | None = None

    @property
    def content(self) -> list[Token]:
        return [t for t in self.tokens if not (t.is_space or t.is_punct)]


# --- cutting a sentence into clauses --------------------------------------------------------------


def _consume_trailing(tokens: Sequence[Token], j: int) -> int:
    """The last index of the particles after a marker ("때" + "는" + "요", "경우" + "에는")."""
    while j + 1 < len(tokens) and tokens[j + 1].text in _TRAILING and not tokens[j + 1].is_punct:
        j += 1
    return j


def _clause_end(tokens: Sequence[Token], j: int, first: bool) -> tuple[Marker, int] | None:
    """When the clause ends at tokens[j]: its marker and the index of the marker's last token."""
    tok = tokens[j]
    ending = _ending(tok)
    nxt = tokens[j + 1] if j + 1 < len(tokens) else None
    if ending is not None and ending[1] == "EC":
        form = ending[0]
        if form.endswith("면") and not form.endswith("면서"):
            if nxt is not None and _is_suffices(tok, tokens[j + 1 :]):
                return None  # "올려 주면 돼요", "열면 안 돼요": an instruction, not a condition
            return MARKERS["if-myeon"], _consume_trailing(tokens, j)
        if form.endswith("거든"):
            return MARKERS["if-geodeun"], j
        if form.endswith("려면"):
            return MARKERS["purpose-ryeomyeon"], _consume_trailing(tokens, j)
        if form.endswith("니까") and not _has(tok, "EP", list(_PAST)):
            return MARKERS["reason-nikka"], _consume_trailing(tokens, j)
        if form == "자마자":
            return MARKERS["as-soon-as"], j
        if form.endswith("수록"):
            return MARKERS["the-more"], j
        if form in ("어서", "아서") and j > 0 and _has(tok, "VX", ["나"]) and _ending(tokens[j - 1]) == ("고", "EC"):
            return MARKERS["after-go-naseo"], _consume_trailing(tokens, j)
    pairs = _pairs(tok)
    if pairs and (pairs[0][1] in ("NNG", "NNB") or pairs[0] == ("한", "MM")) and j > 0:
        noun = pairs[0][0]
        prev = _pairs(tokens[j - 1])
        after_adnominal = bool(prev) and prev[-1][1] == "ETM"
        if noun == "전" and prev and prev[-1] == ("기", "ETN"):
            return MARKERS["before"], _consume_trailing(tokens, j)
        if after_adnominal and noun in _NOUN_MARKERS:
            name = _NOUN_MARKERS[noun]
            last = _consume_trailing(tokens, j)
            if name == "when-ttae" and any(t.text in ("까지", "까지는") for t in tokens[j + 1 : last + 1]):
                name = "until-ttae-kkaji"
            if name == "as-long-as" and any(_has(t, "VX", ["않"]) for t in tokens[max(0, j - 3) : j]):
                name = "unless"
            if name == "on-days" and not any(
                t.text in ("에", "에는", "엔", "은", "는") for t in tokens[j + 1 : last + 1]
            ):
                return None
            return MARKERS[name], last
    if first and pairs and pairs[0][1] in ("NNG",) and pairs[0][0] in _CONTEXT_NOUNS:
        last = _consume_trailing(tokens, j)
        said = {t.text for t in tokens[j + 1 : last + 1]}
        if said & {"에는", "엔", "는", "은", "에서는"} or (said == {"에", "는"}) or tok.text.endswith(("엔", "에는")):
            return MARKERS["season-context"], last
    if (
        first
        and pairs
        and pairs[0][1] in ("NNG", "NNP")
        and nxt is not None
        and nxt.text in ("은", "는")
        and any(_tags(t) and _tags(t)[-1] == "ETM" for t in tokens[max(0, j - 4) : j])
    ):
        return MARKERS["topic-context"], j + 1  # "탄소가 많은 쇠는": for such iron
    return None


def _is_suffices(tok: Token, rest: Sequence[Token]) -> bool:
    """Whether "-면" is followed at once by 되다 / 안 되다 / 좋다 / 괜찮다 ("하면 돼요": just do it),
    after a verb (a copula or adjective before 면 is a condition: "정도면 딱 좋아요")."""
    pairs = _pairs(tok)
    if len(pairs) >= 2 and pairs[-2][1] not in ("VV", "VX", "XSV") and pairs[0][1] not in ("VV", "VX"):
        return False
    words = [t for t in rest if not t.is_space]
    if not words:
        return False
    head = words[0]
    if lemma_of(head) in ("되다", "좋다", "괜찮다") and head.pos_ in ("VERB", "ADJ"):
        return True
    return head.text == "안" and len(words) > 1 and lemma_of(words[1]) == "되다"


def split_clauses(sent: Span) -> list[Part]:
    tokens = list(sent)
    parts: list[Part] = []
    start = 0
    j = 0
    while j < len(tokens):
        found = _clause_end(tokens, j, first=not parts and _only_discourse_before(tokens, start, j))
        if found is not None:
            marker, last = found
            said = "".join(t.text for t in tokens[start : last + 1] if not (t.is_punct or t.is_space))
            if said in _BACK_SAME | _BACK_OPPOSITE | {"그렇지않으면", "안그러면"}:
                j = last + 1  # "그러면", "아니면": they point back, the sentence before is the condition
                continue
            if marker.name in ("season-context", "topic-context") and parts:
                j += 1
                continue
            parts.append(Part(tokens[start : last + 1], marker))
            start = j = last + 1
            continue
        j += 1
    parts.append(Part(tokens[start:]))
    return parts


def _only_discourse_before(tokens: Sequence[Token], start: int, j: int) -> bool:
    """Whether a fronted context at j opens the sentence (nothing but its own noun phrase before it)."""
    before = [t for t in tokens[start:j] if not (t.is_punct or t.is_space or t.text in _DISCOURSE)]
    return len(before) <= 4


# --- the main clause ----------------------------------------------------------------------------


_PREDICATE_TAGS = ("VV", "VA", "VX", "VCP", "VCN", "XSV", "XSA")


def final_predicate(words: Sequence[Token]) -> list[Token]:
    """The tokens of the sentence's last predicate: back from the end, through its endings and
    auxiliaries, up to the first token that ends a clause (-고, -는지, -ㄴ ...) before them."""
    out: list[Token] = []
    for k in range(len(words) - 1, -1, -1):
        tok = words[k]
        tags = _tags(tok)
        if not tags:
            break
        ending = _ending(tok)
        if out and ((ending is not None and ending[1] == "EC") or tags[-1] == "ETM"):
            break
        if tags[0] in _PREDICATE_TAGS or tags[0] in ("EF", "EP", "EC") or (out and tags[0] == "XSV"):
            out.insert(0, tok)
            if tags[0] in ("VV", "VA", "VCP", "VCN") and not (
                k > 0 and _ending(words[k - 1]) in (("어", "EC"), ("아", "EC"), ("지", "EC"), ("게", "EC"))
            ):
                break
            continue
        if tags[0] in ("JX",) and not out:
            continue  # "끼고요": the polite 요 after the ending
        break
    return out


def main_kind(tokens: Sequence[Token]) -> str:
    """What the main clause says: instruction, prohibition, habit, consequence, diagnosis, or
    question / past (no rule) / none."""
    words = [t for t in tokens if not (t.is_space or t.is_punct)]
    if not words:
        return "none"
    if any(t.text == "?" for t in tokens) or any(_ends(t, _QUESTION_ENDINGS, "EF") for t in words[-2:]):
        return "question"
    tail = final_predicate(words)
    if any(f in _PAST and tag == "EP" for t in tail for f, tag in _pairs(t)):
        return "past"
    lemmas = [lemma_of(t) for t in words]
    lemmas[-1] = (
        next((lemma_of(t) for t in reversed(tail) if _tags(t)[0] in _PREDICATE_TAGS), lemmas[-1])
        if tail
        else lemmas[-1]
    )
    texts = [t.text for t in words]
    all_pairs = [p for t in words for p in _pairs(t)]
    forms = [f for f, _ in all_pairs]
    # -지 마세요 / -지 말고 / -면 안 돼요
    if any(f == "말" and tag == "VX" for f, tag in all_pairs) or (
        "안" in texts and lemmas[-1] == "되다" and any(_ends_myeon(t) for t in words)
    ):
        return "prohibition"
    if any(f in ("어야", "아야") for f in forms) and lemmas[-1] in ("하다", "되다"):
        return "instruction"
    if any(_ends_myeon(t) for t in words) and lemmas[-1] in ("되다", "좋다", "괜찮다"):
        return "instruction"
    final = next((f for f, tag in reversed(all_pairs) if tag == "EF"), None)
    if final in _IMPERATIVE_ENDINGS or (final and final.endswith(("세요", "십시오"))):
        return "instruction"
    if any(f in ("거", "것") for f, tag in all_pairs if tag == "NNB") and lemmas[-1] == "이다":
        return "diagnosis"
    if lemmas[-1] in ("좋다", "충분하다", "괜찮다", "되다", "맞다", "이다", "알맞다", "적당하다"):
        return "diagnosis"
    _, at = subject(words)
    said_subject = at >= 0 and words[at - 1].text not in _PERSON_SUBJECTS if at > 0 else False
    has_object = any(tag == "JKO" for _, tag in all_pairs)
    if said_subject and not has_object:
        return "consequence"
    if not has_object and lemmas[-1].endswith("지다") and lemmas[-1] != "가지다":
        return "consequence"  # "빨리 식히면 부러져요": something breaks, nobody acts
    return "habit"


def _actions(tokens: Sequence[Token], kind: str) -> list[Action]:
    """The main clause's actions: one per step ("걷어 내고 부어야 돼요", "긁지 말고 씻으세요") for
    instructions and habits; a consequence or diagnosis is one action."""
    words = _strip([t for t in tokens if not t.is_space])
    if not words:
        return []
    steps: list[list[Token]] = [[]]
    for k, tok in enumerate(words):
        steps[-1].append(tok)
        ending = _ending(tok)
        if (
            kind not in ("instruction", "prohibition", "habit")
            or ending is None
            or ending[1] != "EC"
            or ending[0] != "고"
        ):
            continue
        rest = words[k + 1 :]
        if not rest or rest[0].is_punct or (rest[0].text in ("요",)):
            continue
        if _has(rest[0], "VX", ["있", "나", "싶", "보", "말"]):  # -고 있다, -고 나서, -고 싶다: one verb
            continue
        steps.append([])
    return [a for a in (_action(_strip(s)) for s in steps if _strip(s)) if a is not None]


def _strip(tokens: Sequence[Token]) -> list[Token]:
    toks = list(tokens)
    while toks and (toks[0].is_punct or toks[0].is_space or toks[0].text in _DISCOURSE | _BACK_SAME | _BACK_OPPOSITE):
        toks = toks[1:]
    while toks and (toks[-1].is_punct or toks[-1].is_space):
        toks = toks[:-1]
    return toks


def _action(tokens: Sequence[Token]) -> Action | None:
    if not tokens:
        return None
    doc = tokens[0].doc
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    verb, obj = _verb_and_object(tokens)
    negated = any(
        (f in ("안", "못") and t == "MAG") or (f in ("않", "말") and t == "VX")
        for tok in tokens
        for f, t in _pairs(tok)
    )
    amount, unit = None, None
    for k, tok in enumerate(tokens):
        number = number_of(tok)
        if number is not None:
            amount = number[0]
            unit, _ = unit_after(tokens, k)
            break
    return Action(
        text=doc.text[start:end], verb=verb, object=obj, amount=amount, unit=unit, negated=negated, start=start, end=end
    )


_LIGHT = {"되다", "하다", "좋다", "않다", "말다", "괜찮다"}


def _verb_and_object(tokens: Sequence[Token]) -> tuple[str | None, str | None]:
    """The action's main verb (the last full verb, not the 되다 of -아야 되다 / -면 되다; a noun
    with 하다 is one verb, 예열하다) and its object (the nouns before 을/를, 용접봉)."""
    verb = None
    at = -1
    for k in range(len(tokens) - 1, -1, -1):
        pairs = _pairs(tokens[k])
        if not pairs:
            continue
        lemma = lemma_of(tokens[k])
        prev = _ending(tokens[k - 1]) if k > 0 else None
        if pairs[0][1] == "XSV" or (len(pairs) > 1 and pairs[0][1] == "NNG" and pairs[1][1] == "XSV"):
            noun = (
                pairs[0][0]
                if pairs[0][1] == "NNG"
                else (tokens[k - 1].text if k > 0 and _tags(tokens[k - 1])[:1] == ["NNG"] else "")
            )
            verb, at = (noun + "하다" if noun else "하다"), k
            break
        if pairs[0][1] in ("VV", "VA"):
            if lemma in _LIGHT and prev is not None and prev[0] in ("어야", "아야", "면", "으면", "지", "게", "도"):
                continue
            verb, at = lemma, k
            break
    obj = None
    for k in range(at - 1 if at >= 0 else len(tokens) - 1, -1, -1):
        if _has(tokens[k], "JKO") and k > 0:
            nouns: list[Token] = []
            j = k - 1
            while j >= 0 and _tags(tokens[j])[:1] and _tags(tokens[j])[0] in ("NNG", "NNP", "XR", "SL"):
                nouns.insert(0, tokens[j])
                if j == 0 or tokens[j - 1].whitespace_:
                    break
                j -= 1
            if nouns:
                obj = "".join(t.text for t in nouns)
            break
    return verb, obj


def _certainty(tokens: Sequence[Token]) -> Certainty:
    texts = {t.text for t in tokens}
    lemmas = [lemma_of(t) for t in tokens]
    also = any(
        t.text == "기도" or (_has(t, "ETN", ["기"]) and k + 1 < len(tokens) and tokens[k + 1].text == "도")
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
        f == "시" and tag == "EP" for t in tokens for f, tag in _pairs(t)
    )


def _clause(part: Part) -> Clause | None:
    toks = _strip([t for t in part.tokens if not t.is_space])
    while toks and toks[-1].text == "요":
        toks = toks[:-1]  # "때는요?": the polite 요 is not part of the condition
    if not toks or courtesy(toks):
        return None
    start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    m = measure(toks, until=bool(part.marker and part.marker.until))
    text = toks[0].doc.text[start:end]
    if m.variable is None or m.operator is None:
        return Clause(text=text, start=start, end=end)
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
    final = next((e for t in reversed(words) if (e := _ending(t)) and e[1] == "EF"), None)
    head = [t.text for t in words[:3]]
    back = None
    if head and (head[0] in _BACK_SAME or (head[0] == "그런" and len(head) > 1)):
        back = "same"
    if head and ("".join(head[:2]) in _BACK_OPPOSITE or head[0] in _BACK_OPPOSITE):
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
        and any(_ending(t) in (("어서", "EC"), ("아서", "EC")) for t in words)
    ):
        return SentenceReading(kind="reason", rationale=sent.text.strip())  # "산소가 모자라서 그래요"
    if kind in ("question", "past", "none"):
        return SentenceReading(kind=kind)
    actions = _actions(main.tokens, kind)
    if not actions:
        return SentenceReading(kind=kind)
    contexts_only = all(p.marker and p.marker.role == "context" for p in conditions)
    if conditions and contexts_only and kind not in ("instruction", "prohibition", "habit"):
        return SentenceReading(kind=kind, back=back, actions=actions)
    if not conditions and not exceptions:
        return SentenceReading(kind=kind, back=back, actions=actions)
    clauses = [c for c in (_clause(p) for p in conditions) if c is not None]
    unless = [c for c in (_clause(p) for p in exceptions) if c is not None]
    if not clauses and not unless:
        return SentenceReading(kind=kind, back=back, actions=actions)  # only courtesy ("시간 되시면")
    markers = [p.marker for p in conditions + exceptions if p.marker]
    score = max(m.score for m in markers)
    if kind in ("instruction", "prohibition"):
        score += 0.1
    if any(c.variable for c in clauses + unless):
        score += 0.05
    if kind == "diagnosis":
        score -= 0.05
    rule = Rule(
        conditions=Group(join="all", items=list(clauses)),
        exceptions=unless,
        actions=actions,
        certainty=_certainty(tokens),
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


def _continues(sent: Span) -> bool:
    """A sentence that only adds a step to the one before: it ends in -고(요) ("바꿔 끼고요")."""
    words = [t for t in sent if not (t.is_punct or t.is_space)]
    if not words:
        return False
    last = _pairs(words[-1])
    if last and last[-1] == ("요", "JX") and len(words) >= 1:
        last = last[:-1] or (_pairs(words[-2]) if len(words) > 1 else [])
    return bool(last) and last[-1][1] == "EC" and last[-1][0] in ("고", "구")


@Language.factory("myeongjang_rules_ko", default_config={"min_confidence": 0.3, "calibrate": True})
def make_korean_reader(nlp: Language, name: str, min_confidence: float, calibrate: bool) -> KoreanRuleReader:
    return KoreanRuleReader(nlp, name, min_confidence=min_confidence, calibrate=calibrate)


class KoreanRuleReader:
    """Reads each sentence of a Korean doc and stores its rules on `doc._.rules`."""

    def __init__(
        self, nlp: Language, name: str = "myeongjang_rules_ko", min_confidence: float = 0.3, calibrate: bool = True
    ) -> None:
        self.nlp = nlp
        self.name = name
        self.min_confidence = min_confidence
        self.calibrate = calibrate

    def confidence(self, raw: float) -> float:
        return calibration.apply(raw, calibration.load(calibration.WEIGHTS_KO) if self.calibrate else None)

    @staticmethod
    def _in_context(
        reading: SentenceReading, sent: Span, previous: SentenceReading | None, found: list[Rule]
    ) -> SentenceReading | None:
        """The sentence read with the one before: a reason or a further step is folded into the
        rule before (None is returned), a back reference (그러면, 아니면) takes its conditions."""
        before = previous.rule if previous is not None and found else None
        if before is None or previous is None:
            return reading
        if reading.rationale:
            if found[-1].rationale is None:
                found[-1] = found[-1].model_copy(update={"rationale": reading.rationale})
            return None
        if reading.rule is not None or not reading.actions:
            return reading
        if _continues(sent) or (reading.back == "same" and previous.kind == "diagnosis"):
            # "...마세요. 바로 마른 걸로 바꿔 끼고요." / "...식은 거예요. 그러면 다시 화덕에 넣어야 돼요."
            found[-1] = found[-1].model_copy(update={"actions": [*found[-1].actions, *reading.actions]})
            previous.rule = found[-1]
            return None
        if reading.back is None:
            return reading
        clauses = before.clauses()
        if reading.back == "opposite":
            clauses = [opposite(c) for c in clauses]
        rule = Rule(
            conditions=Group(join="all", items=list(clauses)),
            actions=reading.actions,
            certainty=_certainty(list(sent)),
            confidence=0.55,
        )
        return SentenceReading(rule=rule, kind=reading.kind)

    def __call__(self, doc: Doc) -> Doc:
        if doc.user_data.get("myeongjang_question"):
            return doc
        found: list[Rule] = []
        previous: SentenceReading | None = None
        for sent in doc.sents:
            reading = self._in_context(read_sentence(sent), sent, previous, found)
            if reading is None:
                continue  # it changed the rule before (a reason, a step more)
            if reading.rule is not None and reading.rule.confidence >= self.min_confidence:
                found.append(reading.rule.model_copy(update={"confidence": self.confidence(reading.rule.confidence)}))
            if sent.text.strip():
                previous = reading
        doc._.rules = found
        doc._.possible_rules = []
        return doc


@functools.lru_cache(maxsize=1)
def load_korean_pipeline() -> Language:
    """The Korean pipeline: Kiwi morphemes, sentences, and the rule reader."""
    nlp = blank_korean()
    nlp.add_pipe("myeongjang_korean_sentences")
    nlp.add_pipe("myeongjang_rules_ko")
    return nlp


def read_question_conditions(doc: Doc) -> tuple[list[Clause], Any, bool]:
    """The conditions an interviewer's Korean question sets up ("용접 비드가 검게 나오면 어떻게
    해요?", "가마를 열 때는요?"), the sentence they are in, and whether the question is only a
    condition ("~때는요?": what about when ...), which the answer's own condition completes."""
    sents = [s for s in doc.sents if s.text.strip()]
    asked = next((s for s in reversed(sents) if s.text.strip().endswith("?")), None)
    if asked is None:
        return [], None, False
    parts = split_clauses(asked)
    conditions = [p for p in parts[:-1] if p.marker and p.marker.role == "condition"]
    clauses = [c for c in (_clause(p) for p in conditions) if c is not None]
    rest = [t for t in parts[-1].tokens if not (t.is_punct or t.is_space or t.text in ("요",))]
    if rest and any(f in _PAST and tag == "EP" for t in final_predicate(rest) for f, tag in _pairs(t)):
        return [], None, False  # "처음 배우실 때 힘드셨죠?" asks for a story, not a rule
    return clauses, asked, bool(clauses) and not rest


# --- interviews -----------------------------------------------------------------------------------


def read_korean_interview(
    transcript: Transcript, asking: set[str], progress: Callable[[int, int], None] | None = None
) -> list[Rule]:
    """The rules of a Korean interview, each citing the turns it rests on, with offsets in the
    spoken turn. The conditions of an interviewer's question ("용접 비드가 검게 나오면 어떻게 해요?")
    join the instructions the answer opens with when they have no condition of their own, and a
    question that is only a condition ("가마를 열 때는요?") joins the rule the answer opens with."""
    from elicitation.extraction import _cite, _made

    nlp = load_korean_pipeline()
    reader = nlp.get_pipe("myeongjang_rules_ko")
    assert isinstance(reader, KoreanRuleReader)
    turns = list(transcript.turns)
    cleaned = [clean(t.text) for t in turns]
    docs = nlp.pipe(_made(nlp, c.text, question=t.speaker in asking) for t, c in zip(turns, cleaned, strict=True))
    found: list[Rule] = []
    question: tuple[list[Clause], Evidence, bool] | None = None
    for done, (turn, spoken, doc) in enumerate(zip(turns, cleaned, docs, strict=True), start=1):
        if progress is not None:
            progress(done, len(turns))
        if turn.speaker in asking:
            question = None
            clauses, asked, elliptical = read_question_conditions(doc)
            if clauses and asked is not None:
                start, end = spoken.to_original(asked.start_char, asked.start_char + len(asked.text.rstrip()))
                loose = [c.model_copy(update={"start": None, "end": None}) for c in clauses]
                question = (loose, Evidence(turn=turn.index, speaker=turn.speaker, start=start, end=end), elliptical)
            continue
        rules = [_cite(r, doc, turn, spoken) for r in doc._.rules]
        if question is not None:
            rules = _answer(question, doc, turn, spoken, rules, reader)
        question = None
        found.extend(rules)
    found.sort(key=lambda r: -r.confidence)
    return found


def _answer(
    question: tuple[list[Clause], Evidence, bool],
    doc: Doc,
    turn: Turn,
    spoken: Cleaned,
    rules: list[Rule],
    reader: KoreanRuleReader,
) -> list[Rule]:
    from elicitation.extraction import _cite, _sentences

    clauses, asked, elliptical = question
    sents = [s for s in _sentences(doc) if s.text.strip()][:3]
    if not sents:
        return rules

    def cites(rule: Rule, sent: Span) -> bool:
        a, b = spoken.to_original(sent.start_char, sent.end_char)
        return any(e.turn == turn.index and e.start < b and a < e.end for e in rule.evidence)

    owned = [next((i for i, r in enumerate(rules) if cites(r, s)), None) for s in sents]
    if owned[0] is not None:
        if not elliptical:
            return rules
        i = owned[0]
        rule = rules[i]
        joined = rule.model_copy(
            update={
                "conditions": Group(join="all", items=[*clauses, *rule.conditions.items]),
                "evidence": [*rule.evidence, asked],
            }
        )
        return [*rules[:i], joined, *rules[i + 1 :]]
    steps: list[Action] = []
    said: list[Span] = []
    for sent, own in zip(sents, owned, strict=True):
        if own is not None:
            break
        reading = read_sentence(sent)
        if reading.actions and reading.kind in ("instruction", "prohibition", "habit"):
            steps.extend(reading.actions)
            said.append(sent)
        elif steps:
            break
    if not steps:
        return rules
    rule = Rule(
        conditions=Group(join="all", items=list(clauses)),
        actions=steps,
        certainty=_certainty(list(said[0])),
        confidence=reader.confidence(0.6),
    )
    cited = _cite(rule, doc, turn, spoken)
    return [cited.model_copy(update={"evidence": [*cited.evidence, asked]}), *rules]
