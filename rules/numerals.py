"""Korean numbers as masters say them: Sino-Korean words (팔십, 천이백, 백오십), native words
(다섯, 열다섯, 스무), digits with Korean magnitudes (1천, 2만), approximate pairs (두세, 서너,
사나흘) and day counts (하루, 이틀), and Korean units (퍼센트, 도, 밀리, 분당 리터).

Pure data and small functions, shared by the extractor and the plain-words question reader.
"""

from __future__ import annotations

import re

_SINO_DIGITS = {
    "영": 0,
    "공": 0,
    "일": 1,
    "이": 2,
    "삼": 3,
    "사": 4,
    "오": 5,
    "육": 6,
    "륙": 6,
    "칠": 7,
    "팔": 8,
    "구": 9,
}
_SINO_SMALL = {"십": 10, "백": 100, "천": 1000}
_SINO_LARGE = {"만": 10_000, "억": 100_000_000}

# Native numbers, longest first where one is a prefix of another.
_NATIVE_TENS = {
    "열": 10,
    "스물": 20,
    "스무": 20,
    "서른": 30,
    "마흔": 40,
    "쉰": 50,
    "예순": 60,
    "일흔": 70,
    "여든": 80,
    "아흔": 90,
}
_NATIVE_ONES = {
    "하나": 1, "한": 1, "둘": 2, "두": 2, "셋": 3, "세": 3, "석": 3, "서": 3, "넷": 4, "네": 4, "넉": 4,
    "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9,
}  # fmt: skip
# "두세 개" is two or three: the smaller is what a threshold means, the range what a reader sees.
APPROXIMATE = {
    "한두": (1, 2), "두세": (2, 3), "서너": (3, 4), "두어": (2, 2), "너덧": (4, 5), "네댓": (4, 5),
    "대여섯": (5, 6), "예닐곱": (6, 7), "일이": (1, 2), "이삼": (2, 3), "삼사": (3, 4), "사오": (4, 5),
}  # fmt: skip
# Day counts are numbers with their unit built in.
DAYS = {
    "하루": 1,
    "이틀": 2,
    "사흘": 3,
    "나흘": 4,
    "닷새": 5,
    "엿새": 6,
    "이레": 7,
    "열흘": 10,
    "사나흘": 3,
    "이삼일": 2,
}

# Korean unit words (as Kiwi tokenises them, after a number) and the pint name they stand for.
# A bare 도 is "degrees": the reader decides the scale by the words around it (degC unless
# they speak of an angle), as the English reader does.
UNITS: dict[str, str] = {
    "%": "%", "퍼센트": "%", "프로": "%", "퍼": "%",
    "도": "degrees", "℃": "degC", "°c": "degC", "°": "degrees", "화씨": "degF", "켈빈": "K",
    "밀리토르": "mTorr", "토르": "torr", "파스칼": "Pa", "킬로파스칼": "kPa", "메가파스칼": "MPa", "psi": "psi",
    "마이크로": "um", "미크론": "um", "hrc": "HRC", "m/s": "m/s",
    "밀리": "mm", "밀리미터": "mm", "미리": "mm", "mm": "mm", "센티": "cm", "센티미터": "cm", "cm": "cm",
    "미터": "m", "m": "m", "키로": "kg", "킬로": "kg", "킬로그램": "kg", "kg": "kg", "그램": "g", "g": "g", "톤": "t",
    "분": "min", "초": "s", "시간": "h", "일": "day", "주": "week", "달": "month", "개월": "month",
    "리터": "L", "l": "L", "cc": "mL", "밀리리터": "mL",
    "암페어": "A", "a": "A", "볼트": "V", "v": "V", "와트": "W", "기압": "atm", "바": "bar", "bar": "bar",
    "rpm": "rpm", "알피엠": "rpm", "옴": "ohm", "년": "year", "피피엠": "ppm", "ppm": "ppm",
    "마이크로지멘스": "uS/cm", "제곱미터": "m**2", "평방미터": "m**2",
}  # fmt: skip
# Counters: a number of things, with no unit of measure.
COUNTERS = {"개", "번", "장", "회", "벌", "자루", "켜", "겹", "바퀴", "살", "명", "군데", "차례"}


def sino_number(word: str) -> float | None:
    """A Sino-Korean number word (팔십, 천이백, 백오십, 이만 오천) or digits with Korean
    magnitudes (1천, 2만5천, 3.5), else None."""
    word = word.replace(" ", "").replace(",", "")
    if not word:
        return None
    try:
        return float(word)
    except ValueError:
        pass
    total = 0.0
    section = 0.0  # below 만
    digit: float | None = None
    i = 0
    while i < len(word):
        m = re.match(r"\d+(?:\.\d+)?", word[i:])
        if m:
            if digit is not None:
                return None
            digit = float(m.group())
            i += m.end()
            continue
        ch = word[i]
        if ch in _SINO_DIGITS:
            if digit is not None:
                return None
            digit = float(_SINO_DIGITS[ch])
        elif ch in _SINO_SMALL:
            section += (1.0 if digit is None else digit) * _SINO_SMALL[ch]
            digit = None
        elif ch in _SINO_LARGE:
            section += digit or 0.0
            total += (section if section or digit is not None else 1.0) * _SINO_LARGE[ch]  # 만: 10,000; 0만: 0
            section, digit = 0.0, None
        else:
            return None
        i += 1
    return total + section + (digit or 0.0)


def native_number(word: str) -> float | None:
    """A native Korean number word (다섯, 열다섯, 스무, 서른두), else None."""
    value = 0
    rest = word
    for tens, n in sorted(_NATIVE_TENS.items(), key=lambda kv: -len(kv[0])):
        if rest.startswith(tens):
            value, rest = n, rest[len(tens) :]
            break
    if rest:
        if rest not in _NATIVE_ONES:
            return None
        value += _NATIVE_ONES[rest]
    return float(value) if value else None


def korean_number(word: str) -> float | None:
    """Any single Korean number word or digit string: native first (so 한, 두, 세 are counts),
    then Sino-Korean; 반 is a half. None when the word is not a number."""
    word = word.strip()
    if word == "반":
        return 0.5
    if word in APPROXIMATE:
        return float(APPROXIMATE[word][0])
    native = native_number(word)
    if native is not None:
        return native
    return sino_number(word)


def korean_unit(word: str) -> str | None:
    """The pint name of a Korean (or Latin) unit word after a number, else None."""
    return UNITS.get(word.strip().lower())


# A number in running Korean text: digits (with commas, decimals, Korean magnitudes) or a run of
# Sino-Korean numeral syllables, optionally followed by a unit word.
_NUMBER_TEXT = re.compile(
    r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:[만천백십]+)?|(?<![가-힣])[영공일이삼사오육칠팔구십백천만]{2,}(?![가-힣]))"
    r"\s*(?P<unit>" + "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True)) + r")?(?![a-zA-Z])",
    re.IGNORECASE,
)


# Native numbers are said before counted time ("두 시간", "석 달", "세 주"); day counts carry
# their unit (이틀, 사흘). Standing alone, 한 or 세 is as often a word as a number, so only these.
_NATIVE_TIME = re.compile(
    r"(?<![가-힣])(?P<number>(?:"
    + "|".join(sorted(_NATIVE_TENS, key=len, reverse=True))
    + r")?(?:"
    + "|".join(sorted(_NATIVE_ONES, key=len, reverse=True))
    + r")?)\s*(?P<unit>시간|주일?|달|개월)(?:(?![가-힣])|(?=[이가은는을를에도만동간씩째까쯤정반여]))|(?<![가-힣])(?P<days>"
    + "|".join(sorted(DAYS, key=len, reverse=True))
    + r")"
)


# A unit word that goes on into another word is no unit: 5바퀴 (turns), 3분의 1 (a third), 20달러
# (dollars), 3초과 (over three), 2도금 (plating). What may follow a unit is a particle or an ending.
_NOT_UNIT = {
    "바": ("퀴", "닥", "람", "깥", "꾸", "뀌", "늘", "르", "탕", "디", "위", "지", "둑"),
    "분": ("리", "말", "위기", "석", "류", "배", "출", "포", "량", "쇄", "필", "기"),
    "달": ("러", "걀"),
    "초": ("과", "반", "록", "음", "벌"),
    "도": ("가니", "금", "구", "장", "착", "움", "저", "체", "료"),
    "주": ("조", "물", "입", "변", "위", "축", "유", "행", "름", "년"),
    "일": ("반", "정한", "자", "단", "체"),
    "미터": ("기",),
    "프로": ("그", "세", "젝", "필"),
}
# Units of time, largest first: "2시간 30분" and "1분 30초" are one length of time.
TIME_ORDER = ("year", "month", "week", "day", "h", "min", "s")
_TIME_IN_SECONDS = {
    "year": 31_536_000,
    "month": 2_592_000,
    "week": 604_800,
    "day": 86_400,
    "h": 3600,
    "min": 60,
    "s": 1,
}
_HALF = re.compile(r"\s*반(?:(?![가-힣])|(?=[이가은는을를에도만동쯤정씩])(?!도체))")
# The lengths of time said one after the other as one: "1년 6개월", "두 달 열흘", "2시간 30분",
# "1분 30초". Not a day and its hours: "하루 8시간" is eight hours a day.
JOINED_TIMES = {("year", "month"), ("month", "day"), ("week", "day"), ("h", "min"), ("min", "s")}
# Between the two ends of a range: 20~25도, 20-25도, 20에서 25도, 20부터 25도.
_RANGE_GAP = re.compile(r"\s*(?:~|-|–|에서|부터)\s*")


# 분당 15리터 is 15 litres a minute, 5분당 15리터 three.
_PER = re.compile(r"(?:(?<![\d.])(?P<count>\d+(?:\.\d+)?))?\s*(?P<per>분|시간|초)\s*당\s*$")
_PER_UNIT = {"분": "min", "시간": "h", "초": "s"}
_AMOUNTS = {"L", "mL", "m", "mm", "cm", "kg", "g", "t"}


def range_ends(low: float, high: float) -> bool:
    """Whether two numbers said as "low to high" are a range's ends and not a label and a
    reading ("oven 2 to 180 °C", "라인 2에서 30분"): of one magnitude, or either side of zero."""
    if low == 0 or (low < 0) != (high < 0):
        return True
    return min(abs(low), abs(high)) * 10 >= max(abs(low), abs(high))


def _unit_goes_on(text: str, end: int, unit_word: str) -> bool:
    """Whether the unit word just before `end` is the start of another word (`_NOT_UNIT`); 3분의
    1 is a third (but 30분의 휴식 a half hour's rest)."""
    word = unit_word.strip().lower()
    if word == "분" and re.match(r"의\s*(?:\d|[일이삼사오육칠팔구십])", text[end:]):
        return True
    return text[end:].startswith(_NOT_UNIT.get(word, ()))


def _is_date(text: str, start: int, unit: str | None, value: float) -> bool:
    """3월 5일 is a day of the month and 2024년 a year, not lengths of time."""
    if unit == "day":
        return bool(re.search(r"(?<!개)월\s*$", text[max(0, start - 4) : start]))  # not 3개월 5일
    return unit == "year" and value >= 1000


def _joined_times(
    text: str, found: list[tuple[int, int, float, str | None]]
) -> list[tuple[int, int, float, str | None]]:
    """Two-part lengths of time as one ("2시간 30분" is 2.5 hours, "1시간 반" 1.5), and a range's
    first end given the unit said after its second (20~25도: 20 degrees too)."""
    out: list[tuple[int, int, float, str | None]] = []
    for start, end, value, unit in found:
        if out:
            p_start, p_end, p_value, p_unit = out[-1]
            gap = text[p_end:start]
            if p_unit is not None and unit is not None and (p_unit, unit) in JOINED_TIMES and not gap.strip():
                out[-1] = (p_start, end, p_value + value * _TIME_IN_SECONDS[unit] / _TIME_IN_SECONDS[p_unit], p_unit)
                continue
            if p_unit is None and unit is not None and _RANGE_GAP.fullmatch(gap) and range_ends(p_value, value):
                out[-1] = (p_start, p_end, p_value, unit)
        if unit in TIME_ORDER and (half := _HALF.match(text, end)):
            end, value = half.end(), value + 0.5
        out.append((start, end, value, unit))
    return out


def numbers_in(text: str) -> list[tuple[int, int, float, str | None]]:
    """Every number said in a Korean text: (start, end, value, unit or None), in order."""
    out: list[tuple[int, int, float, str | None]] = []
    for m in _NUMBER_TEXT.finditer(text):
        value = sino_number(m.group("number"))
        if value is None:
            continue
        unit = korean_unit(m.group("unit")) if m.group("unit") else None
        if unit is not None and (
            _unit_goes_on(text, m.end(), m.group("unit")) or _is_date(text, m.start(), unit, value)
        ):
            out.append((m.start(), m.start() + len(m.group("number")), value, None))
            continue
        per = _PER.search(text, max(0, m.start() - 12), m.start()) if unit in _AMOUNTS else None
        if per:
            count = float(per.group("count") or 1) or 1.0
            out = [n for n in out if n[1] <= per.start()]  # 5분당: the 5 is the rate's, no length of time
            out.append((per.start(), m.end(), value / count, f"{unit}/{_PER_UNIT[per.group('per')]}"))
            continue
        out.append((m.start(), m.end(), value, unit))
    for m in _NATIVE_TIME.finditer(text):
        if any(start < m.end() and m.start() < end for start, end, _, _ in out):
            continue
        if m.group("days"):
            out.append((m.start(), m.end(), float(DAYS[m.group("days")]), "day"))
            continue
        native = native_number(m.group("number")) if m.group("number") else None
        if native is not None:
            out.append(
                (
                    m.start(),
                    m.end(),
                    native,
                    "week" if m.group("unit").startswith("주") else korean_unit(m.group("unit")),
                )
            )
    return _joined_times(text, sorted(out))
