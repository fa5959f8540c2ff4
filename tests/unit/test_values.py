import pytest

from elicitation.values import find_measure, snake
from rules.english_numbers import words_to_number


@pytest.mark.parametrize(
    "text,number",
    [
        ("eighty", 80),
        ("twenty-five", 25),
        ("one hundred and fifty", 150),
        ("1,600", 1600),
        ("2.5", 2.5),
        ("a thousand six hundred", 1600),
        ("lunch", None),
        ("one and a half", 1.5),
        ("minus forty", -40),
        ("one point five", 1.5),
        ("nought point two five", 0.25),
        ("half a", 0.5),
    ],
)
def test_numbers_in_digits_and_words(text: str, number: float | None) -> None:
    assert words_to_number(text) == number


@pytest.mark.parametrize(
    "text,op,value,unit",
    [
        ("the humidity is above eighty percent", ">", 80, "%"),
        ("plates thicker than 25 mm", ">", 25, "mm"),
        ("the melt is 1,600-1,700 °C", "between", [1600, 1700], "degC"),
        ("between 1600 and 1700 degrees", "between", [1600, 1700], "degC"),
        ("at least five minutes", ">=", 5, "min"),
        ("it is 90% or more", ">=", 90, "%"),
        ("less than twenty-five millimetres", "<", 25, "mm"),
        ("the steel is below 5 degrees", "<", 5, "degC"),
        ("once the melt reaches 1,650 degrees", ">=", 1650, "degC"),
        ("the wind is stronger than 5 m/s", ">", 5, "m/s"),
        ("the bath is between fifty and fifty-five degrees C", "between", [50, 55], "degC"),
        ("the gauge shows at least twenty-five microns", ">=", 25, "um"),
        ("the etch goes on longer than a minute", ">", 1, "min"),
        ("anything harder than forty HRC", ">", 40, "HRC"),
        ("the dew point is higher than minus forty degrees", ">", -40, "degC"),
        ("the parts are closer than twenty-five millimetres", "<", 25, "mm"),
        ("a tyre weighs more than half a kilo over", ">", 0.5, "kg"),
        ("you open the press before eleven minutes", "<", 11, "min"),
        ("the resistance is over 10 ohms", ">", 10, "ohm"),
    ],
)
def test_comparisons_become_operator_value_unit(text: str, op: str, value: object, unit: str) -> None:
    m = find_measure(text)
    assert m is not None and (m.operator, m.value, m.unit) == (op, value, unit)


def test_text_without_a_comparison_has_no_measure() -> None:
    assert find_measure("lunch is at noon") is None


def test_variable_names_are_identifiers() -> None:
    assert snake("the arc length") == "arc_length"
    assert snake("25 mm") == ""


def test_a_trailing_or_lower_says_which_way_whatever_the_verb_before() -> None:
    lower = find_measure("the dip reads 1,360 or lower")
    assert lower is not None and (lower.operator, lower.value) == ("<=", 1360.0)
    less = find_measure("it reads 5 mm or less")
    assert less is not None and (less.operator, less.unit) == ("<=", "mm")
    longer = find_measure("30 minutes or longer")
    assert longer is not None and (longer.operator, longer.value, longer.unit) == (">=", 30.0, "min")
    shows = find_measure("the gauge shows 3 bar or more")
    assert shows is not None and shows.operator == ">="
