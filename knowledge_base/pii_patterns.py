"""The shapes of personal data the statistical tagger misses, and of craft tokens it must not take.

Found by pattern: a name after a title ("Mr. Thompson", "Dr. Catherine Howell"); an e-mail address
that a Korean particle follows with no space (name@host.kr이에요); street addresses in English
("221 Baker Street", "45 Harbour Road, Southampton SO14 2AQ") and Korean (서울시 강남구 테헤란로 123);
a Hangul name before a title or a particle said of people (정대호한테, 최영수 기사가); an employee or
badge number where the words say so ("my badge number is 58812", 사번은 19960387).

Kept, whatever a recogniser says: ranges ("1600-1650 degrees", 250~300 A), electrode and material
classes (E7018, ER70S-6, SM490A), standards (ISO-9001, KS D 3503, EN 10025-2), part, batch, heat and
drawing numbers (P/N 4471-2209, DWG-3310-B), dates and times, and numbers with a unit after them.
"""

from __future__ import annotations

import re

# --- what is kept -------------------------------------------------------------------------------

# Standards bodies, classes and document kinds whose codes look like phone or employee numbers.
_CODE_PREFIX = (
    r"ISO|IEC|KS|KSD|ASTM|ASME|AWS|API|EN|BS|DIN|JIS|GB|SAE|NFPA|MIL|UL|IPC|ANSI|AISI|UNS|NACE|"
    r"DWG|WPS|PQR|WPQ|NCR|ECN|PO|SO|WO|SS|SM|SUS|STS|SPCC|SPHC|SCM|SKD|AH|DH|EH|FH|ER|ENi|SAC|A|S|P|D"
)
_CODE = re.compile(rf"^(?:{_CODE_PREFIX})[-/ ]?\d", re.IGNORECASE)
_ELECTRODE = re.compile(r"^E\d{3,5}[A-Z0-9\-]*$")  # E7018, E6013, E71T-1, E11018-M (no hyphen after E)
# Words before a number that say it names a part, a batch, a drawing: a thing, not a person.
_THING_BEFORE = re.compile(
    r"(?:\bP/?N|\bpart(?:\s+(?:no\.?|number|#))?|\bitem|\bbatch|\blot|\bheat(?:\s+(?:no\.?|number))?|\bcast|"
    r"\bserial(?:\s+(?:no\.?|number))?|\bs/n|\bmodel|\bdrawing(?:\s+(?:no\.?|number))?|\bdwg|\border|\bjob|"
    r"\bspec(?:ification)?|\brev(?:ision)?|\bno\.|\bsample|\bcoupon|\bcert(?:ificate)?|\bmill\s+cert|"
    r"품번|부품\s*번호|도번|도면\s*번호는?|로트|배치|히트\s*번호|시리얼|모델|주문\s*번호|사양)\s*[:#]?\s*$",
    re.IGNORECASE,
)
_UNIT_AFTER = re.compile(
    r"^\s*(?:°|º|℃|℉|deg(?:rees?)?\b|[kKmMcµ]?(?:m|g|l|L|A|V|W|Pa|Hz|s)\b|mm\b|cm\b|amps?\b|volts?\b|"
    r"bar\b|psi\b|ipm\b|rpm\b|%|passes\b|minutes?\b|min\b|seconds?\b|sec\b|hours?\b|hrs?\b|days?\b|times\b|"
    r"tons?\b|kg\b|도|밀리|미리|센티|암페어|볼트|분|초|시간|일|톤|킬로|%|회|번|바퀴)",
)
_RANGE = re.compile(r"^([1-9]\d{0,4}(?:[.,]\d+)?)\s*[-–~]\s*([1-9]\d{0,4}(?:[.,]\d+)?)$")
_DATE = re.compile(r"^(?:19|20)\d{2}[-./](?:0?[1-9]|1[0-2])[-./](?:0?[1-9]|[12]\d|3[01])$")
_RANGE_WORD_BEFORE = re.compile(
    r"(?:\bbetween|\bfrom|\babout|\baround|\broughly|\bkeep(?:\s+it)?(?:\s+at)?)\s*$", re.IGNORECASE
)


def _is_range(candidate: str, before: str, after: str) -> bool:
    m = _RANGE.match(candidate.strip())
    if not m:
        return False
    low, high = (float(g.replace(",", "")) for g in m.groups())
    if _UNIT_AFTER.match(after) or _RANGE_WORD_BEFORE.search(before):
        return True
    # "1600-1650": two numbers of one size, the second the larger; a local phone number has
    # groups of different sizes ("555-1234") or opens with 0 (010-, 02-).
    return len(m.group(1)) == len(m.group(2)) and high > low


def technical(text: str, start: int, end: int) -> bool:
    """Is text[start:end], which a recogniser took for a number of a person, a craft token?"""
    candidate = text[start:end].strip()
    before, after = text[max(0, start - 40) : start], text[end : end + 12]
    if _CODE.match(candidate) or _ELECTRODE.match(candidate) or _DATE.match(candidate):
        return True
    if re.search(rf"(?:^|[\s(])(?:{_CODE_PREFIX})\s*$", before, re.IGNORECASE) and re.match(r"^[\d\-]", candidate):
        return True  # "KS D 3503", "EN 10025-2", "ISO 3834-2"
    if _THING_BEFORE.search(before):
        return True
    if _is_range(candidate, before, after):
        return True
    return bool(_UNIT_AFTER.match(after)) and not candidate.startswith(("0", "+"))


# --- what is personal ---------------------------------------------------------------------------

_TITLE_WORDS = r"(?:Mr|Mrs|Ms|Mx|Dr|Prof|Mister|Miss|Madam|Mme|Sr|Sra)"
_NAME_WORD = r"(?:[A-Z]'[A-Z][a-zA-Z]+|[A-Z][a-zA-Z\-]+(?:'[A-Z][a-zA-Z]+)?)"  # O'Brien, Jae-sung
TITLED_NAME = rf"\b{_TITLE_WORDS}\.?(?:\s+and\s+{_TITLE_WORDS}\.?)?\s+{_NAME_WORD}(?:\s+{_NAME_WORD})?"
TITLE_PREFIX = re.compile(rf"^{_TITLE_WORDS}\.?(?:\s+and\s+{_TITLE_WORDS}\.?)?\s+", re.IGNORECASE)

# ASCII only, so that a Korean particle after the address (name@host.kr이에요) is not taken for it.
EMAIL = r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,24}(?![A-Za-z0-9])"

_STREET = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Way|Parkway|Pkwy|Court|Ct|Place|Pl|"
    r"Terrace|Close|Crescent|Highway|Hwy|Square|Sq)"
)
_UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}"
ENGLISH_ADDRESS = (
    rf"\b\d{{1,5}}[A-Za-z]?\s+(?:[A-Z][a-zA-Z]+\s+){{1,3}}{_STREET}\b\.?"
    rf"(?:,?\s+(?:[A-Z][a-zA-Z]+)(?:\s+[A-Z][a-zA-Z]+){{0,2}})?"
    rf"(?:,?\s+(?:[A-Z]{{2}}\s+\d{{5}}(?:-\d{{4}})?|{_UK_POSTCODE}))?"
)
KOREAN_ADDRESS = (
    r"(?<![가-힣])(?:[가-힣]{2,}(?:특별자치시|특별자치도|특별시|광역시|시|도)\s+)?"
    r"(?:[가-힣]{1,}(?:시|군|구)\s+){1,2}"
    r"(?:[가-힣0-9]+(?:대로|로|길)\s*\d+(?:\s*번?길\s*\d+)?(?:-\d+)?|[가-힣]+(?:동|읍|면|리)\s+\d+(?:-\d+)?)(?:\s*번지)?"
)

HANGUL_TITLE_WORDS = (
    "씨", "님", "군", "양", "반장", "과장", "부장", "사장", "대리", "주임", "팀장", "실장", "차장", "계장", "소장",
    "공장장", "선배", "후배", "선생", "기사", "형", "형님", "누나", "언니", "오빠", "사원", "대표", "이사", "책임",
    "선임", "수석", "명장", "박사", "교수", "조장", "직장", "반원", "여사", "옹", "할아버지", "아저씨",
)  # fmt: skip
# Particles said only of people: "정대호한테", "이 과장에게".
PERSON_PARTICLES = ("한테서", "한테", "에게서", "에게", "께서", "께", "더러")
_SURNAME_CHARS = (
    "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공현함변염"
    "여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부"
)
_TITLES_ALT = "|".join(sorted(HANGUL_TITLE_WORDS, key=len, reverse=True))
HANGUL_NAME = (
    rf"(?<![가-힣])(?:남궁|황보|제갈|선우|독고|사공|서문|[{_SURNAME_CHARS}])[가-힣]{{2}}"
    rf"(?=\s?(?:{_TITLES_ALT})|(?:{'|'.join(PERSON_PARTICLES)}))"
)
# A lone surname before a job title ("한 박사님", "최 과장"): the surname is the person.
_JOB_TITLES = "박사|과장|부장|반장|사장|대리|주임|팀장|실장|차장|계장|소장|공장장|선배|기사|책임|선임|수석|명장|교수|조장|여사|선생"
SURNAME_BEFORE_TITLE = rf"(?<![가-힣])[{_SURNAME_CHARS}](?=\s(?:{_JOB_TITLES})(?![가-힣])|\s(?:{_JOB_TITLES})(?:님|께|이|가|은|는|을|를|의|한테|에게))"

# Words a speaker label uses for a role, not a person.
ROLE_WORDS = frozenset(
    {
        "interviewer", "master", "speaker", "moderator", "question", "answer", "note", "taker", "host", "guest",
        "narrator", "translator", "interpreter", "unknown", "crowd", "audience", "both", "all", "q", "a",
        "면담자", "명장", "질문자", "답변자", "기록자", "사회자", "진행자", "통역", "통역사", "화자",
    }
)  # fmt: skip
_LABEL_NAME = re.compile(r"\b[A-Z][a-z]+(?:[\- ][A-Z][a-z]+){1,2}\b")
_LABEL_HANGUL_NAME = re.compile(
    rf"(?<![가-힣])(?:남궁|황보|제갈|선우|독고|사공|서문|[{_SURNAME_CHARS}])[가-힣]{{1,2}}(?![가-힣])"
)


def label_names(label: str) -> list[tuple[int, int]]:
    """Spans of a speaker label that name a person: capitalised words ("John Doe", "Hank
    Morrison") or a Hangul name that is not a role word (면담자, 명장)."""
    spans = []
    for m in (*_LABEL_NAME.finditer(label), *_LABEL_HANGUL_NAME.finditer(label)):
        words = re.split(r"[\s\-]+", m.group().lower())
        if not any(w in ROLE_WORDS for w in words) and m.group() not in NOT_PEOPLE:
            spans.append((m.start(), m.end()))
    return spans


# Employee and badge numbers: said to be one ("my badge number is 58812", 사번은 19960387).
_STAFF_WORDS = re.compile(
    r"(?:\b(?:employee|staff|personnel|badge|worker|clock|payroll)(?:\s+(?:id|no\.?|number|#|code))?|사번|사원\s*번호|직원\s*번호|"
    r"사원증\s*번호)\s*(?:is|was|:|#|은|는|이|가)?\s*(?:제\s*)?$",
    re.IGNORECASE,
)
STAFF_NUMBER = r"(?<![\w.\-])(?:[A-Z]{1,3}-)?\d{4,10}(?![\d\-]|[.,]\d|[A-Za-z])"


def said_to_be_staff_number(text: str, start: int) -> bool:
    return bool(_STAFF_WORDS.search(text[max(0, start - 40) : start]))


# Words the tagger takes for people that are the craft's eponyms, tests and makers.
NOT_PEOPLE = frozenset(
    {
        "Charpy", "Rockwell", "Brinell", "Vickers", "Knoop", "Izod", "Mohs", "Bessemer", "Siemens", "Jacquard",
        "Bunsen", "Kelvin", "Celsius", "Fahrenheit", "Lincoln", "Miller", "Hobart", "Fronius", "Kemppi", "Esab",
        "ESAB", "Kobelco", "Hyundai", "Panasonic", "Thermadyne", "Hypertherm", "Tig", "Mig", "Cherry", "Straw",
        "Bourdon", "Pitot", "Venturi", "Vernier", "Allen", "Phillips", "Bridgeport", "Babbitt", "Martens",
    }
)  # fmt: skip
_DETERMINER_BEFORE = re.compile(r"\b(?:the|a|an|our|old|new|that|this|those|these|his|her|my|your)\s+$", re.IGNORECASE)


def not_a_person(text: str, start: int, end: int) -> bool:
    """A span the tagger took for a name that is a maker, a test or a thing ("the Miller", "Charpy
    V-notch", "SM490A")."""
    span = text[start:end]
    words = span.split()
    if any(w.strip(".,'") in NOT_PEOPLE for w in words):
        return True
    if re.search(r"\d", span) or re.fullmatch(r"[A-Z0-9\-]{2,}", span):
        return True
    return len(words) == 1 and bool(_DETERMINER_BEFORE.search(text[max(0, start - 12) : start]))
