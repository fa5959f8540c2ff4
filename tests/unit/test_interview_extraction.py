"""Rules read from interviews as spoken: across turns, leaning on the sentence before, with
fronted contexts, spliced reasons and diarised speaker labels; offsets into the spoken turn."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from elicitation import evaluation, extract_text, extract_transcript, parse_bytes, read_interview
from elicitation.english import load_pipeline
from elicitation.pipeline import interviewer_speakers
from rules import Operator


def one(text: str):  # type: ignore[no-untyped-def]
    rules = extract_text(text)
    assert len(rules) == 1, [r.summary() for r in rules]
    return rules[0]


def interview(text: str, name: str = "talk.txt"):  # type: ignore[no-untyped-def]
    return parse_bytes(text.encode("utf-8"), name)


def test_a_condition_in_the_question_joins_the_answer_and_both_turns_are_cited() -> None:
    t = interview(
        "Interviewer: And what if the humidity is high but it is not raining?\n"
        "Park: If it is above eighty percent I treat it like rain.\n"
    )
    rules = extract_transcript(t)
    assert len(rules) == 1
    rule = rules[0]
    texts = [c.text for c in rule.clauses()]
    assert any("humidity is high" in c for c in texts)
    assert any("above eighty percent" in c for c in texts)
    assert [e.turn for e in rule.evidence] == [1, 0]
    asked = rule.evidence[1]
    assert t.turns[0].text[asked.start : asked.end].startswith("And what if the humidity")
    # The question's clauses carry no offsets: offsets point into the first evidence turn only.
    assert all(c.start is None for c in rule.clauses() if "humidity is high" in c.text)


def test_an_answer_of_bare_instructions_takes_the_question_as_its_condition() -> None:
    t = interview(
        "Interviewer: What if the piece starts to crack at the bottom?\n"
        "Han: Then you have a thermal shock. Warm the whole piece slowly and keep it turning.\n"
    )
    (rule,) = extract_transcript(t)
    assert [c.text for c in rule.clauses()] == ["the piece starts to crack at the bottom"]
    assert [a.verb for a in rule.actions] == ["warm", "keep"]
    assert {e.turn for e in rule.evidence} == {0, 1}


def test_a_question_without_a_condition_adds_nothing_and_a_later_answer_is_not_joined() -> None:
    t = interview(
        "Interviewer: How do you judge the heat?\n"
        "Jang: By the colour. If it drops to a cherry red, stop hammering.\n"
        "Interviewer: And if you see sparks?\n"
        "Jang: My father was a smith in Daegu.\n"
        "Jang: Never quench a blade in cold water when it is thin.\n"
    )
    rules = extract_transcript(t)
    assert len(rules) == 2
    for rule in rules:
        assert len(rule.evidence) == 1
        assert "sparks" not in rule.summary()


def test_in_that_case_takes_the_sentence_before_as_its_condition() -> None:
    doc = load_pipeline()("It is still bright orange and it droops off the pipe. In that case, wait at the bench.")
    (rule,) = doc._.rules
    assert [c.text for c in rule.clauses()] == ["It is still bright orange", "it droops off the pipe"]
    assert rule.actions[0].text == "wait at the bench"


def test_otherwise_takes_the_opposite_of_the_rule_before() -> None:
    rules = extract_text("If the humidity is above 80 percent, add more filler. Otherwise, weld as usual.")
    assert len(rules) == 2
    second = next(r for r in rules if r.actions[0].verb == "weld")
    (clause,) = second.clauses()
    assert clause.variable == "humidity" and clause.operator is Operator.LE and clause.value == 80
    assert clause.text.startswith("not (")


def test_a_sequence_after_a_rule_is_not_a_new_condition() -> None:
    rules = extract_text("If the arc hisses, shorten the arc. Then check the gas.")
    assert len(rules) == 1


@pytest.mark.parametrize(
    "text,variable,operator,value",
    [
        ("Do not open the kiln until it is below 150 degrees.", None, Operator.GE, 150),
        (
            "Don't ever open the annealer door before the temperature is below 100 degrees.",
            "temperature",
            Operator.GE,
            100,
        ),
    ],
)
def test_a_negated_action_until_or_before_a_threshold_holds_while_it_is_not_reached(
    text: str, variable: str | None, operator: Operator, value: float
) -> None:
    rule = one(text)
    (clause,) = rule.clauses()
    assert clause.operator is operator and clause.value == value
    if variable:
        assert clause.variable == variable
    assert rule.actions[0].negated


def test_until_with_a_positive_action_is_how_long_not_when() -> None:
    assert extract_text("Turn the pipe until it stiffens.") == []


def test_a_fronted_context_phrase_is_a_condition() -> None:
    rule = one("For bars thicker than 40 mm, we use the power hammer.")
    (clause,) = rule.clauses()
    assert clause.text == "For bars thicker than 40 mm"
    assert clause.operator is Operator.GT and clause.value == 40 and clause.unit == "mm"
    assert rule.actions[0].verb == "use"


def test_so_we_gives_the_action_and_the_reason_before_it() -> None:
    rule = one("On humid days the glass sets slower, so we work a little longer between reheats.")
    assert [c.text for c in rule.clauses()] == ["On humid days"]
    assert rule.actions[0].text.startswith("we work a little longer")
    assert rule.rationale == "the glass sets slower"


def test_a_spliced_reason_is_the_rationale_not_an_action() -> None:
    rule = one("Unless the punty is glowing, do not attach it, otherwise it just pops off.")
    assert [e.text for e in rule.exceptions] == ["the punty is glowing"]
    assert [a.text for a in rule.actions] == ["do not attach it"]
    assert rule.rationale == "otherwise it just pops off"


def test_a_context_without_anything_to_do_is_no_rule() -> None:
    assert extract_text("That happens on windy days.") == []


def test_semicolons_separate_statements() -> None:
    rules = extract_text("Before you quench, check the edge with a magnet; if the magnet still sticks, heat it more.")
    assert sorted(r.actions[0].text for r in rules) == ["check the edge with a magnet", "heat it more"]


def test_conditions_without_a_comma_end_where_the_main_clause_starts() -> None:
    rule = one("When the red button is pushed and the power fails the system shuts down.")
    assert [c.text for c in rule.clauses()] == ["the red button is pushed", "the power fails"]
    assert rule.actions[0].text == "the system shuts down"


def test_diarised_labels_find_the_interviewer_by_the_questions() -> None:
    t = interview(
        '{"segments": ['
        '{"start": 0, "end": 2, "speaker": "SPEAKER_00", "text": "What if the dough is too warm?"},'
        '{"start": 2, "end": 5, "speaker": "SPEAKER_01", "text": "Shorten the first rise by half an hour."},'
        '{"start": 5, "end": 7, "speaker": "SPEAKER_00", "text": "And the oven?"},'
        '{"start": 7, "end": 9, "speaker": "SPEAKER_01", "text": "We bake at 240 degrees. Lunch is at noon."}]}',
        "bakery.json",
    )
    assert interviewer_speakers(t) == {"SPEAKER_00"}
    (rule,) = extract_transcript(t)
    assert rule.clauses()[0].text == "the dough is too warm"
    assert {e.turn for e in rule.evidence} == {0, 1}


def test_speakers_who_both_ask_are_not_guessed() -> None:
    t = interview("A1: Is it hot? Yes?\nB2: Is it? Maybe?\n")
    assert interviewer_speakers(t) == set()


def test_offsets_of_every_gold_interview_rule_point_into_its_spoken_turn() -> None:
    for gold in evaluation.read_gold_dir(evaluation.GOLD_DIR):
        for rule in extract_transcript(gold.transcript):
            first = gold.transcript.turns[rule.evidence[0].turn].text
            for ev in rule.evidence:
                turn = gold.transcript.turns[ev.turn].text
                assert 0 <= ev.start < ev.end <= len(turn)
            for item in [*rule.clauses(), *rule.exceptions, *rule.actions]:
                if item.start is None or item.end is None:
                    continue
                said = evaluation.words(first[item.start : item.end])
                text = item.text
                if text.startswith("not (") and text.endswith(")"):
                    text = text[len("not (") : -1]  # the opposite of what was said ("otherwise"), on its words
                assert set(evaluation.words(text)) <= set(said), (item.text, first[item.start : item.end])


def test_confidence_is_calibrated_and_orders_the_queue() -> None:
    gold = evaluation.read_gold_dir(evaluation.GOLD_DIR, "dev")[0]
    rules = extract_transcript(gold.transcript)
    confidences = [r.confidence for r in rules]
    assert confidences == sorted(confidences, reverse=True)
    assert all(0.0 < c < 1.0 for c in confidences)


def test_possible_rules_are_sentences_without_a_structured_rule() -> None:
    t = interview(
        "Interviewer: And the furnace?\n"
        "Kim: The burner is serviced every year in order to ensure a stable flame.\n"
        "Kim: If the flame flickers, check the gas.\n"
    )
    reading = read_interview(t)
    assert [r.actions[0].text for r in reading.rules] == ["check the gas"]
    assert reading.possible, "the detector flags the purpose sentence"
    for possible in reading.possible:
        assert possible.evidence.turn == 1
        assert t.turns[1].text[possible.evidence.start : possible.evidence.end] == possible.text
        assert 0.0 <= possible.score <= 1.0


def test_a_long_transcript_shows_a_progress_bar_in_the_cli(tmp_path: Path) -> None:
    lines = []
    for n in range(30):
        lines.append(f"Interviewer: And what if the plate is thicker than {n + 10} mm?")
        lines.append("Park: Preheat it to 100 degrees.")
    path = tmp_path / "long.txt"
    path.write_text("\n".join(lines) + "\n")
    env = {**os.environ, "MYEONGJANG_PROGRESS": "1"}
    exe = str(Path(sys.executable).with_name("myeongjang"))
    result = subprocess.run([exe, "extract", str(path)], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "extracting rules" in result.stderr and "60/60" in result.stderr
    assert "30 candidate rules" in result.stdout
    quiet = subprocess.run(
        [exe, "extract", str(path)],
        capture_output=True,
        text=True,
        env={**env, "MYEONGJANG_PROGRESS": "0"},
        timeout=300,
    )
    assert "extracting rules" not in quiet.stderr


def test_a_question_that_names_the_action_takes_the_condition_from_the_answer() -> None:
    t = interview(
        "Interviewer: When do you start finishing the surface?\n"
        "Seo: When the bleed water is gone.\n"
        "Interviewer: Do you mix colours yourself?\n"
        "Yoo: For old cars, yes, because the factory code doesn't match a faded car.\n"
    )
    rules = sorted(extract_transcript(t), key=lambda r: r.evidence[0].turn)
    assert [(r.clauses()[0].text, r.actions[0].text) for r in rules] == [
        ("the bleed water is gone", "start finishing the surface"),
        ("For old cars", "mix colours yourself"),
    ]
    assert [sorted(e.turn for e in r.evidence) for r in rules] == [[0, 1], [2, 3]]
    assert all(r.actions[0].start is None for r in rules)  # the action's words are in the question's turn


def test_steps_after_a_joined_rule_are_a_rule_of_their_own_unless_they_say_then() -> None:
    t = interview(
        "Interviewer: What if the paint runs?\n"
        "Yoo: Don't touch it while it's wet. Let it cure overnight and sand the run flat.\n"
        "Interviewer: Suppose a shelf cracks during the firing, what then?\n"
        "Yoon: After the kiln is cool, replace the shelf. And then check every other shelf.\n"
    )
    rules = extract_transcript(t)
    runs = [r for r in rules if r.evidence[0].turn == 1]
    assert len(runs) == 2
    assert any("sand the run flat" in " ".join(a.text for a in r.actions) for r in runs)
    assert all(any("paint runs" in c.text for c in r.clauses()) for r in runs)
    (shelf,) = [r for r in rules if r.evidence[0].turn == 3]
    assert [a.verb for a in shelf.actions] == ["replace", "check"]


def test_a_fronted_phrase_pointing_back_takes_the_sentence_before() -> None:
    rules = extract_text("Above 70 percent you get blushing. On days like that I add a slow reducer to the clear.")
    (rule,) = rules
    assert "70 percent" in rule.clauses()[0].text
    assert rule.actions[0].verb == "add"


def test_a_courtesy_if_is_not_a_condition() -> None:
    assert extract_text("The coffee machine is by the door if you want one.") == []
    assert extract_text("Take some tea with you if you like.") == []


def test_comma_spliced_speech_after_a_condition_keeps_the_steps_and_the_reason_apart() -> None:
    rule = one("The moment it sounds dead, there's a crack inside, put it aside for rubble.")
    assert [c.text for c in rule.clauses()] == ["it sounds dead"]
    assert [a.text for a in rule.actions] == ["put it aside for rubble"]
    assert rule.rationale == "there's a crack inside"


def test_anything_under_a_measure_is_a_condition() -> None:
    rule = one("Anything under five degrees, we don't lay stone with lime mortar, the frost breaks it.")
    (clause,) = rule.clauses()
    assert clause.operator is Operator.LT and clause.value == 5
    assert rule.actions[0].negated and rule.rationale == "the frost breaks it"


def test_but_every_time_starts_a_new_statement() -> None:
    rules = extract_text(
        "For rubble walls it can be more, but every time a joint is wider than three centimetres, push small stones into it."
    )
    assert [r.actions[0].text for r in rules] == ["push small stones into it"]


def test_a_diagnosis_and_the_next_instruction_stay_apart_across_a_full_stop() -> None:
    rules = extract_text("When it smells rotten, the vat is too acid; add lime. And look at the bedding lines.")
    (rule,) = rules
    assert [a.text for a in rule.actions] == ["add lime"]
    assert rule.rationale == "the vat is too acid"


@pytest.mark.parametrize(
    "text",
    [
        "I don't know if that's true, he liked stories.",
        "Customers always ask if I can save the knife.",
        "If I had known it would be this long, I would have bought a bigger umbrella.",
        "When he was young he sharpened swords for a film studio, can you imagine.",
        "Even if it looks sharp, without the burr it isn't.",
        "Come back if your knives get dull.",
        "Come back when we do the big vases in March.",
    ],
)
def test_talk_that_only_looks_like_a_rule_yields_none(text: str) -> None:
    assert extract_text(text) == [], [r.summary() for r in extract_text(text)]


def test_only_then_and_at_that_point_take_the_sentence_before() -> None:
    rule = one("You feel a burr on the other side. Only then switch sides.")
    assert rule.clauses()[0].text == "You feel a burr on the other side"
    rule = one("The rice sinks and the top turns clear. At that point, strain it through a cloth.")
    said = " and ".join(c.text for c in rule.clauses())
    assert "The rice sinks" in said and "the top turns clear" in said
    assert rule.actions[0].text == "strain it through a cloth"


def test_a_frame_before_the_point_is_dropped_and_offsets_still_point_into_the_turn() -> None:
    t = interview("Shin: The rule is, when you hear it bubbling like rain, it's working.\n")
    (rule,) = extract_transcript(t)
    (clause,) = rule.clauses()
    assert clause.text == "you hear it bubbling like rain"
    assert t.turns[0].text[clause.start : clause.end] == clause.text


def test_a_consequence_then_so_you_gives_the_action_and_the_reason() -> None:
    rule = one("If it's mushy, the yeast can't breathe and the brew turns sour, so you have to start again.")
    assert [c.text for c in rule.clauses()] == ["it's mushy"]
    assert [a.text for a in rule.actions] == ["you have to start again"]
    assert rule.rationale and "brew turns sour" in rule.rationale


def test_so_with_an_instruction_after_a_condition_keeps_the_diagnosis_as_the_reason() -> None:
    rule = one("When the chips turn blue, you are running too hot, so add more coolant.")
    assert [a.text for a in rule.actions] == ["add more coolant"]
    assert rule.rationale == "you are running too hot"


def test_a_fronted_threshold_is_a_measurable_condition() -> None:
    rule = one("Above three mites per hundred bees, treat the hive with oxalic acid.")
    (clause,) = rule.clauses()
    assert clause.text == "Above three mites per hundred bees"
    assert clause.operator is Operator.GT and clause.value == 3
    assert rule.actions[0].text == "treat the hive with oxalic acid"


def test_a_forbidden_action_without_something_and_a_spliced_reason() -> None:
    rule = one("Never iron silk without a cloth on top, it goes shiny.")
    assert [c.text for c in rule.clauses()] == ["without a cloth on top"]
    assert rule.actions[0].negated and rule.rationale == "it goes shiny"


def test_the_monsoon_is_a_season() -> None:
    rule = one("In the monsoon, keep the silk rolls in the dry cabinet.")
    assert rule.clauses()[0].text == "In the monsoon"
