"""Where a Korean sentence is cut into clauses: the connective endings and nouns that end a
subordinate clause (`MARKERS`, each with a sentence it covers), and helpers on Kiwi's morphemes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Span, Token

from elicitation.korean.tokens import morphs
from elicitation.korean.values import lemma_of


@dataclass(frozen=True)
class Marker:
    """A construction that ends a subordinate clause, what the clause is to the rule, the reader's
    base confidence in it, and a sentence it covers (tested in tests/test_korean.py)."""

    name: str
    role: str  # condition | exception | context | rationale
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
        Marker("reason-geonikka", "rationale", 0.0, "모터가 탄 거니까 소리가 나면 바로 전원을 끄세요."),
        Marker("as-soon-as", "condition", 0.75, "불이 붙자마자 뚜껑을 닫으세요."),
        Marker("the-more", "condition", 0.6, "두꺼울수록 오래 예열하세요."),
        Marker("when-ttae", "condition", 0.75, "숫돌에 갈 때는 물을 계속 부어 주세요."),
        Marker("until-ttae-kkaji", "condition", 0.7, "온도가 300도 될 때까지는 장작을 조금씩만 넣어요.", until=True),
        Marker("case-gyeongu", "condition", 0.8, "두께가 25밀리 이상인 경우에는 예열을 해야 돼요."),
        Marker("on-days", "condition", 0.7, "비 오는 날에는 용접봉을 말리세요."),
        Marker("case-exists", "case", 0.7, "원단이 꼬이는 경우가 있어요. 그럴 때는 바로 세우세요."),
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
    "끝", "나중", "아침", "저녁", "밤", "새벽", "낮", "우기", "건기", "초벌", "재벌", "평소", "야간", "주간",
    "주말", "휴일", "성수기", "비수기", "우천", "혹한기", "혹서기",
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


PAST = {"었", "았", "였", "었었", "았었", "ᆻ"}


DISCOURSE = {
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


BACK_SAME = {"그러면", "그럼", "그때", "그때는", "그럴", "그런", "그런데서", "그렇게"}


BACK_OPPOSITE = {"아니면", "안그러면", "그렇지않으면"}


def pairs_of(tok: Token) -> list[tuple[str, str]]:
    return morphs(tok)


def tags_of(tok: Token) -> list[str]:
    return [t for _, t in pairs_of(tok)]


def has_morpheme(tok: Token, tag: str, forms: Sequence[str] | None = None) -> bool:
    return any(t == tag and (forms is None or f in forms) for f, t in pairs_of(tok))


def ends_in(tok: Token, forms: Sequence[str] | set[str], kind: str) -> bool:
    ending = last_ending(tok)
    return ending is not None and ending[1] == kind and ending[0] in forms


def ends_in_myeon(tok: Token) -> bool:
    ending = last_ending(tok)
    return ending is not None and ending[0].endswith("면") and not ending[0].endswith("면서")


def conditional_myeon(tokens: Sequence[Token], j: int) -> bool:
    """Whether tokens[j] ends in a -면 that states a condition, not the -면 of "열면 안 돼요" or
    "덮으면 돼요" (an instruction)."""
    return ends_in_myeon(tokens[j]) and not _is_suffices(tokens[j], tokens[j + 1 :])


def last_ending(tok: Token) -> tuple[str, str] | None:
    """The token's last ending morpheme (EC or EF), if it ends in one."""
    pairs = pairs_of(tok)
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


def _consume_trailing(tokens: Sequence[Token], j: int) -> int:
    """The last index of the particles after a marker ("때" + "는" + "요", "경우" + "에는")."""
    while j + 1 < len(tokens) and tokens[j + 1].text in _TRAILING and not tokens[j + 1].is_punct:
        j += 1
    return j


def _clause_end(tokens: Sequence[Token], j: int, first: bool) -> tuple[Marker, int] | None:
    """When the clause ends at tokens[j]: its marker and the index of the marker's last token."""
    tok = tokens[j]
    ending = last_ending(tok)
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
        past = has_morpheme(tok, "EP", list(PAST)) or (j > 0 and has_morpheme(tokens[j - 1], "EP", list(PAST)))
        if form.endswith("니까") and not past:  # "팔십칠 년에 들어왔으니까": since (a story), no case
            if has_morpheme(tok, "VCP") or (j > 0 and has_morpheme(tokens[j - 1], "VCP") and tok.text == "니까"):
                # "모터가 탄 거니까", "물에 안 녹는 염료니까": because it is ...; an explanation, not the
                # state the rule waits for
                return MARKERS["reason-geonikka"], _consume_trailing(tokens, j)
            return MARKERS["reason-nikka"], _consume_trailing(tokens, j)
        if form == "자마자":
            return MARKERS["as-soon-as"], j
        if form == "고" and nxt is not None and nxt.text in ("부터", "부턴"):
            return MARKERS["after-go-naseo"], _consume_trailing(tokens, j)  # "팔십 도 넘어가고부터는"
        if form.endswith("수록"):
            return MARKERS["the-more"], j
        if (
            form in ("어서", "아서")
            and j > 0
            and has_morpheme(tok, "VX", ["나"])
            and last_ending(tokens[j - 1]) == ("고", "EC")
        ):
            return MARKERS["after-go-naseo"], _consume_trailing(tokens, j)
    if ending is not None and ending[1] == "EF" and ending[0] in ("면요", "으면요"):
        return MARKERS["if-myeon"], j  # "덜 마른 나무를 쓰면요?": what if ...
    pairs = pairs_of(tok)
    if pairs and (pairs[0][1] in ("NNG", "NNB") or pairs[0] == ("한", "MM")) and j > 0:
        noun = pairs[0][0]
        prev = pairs_of(tokens[j - 1])
        after_adnominal = bool(prev) and prev[-1][1] == "ETM"
        if noun == "전" and prev and prev[-1] == ("기", "ETN"):
            return MARKERS["before"], _consume_trailing(tokens, j)
        if after_adnominal and noun in _NOUN_MARKERS:
            name = _NOUN_MARKERS[noun]
            last = _consume_trailing(tokens, j)
            if name == "when-ttae" and any(t.text in ("까지", "까지는") for t in tokens[j + 1 : last + 1]):
                name = "until-ttae-kkaji"
            if name == "as-long-as" and any(
                has_morpheme(t, "VX", ["않"]) or has_morpheme(t, "VA", ["없"]) for t in tokens[max(0, j - 3) : j]
            ):
                name = "unless"  # "넘지 않는 한", "습기가 없는 한": unless it does, unless there is
            after = {t.text for t in tokens[j + 1 : last + 1]}
            if name == "case-gyeongu" and after & {"가", "도"}:
                return MARKERS["case-exists"], last  # "...는 경우가 있어요": such a case, for 그럴 때는 after
            if name == "on-days" and not after & {"에", "에는", "엔", "은", "는"}:
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
        and any(tags_of(t) and tags_of(t)[-1] == "ETM" for t in tokens[max(0, j - 4) : j])
    ):
        return MARKERS["topic-context"], j + 1  # "탄소가 많은 쇠는": for such iron
    return None


def _is_suffices(tok: Token, rest: Sequence[Token]) -> bool:
    """Whether "-면" is followed at once by 되다 / 안 되다 / 좋다 / 괜찮다 ("하면 돼요": just do it),
    after a verb (a copula or adjective before 면 is a condition: "정도면 딱 좋아요")."""
    pairs = pairs_of(tok)
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
        if _case_then(tokens, start, j):
            # "같은 로트에서 색차가 두 번, 그럼 그 기계는 세우고 ...": the case said without a verb
            parts.append(Part(tokens[start:j], MARKERS["if-myeon"]))
            start = j = j + 1
            continue
        found = _clause_end(tokens, j, first=not parts and _only_discourse_before(tokens, start, j))
        if found is not None:
            marker, last = found
            said = "".join(t.text for t in tokens[start : last + 1] if not (t.is_punct or t.is_space))
            if said in BACK_SAME | BACK_OPPOSITE | {"그렇지않으면", "안그러면"}:
                j = last + 1  # "그러면", "아니면": they point back, the sentence before is the condition
                continue
            if _points_back(tokens[start : last + 1]):
                start = j = last + 1  # "그럴 때는": the same, and no words of it go into the action
                continue
            if marker.name in ("season-context", "topic-context") and parts:
                j += 1
                continue
            background = _background_end(tokens, start, j)
            if background is not None:
                # "간장은 체에 걸러서 달이는데, 달일 때는 ...": what is done anyway, no part of the case
                parts.append(Part(tokens[start : background + 1]))
                start = background + 1
            parts.append(Part(tokens[start : last + 1], marker))
            start = j = last + 1
            continue
        j += 1
    parts.append(Part(tokens[start:]))
    return parts


def _case_then(tokens: Sequence[Token], start: int, j: int) -> bool:
    """Whether 그럼 at j follows a comma and a case with no verb ending of its own."""
    if tokens[j].text not in ("그럼", "그러면") or j < start + 3 or not tokens[j - 1].is_punct:
        return False
    before = [t for t in tokens[start : j - 1] if not (t.is_punct or t.is_space)]
    named = any(tags_of(t)[:1] in (["JKS"], ["JKB"], ["JX"], ["SN"], ["NR"], ["NNB"]) for t in before)
    return len(before) >= 2 and named and not any(tags_of(t)[-1:] in (["EC"], ["EF"]) for t in before)


_BACKGROUND = {("는데", "EC"), ("ᆫ데", "EC"), ("은데", "EC"), ("던데", "EC")}


def _background_end(tokens: Sequence[Token], start: int, j: int) -> int | None:
    """Where a -는데 clause ("...달이는데,") ends inside the words before a marker, if one does."""
    ends = [
        k
        for k in range(start, j - 1)
        if last_ending(tokens[k]) in _BACKGROUND
        and tokens[k + 1].text not in ("도", "도요")  # "두 번 폈는데도": even after, a case
        and not any(has_morpheme(t, "EP", list(PAST)) for t in tokens[max(start, k - 2) : k + 1])  # "쳤는데": when
    ]
    return ends[-1] if ends else None


def _only_discourse_before(tokens: Sequence[Token], start: int, j: int) -> bool:
    """Whether a fronted context at j opens the sentence: nothing but its own noun phrase before
    it, or a relative clause on the noun with no clause ending inside ("함수율이 20% 넘는 나무는")."""
    before = [t for t in tokens[start:j] if not (t.is_punct or t.is_space or t.text in DISCOURSE)]
    if len(before) <= 4:
        return True
    relative = bool(before) and tags_of(before[-1])[-1:] == ["ETM"]
    return relative and len(before) <= 10 and not any(tags_of(t)[-1:] in (["EC"], ["EF"]) for t in before)


_POINTING = {"그럴", "그런", "이럴", "이런", "저럴", "저런", "그"}


def _points_back(tokens: Sequence[Token]) -> bool:
    """A clause that only points to the one before: "그럴 때는", "그런 경우에는", "이럴 땐"."""
    content = [t for t in tokens if not (t.is_punct or t.is_space or t.text in DISCOURSE or t.text in _HEDGES)]
    return 1 < len(content) <= 4 and content[0].text in _POINTING


_HEDGES = {"아마", "아마도", "보통", "대개", "뭐"}
