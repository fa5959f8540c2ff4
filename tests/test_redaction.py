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
