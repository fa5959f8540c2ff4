"""Cues on the master's own scale (flame colour: dull red < orange < white), and numbers in the
shapes unseen interviews said them: spelled-out ranges, decimals, rates, "below that"."""

import pytest
from pydantic import ValidationError

from elicitation import extract_text, extract_transcript
from elicitation.scales import HEAT_COLOURS, scales_in
from elicitation.transcripts import Transcript, Turn
from elicitation.values import find_measure
from rules import Action, Clause, Engine, FactError, Group, KnownRule, Operator, Rule, catalogue, question_for
from rules.exports import to_dmn
from ui.editing import clause_rows, clauses_from_rows

SCALE = ["dull red", "cherry red", "orange", "yellow", "white"]


def interview(*turns: tuple[str, str]) -> Transcript:
    return Transcript([Turn(i, who, text) for i, (who, text) in enumerate(turns)], "txt", "utf-8", name="t")


def known(key: str, clause: Clause) -> KnownRule:
    rule = Rule(conditions=Group(join="all", items=[clause]), actions=[Action(text=f"do {key}")])
    return KnownRule(key=key, rule=rule, master="Park", quote=key)


# --- scales -------------------------------------------------------------------------------------


def test_a_colour_sequence_the_master_says_is_a_scale_in_both_languages() -> None:
    found = scales_in(
        [
            "The steel goes from dull red to cherry red to orange to yellow and then white.",
            "쇠 색이 검붉은색에서 주황색, 노란색, 흰색으로 바뀝니다.",
            "Red or blue, I never cared.",  # two colours are a choice, not a scale
        ]
    )
    assert found == [SCALE, ["검붉은색", "주황색", "노란색", "흰색"]]


@pytest.mark.parametrize(
    "said,operator,value",
    [
        ("When it is orange or brighter, hammer it.", Operator.IN, ["orange", "yellow", "white"]),
        ("Once it goes past orange, stop.", Operator.IN, ["yellow", "white"]),
        ("If it is still cherry red or darker, put it back.", Operator.IN, ["dull red", "cherry red"]),
        ("When the steel is yellow, bend it.", Operator.EQ, "yellow"),
    ],
)
def test_a_comparison_along_the_scale_admits_the_steps_it_names(said: str, operator: Operator, value: object) -> None:
    transcript = interview(("Master", f"The steel goes dull red, then cherry red, orange, yellow, then white. {said}"))
    [clause] = [c for r in extract_transcript(transcript) for c in r.clauses()]
    assert (clause.operator, clause.value, clause.scale, clause.observed) == (operator, value, SCALE, True)


def test_a_heat_colour_with_no_scale_said_takes_the_smiths_chart_and_korean_steps_work_too() -> None:
    [clause] = extract_text("When the flame turns yellow-white or brighter, pull the lance.")[0].clauses()
    assert (clause.variable, clause.value, clause.scale) == (
        "flame_colour",
        ["yellow-white", "white"],
        list(HEAT_COLOURS),
    )
    korean = extract_text("쇠 색이 검붉은색에서 주황색, 노란색, 흰색으로 바뀝니다. 쇠가 주황색 이상이면 두드리세요.")
    [step] = [c for r in korean for c in r.clauses()]
    assert (step.variable, step.operator, step.value) == ("쇠", Operator.IN, ["주황색", "노란색", "흰색"])


def test_the_engine_asks_for_the_step_and_fires_on_any_step_the_rule_admits() -> None:
    hot = Clause(
        text="orange or brighter", variable="steel_colour", operator="in", value=SCALE[2:], scale=SCALE, observed=True
    )
    cold = Clause(
        text="still dull red", variable="steel_colour", operator="==", value="dull red", scale=SCALE, observed=True
    )
    engine = Engine([known("hot", hot), known("cold", cold)])
    assert [f.known.key for f in engine.ask({"steel_colour": "White"}).fired] == ["hot"]
    assert [f.known.key for f in engine.ask({"steel_colour": "dull red"}).fired] == ["cold"]
    with pytest.raises(FactError, match=r"one step of dull red < cherry red < orange < yellow < white, not 'blue'"):
        engine.ask({"steel_colour": "blue"})  # not "No rule applies": the step is not on the scale
    assert question_for(hot) == question_for(cold)  # one question per cue
    assert "dull red < cherry red < orange < yellow < white" in question_for(hot)
    [variable] = catalogue([known("hot", hot).rule, known("cold", cold).rule])
    assert list(variable.values) == SCALE  # the form offers every step, in the master's order
    dmn = to_dmn([known("hot", hot)]).decode()
    assert '"dull red", "cherry red", "orange", "yellow", "white"' in dmn


@pytest.mark.parametrize(
    "update,problem",
    [
        ({"value": "blue"}, "must be one of its steps"),
        ({"operator": ">=", "value": "orange"}, "must be one of its steps"),
        ({"scale": ["red", "Red"]}, "names each step once"),
        ({"scale": ["red"]}, "2 to 20 named steps"),
    ],
)
def test_a_scale_that_does_not_fit_its_value_is_refused(update: dict[str, object], problem: str) -> None:
    data = {"text": "it is orange", "variable": "colour", "operator": "==", "value": "orange", "scale": SCALE}
    with pytest.raises(ValidationError, match=problem):
        Clause(**{**data, **update})


def test_the_master_edits_the_scale_in_the_rule_editor() -> None:
    clause = Clause(text="orange or brighter", variable="colour", operator="in", value=SCALE[2:], scale=SCALE)
    [row] = clause_rows([clause])
    assert row["scale"] == "dull red < cherry red < orange < yellow < white"
    [back] = clauses_from_rows([{**row, "scale": "dull red < orange < yellow < white"}])
    assert back.scale == ["dull red", "orange", "yellow", "white"]


# --- numbers in unseen shapes --------------------------------------------------------------------


def test_longer_than_a_minute_is_a_duration() -> None:
    found = find_measure("the etch goes on longer than a minute")
    assert found is not None and (found.operator, found.value, found.unit, found.dimension) == (
        ">",
        1,
        "min",
        "duration",
    )


@pytest.mark.parametrize(
    "text,variable,operator,value,unit",
    [
        ("물이 분당 5리터 미만이면 밸브를 여세요.", "물", Operator.LT, 5, "L/min"),
        ("풍속이 초속 이 미터보다 낮으면 팬을 켜세요.", "풍속", Operator.LT, 2, "m/s"),
        ("소금이 리터당 오십 그램 미만이면 소금을 더 넣으세요.", "소금", Operator.LT, 50, "g/L"),
        ("수분이 영점오 퍼센트 미만이면 꺼내세요.", "수분", Operator.LT, 0.5, "%"),
        ("색차가 일 점 오를 넘으면 다시 염색하세요.", "색차", Operator.GT, 1.5, None),
        ("트레이 한 판에 십 킬로 넘게 담으면 덜어내세요.", "무게", Operator.GT, 10, "kg"),
        ("한 이십 분 지나면 받으세요.", "시간", Operator.GE, 20, "min"),
        ("접지 저항이 10옴 이상이면 태그를 붙이세요.", "접지_저항", Operator.GE, 10, "ohm"),
    ],
)
def test_korean_decimals_rates_and_about(
    text: str, variable: str, operator: Operator, value: float, unit: str | None
) -> None:
    [rule] = extract_text(text)
    [clause] = rule.clauses()
    assert (clause.variable, clause.operator, clause.value, clause.unit) == (variable, operator, value, unit)


def test_below_that_and_a_bare_threshold_before_a_comma_take_the_number_said_before() -> None:
    transcript = interview(
        ("Master", "If the nitrogen supply is at least 380 psi, you cure."),
        ("Interviewer", "And if it is below that?"),
        ("Master", "Then stop the press and call maintenance."),
        ("Master", "The hardness should come out between 58 and 62 HRC."),
        ("Master", "Below 58, it gets re-hardened from scratch."),
    )
    below = [(c.operator, c.value, c.unit) for r in extract_transcript(transcript) for c in r.clauses()]
    assert (Operator.LT, 380, "psi") in below and (Operator.LT, 58, "HRC") in below
