"""Values in a Korean condition: `variable / operator / value / unit` from its morpheme tokens.

"습도가 팔십 퍼센트를 넘으면" is humidity > 80 %, "두께가 25밀리 이상인 경우" thickness >= 25 mm,
"1,600~1,700도 사이일 때" between 1600 and 1700 deg, "영하로 떨어지니까" below 0 degC, "강판이
얇으면" plate == 얇다, "비가 오면" rain is true. The variable is the subject's nouns (조사 이/가,
은/는 after them), only a proposal the master can correct in review; a clause the words do not
make measurable keeps only its text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Token

from elicitation.korean.tokens import morphs
from rules import Operator, Scalar
from rules.numerals import APPROXIMATE, COUNTERS, DAYS, korean_number, korean_unit
from rules.units import degrees_unit

# Comparison words after a number (as nouns: 이상, 이하, ...) or as the predicate's verb/adjective.
_AFTER_NUMBER = {"이상": Operator.GE, "이하": Operator.LE, "초과": Operator.GT, "미만": Operator.LT}
_BELOW_WORDS = {"밑", "아래", "이하", "미만"}
_ABOVE_WORDS = {"위", "이상", "초과"}
_RISE = {
    "넘다",
    "넘어가다",
    "넘기다",
    "웃돌다",
    "올라가다",
    "오르다",
    "올라오다",
    "높다",
    "크다",
    "많다",
    "길다",
    "두껍다",
    "뜨겁다",
    "세다",
}
_FALL = {
    "떨어지다",
    "내려가다",
    "밑돌다",
    "낮다",
    "작다",
    "적다",
    "짧다",
    "얇다",
    "차갑다",
    "약하다",
    "모자라다",
    "미치다",
}
# Verbs of something happening or being there: the subject becomes a flag ("비가 오면": 비 is true).
_HAPPEN = {
    "오다",
    "내리다",
    "생기다",
    "나다",
    "뜨다",
    "남다",
    "있다",
    "끼다",
    "나오다",
    "보이다",
    "들다",
    "차다",
    "붙다",
    "묻다",
}
_ABSENT = {"없다"}
_CHANGE = {"바뀌다", "변하다", "되다"}
_NOUN_TAGS = ("NNG", "NNP", "XR", "SL")
_SUBJECT_PARTICLES = {"JKS", "JX"}
_TOPIC_FORMS = {"이", "가", "은", "는", "ᆫ", "도", "께서"}
# The nouns that mark a clause ("띄울 때는", "이상인 경우에는"): never the subject a variable is named for.
_MARKER_NOUNS = {"때", "경우", "동안", "후", "뒤", "다음", "전", "날", "한", "채", "정도", "무렵", "마다"}
_PRONOUNS = {"저", "제", "나", "내", "우리", "그거", "그것", "이거", "이것", "저거", "그게", "그런", "거", "것"}


@dataclass(frozen=True)
class Measure:
    variable: str | None
    operator: Operator | None
    value: Scalar | list[Scalar] | None
    unit: str | None


_EMPTY = Measure(None, None, None, None)


def _tags(tok: Token) -> list[str]:
    return [t for _, t in morphs(tok)]


def _first_tag(tok: Token) -> str:
    tags = _tags(tok)
    return tags[0] if tags else ""


def lemma_of(tok: Token) -> str:
    return str(tok.lemma_ or tok.text)


def is_noun(tok: Token) -> bool:
    return _first_tag(tok) in _NOUN_TAGS


def number_of(tok: Token) -> tuple[float, float | None] | None:
    """(value, upper end for 두세-style pairs) when the token is a number, else None."""
    tag = _first_tag(tok)
    text = tok.text
    if tag == "SN":
        try:
            return float(text.replace(",", "")), None
        except ValueError:
            return None
    if tag in ("NR", "MM", "NNG") and (text in APPROXIMATE or text in DAYS):
        low, high = APPROXIMATE.get(text, (DAYS.get(text, 0), 0))
        if text in DAYS:
            return float(DAYS[text]), None
        return float(low), float(high)
    if tag in ("NR", "MM"):
        value = korean_number(text)
        return (value, None) if value is not None else None
    return None


def _decimals(tokens: Sequence[Token], i: int) -> tuple[float, int] | None:
    """The fraction said after 점 ("일 점 오": .5, "영 점 영 오": .05, digit by digit) when the
    number at tokens[i] has one, and the index of its last digit."""
    if i + 2 >= len(tokens) or tokens[i + 1].text != "점" or _first_tag(tokens[i]) not in ("NR", "SN"):
        return None
    digits = tokens[i + 2].text
    if _first_tag(tokens[i + 2]) == "SN" and digits.isdigit():
        return float("0." + digits), i + 2
    said: list[float | None] = []
    last = i + 1
    for tok in tokens[i + 2 :]:
        if _first_tag(tok) != "NR" or (said and len(tok.text) > 1):
            break
        said.extend(korean_number(ch) for ch in tok.text)
        last += 1
    if not said or any(d is None or not 0 <= d <= 9 or not float(d).is_integer() for d in said):
        return None
    return float("0." + "".join(str(int(d or 0)) for d in said)), last


# A rate said before its number: "분당 5리터" (L/min), "초속 2미터" (m/s), "리터당 50그램" (g/L).
_RATES = {("분당", "L"): "L/min", ("초속", "m"): "m/s", ("분속", "m"): "m/min", ("시속", "kg"): "km/h",
          ("시속", "km"): "km/h", ("리터당", "g"): "g/L", ("분당", "회"): "rpm"}  # fmt: skip


def unit_after(tokens: Sequence[Token], i: int) -> tuple[str | None, int]:
    """The unit of the number at tokens[i] and the index of the last token it used."""
    if tokens[i].text in DAYS:
        return "day", i
    if i + 1 >= len(tokens):
        return None, i
    nxt = tokens[i + 1]
    word = nxt.text
    unit = korean_unit(word)
    if unit is None and word.lower() in COUNTERS:
        return None, i + 1
    if unit is None and i + 2 < len(tokens) and korean_unit(word + tokens[i + 2].text):
        return korean_unit(word + tokens[i + 2].text), i + 2  # "메가 파스칼": Kiwi cuts the word in two
    if unit is None:
        return None, i
    before = {t.text for t in tokens[max(0, i - 2) : i]}
    if unit == "degrees":
        unit = "degF" if "화씨" in before else degrees_unit(" ".join(t.text for t in tokens))
    said = "".join(t.text for t in tokens[max(0, i - 3) : i])
    for (rate, base), rated in _RATES.items():
        if unit == base and rate in said:
            unit = rated
    return unit, i + 1


def noun_words(nouns: Sequence[Token]) -> list[str]:
    """Nouns as the words said: tokens with no space between are one word (앵두+색: 앵두색)."""
    words: list[str] = []
    for k, tok in enumerate(nouns):
        if words and k > 0 and not nouns[k - 1].whitespace_ and nouns[k - 1].i + 1 == tok.i:
            words[-1] += tok.text
        else:
            words.append(tok.text)
    return words


def nouns_before(tokens: Sequence[Token], j: int, limit: int = 4) -> list[Token]:
    """The run of nouns that ends just before tokens[j]."""
    nouns: list[Token] = []
    k = j - 1
    while k >= 0 and (is_noun(tokens[k]) or _first_tag(tokens[k]) == "NNB") and len(nouns) < limit:
        nouns.insert(0, tokens[k])
        k -= 1
    return nouns


def variable_name(nouns: Sequence[Token]) -> str | None:
    words = [w for w in noun_words(nouns) if w not in _PRONOUNS]
    if not words:
        return None
    name = "_".join(words[-3:])
    return name if all(ch.isalnum() or ch == "_" for ch in name) and not name[0].isdigit() else None


def subject(tokens: Sequence[Token]) -> tuple[str | None, int]:
    """The subject's nouns before the first 이/가/은/는 (the variable), and where its particle is."""
    for i, tok in enumerate(tokens):
        pairs = morphs(tok)
        if not pairs:
            continue
        if pairs[0][1] in _SUBJECT_PARTICLES and pairs[0][0] in _TOPIC_FORMS:
            nouns = [n for n in nouns_before(tokens, i) if _first_tag(n) != "NNB" and n.text not in _MARKER_NOUNS]
            name = variable_name(nouns)
            if name is not None:
                return name, i
    # spoken Korean drops the particle: "비 오는 날에는" (rain coming days)
    nouns = []
    for tok in tokens:
        if is_noun(tok):
            nouns.append(tok)
            continue
        if nouns and _first_tag(tok) in ("VV", "VA"):
            name = variable_name(nouns)
            if name is not None:
                return name, tokens.index(nouns[-1])
        break
    return None, -1


def _negated(tokens: Sequence[Token]) -> bool:
    return any(
        (form in ("안", "못") and tag == "MAG") or (form in ("않", "말") and tag == "VX")
        for t in tokens
        for form, tag in morphs(t)
    )


def _predicate(tokens: Sequence[Token]) -> Token | None:
    """The clause's last verb or adjective (its predicate), skipping auxiliaries where a main one is there."""
    for tok in reversed(tokens):
        tags = _tags(tok)
        if tags and tags[0] in ("VV", "VA"):
            return tok
    return None


def _numbers_said(tokens: Sequence[Token]) -> list[tuple[int, float, float | None, str | None]]:
    """The numbers of a condition, in order: (index, value, upper end of a pair, unit)."""
    numbers: list[tuple[int, float, float | None, str | None]] = []  # (index, value, high, unit)
    i = 0
    while i < len(tokens):
        found = number_of(tokens[i])
        glued = i > 0 and _first_tag(tokens[i - 1]) == "SL" and not tokens[i - 1].whitespace_
        if found is None or glued:  # "SKD11": a name, not a number
            i += 1
            continue
        if tokens[i].text == "한" and i + 1 < len(tokens) and number_of(tokens[i + 1]) is not None:
            i += 1  # "한 이십 분": about twenty minutes
            continue
        value, high = found
        at = i
        decimals = _decimals(tokens, i)
        if decimals is not None:  # "영 점 오", "일 점 오": 0.5, 1.5
            value, i = value + decimals[0], decimals[1]
        unit, last = unit_after(tokens, i)
        if at > 0 and tokens[at - 1].text == "영하":
            value = -value
        counted = (
            last > i
            and tokens[last].text == "번"
            and value >= 2
            and not (last + 1 < len(tokens) and tokens[last + 1].text in ("째", "에", "만"))
        )  # "두 번 폈는데도": twice; not 한 번 (once), 두 번째 (the second), 한 번에 (at a time)
        if unit == "year" and value >= 1000:
            i = last + 1
            continue  # "2015년 이후에": a date, not a duration
        if unit is not None or counted or _first_tag(tokens[at]) != "MM":  # "한 판에 십 킬로": one tray, ten kilos
            numbers.append((at, value, high, COUNT if counted else unit))
        i = last + 1
    return numbers


def measure(tokens: Sequence[Token], until: bool = False) -> Measure:
    """The measurable reading of a condition's tokens, or an empty one. `until` marks a clause that
    says how long ("300도 될 때까지": while below 300)."""
    tokens = [t for t in tokens if not t.is_space]
    if not tokens:
        return _EMPTY
    name, at = subject(tokens)
    numbers = _numbers_said(tokens)
    lemmas = [lemma_of(t) for t in tokens]
    words = [t.text for t in tokens]
    negated = _negated(tokens)
    if not numbers and "영하" in words:
        return Measure(name or "온도", Operator.LT, 0, "degC")
    if len(numbers) >= 2 and numbers[0][3] in _DURATIONS and numbers[1][3] not in _DURATIONS | {None}:
        # "한 시간이 지나도 진공도가 3밀리토르보다 높으면": the hour is how long, 3 mTorr the threshold
        later, _ = subject(tokens[numbers[0][0] + 1 : numbers[1][0]])
        name = later or name
        numbers = numbers[1:]
    counted = bool(numbers) and numbers[0][3] == COUNT
    if counted and len(numbers) > 1:
        counted, numbers = False, numbers[1:]  # "두 번 10바 넘게 올라가면": the measure is the threshold
    elif counted:
        numbers = [(index, value, high, None) for index, value, high, _ in numbers]
    if numbers:
        index, value, high, unit = numbers[0]
        unit = unit or next((u for _, _, _, u in numbers[1:] if u), None)
        name = "횟수" if counted and name is None else name
        # "250마이크로 안 되면": a thickness; "58 미만이면": what the number said before measures
        name = name or _UNIT_NAMES.get(unit or "") or (GENERIC if unit is None else None)
        if name is None:
            return _EMPTY
        following = lemmas[index + 1 :]
        if len(numbers) >= 2 and (
            "사이" in following
            or any(t.text in ("~", "-", "에서") or "에서" in t.text for t in tokens[index + 1 : numbers[1][0]])
        ):
            low, up = sorted((value, numbers[1][1]))
            return Measure(name, Operator.BETWEEN, [_num(low), _num(up)], unit)
        if high is not None and high > value and not any(w in following for w in _AFTER_NUMBER):
            return Measure(name, Operator.BETWEEN, [_num(value), _num(high)], unit)
        op = _operator(tokens[index + 1 :], following, negated, until)
        if negated and unit not in _DURATIONS and any(w.startswith(tuple(_AFTER_NUMBER)) for w in words[index + 1 :]):
            op = _NOT.get(op, op)  # "200도 이상 되지 않으면": short of 200 (a time "30분 이상 안 움직이면" stays)
        if "덜" in words[index + 1 :]:
            op = _LESS.get(op, op)  # "영하 70도보다 덜 내려가면": not as far down as -70
        if (unit in _DURATIONS or counted) and op is Operator.EQ:
            op = Operator.GE  # "한 시간 지났는데도": once an hour has gone by; "두 번 폈는데도": twice or more
        return Measure(name, op, _num(value), unit)
    if name is None:
        return _noun_flag(tokens, negated)
    pred = _predicate(tokens)
    if pred is None:
        return _EMPTY
    lemma = lemma_of(pred)
    after_subject = list(tokens[at + 1 :])
    if lemma in _ABSENT:
        return Measure(name, Operator.IS_TRUE if negated else Operator.IS_FALSE, None, None)
    if lemma in _CHANGE:
        complement = _complement(tokens, pred)
        if complement is not None:
            return Measure(name, Operator.NE if negated else Operator.EQ, complement, None)
    first = _first_tag(pred)
    if first == "VA" or (lemma in ("보이다", "되다", "지다") and _adjective_before(tokens, pred)):
        adjective = pred if first == "VA" else _adjective_before(tokens, pred)
        assert adjective is not None
        return Measure(name, Operator.NE if negated else Operator.EQ, lemma_of(adjective), None)
    if _first_tag(pred) == "VV" and any(_first_tag(t) == "VA" and t.i < pred.i for t in after_subject):
        adjective = next(t for t in after_subject if _first_tag(t) == "VA" and t.i < pred.i)
        return Measure(name, Operator.NE if negated else Operator.EQ, lemma_of(adjective), None)
    if lemma in _HAPPEN:
        return Measure(name, Operator.IS_FALSE if negated else Operator.IS_TRUE, None, None)
    if first == "VV" and lemma not in ("하다", "이다"):
        return Measure(name, Operator.NE if negated else Operator.EQ, lemma, None)  # "장갑이 젖었으면": 젖다
    return _EMPTY


def _noun_flag(tokens: Sequence[Token], negated: bool) -> Measure:
    """ "예열 안 하면", "예열하지 않으면": a noun done or not done (하다), with no subject, is a flag."""
    for j, tok in enumerate(tokens):
        pairs = morphs(tok)
        if not pairs or pairs[0][1] != "NNG":
            continue
        rest = tokens[j + 1 :]
        done = (len(pairs) > 1 and pairs[1][1] == "XSV") or (rest and _first_tag(rest[0]) == "XSV")
        if not done and rest and lemma_of(rest[0]) == "안" and len(rest) > 1 and lemma_of(rest[1]) == "하다":
            done = True
        if done:
            name = variable_name([tok])
            return Measure(name, Operator.IS_FALSE if negated else Operator.IS_TRUE, None, None) if name else _EMPTY
    return _EMPTY


def _complement(tokens: Sequence[Token], pred: Token) -> str | None:
    """The noun a change ends in: "앵두색이 되면" (the second 이/가), "노란색으로 바뀌면" (으로)."""
    subjects = 0
    for j, tok in enumerate(tokens):
        if tok.i >= pred.i:
            break
        pairs = morphs(tok)
        if not pairs or j == 0:
            continue
        prev = tokens[j - 1]
        said = _word_before(tokens, j) if is_noun(prev) else None
        if pairs[0][1] in ("JKS", "JKC") and pairs[0][0] in ("이", "가"):
            subjects += 1
            if subjects >= 2 or pairs[0][1] == "JKC":
                return said
        if pairs[0][1] == "JKB" and pairs[0][0] in ("로", "으로") and said:
            return said
    return None


def _word_before(tokens: Sequence[Token], j: int) -> str:
    """The whole word (up to the space) that the particle at tokens[j] ends: 노란+색 -> 노란색."""
    k = j - 1
    while k > 0 and not tokens[k - 1].whitespace_ and tokens[k - 1].i + 1 == tokens[k].i:
        k -= 1
    return "".join(t.text for t in tokens[k:j])


def _adjective_before(tokens: Sequence[Token], pred: Token) -> Token | None:
    """The adjective in "하얗게 보이면", "하얘지면" (an adjective in -게 or -어 before the verb)."""
    for tok in reversed([t for t in tokens if t.i <= pred.i]):
        if _first_tag(tok) == "VA":
            return tok
    return None


def _operator(after: Sequence[Token], lemmas: Sequence[str], negated: bool, until: bool) -> Operator:
    words = [t.text for t in after]
    for w in words:
        bare = w.rstrip("이인일")
        for word, op in _AFTER_NUMBER.items():
            if w.startswith(word) or bare == word:
                return op
    if "보다" in words or any(w.endswith("보다") for w in words):
        if any(lem in _RISE for lem in lemmas):
            return Operator.GT
        if any(lem in _FALL for lem in lemmas):
            return Operator.LT
    if any(w.startswith(tuple(_BELOW_WORDS)) for w in words) or any(lem in _FALL for lem in lemmas):
        return Operator.GE if negated else Operator.LT
    if any(w.startswith(tuple(_ABOVE_WORDS)) for w in words) or any(lem in _RISE for lem in lemmas):
        return Operator.LE if negated else Operator.GT
    if "되다" in lemmas:
        if negated:
            return Operator.LT  # "250마이크로 안 되면": short of 250
        return Operator.LT if until else Operator.GE  # "300도 될 때까지": until it reaches 300
    if until:
        return Operator.LT
    return Operator.NE if negated else Operator.EQ


def _num(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


_DURATIONS = {"h", "min", "s", "day", "week", "month", "year"}
COUNT = "count"  # the unit slot of a number of times ("두 번"): a count, no unit
_NOT = {Operator.GE: Operator.LT, Operator.LE: Operator.GT, Operator.GT: Operator.LE, Operator.LT: Operator.GE}
_LESS = {Operator.LT: Operator.GT, Operator.GT: Operator.LT, Operator.LE: Operator.GE, Operator.GE: Operator.LE}
GENERIC = "값"  # a bare number: the references pass gives it the unit and name of the one said before
# What a number with no subject measures, by its unit.
_UNIT_NAMES = {
    "degC": "온도", "degF": "온도", "K": "온도", "mm": "두께", "um": "두께", "cm": "길이", "m": "길이",
    "kg": "무게", "g": "무게", "t": "무게", "h": "시간", "min": "시간", "s": "시간", "day": "기간",
    "bar": "압력", "psi": "압력", "Pa": "압력", "kPa": "압력", "MPa": "압력", "mTorr": "진공도",
    "m/s": "속도", "L/min": "유량", "A": "전류", "V": "전압", "rpm": "회전수", "ohm": "저항", "g/L": "농도",
    "week": "기간", "month": "기간", "year": "기간", "ppm": "농도", "m**2": "면적", "uS/cm": "전도도",
}  # fmt: skip
_SEASONS = {
    "겨울": "겨울", "여름": "여름", "봄": "봄", "가을": "가을", "장마": "장마철", "장마철": "장마철",
    "겨울철": "겨울", "여름철": "여름",
}  # fmt: skip
_DEGREE_ADVERBS = {
    "너무",
    "좀",
    "조금",
    "아주",
    "정말",
    "진짜",
    "살짝",
    "딱",
    "그냥",
    "또",
    "다",
    "막",
    "잘",
    "많이",
    "더",
    "꼭",
}


def observed_cue(tokens: Sequence[Token]) -> tuple[str, Operator, str | None] | None:
    """A condition no instrument measures, as a cue the worker judges himself: a season ("겨울에는":
    계절 = 겨울) or an observation answered yes or no ("쇠가 앵두색이 되면"), named by its nouns and
    the dictionary forms of its verbs; None when it has no content words."""
    tokens = [t for t in tokens if not t.is_space]
    negated = _negated(tokens)
    words: list[str] = []
    for tok in tokens:
        tag = _first_tag(tok)
        if tag in _NOUN_TAGS and tok.text not in _MARKER_NOUNS and tok.text not in _PRONOUNS:
            words.append(tok.text)
        elif tag in ("VV", "VA") and lemma_of(tok) not in ("하다", "이다", "되다", "있다"):
            words.append(lemma_of(tok))
        elif tag == "MAG" and tok.text not in _DEGREE_ADVERBS and tok.text not in ("안", "못"):
            words.append(tok.text)
    seasons = [_SEASONS[w] for w in words if w in _SEASONS]
    if seasons and len(words) <= 2:
        return "계절", Operator.NE if negated else Operator.EQ, seasons[0]
    name = "_".join(words[:5])
    if not name or name[0].isdigit() or not all(ch.isalnum() or ch == "_" for ch in name):
        return None
    return name, Operator.IS_FALSE if negated else Operator.IS_TRUE, None
