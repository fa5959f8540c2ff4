"""The situation form's variables: every one while they are few; at a real programme's size those
of the question, the rules found, the answer's questions, the step and the worker's picks."""

from rules import Action, Clause, Group, KnownRule, Operator, Rule, Variable
from ui.components.situation import ALL_UP_TO, FIRST, form_variables, steps, variables_of


def var(i: int) -> Variable:
    return Variable(name=f"v{i}", kind="number", unit="mm")


def known(key: str, *names: str, step: str | None = None) -> KnownRule:
    clauses = [Clause(text=f"{n} > 1 mm", variable=n, operator=Operator.GT, value=1.0, unit="mm") for n in names]
    rule = Rule(conditions=Group(items=clauses), actions=[Action(text="stop")], process_step=step)
    return KnownRule(key=key, rule=rule)


def test_a_small_catalogue_is_shown_whole() -> None:
    few = [var(i) for i in range(ALL_UP_TO)]
    assert form_variables(few, named=["v3"]) == few


def test_with_nothing_to_go_on_the_most_used_come_first() -> None:
    many = [var(i) for i in range(200)]
    assert form_variables(many) == many[:FIRST]


def test_the_question_the_rules_found_the_step_and_the_picks_decide_the_rest() -> None:
    many = [var(i) for i in range(200)]
    step = [known("1", "v150", "v151", step="preheat"), known("2", "v151", step="preheat")]
    shown = form_variables(many, named=["v120", "nonsense", "v7"], step_rules=step, picked=["v199", "v7"])
    assert [v.name for v in shown] == ["v120", "v7", "v199", "v151", "v150"]


def test_the_rules_say_what_they_test_and_in_which_steps() -> None:
    rules = [known("1", "v1", "v2", step="weld"), known("2", "v2", "v3", step="cut"), known("3", "v4")]
    assert variables_of(rules) == ["v1", "v2", "v3", "v4"]
    assert steps(rules) == ["cut", "weld"]
