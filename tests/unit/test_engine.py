import pytest

from rules import (
    Action,
    Clause,
    Engine,
    FactError,
    FactSyntaxError,
    Group,
    KnownRule,
    Operator,
    Quantity,
    Rule,
    answer_lines,
    answer_to_dict,
    facts_from_json,
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
    assert any("it is dry" in q.text for q in answer.questions)


def test_near_miss_rule_comes_back_as_a_question() -> None:
    cold = Clause(text="the steel is below 5 degrees", variable="steel_temperature", operator="<", value=5)
    answer = Engine([known("a", RAIN, cold)]).ask({"weather": "rain"})
    assert answer.fired == []
    [question] = answer.questions
    assert question.text == "Is steel temperature below 5? (the master said: 'the steel is below 5 degrees')"
    assert (question.variable, question.rules) == ("steel_temperature", ("a",))


def test_unmeasurable_clause_never_fires_but_is_asked() -> None:
    vague = Clause(text="the arc sounds wrong")
    engine = Engine([known("a", RAIN, vague)])
    answer = engine.ask({"weather": "rain"})
    assert answer.fired == [] and "a" in engine.untestable
    assert [q.text for q in answer.questions] == ["Does this hold: the arc sounds wrong?"]


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


@pytest.mark.parametrize("item", ["humidity", "=5", "1x=5", "a-b=3", "humidity="])
def test_bad_fact_syntax_names_the_problem(item: str) -> None:
    with pytest.raises(FactSyntaxError):
        parse_facts([item])


# --- units -------------------------------------------------------------------------------------

MELT = Clause(text="the melt is above 1550 degrees", variable="temperature", operator=">", value=1550, unit="degC")


@pytest.mark.parametrize(
    "given,fires",
    [
        ("1600 degC", True),
        ("2912 degF", True),  # the same temperature in Fahrenheit
        ("1873.15 K", True),
        ("1500 degC", False),
        ("2700 degF", False),  # 1482 degC
        ("1600", True),  # no unit: read in the unit the rules use
    ],
)
def test_facts_in_any_unit_of_the_same_dimension_are_the_same_fact(given: str, fires: bool) -> None:
    answer = Engine([known("a", MELT)]).ask(parse_facts([f"temperature={given}"]))
    assert bool(answer.fired) is fires


def test_explanation_shows_the_fact_as_given() -> None:
    [firing] = Engine([known("a", MELT)]).ask(parse_facts(["temperature=2912 degF"])).fired
    assert firing.matched[0].fact_value == Quantity(2912.0, "degF")
    assert "2912 degF" in firing.explain()


def test_clauses_in_different_units_are_compared_in_one_unit() -> None:
    hot_f = Clause(text="above 2900 F", variable="temperature", operator=">", value=2900, unit="degF")
    engine = Engine([known("c", MELT), known("f", hot_f), known("c2", MELT)])
    assert engine.units == {"temperature": "degC"}
    fired = {f.known.key for f in engine.ask(parse_facts(["temperature=1600 degC"])).fired}
    assert fired == {"c", "f", "c2"}  # 1600 degC = 2912 degF > 2900 degF


def test_a_fact_in_a_unit_that_cannot_measure_the_variable_is_refused_by_name() -> None:
    with pytest.raises(FactError, match=r"temperature.*'mm'.*degC"):
        Engine([known("a", MELT)]).ask(parse_facts(["temperature=5 mm"]))


def test_facts_from_json_accept_units_and_reject_nonsense() -> None:
    facts = facts_from_json({"temperature": {"value": 2912, "unit": "degF"}, "weather": "Rain", "n": 3})
    assert facts == {"temperature": Quantity(2912.0, "degF"), "weather": "rain", "n": 3.0}
    for bad in ([1], {"t": [1]}, {"t": {"value": 1, "unit": "furlongs per blorp"}}, {"1t": 2}, {"t": " "}):
        with pytest.raises(FactSyntaxError):
            facts_from_json(bad)


# --- forward chaining --------------------------------------------------------------------------


def test_a_derived_fact_makes_other_rules_fire_and_the_chain_is_explained() -> None:
    treat_as_rain = KnownRule(
        key="humid",
        rule=Rule(
            conditions=Group(items=[HUMID]),
            actions=[Action(text="treat it as rain", variable="weather", value="rain")],
        ),
    )
    preheat = known("preheat", RAIN)
    answer = Engine([preheat, treat_as_rain]).ask({"humidity": 85.0})
    assert {f.known.key for f in answer.fired} == {"humid", "preheat"}
    firing = next(f for f in answer.fired if f.known.key == "preheat")
    assert firing.matched[0].derived_by == "humid"
    assert [(d.variable, d.value, d.rule_key) for d in firing.chain] == [("weather", "rain", "humid")]
    assert "derived: rule #humid set weather = rain" in "\n".join(answer_lines(answer))
    assert answer_to_dict(answer)["derived"] == {"weather": {"value": "rain", "unit": None, "rule_id": "humid"}}


def test_chains_run_to_a_fixpoint_and_given_facts_win_over_derived_ones() -> None:
    def setter(key: str, clause: Clause, var: str, value: str) -> KnownRule:
        action = Action(text=f"set {var}", variable=var, value=value)
        return KnownRule(key=key, rule=Rule(conditions=Group(items=[clause]), actions=[action]))

    a = setter("a", Clause(text="x", variable="x", operator="is_true"), "y", "on")
    b = setter("b", Clause(text="y on", variable="y", operator="==", value="on"), "z", "on")
    c = known("c", Clause(text="z on", variable="z", operator="==", value="on"))
    engine = Engine([c, b, a])
    answer = engine.ask({"x": True})
    assert {f.known.key for f in answer.fired} == {"a", "b", "c"}
    assert [d.rule_key for d in next(f for f in answer.fired if f.known.key == "c").chain] == ["a", "b"]
    assert {f.known.key for f in engine.ask({"x": True, "y": "off"}).fired} == {"a"}


def test_a_rule_whose_exception_holds_is_reported_as_blocked() -> None:
    dry = Clause(text="unless it is dry", variable="dry", operator="is_true")
    answer = Engine([known("a", RAIN, exceptions=[dry])]).ask({"weather": "rain", "dry": True})
    assert answer.fired == [] and [(k.key, c.text) for k, c in answer.blocked] == [("a", "unless it is dry")]


def test_questions_read_as_yes_no_questions_with_units() -> None:
    cold = Clause(text="the steel is below 5 degC", variable="steel_temperature", operator="<", value=5, unit="degC")
    [q] = Engine([known("a", RAIN, cold)]).ask({"weather": "rain"}).questions
    assert q.text.startswith("Is steel temperature below 5 degC?") and q.unit == "degC"


def test_degrees_without_a_scale_are_not_read_as_an_angle() -> None:
    said = Clause(text="above 1600 degrees", variable="melt", operator=">", value=1600, unit="deg")
    engine = Engine([known("a", said)])
    assert [f.known.key for f in engine.ask({"melt": 1620.0}).fired] == ["a"]
    with pytest.raises(FactError, match="'deg'"):
        engine.ask(parse_facts(["melt=1620 degC"]))


def test_korean_variables_and_values_fire_although_the_c_core_matches_only_ascii() -> None:
    said = Clause(text="달걀이 가라앉으면", variable="달걀", operator=Operator.EQ, value="가라앉다")
    hot = Clause(text="쇳물 온도가 1,400도 넘으면", variable="쇳물_온도", operator=Operator.GT, value=1400, unit="degC")
    rules = [
        KnownRule(key="1", rule=Rule(conditions=Group(items=[said]), actions=[Action(text="소금을 더 넣으세요")])),
        KnownRule(key="2", rule=Rule(conditions=Group(items=[hot]), actions=[Action(text="부으세요")])),
    ]
    engine = Engine(rules)
    answer = engine.ask({"달걀": "가라앉다", "쇳물_온도": 1450})
    assert sorted(f.known.key for f in answer.fired) == ["1", "2"]
    assert [m.fact_value for m in answer.fired[0].matched] in (["가라앉다"], [1450])
    assert not engine.ask({"달걀": "떠오르다"}).fired
