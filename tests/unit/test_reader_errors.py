"""The reader's error classes seen on interviews nobody tuned for, one made-up sentence of each
shape: what the reader must make of it (issue 20, part 4)."""

from elicitation import extract_text, extract_transcript, parse_bytes
from rules import Certainty, Rule


def one(text: str) -> Rule:
    rules = extract_text(text)
    assert len(rules) == 1, [r.summary() for r in rules]
    return rules[0]


def conditions(rule: Rule) -> list[str]:
    return [c.text for c in rule.clauses()]


def actions(rule: Rule) -> list[str]:
    return [a.text for a in rule.actions]


# --- a threshold on a hedged diagnosis, the instruction after it ----------------------------------


def test_a_hedged_diagnosis_gives_its_condition_to_the_instruction_in_the_next_sentence() -> None:
    rule = one(
        "If one tank reads a degree colder than the others, maybe its heater is fouled. I'd drain that one first."
    )
    assert conditions(rule) == ["one tank reads a degree colder than the others"]
    assert actions(rule) == ["I'd drain that one first"]
    assert rule.rationale == "maybe its heater is fouled"
    assert rule.certainty == Certainty.ALWAYS  # the "maybe" was on the diagnosis


def test_what_you_did_wrong_is_the_reason_and_the_fix_after_the_semicolon_the_action() -> None:
    rule = one("If the belt squeals at start-up, you let it slip too long; tighten it half a turn.")
    assert actions(rule) == ["tighten it half a turn"]
    assert rule.rationale == "you let it slip too long"


def test_a_hedged_instruction_is_not_taken_for_a_diagnosis() -> None:
    rule = one("If the clay has a lot of iron, maybe reduce earlier. The studio down the road does it differently.")
    assert actions(rule) == ["maybe reduce earlier"]


# --- conditions with no "if" --------------------------------------------------------------------


def test_a_supposition_is_a_condition() -> None:
    rule = one("Say the customer wants a matte finish, I sand with 400 grit.")
    assert conditions(rule) == ["the customer wants a matte finish"]
    assert actions(rule) == ["I sand with 400 grit"]


def test_a_threshold_after_a_prohibition_is_its_condition_with_the_material_named_beside_it() -> None:
    rule = one("Never run the spindle above 3,000 rpm on cast iron.")
    assert conditions(rule) == ["above 3,000 rpm", "on cast iron"]
    assert actions(rule) == ["Never run the spindle"]
    speed = rule.clauses()[0]
    assert (speed.operator, speed.value, speed.unit) == (">", 3000.0, "rpm")


def test_a_threshold_is_a_condition_of_stopping_but_the_target_of_keeping() -> None:
    rule = one("You have to slow the feed above about 40 mm of depth.")
    assert conditions(rule) == ["above about 40 mm of depth"]
    assert extract_text("Keep the bath below 40 degrees.") == []  # a target, said as no rule


def test_a_context_phrase_opening_a_sentence_joins_the_threshold_after_the_verb() -> None:
    rule = one("With flux-cored wire you have to stop above 8 m/s.")
    assert [c.rstrip(".") for c in conditions(rule)] == ["With flux-cored wire", "above 8 m/s"]
    assert (rule.clauses()[1].operator, rule.clauses()[1].value, rule.clauses()[1].unit) == (">", 8.0, "m/s")
    assert actions(rule) == ["you have to stop"]


# --- a hyphenated verb, a reason spliced on, the other way given after ------------------------------


def test_a_hyphenated_verb_is_one_word() -> None:
    rule = one("For floors that will get heavy traffic, we power-trowel twice.")
    assert conditions(rule) == ["For floors that will get heavy traffic"]
    assert actions(rule) == ["we power-trowel twice"]
    assert one("When the ink smears, re-tighten the clamps.").actions[0].text == "re-tighten the clamps"


def test_a_reason_spliced_on_after_the_instruction_is_its_rationale() -> None:
    rule = one("Never lift a casting while it's still glowing, the sand cracks.")
    assert conditions(rule) == ["it's still glowing"]
    assert actions(rule) == ["Never lift a casting"]
    assert rule.rationale == "the sand cracks"
    rule = one("If the seams are cold, warm them with the lamp, the solder won't take otherwise.")
    assert actions(rule) == ["warm them with the lamp"]
    assert rule.rationale == "the solder won't take otherwise"


def test_the_other_way_said_after_a_rule_is_one_more_action_of_it() -> None:
    rule = one("If the glaze runs at cone 6, don't fire it that high. Fire it at cone 5 instead.")
    assert conditions(rule) == ["the glaze runs at cone 6"]
    assert actions(rule) == ["don't fire it that high", "Fire it at cone 5 instead"]


# --- stories and small talk -----------------------------------------------------------------------


def test_a_story_told_with_a_verb_whose_past_looks_like_its_present_is_no_rule() -> None:
    assert extract_text("My uncle set every rivet by eye, and he whistled while he worked.") == []
    rule = one("When the dent springs back slowly, put it in the oven.")  # "put" is no story here
    assert actions(rule) == ["put it in the oven"]


def test_a_parting_kindness_is_no_rule_but_locking_up_when_you_leave_is() -> None:
    assert extract_text("Take some cake with you when you leave.") == []
    assert actions(one("Lock the gas valve when you leave.")) == ["Lock the gas valve"]


def test_an_interviewer_question_without_a_question_mark_is_no_action() -> None:
    t = parse_bytes(b"Interviewer: Do you change anything on night shifts\nKim: Not really.\n", "talk.txt")
    assert extract_transcript(t) == []
