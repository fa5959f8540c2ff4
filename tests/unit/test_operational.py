"""Every confirmed rule can guide a worker: observations, numbers and units, Korean facts,
instructions in plain words, and facts the rules cannot use answered with the reason."""

import pytest
from pydantic import ValidationError

from elicitation import extract_text, extract_transcript
from elicitation.citing import without_overlap
from elicitation.merging import merge_same_variable
from elicitation.references import resolve_references
from elicitation.transcripts import Transcript, Turn
from elicitation.values import find_measure
from rules import (
    Action,
    Clause,
    Engine,
    Evidence,
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
    parse_facts,
    parse_value,
)
from rules.variables import catalogue


def clauses(text: str) -> list[Clause]:
    [rule] = extract_text(text)
    return rule.clauses()


def known(key: str, *items: Clause, action: Action | None = None) -> KnownRule:
    rule = Rule(conditions=Group(join="all", items=list(items)), actions=[action or Action(text=f"do {key}")])
    return KnownRule(key=key, rule=rule, master="Park", quote=f"quote {key}")


# --- observations -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,variable,operator",
    [
        ("If the magnet still sticks, heat it more.", "magnet_stick", Operator.IS_TRUE),
        ("If the magnet does not stick, quench it.", "magnet_stick", Operator.IS_FALSE),
        ("If you see sparks coming off it, pull it out.", "spark_come", Operator.IS_TRUE),
    ],
)
def test_a_cue_no_instrument_measures_becomes_an_observation(text: str, variable: str, operator: Operator) -> None:
    [clause] = clauses(text)
    assert (clause.variable, clause.operator, clause.observed, clause.cue_kind) == (
        variable,
        operator,
        True,
        "observation",
    )


def test_a_season_is_a_category_and_the_contract_says_each_conditions_kind() -> None:
    [rule] = extract_text("In winter, warm the anvil.")
    [clause] = rule.clauses()
    assert (clause.variable, clause.operator, clause.value, clause.observed) == ("season", Operator.EQ, "winter", False)
    contract = extract_text("If the arc pops and hisses above 80 percent humidity, stop.")[0].to_contract()
    assert {c["kind"] for c in contract["conditions"]} <= {"observation", "number", "category", "flag", "text"}


@pytest.mark.parametrize(
    "text,variable,operator,value",
    [
        ("겨울에는 토치로 말려요.", "계절", Operator.EQ, "겨울"),
        ("손톱으로 살짝 눌렀을 때 자국이 안 남으면 다 마른 거예요.", None, Operator.IS_FALSE, None),
    ],
)
def test_korean_cues_become_seasons_and_observations(
    text: str, variable: str | None, operator: Operator, value: object
) -> None:
    found = [c for r in extract_text(text) for c in r.clauses() if c.operator is operator]
    assert found, [c for r in extract_text(text) for c in r.clauses()]
    clause = found[-1]
    assert variable is None or clause.variable == variable
    assert clause.value == value and clause.variable and all(ch.isalnum() or ch == "_" for ch in clause.variable)


def test_an_observation_needs_a_variable() -> None:
    with pytest.raises(ValidationError, match="needs a variable"):
        Clause(text="the arc pops", observed=True)


def test_an_observation_fires_on_yes_is_asked_in_words_and_explained() -> None:
    pops = Clause(text="the arc pops and hisses", variable="arc_pop_hiss", operator="is_true", observed=True)
    rain = Clause(text="it rains", variable="weather", operator="==", value="rain")
    engine = Engine([known("a", rain, pops)])
    asked = engine.ask({"weather": "rain"})
    assert asked.fired == [] and asked.questions[0].text.startswith("Do you see, hear or feel this now:")
    assert "the arc pops and hisses" in asked.questions[0].text
    answer = engine.ask(parse_facts(["weather=rain", "arc_pop_hiss=yes"]))
    assert [f.known.key for f in answer.fired] == ["a"]
    assert "because you observed “the arc pops and hisses”: yes" in "\n".join(answer_lines(answer))
    [variable] = [v for v in catalogue([known("a", rain, pops).rule]) if v.name == "arc_pop_hiss"]
    assert (variable.kind, variable.observed, variable.label) == ("flag", True, "the arc pops and hisses")


# --- numbers and units ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,op,value,unit",
    [
        ("the melt is above 1,600 degrees", ">", 1600, "degC"),
        ("the bevel angle is over 30 degrees", ">", 30, "deg"),
        ("the wind is above five meters per second", ">", 5, "m/s"),
        ("the vacuum is above 3 mTorr", ">", 3, "mTorr"),
        ("the pressure drops below 2 bar", "<", 2, "bar"),
        ("the hardness is above 58 HRC", ">", 58, "HRC"),
        ("it stops bubbling after two days", ">=", 2, "day"),
        ("the starter doubles within six hours", "<=", 6, "h"),
        ("for the first three hours", "<=", 3, "h"),
        ("the temperature is within 5 degrees of the setpoint", "<=", 5, "degC"),
        ("the gap is ±2 mm", "<=", 2, "mm"),
        ("it is below zero outside", "<", 0, "degC"),
        ("the bees cover seven or eight of the ten frames", ">=", 7, None),
        ("the gauge reads 3 bar", ">=", 3, "bar"),
    ],
)
def test_each_unit_family_and_number_shape(text: str, op: str, value: float, unit: str | None) -> None:
    m = find_measure(text)
    assert m is not None and (m.operator, m.value, m.unit) == (op, value, unit)


def test_a_number_said_as_an_aside_belongs_to_its_clause_not_the_action() -> None:
    [rule] = extract_text("If the furnace temperature drops, say below 1,100 degrees, I stop gathering.")
    [clause] = rule.clauses()
    assert (clause.variable, clause.operator, clause.value, clause.unit) == (
        "furnace_temperature",
        Operator.LT,
        1100,
        "degC",
    )
    assert [a.text for a in rule.actions] == ["I stop gathering"]


def test_a_duration_is_not_read_as_the_threshold() -> None:
    found = [
        c for r in extract_text("한 시간이 지나도 진공도가 3밀리토르보다 높으면 펌프를 보세요.") for c in r.clauses()
    ]
    measured = [c for c in found if c.unit is not None]
    assert any(c.unit == "mTorr" and c.value == 3 for c in measured), found


def test_korean_numbers_without_a_subject_and_short_of_a_value() -> None:
    [clause] = [c for r in extract_text("250마이크로 안 되면 한 번 더 칠하세요.") for c in r.clauses()]
    assert (clause.variable, clause.operator, clause.value, clause.unit) == ("두께", Operator.LT, 250, "um")


def interview(*turns: tuple[str, str]) -> Transcript:
    return Transcript(
        turns=[Turn(i, who, text) for i, (who, text) in enumerate(turns)], format="txt", encoding="utf-8", name="t"
    )


def test_than_that_takes_the_number_said_in_the_turn_before() -> None:
    transcript = interview(
        ("Interviewer", "What temperature do you spray at?"),
        ("Master", "Between 18 and 24 degrees."),
        ("Master", "If it's colder than that, warm the booth first."),
    )
    cond = Clause(text="it's colder than that", variable="cold", operator="is_true", start=3, end=24)
    rule = Rule(
        conditions=Group(items=[cond]),
        actions=[Action(text="warm the booth first")],
        evidence=[Evidence(turn=2, speaker="Master", start=0, end=47)],
    )
    [resolved] = resolve_references([rule], transcript)
    [clause] = resolved.clauses()
    assert (clause.variable, clause.operator, clause.value, clause.unit) == ("temperature", Operator.LT, 18, "degC")
    bigger = Rule(
        conditions=Group(items=[cond.model_copy(update={"text": "it gets bigger", "end": 17})]),
        actions=[Action(text="x")],
        evidence=rule.evidence,
    )
    assert resolve_references([bigger], transcript)[0] == bigger  # "bigger" alone names no kind of number


def test_korean_back_reference_takes_the_low_end_of_the_range_before() -> None:
    said = "회주철이면 보통 1,400도에서 1,450도 사이에서 부어요. 온도가 그것보다 낮으면 쇳물이 끝까지 안 들어가요."
    transcript = interview(("장인", said))
    start = said.index("온도가 그것보다 낮으면")
    cond = Clause(
        text="온도가 그것보다 낮으면", variable="온도", operator="==", value="낮다", start=start, end=start + 12
    )
    rule = Rule(
        conditions=Group(items=[cond]),
        actions=[Action(text="쇳물이 끝까지 안 들어가요")],
        evidence=[Evidence(turn=0, speaker="장인", start=start, end=len(said))],
    )
    [clause] = resolve_references([rule], transcript)[0].clauses()
    assert (clause.variable, clause.operator, clause.value, clause.unit) == ("온도", Operator.LT, 1400, "degC")


# --- facts as a worker types them -----------------------------------------------------------------


@pytest.mark.parametrize(
    "typed,expected",
    [
        ("영하 5도", Quantity(-5.0, "degrees")),
        ("85퍼센트", Quantity(85.0, "%")),
        ("팔십 퍼센트", Quantity(80.0, "%")),
        ("두 시간", Quantity(2.0, "h")),
        ("4 degrees", Quantity(4.0, "degrees")),
        ("3 ℃", Quantity(3.0, "degC")),
        ("3 mTorr", Quantity(3.0, "mTorr")),
        ("60 HRC", Quantity(60.0, "HRC")),
        ("예", True),
        ("아니요", False),
        ("1e3", 1000.0),
    ],
)
def test_fact_values_in_both_languages(typed: str, expected: object) -> None:
    assert parse_value(typed) == expected


@pytest.mark.parametrize("typed", ["nan", "inf", "-infinity", "1e308", "9" * 400])
def test_numbers_no_measurement_can_have_are_refused_in_one_line(typed: str) -> None:
    with pytest.raises(FactSyntaxError) as caught:
        parse_value(typed)
    assert "\n" not in str(caught.value) and len(str(caught.value)) < 120


def test_hangul_fact_names_reach_the_engine_from_the_command_line_form_and_json() -> None:
    cold = Clause(text="작업장 온도가 5도 밑이면", variable="작업장_온도", operator="<", value=5, unit="degC")
    engine = Engine([known("a", cold)])
    assert [f.known.key for f in engine.ask(parse_facts(["작업장_온도=영하 5도"])).fired] == ["a"]
    assert [f.known.key for f in engine.ask(facts_from_json({"작업장 온도": "4도"})).fired] == ["a"]
    assert engine.ask(facts_from_json({"작업장_온도": 6})).fired == []
    with pytest.raises(FactSyntaxError):
        facts_from_json({"작업장_온도": float("nan")})


def test_degrees_take_the_scale_of_the_rules_and_a_wrong_dimension_is_named() -> None:
    hot = Clause(text="above 1,600 degrees", variable="melt_temperature", operator=">", value=1600, unit="degC")
    gap = Clause(text="the gap is over 4 mm", variable="gap", operator=">", value=4, unit="mm")
    engine = Engine([known("hot", hot), known("gap", gap)])
    assert [f.known.key for f in engine.ask(parse_facts(["melt_temperature=1650 degrees"])).fired] == ["hot"]
    assert [f.known.key for f in engine.ask(parse_facts(["melt_temperature=3000 degF"])).fired] == ["hot"]
    with pytest.raises(FactError, match="degrees"):
        engine.ask(parse_facts(["gap=5 degrees"]))
    with pytest.raises(FactError, match="'gap' is a number"):
        engine.ask(parse_facts(["gap=wide"]))


def test_a_fact_no_rule_tests_names_the_closest_ones_and_is_never_silent() -> None:
    hot = Clause(text="it is hot", variable="steel_temperature", operator=">", value=5, unit="degC")
    pops = Clause(text="the arc pops", variable="arc_pops", operator="is_true", observed=True)
    engine = Engine([known("a", hot), known("b", pops)])
    with pytest.raises(FactError, match="did you mean steel_temperature"):
        engine.ask(parse_facts(["steel_temprature=10"]))
    answer = engine.ask(parse_facts(["steel_temperature=10", "weathr=rain"]))
    assert [f.known.key for f in answer.fired] == ["a"] and answer.unknown
    assert answer_to_dict(answer)["not_understood"] == ["no rule tests 'weathr'"]
    partial = engine.ask(parse_facts(["steel_temperature=1", "weathr=rain"]))
    assert answer_lines(partial)[:2] == [
        "Not understood: no rule tests 'weathr'",
        "No rule applies to the facts that were understood.",
    ]
    with pytest.raises(FactError, match="yes or no"):
        engine.ask(parse_facts(["arc_pops=3"]))


# --- instructions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,instruction",
    [
        ("If the humidity is above eighty percent, I usually add a little more filler.", "Add a little more filler"),
        ("If the pipe is wet, you must preheat to around a hundred degrees.", "Preheat to around a hundred degrees"),
        ("If it rains, don't weld outside.", "Do not weld outside"),
        ("If it rains, we never weld outside.", "Never weld outside"),
        ("습도가 높으면 예열을 해야 돼요.", "예열을 하세요"),
        ("비가 오면 저는 보통 용접봉을 건조로에 두 시간 넣어 둬요.", "용접봉을 건조로에 두 시간 넣어 두세요"),
        ("비가 오면 칠하면 안 돼요.", "칠하지 마세요"),
        ("소리가 이상하면 소리를 잘 들으세요.", "소리를 잘 들으세요"),
    ],
)
def test_actions_carry_an_instruction_in_plain_words(text: str, instruction: str) -> None:
    [rule] = extract_text(text)
    assert [a.instruction for a in rule.actions] == [instruction]


def test_a_consequence_has_no_instruction_and_the_answer_shows_the_instruction() -> None:
    [rule] = extract_text("If you wash it in hot water, the colour bleeds.")
    assert [a.instruction for a in rule.actions] == [None]
    told = Action(text="I usually add a little more filler", instruction="Add a little more filler")
    rain = Clause(text="it rains", variable="weather", operator="==", value="rain")
    answer = Engine([known("a", rain, action=told)]).ask({"weather": "rain"})
    assert "  DO: Add a little more filler" in answer_lines(answer)
    assert answer_to_dict(answer)["fired"][0]["instructions"] == ["Add a little more filler"]


def test_an_action_starts_after_the_clause_it_overlaps() -> None:
    cond = Clause(text="it drops, say below 5 degrees", start=0, end=29)
    rule = Rule(
        conditions=Group(items=[cond]),
        actions=[Action(text="say below 5 degrees, I stop", start=10, end=37, instruction="Say below 5 degrees, stop")],
    )
    [action] = without_overlap(rule).actions
    assert (action.text, action.start, action.instruction) == ("I stop", 31, "Stop")


# --- clauses on one variable ------------------------------------------------------------------------


def test_a_number_on_the_same_variable_says_what_high_means() -> None:
    high = Clause(text="the humidity is high", variable="humidity", operator="==", value="high")
    above = Clause(text="above 80 percent", variable="humidity", operator=">", value=80, unit="%")
    looser = Clause(text="above 70 percent", variable="humidity", operator=">", value=70, unit="%")
    rain = Clause(text="it is not raining", variable="weather", operator="!=", value="rain")
    rule = Rule(conditions=Group(items=[high, rain, above, looser]), actions=[Action(text="treat it like rain")])
    [merged] = merge_same_variable([rule])
    assert merged.clauses() == [rain, above]
    impossible = Rule(
        conditions=Group(items=[above, above.model_copy(update={"operator": "<", "value": 50})]),
        actions=[Action(text="x")],
    )
    assert merge_same_variable([impossible]) == [impossible]  # left for the review to show


def test_the_programmes_headline_rule_fires_in_both_languages() -> None:
    english = interview(
        ("Interviewer", "What if the humidity is high but it is not raining?"),
        ("Master", "If the humidity is above eighty percent I treat it like rain."),
    )
    korean = interview(
        ("면접자", "습도가 높은데 비는 안 올 때는요?"),
        ("장인", "습도가 팔십 퍼센트를 넘으면 비 오는 날이랑 똑같이 해요."),
    )
    for transcript, facts in (
        (english, ["humidity=85", "weather=dry"]),
        (korean, ["습도=85퍼센트", "비=아니요"]),
    ):
        [rule] = extract_transcript(transcript)
        engine = Engine([KnownRule("a", rule)])
        assert [f.known.key for f in engine.ask(parse_facts(facts)).fired] == ["a"], rule.summary()


def test_a_threshold_asked_for_in_the_next_turn_refines_the_quality() -> None:
    english = interview(
        ("Master", "When the plate gets too hot, I stop welding."),
        ("Interviewer", "How hot is too hot?"),
        ("Master", "Above 200 degrees."),
    )
    korean = interview(
        ("장인", "쇠가 너무 뜨거우면 망치질을 멈춰요."),
        ("면접자", "몇 도부터 뜨겁다고 보세요?"),
        ("장인", "200도를 넘으면요."),
    )
    for transcript, name in ((english, "plate_temperature"), (korean, "쇠_온도")):
        [clause] = extract_transcript(transcript)[0].clauses()
        assert (clause.variable, clause.operator, clause.value, clause.unit) == (name, Operator.GT, 200, "degC")


def test_a_bare_number_takes_the_unit_of_the_number_said_before() -> None:
    english = interview(
        ("Master", "The bath should be at 1,650 degrees."),
        ("Interviewer", "And if it is colder?"),
        ("Master", "If it is under 1,620, give it more power."),
    )
    korean = interview(("장인", "경도는 58에서 60 HRC 사이가 좋아요. 58 미만이면 다시 담금질하세요."))
    for transcript, expected in ((english, ("temperature", 1620, "degC")), (korean, ("경도", 58, "HRC"))):
        clauses = [c for r in extract_transcript(transcript) for c in r.clauses() if c.operator is Operator.LT]
        assert [(c.variable, c.value, c.unit) for c in clauses][-1:] == [expected]


def test_microns_a_korean_duration_and_a_consequence_without_an_instruction() -> None:
    [clause] = clauses("If the bore is within 5 microns of nominal, keep going.")
    assert (clause.operator, clause.value, clause.unit) == (Operator.LE, 5, "um")
    [rule] = extract_text("한 시간 돌렸는데도 온도가 삼십 도 밑이면 히터를 보세요.")
    assert [(c.operator, c.value, c.unit) for c in rule.clauses()] == [
        (Operator.GE, 1, "h"),
        (Operator.LT, 30, "degC"),
    ]
    [bends] = extract_text("빨리 식히면 휘어요.")
    assert [a.instruction for a in bends.actions] == [None]


# --- what an adversarial read found --------------------------------------------------------------


def test_facts_beyond_any_measurement_are_refused_on_every_path() -> None:
    for data in ({"x": 10**400}, {"x": {"value": 1e300, "unit": "m"}}):
        with pytest.raises(FactSyntaxError, match="too large"):
            facts_from_json(data)
    with pytest.raises(FactSyntaxError, match="too large"):
        parse_value("영하 " + "9" * 400 + "도")
    assert parse_value("영하 두 시간") == "영하 두 시간"  # 영하 is said of temperatures only
    assert parse_value("n") == "n"


def test_degrees_are_not_a_percentage_and_a_negated_cue_stays_negated() -> None:
    humid = Clause(text="above 80 %", variable="humidity", operator=">", value=80, unit="%")
    with pytest.raises(FactError, match="degrees"):
        Engine([known("a", humid)]).ask(parse_facts(["humidity=85 degrees"]))
    from rules.operational import as_observation, blockers

    observed = as_observation(Clause(text="not (the steel is wet)"))
    assert (observed.variable, observed.operator) == ("steel_is_wet", Operator.IS_FALSE)
    cold = Clause(text="below 5 degC", variable="t", operator="<", value=5, unit="degC")
    either = Rule(conditions=Group(join="any", items=[cold, Clause(text="it looks wet")]), actions=[Action(text="x")])
    assert blockers(either) == []  # the measurable alternative fires


def test_merging_keeps_the_strict_bound_and_a_word_that_contradicts_the_number() -> None:
    at_least = Clause(text="at least 80 %", variable="h", operator=">=", value=80, unit="%")
    above = Clause(text="above 80 %", variable="h", operator=">", value=80, unit="%")
    high = Clause(text="it is high", variable="h", operator="==", value="high")
    low = Clause(text="below 20 %", variable="h", operator="<", value=20, unit="%")
    [merged] = merge_same_variable([Rule(conditions=Group(items=[at_least, above]), actions=[Action(text="x")])])
    assert merged.clauses() == [above]
    [kept] = merge_same_variable([Rule(conditions=Group(items=[high, low]), actions=[Action(text="x")])])
    assert kept.clauses() == [high, low]


def test_a_negated_or_unrelated_reference_is_left_for_the_master() -> None:
    transcript = interview(
        ("Master", "We let it dry for 30 minutes at 20 degrees."),
        ("Master", "If it is not colder than that, weld. If the humidity is higher than that, wait."),
    )
    text = transcript.turns[1].text
    rules = []
    for words in ("it is not colder than that", "the humidity is higher than that"):
        start = text.index(words)
        cond = Clause(text=words, variable="humidity", operator="==", value="high", start=start, end=start + len(words))
        rules.append(
            Rule(
                conditions=Group(items=[cond]),
                actions=[Action(text="y")],
                evidence=[Evidence(turn=1, speaker="Master", start=0, end=len(text))],
            )
        )
    assert resolve_references(rules, transcript) == rules


def test_korean_either_or_is_one_group_of_alternatives_and_less_reverses_the_direction() -> None:
    [rule] = extract_text("타는 냄새가 나거나 색이 시커멓게 변하면 멈추세요.")
    [group] = rule.conditions.items
    assert isinstance(group, Group) and group.join == "any" and len(group.items) == 2
    engine = Engine([KnownRule("a", rule)])
    assert [f.known.key for f in engine.ask(parse_facts(["냄새=예"])).fired] == ["a"]
    [less] = extract_text("영하 70도보다 덜 내려가면 다시 하세요.")
    [clause] = less.clauses()
    assert (clause.operator, clause.value, clause.unit) == (Operator.GT, -70, "degC")
    assert parse_value("5e") == "5e"  # an exponent cut short, not 5 elementary charges


@pytest.mark.parametrize(
    "text,op,value,unit",
    [
        ("So above 8 percent you add water.", Operator.GT, 8, "%"),
        ("More than 60 bar and the walls spring.", Operator.GT, 60, "bar"),
        ("Over 20 mm you preheat to 120 degrees.", Operator.GT, 20, "mm"),
        ("Below zero we cover the joint.", Operator.LT, 0, "degC"),
    ],
)
def test_a_threshold_that_opens_the_sentence_is_its_condition(text: str, op: Operator, value: float, unit: str) -> None:
    [rule] = extract_text(text)
    [clause] = rule.clauses()
    assert (clause.operator, clause.value, clause.unit) == (op, value, unit) and clause.variable != "percent"


def test_phrases_that_only_look_like_thresholds_stay_no_rule() -> None:
    assert extract_text("Over the years I learned a lot.") == []
    assert extract_text("Above all, keep it clean.") == []


# --- the last gold misses, in shapes of their own ------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Also whenever the pipe is wet or it's below zero outside, we preheat, even on thin wall.",
        "If it rains or the humidity is above 80 percent, add filler.",
    ],
)
def test_an_or_conjunct_the_parser_hung_on_the_main_clause_stays_a_condition(text: str) -> None:
    [rule] = extract_text(text)
    assert rule.conditions.join == "any"
    first, second = rule.clauses()
    assert first.variable in ("pipe", "weather") and second.operator in (Operator.LT, Operator.GT)
    assert rule.actions[0].text in ("we preheat, even on thin wall", "add filler")


def test_a_numbered_step_of_a_sequence_is_reached_from_that_step_on() -> None:
    for text, name, value in (
        ("Once cone 8 bends, we start the reduction.", "cone", 8),
        ("As soon as cone 10 touches the shelf, shut off the burners.", "cone", 10),
        ("When stage 3 begins, open the valve.", "stage", 3),
    ):
        [clause] = clauses(text)
        assert (clause.variable, clause.operator, clause.value, clause.unit) == (name, Operator.GE, value, None)
    [depth] = clauses("If the coat is over 3 mm, sand it back.")  # a unit after it: a measure, not a step
    assert (depth.operator, depth.value, depth.unit) == (Operator.GT, 3, "mm")


def test_that_long_points_back_to_the_duration_said_before_in_both_languages() -> None:
    english = interview(
        ("Master", "If the meter reads above 12 percent, let the boards sit for another two weeks."),
        ("Interviewer", "And when you cannot wait that long?"),
        ("Master", "Then I don't glue anything."),
    )
    korean = interview(("장인", "판자는 두 주 동안 말립니다. 그렇게 오래 기다릴 수 없으면 접착을 하지 마세요."))
    lasting = interview(
        ("Master", "We fire for ten hours."),
        ("Interviewer", "And if it takes that long?"),
        ("Master", "Then check the burners."),
    )
    for transcript, op in ((english, Operator.LT), (korean, Operator.LT)):
        [clause] = [c for r in extract_transcript(transcript) for c in r.clauses() if c.unit == "week"]
        assert (clause.operator, clause.value, clause.observed) == (op, 2, False) and clause.variable.endswith(
            ("time", "시간")
        )
    found = [c for r in extract_transcript(lasting) for c in r.clauses() if c.unit == "h"]
    assert [(c.operator, c.value) for c in found] == [(Operator.GE, 10)]


def test_native_korean_numbers_before_time_and_day_words_are_read_as_durations() -> None:
    from rules.numerals import numbers_in

    assert [(v, u) for *_, v, u in numbers_in("한 시간이 지나도, 두 주 동안, 사흘 정도, 석 달")] == [
        (1, "h"),
        (2, "week"),
        (3, "day"),
        (3, "month"),
    ]
    assert numbers_in("두 주먹, 달걀 두 개") == []
    assert parse_value("사흘") == Quantity(3, "day") and parse_value("두 주") == Quantity(2, "week")
