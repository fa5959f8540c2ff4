"""Issue 23: privacy that keeps the craft. Every free-text field is redacted (turns, speaker
labels, titles, file names, notes, review comments, edit reasons, captions); ranges, electrode
classes, standards and part numbers are kept."""

from __future__ import annotations

import json

import pytest

from elicitation import extract_transcript, parse_bytes
from knowledge_base import KnowledgeBase
from knowledge_base.redaction import Redactor

PERSONAL = [
    ("Call Mr. Thompson before the pour.", "Thompson"),
    ("Ms. Rivera said 3-4 minutes.", "Rivera"),
    ("Mr. O'Brien changed the charge.", "O'Brien"),
    ("정대호한테 물어보니까 예열은 150도래요.", "정대호"),
    ("제 메일은 daeho.jung@naver.com이에요.", "daeho.jung"),
    ("자료는 이영희 과장님께 보내 주세요.", "이영희"),
    ("한 박사님이 절차서를 봤어요.", "한 박사"),
    ("Ship it to 221 Baker Street, London NW1 6XE.", "Baker Street"),
    ("공장은 부산광역시 영도구 태종로 233번길 5에 있어요.", "태종로"),
    ("주소는 서울시 강남구 테헤란로 123이에요.", "강남구"),
    ("My badge number is 58812.", "58812"),
    ("제 사번은 19960387입니다.", "19960387"),
]
CRAFT = [
    ("Heat it to between 1600-1650 degrees.", "1600-1650 degrees"),
    ("Root pass with E6010, cap with E7018.", "E7018"),
    ("Everything ships under ISO-9001 and KS-3503.", "KS-3503"),
    ("That's DWG-3310-B on the drawing.", "DWG-3310-B"),
    ("Part P/N 4471-2209 from batch 2024-0315-A.", "4471-2209"),
    ("전류는 250~300 A로 둬요.", "250~300 A"),
    ("KS D 3503 기준 SS400이에요.", "KS D 3503"),
    ("The Miller runs hotter than the Lincoln.", "Miller"),
    ("노즐은 자주 닦아야 돼요.", "노즐"),
]


@pytest.mark.parametrize(("said", "gone"), PERSONAL)
def test_personal_data_of_every_shape_is_redacted(said: str, gone: str) -> None:
    assert gone not in Redactor().redact(said)


@pytest.mark.parametrize(("said", "kept"), CRAFT)
def test_the_crafts_tokens_are_kept(said: str, kept: str) -> None:
    assert kept in Redactor().redact(said)


def test_speaker_labels_lose_phones_emails_and_other_peoples_names() -> None:
    r = Redactor(keep_names=("Park Jae-sung",))
    assert r.label("John Doe 010-9999-8888") == "<PERSON_1> <PHONE_NUMBER>"
    assert r.label("Interviewer (Dana Lee, dana.lee@craftlore.io)") == "Interviewer (<PERSON_2>, <EMAIL_ADDRESS>)"
    assert r.label("김철수 (010-1234-5678)").startswith("<PERSON_3> ") and "010" not in r.label(
        "김철수 (010-1234-5678)"
    )
    assert [r.label(x) for x in ("Park Jae-sung", "Mr. Park", "Interviewer", "면담자", "명장")] == [
        "Park Jae-sung",
        "Mr. Park",
        "Interviewer",
        "면담자",
        "명장",
    ]


PLANTED = (
    b"Recorded by Dana Lee, 010-5555-1234\n"
    b"Interviewer: Ask Mr. Thompson, he keeps it between 1600-1650 degrees.\n"
    b"John Doe 010-9999-8888: If the plate is thicker than 25 mm, preheat it to 120 degrees with E7018 rods.\n"
)


def test_nothing_planted_in_a_label_title_file_name_or_note_reaches_the_database(kb: KnowledgeBase) -> None:
    master = kb.register_master("Park Jae-sung", craft="welding")
    kb.record_consent(master, ["internal_guidance"])
    name = "thompson_010-7777-6666.txt"
    transcript = parse_bytes(PLANTED.replace(b"John Doe 010-9999-8888:", b"Speaker 2:"), name)
    speaker_in_whisper = json.dumps(
        {"segments": [{"start": 0, "end": 2, "speaker": "John Doe 010-9999-8888", "text": PLANTED.decode()[-100:]}]}
    ).encode()
    result = kb.import_transcript(
        master, transcript, PLANTED, extract_transcript, title="Interview with Dana Lee (dana.lee@craftlore.io)"
    )
    other = kb.import_transcript(
        master, parse_bytes(speaker_in_whisper, "w.json"), speaker_in_whisper, extract_transcript
    )
    assert result.rule_ids and other.transcript_id
    dump = json.dumps(kb.backup(), ensure_ascii=False)
    for value in ("Dana", "5555-1234", "Thompson", "7777-6666", "John Doe", "9999-8888", "craftlore"):
        assert value not in dump, value
    for value in ("1600-1650 degrees", "E7018", "Park Jae-sung"):
        assert value in dump, value
    rule = kb.get_rule(result.rule_ids[0])
    kb.review(rule.id, "needs_discussion", expected_version=rule.version, comment="Mr. Thompson says 010-2222-3333")
    edited = kb.get_rule(rule.id).rule.model_dump()
    edited["rationale"] = "as Ms. Rivera taught, at 1600-1650 degrees"
    kb.edit_rule(rule.id, edited, reason="Ms. Rivera's note", expected_version=rule.version + 1)
    after = json.dumps(kb.backup(), ensure_ascii=False)
    for value in ("Thompson", "2222-3333", "Rivera"):
        assert value not in after, value
    assert "at 1600-1650 degrees" in kb.get_rule(rule.id).rule.rationale
