import pytest
from pydantic import ValidationError

from rules import Action, Clause, Group, Operator, Rule


def test_measurable_clause_keeps_variable_operator_value_unit() -> None:
    c = Clause(text="humidity above 80 %", variable="humidity", operator=">", value=80, unit="%")
    assert c.measurable and c.operator is Operator.GT


def test_clause_with_only_words_is_valid_and_not_measurable() -> None:
    assert not Clause(text="the arc sounds wrong").measurable


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"variable": "humidity"}, "needs an operator"),
        ({"variable": "humidity", "operator": ">", "value": "high"}, "needs a number"),
        ({"variable": "t", "operator": "between", "value": [5, 1]}, "low first"),
        ({"variable": "t", "operator": "in", "value": []}, "non-empty list"),
        ({"variable": "wet", "operator": "is_true", "value": 1}, "takes no value"),
        ({"variable": "bad name", "operator": "==", "value": 1}, "letters, digits and underscores"),
        ({"operator": "==", "value": 1}, "no variable"),
        ({"variable": "x", "operator": "~=", "value": 1}, "operator"),
    ],
)
def test_invalid_clause_is_refused_with_a_reason(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Clause(text="t", **fields)  # type: ignore[arg-type]


def test_rule_needs_an_action() -> None:
    with pytest.raises(ValidationError, match="at least one action"):
        Rule(actions=[])


def test_nested_groups_round_trip_through_json() -> None:
    rule = Rule(
        conditions=Group(
            join="all",
            items=[
                Clause(text="it rains", variable="weather", operator="==", value="rain"),
                Group(join="any", items=[Clause(text="thick", variable="t", operator=">", value=25)]),
            ],
        ),
        actions=[Action(text="preheat")],
    )
    again = Rule.model_validate_json(rule.model_dump_json())
    assert again == rule
    assert [c.text for c in again.clauses()] == ["it rains", "thick"]


def test_contract_form_lists_clauses_flat_with_offsets() -> None:
    rule = Rule(conditions=Group(items=[Clause(text="x", start=3, end=4)]), actions=[Action(text="y", start=6, end=7)])
    data = rule.to_contract()
    assert data["conditions"][0]["start"] == 3 and data["actions"][0]["end"] == 7
    assert {"confidence", "certainty"} <= data.keys()


def test_the_summary_line_names_the_exceptions() -> None:
    from rules import Action, Clause, Group, Rule

    rule = Rule(
        conditions=Group(items=[]),
        actions=[Action(text="do not attach it")],
        exceptions=[Clause(text="the punty is glowing")],
    )
    assert rule.summary() == "IF (always) THEN do not attach it UNLESS the punty is glowing"
