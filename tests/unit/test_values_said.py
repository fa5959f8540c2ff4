"""Numbers as masters say them that were read wrong on interviews nobody tuned for (issue 20,
values): fractions of a unit, "an hour", areas, conductivity and ppm, counts of events, "is up
to" as reached, "no more than" that is no negation; in Korean digit-by-digit decimals, units Kiwi
cuts in two, 년, counts with 번, and 이상 under a negation."""

import pytest

from elicitation import extract_text
from elicitation.values import find_measure
from rules.english_numbers import words_to_number


@pytest.mark.parametrize(
    "text,op,value,unit",
    [
        ("the burr is no more than a tenth of a millimetre", "<=", 0.1, "mm"),
        ("out of the dryer more than an hour", ">", 1.0, "h"),
        ("anything over 2 square metres on a rack", ">", 2.0, "m**2"),
        ("the conductivity goes over 200 microsiemens", ">", 200.0, "uS/cm"),
        ("hardness over 50 ppm", ">", 50.0, "ppm"),
        ("anything older than seven years", ">", 7.0, "year"),
        ("until the hydraulic oil is up to about forty degrees", ">=", 40.0, "degC"),
        ("until the mould's up to 60 degrees", ">=", 60.0, "degC"),
        ("fill it up to 40 litres", "<=", 40.0, "L"),
        ("if the gap is up to a millimetre", "<=", 1.0, "mm"),
        ("once it gets up to 200 degrees", ">=", 200.0, "degC"),
        ("more than three eighths of an inch", ">", 0.375, "inch"),
        ("it's had its sixty days", ">=", 60.0, "day"),
        ("two repairs on the same spot", ">=", 2.0, None),
        ("five bad shots in a row on start-up", ">=", 5.0, None),
        ("the cycle's been steady for about twenty shots", ">=", 20.0, None),
    ],
)
def test_numbers_as_said(text: str, op: str, value: float, unit: str | None) -> None:
    m = find_measure(text)
    assert m is not None, text
    assert (m.operator, m.value, m.unit) == (op, value, unit)


@pytest.mark.parametrize(
    "text",
    [
        "two of us",
        "in two minutes",
        "we had two days off",
        "a few minutes",
        "it has run for three days straight",
        "two parts resin to one part hardener",
    ],
)
def test_no_threshold_where_none_is_said(text: str) -> None:
    assert find_measure(text) is None


def test_fractions_of_a_unit() -> None:
    assert words_to_number("a tenth of a") == 0.1
    assert words_to_number("three quarters of an") == 0.75


def _clause(text: str, exception: bool = False) -> tuple[object, ...]:
    (rule,) = extract_text(text)
    clause = (rule.exceptions if exception else rule.clauses())[0]
    return (clause.variable, clause.operator.value if clause.operator else None, clause.value, clause.unit)


def test_no_more_than_is_no_negation_of_the_threshold() -> None:
    assert _clause("If the burr's no more than a tenth of a millimetre, leave it.")[1:] == ("<=", 0.1, "mm")
    assert _clause("If it isn't over 5 mm, leave it.")[1:] == ("<=", 5.0, "mm")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("탄소가 영 점 영 오 퍼센트 밑이면 멈춰요.", ("탄소", "<", 0.05, "%")),
        ("질소 압력이 영 점 삼 메가파스칼 이하로 떨어지면 멈춰요.", ("질소_압력", "<=", 0.3, "MPa")),
        ("경도가 오십 피피엠 넘는 경우에는 킬레이트제를 넣어요.", ("경도", ">", 50, "ppm")),
        ("두 달 넘게 묵히면 맛이 깊어져요.", ("기간", ">", 2, "month")),
        ("같은 자리를 두 번 폈는데도 또 들어가면 판을 갈아요.", ("횟수", ">=", 2, None)),
        ("두께가 5밀리 이상 안 되면 버려요.", ("두께", "<", 5, "mm")),
        ("30분 이상 안 움직이면 전원을 꺼요.", ("시간", ">=", 30, "min")),
    ],
)
def test_korean_numbers_as_said(text: str, expected: tuple[object, ...]) -> None:
    assert _clause(text) == expected


def test_a_korean_exception_short_of_a_threshold_tests_the_threshold_reached() -> None:
    # "unless it reaches 200 degrees or more": the case that stops the rule
    assert _clause("온도가 200도 이상 되지 않는 한 계속 돌려요.", exception=True) == ("온도", ">=", 200, "degC")


def test_a_time_said_after_a_threshold_subjects_step_is_a_condition_too() -> None:
    (rule,) = extract_text("Any wheel over ten kilos gets turned every day for the first month.")
    said = [(c.text, c.operator.value if c.operator else None, c.value, c.unit) for c in rule.clauses()]
    assert said == [("Any wheel over ten kilos", ">", 10.0, "kg"), ("for the first month", "<=", 1.0, "month")]
    assert [a.text for a in rule.actions] == ["gets turned every day"]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("한 번 끓어오르면 불을 줄이세요.", ("끓어오르다", "is_true", None, None)),
        ("밀가루를 한 번에 십 킬로 넘게 넣을 때는 나눠서 넣으세요.", ("무게", ">", 10, "kg")),
    ],
)
def test_korean_once_and_at_a_time_are_no_count(text: str, expected: tuple[object, ...]) -> None:
    assert _clause(text) == expected
