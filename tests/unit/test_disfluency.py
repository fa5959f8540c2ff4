import pytest

from elicitation import extract_transcript, parse_bytes
from elicitation.disfluency import clean


@pytest.mark.parametrize(
    "spoken,clean_text",
    [
        ("Uh, when it rains, we put up the screens.", "When it rains, we put up the screens."),
        ("When it rains, um, we we put up the screens.", "When it rains, we put up the screens."),
        ("I mean, the, the flame turns blue.", "The flame turns blue."),
        ("If it is, you know, foamy, lower the lance.", "If it is, foamy, lower the lance."),
        ("If the fil-- the filler is wet, dry it.", "If the filler is wet, dry it."),
        ("I preheat it -- I preheat it to 120 degrees.", "I preheat it to 120 degrees."),
        ("The plate is 25 mm thick.", "The plate is 25 mm thick."),
        ("If it rains, preheat.", "If it rains, preheat."),
    ],
)
def test_fillers_repairs_and_stutters_are_dropped(spoken: str, clean_text: str) -> None:
    assert clean(spoken).text == clean_text


@pytest.mark.parametrize(
    "spoken",
    [
        "Uh, if the, the flame goes orange, I, I add, um, more oxygen.",
        "Well, you know, when the slag foams, we, uh, lower the lance.",
    ],
)
def test_every_clean_character_maps_back_to_the_same_character(spoken: str) -> None:
    cleaned = clean(spoken)
    for i, ch in enumerate(cleaned.text):
        if ch != " " and i > 0:
            assert spoken[cleaned.positions[i]] == ch


def test_rules_from_disfluent_speech_point_into_the_original_turn() -> None:
    spoken = "Uh, if the, the flame goes orange, I, I add, um, more oxygen."
    t = parse_bytes(f"Interviewer: And the flame?\nKim: {spoken}\n".encode(), "k.txt")
    [rule] = extract_transcript(t)
    turn = t.turns[1].text
    [clause] = rule.clauses()
    assert clause.start is not None and clause.end is not None
    assert turn[clause.start : clause.end] == "the flame goes orange"
    action = rule.actions[0]
    assert action.start is not None and action.end is not None
    assert turn[action.start : action.end].startswith("I add") and turn[action.start : action.end].endswith("oxygen")
    assert "um" not in action.text.split()
    evidence = rule.evidence[0]
    assert turn[evidence.start : evidence.end].startswith("if the, the flame")
