"""PII redaction on its own: what is replaced, what is kept, and the report."""

import pytest

from knowledge_base.redaction import RedactionPolicy, Redactor


@pytest.mark.parametrize(
    "said,gone,placeholder",
    [
        ("Call him on 010-4821-7730 tonight.", "010-4821-7730", "<PHONE_NUMBER>"),
        ("Mail me at jaesung.park@hanbit-ship.co.kr please.", "hanbit-ship", "<EMAIL_ADDRESS>"),
        ("My number is 741203-1567891, keep it.", "741203-1567891", "<KR_RRN>"),
        ("My badge is EMP-48213 these days.", "EMP-48213", "<EMPLOYEE_ID>"),
        ("I learned it from Choi Young-soo at the yard.", "Young-soo", "<PERSON_1>"),
        ("My first foreman, old Mr. Kim, was strict.", "Kim", "<PERSON_1>"),
    ],
)
def test_each_kind_of_pii_becomes_a_typed_placeholder(said: str, gone: str, placeholder: str) -> None:
    redactor = Redactor()
    out = redactor.redact(said)
    assert gone not in out and placeholder in out
    assert sum(redactor.report.counts.values()) == 1


def test_the_master_keeps_his_name_and_ordinary_words_stay() -> None:
    redactor = Redactor(keep_names=("Park Jae-sung",))
    said = "Park Jae-sung here. Lunch is at noon. When it rains, we put up the screens."
    assert redactor.redact(said) == said
    assert redactor.report.as_dict() == {"counts": {}, "turns": []}


def test_one_name_gets_one_placeholder_throughout_a_transcript() -> None:
    redactor = Redactor()
    first = redactor.redact("Old Mr. Kim taught me.", turn=1)
    second = redactor.redact("We still say what Mr. Kim said.", turn=4)
    assert "<PERSON_1>" in first and "<PERSON_1>" in second
    assert redactor.report.as_dict() == {"counts": {"PERSON": 2}, "turns": [1, 4]}


def test_a_disabled_policy_changes_nothing() -> None:
    said = "Call 010-4821-7730."
    assert Redactor(RedactionPolicy(enabled=False)).redact(said) == said


@pytest.mark.parametrize(
    "said,gone,placeholder",
    [
        ("제 번호는 010-4821-7730이고 밤에도 돼요.", "010-4821-7730", "<PHONE_NUMBER>"),
        ("핸드폰 01048217730으로 하세요.", "01048217730", "<PHONE_NUMBER>"),
        ("사무실은 02-345-6789예요.", "02-345-6789", "<PHONE_NUMBER>"),
        ("주민번호는 741203-1567891이에요.", "741203-1567891", "<KR_RRN>"),
        ("김철수 반장님이 그렇게 가르쳤어요.", "김철수", "<PERSON_1>"),
        ("박 반장한테 물어보세요.", "박", "<PERSON_1>"),
        ("이영희 씨가 잘 알아요.", "이영희", "<PERSON_1>"),
        ("남궁민수 씨한테 배웠어요.", "남궁민수", "<PERSON_1>"),
    ],
)
def test_korean_pii_becomes_a_typed_placeholder(said: str, gone: str, placeholder: str) -> None:
    redactor = Redactor()
    out = redactor.redact(said)
    assert gone not in out and placeholder in out, out
    assert sum(redactor.report.counts.values()) == 1


@pytest.mark.parametrize(
    "said",
    [
        "김치찌개가 맛있어요.",
        "안동에서 왔어요. 한국은 겨울이 추워요.",
        "조선소에서 삼십오 년 일했어요.",
        "비가 오면 용접봉을 건조로에 두 시간 넣어 둬요.",
        "쇳물 온도가 1,600~1,700도 사이일 때는 산소를 줄여.",
    ],
)
def test_ordinary_korean_talk_and_places_stay(said: str) -> None:
    redactor = Redactor()
    assert redactor.redact(said) == said


def test_the_korean_master_keeps_his_name_even_where_the_analyser_cuts_it() -> None:
    redactor = Redactor(keep_names=("김옥순",))
    assert redactor.redact("김옥순 명장님, 감사합니다.") == "김옥순 명장님, 감사합니다."
