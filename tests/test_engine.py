import pytest

from rules import (
    Action,
    Clause,
    Engine,
    FactSyntaxError,
    Group,
    KnownRule,
    Rule,
    parse_fact,
    parse_facts,
)


def known(key: str, *clauses: Clause, join: str = "all", exceptions: list[Clause] | None = None) -> KnownRule:
    rule = Rule(
        conditions=Group(join=join, items=list(clauses)),
        actions=[Action(text=f"do {key}")],  # type: ignore[arg-type]
        exceptions=exceptions or [],
    )
    return KnownRule(key=key, rule=rule, master="Park", quote=f"quote {key}")


RAIN = Clause(text="it rains", variable="weather", operator="==", value="rain")
HUMID = Clause(text="humidity above 80", variable="humidity", operator=">", value=80, unit="%")


def test_rule_fires_with_each_clause_and_the_fact_that_satisfied_it() -> None:
    answer = Engine([known("a", RAIN, HUMID)]).ask({"weather": "rain", "humidity": 85.0})
    [firing] = answer.fired
    assert firing.known.key == "a"
    assert [(m.clause.variable, m.fact_value) for m in firing.matched] == [("weather", "rain"), ("humidity", 85.0)]
    assert "humidity" in firing.explain()


def test_rule_does_not_fire_when_a_clause_fails() -> None:
    assert Engine([known("a", RAIN, HUMID)]).ask({"weather": "rain", "humidity": 50.0}).fired == []


def test_any_group_fires_on_one_alternative() -> None:
    engine = Engine([known("a", RAIN, HUMID, join="any")])
    assert [f.known.key for f in engine.ask({"humidity": 90.0}).fired] == ["a"]


@pytest.mark.parametrize(
    "clause,facts,fires",
    [
        (Clause(text="b", variable="t", operator="between", value=[1600, 1700]), {"t": 1650.0}, True),
        (Clause(text="b", variable="t", operator="between", value=[1600, 1700]), {"t": 1750.0}, False),
        (Clause(text="i", variable="gas", operator="in", value=["argon", "co2"]), {"gas": "CO2"}, True),
        (Clause(text="n", variable="gas", operator="!=", value="argon"), {"gas": "co2"}, True),
        (Clause(text="le", variable="t", operator="<=", value=5), {"t": 5.0}, True),
        (Clause(text="lt", variable="t", operator="<", value=5), {"t": 5.0}, False),
        (Clause(text="w", variable="wet", operator="is_true"), {"wet": True}, True),
        (Clause(text="w", variable="wet", operator="is_false"), {"wet": True}, False),
    ],
)
def test_each_operator_compiles_and_matches(clause: Clause, facts: dict[str, object], fires: bool) -> None:
    assert bool(Engine([known("a", clause)]).ask(facts).fired) is fires  # type: ignore[arg-type]


def test_exception_that_holds_stops_the_rule() -> None:
    dry = Clause(text="it is dry", variable="dry", operator="is_true")
    engine = Engine([known("a", RAIN, exceptions=[dry])])
    assert engine.ask({"weather": "rain", "dry": True}).fired == []
    answer = engine.ask({"weather": "rain"})
    assert [f.known.key for f in answer.fired] == ["a"]
    assert any("it is dry" in q for q in answer.questions)


def test_near_miss_rule_comes_back_as_a_question() -> None:
    cold = Clause(text="the steel is below 5 degrees", variable="steel_temperature", operator="<", value=5)
    answer = Engine([known("a", RAIN, cold)]).ask({"weather": "rain"})
    assert answer.fired == []
    assert answer.questions == ["What is steel temperature? (the master said: 'the steel is below 5 degrees')"]


def test_unmeasurable_clause_never_fires_but_is_asked() -> None:
    vague = Clause(text="the arc sounds wrong")
    engine = Engine([known("a", RAIN, vague)])
    answer = engine.ask({"weather": "rain"})
    assert answer.fired == [] and "a" in engine.untestable
    assert answer.questions == ["Does this hold: the arc sounds wrong?"]


def test_each_knowledge_base_state_gets_its_own_ruleset_and_asks_repeat() -> None:
    first, second = Engine([known("a", RAIN)]), Engine([known("a", RAIN), known("b", HUMID)])
    assert first.ruleset_name != second.ruleset_name
    for _ in range(3):  # the same situation twice must not raise a duplicate-fact error
        assert [f.known.key for f in first.ask({"weather": "rain", "humidity": 90.0}).fired] == ["a"]
    assert sorted(f.known.key for f in second.ask({"weather": "rain", "humidity": 90.0}).fired) == ["a", "b"]


def test_empty_knowledge_base_answers_nothing() -> None:
    assert Engine([]).ask({"weather": "rain"}).fired == []


@pytest.mark.parametrize(
    "item,expected",
    [
        ("humidity=85", ("humidity", 85.0)),
        ("weather=Rain", ("weather", "rain")),
        ("wet=true", ("wet", True)),
        ("t = 1,650", ("t", 1650.0)),
    ],
)
def test_fact_syntax(item: str, expected: tuple[str, object]) -> None:
    assert parse_fact(item) == expected


@pytest.mark.parametrize("item", ["humidity", "=5", "1x=5", "a b=3", "humidity="])
def test_bad_fact_syntax_names_the_problem(item: str) -> None:
    with pytest.raises(FactSyntaxError):
        parse_facts([item])
