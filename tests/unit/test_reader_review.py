"""What an adversarial read of the session-32 reader found, one made-up sentence of each shape
(issue 20, part 4): conditions joined by commas that keep their exception and drop an aside, a
purpose that ends where the next step begins, an offer that is no craft, a Korean pointer that
names a case, a 그럼 step with no rule before, and negations read as morphemes."""

from elicitation import extract_text, extract_transcript
from elicitation.spans import negation
from elicitation.transcripts import Transcript, Turn
from rules import Certainty, Rule


def one(text: str) -> Rule:
    rules = extract_text(text)
    assert len(rules) == 1, [r.summary() for r in rules]
    return rules[0]


def test_joined_conditions_keep_the_exception_said_after_the_action() -> None:
    rule = one("If the sand is damp, and the mould is cold, you dry it under the lamp unless the pour is small.")
    assert [c.text for c in rule.conditions.items] == ["the sand is damp", "the mould is cold"]
    assert [c.text for c in rule.exceptions] == ["the pour is small"]
    assert [a.text for a in rule.actions] == ["you dry it under the lamp"]


def test_an_aside_between_joined_conditions_is_no_condition() -> None:
    rule = one("If the sand is damp, and it will be, you dry it under the lamp.")
    assert [c.text for c in rule.conditions.items] == ["the sand is damp"]
    assert [a.text for a in rule.actions] == ["you dry it under the lamp"]


def test_a_purpose_ends_where_the_next_step_begins() -> None:
    rule = one("If the joint is loose, clamp the frame square so the glue can grab, and then leave it for an hour.")
    assert [a.text for a in rule.actions] == ["clamp the frame square", "leave it for an hour"]
    assert rule.rationale == "so the glue can grab"


def test_an_offer_with_there_is_is_no_rule() -> None:
    assert extract_text("If you need a break, there's a kettle in the back.") == []


def test_a_korean_pointer_with_a_noun_of_its_own_names_a_case() -> None:
    rule = one("그런 냄새가 나면 바로 전원을 꺼요.")
    assert [c.text for c in rule.conditions.items] == ["냄새가 나면"]
    assert [a.text for a in rule.actions] == ["바로 전원을 꺼요"]


def test_a_korean_pointer_alone_is_still_the_reason_for_the_rule_before() -> None:
    rule = one("유량이 십오 리터 이하로 떨어지면 실린더를 바꿔요. 아마 그때쯤이면 거의 바닥일 거예요.")
    assert rule.rationale == "아마 그때쯤이면 거의 바닥일 거예요."


def test_a_geureom_step_with_no_rule_before_is_a_rule_of_its_own() -> None:
    rule = one("그럼 다음 배치 넣기 전에 밸브부터 봐요.")
    assert [c.text for c in rule.conditions.items] == ["다음 배치 넣기 전에"]
    assert [a.text for a in rule.actions] == ["밸브부터 봐요"]


def test_a_geureom_step_after_a_rule_leans_on_it() -> None:
    rules = extract_text("압력이 떨어지면 펌프를 멈춰요. 그럼 다음 배치 넣기 전에 밸브부터 봐요.")
    assert len(rules) == 2
    assert [c.text for c in rules[1].conditions.items] == ["압력이 떨어지면"]
    assert "다음 배치 넣기 전에" in rules[1].actions[0].text


def test_every_word_for_now_and_then_hedges_a_korean_rule() -> None:
    for word in ("가끔", "종종", "이따금", "간혹", "어쩌다"):
        assert one(f"습도가 높으면 {word} 두 번 칠해요.").certainty == Certainty.SOMETIMES, word


def test_korean_negations_are_read_as_morphemes_not_as_letters() -> None:
    for word in ("않으면", "없으면", "마세요", "못", "안", "말고"):
        assert negation(word), word
    for word in ("정말", "말리고", "말하면", "말씀"):
        assert not negation(word), word
    assert negation("don't") and negation("never") and not negation("nearly")


def test_a_threshold_that_points_back_opens_a_rule() -> None:
    rules = extract_text(
        "If it reads within half a degree of the drawing, it goes on the pallet. "
        "More than that, I change the depth on the ram."
    )
    assert [c.text for c in rules[1].conditions.items] == ["More than that"]
    assert [a.text for a in rules[1].actions] == ["I change the depth on the ram"]
    past = one("Past that, stop the pump.")
    assert [c.text for c in past.conditions.items] == ["Past that"]
    assert extract_text("More than that, the answer is no.") == []


def test_an_is_said_as_s_is_no_possessive() -> None:
    rule = one("Never put your hand between the punch and the die when the foot pedal's live.")
    assert [c.text for c in rule.conditions.items] == ["the foot pedal's live"]
    assert [a.text for a in rule.actions] == ["Never put your hand between the punch and the die"]


def test_an_answer_opening_with_then_says_what_is_done_in_the_asked_case() -> None:
    said = [
        ("Interviewer", "And if the sheet arrives bowed?"),
        ("Baek", "Then it goes through the leveller first."),
        ("Interviewer", "And if the glaze crawls?"),
        ("Baek", "Then it cracks, nothing to do."),
    ]
    turns = [Turn(index=i, speaker=s, text=t) for i, (s, t) in enumerate(said)]
    rules = extract_transcript(Transcript(turns=turns, format="txt", encoding="utf-8"))
    assert [[a.text for a in r.actions] for r in rules] == [["it goes through the leveller first"]]
    assert {e.turn for e in rules[0].evidence} == {0, 1}


def _interview(*said: tuple[str, str]) -> list[Rule]:
    turns = [Turn(index=i, speaker=s, text=t) for i, (s, t) in enumerate(said)]
    return extract_transcript(Transcript(turns=turns, format="txt", encoding="utf-8"))


def test_an_interviewers_lets_say_sets_up_the_case_the_answer_acts_on() -> None:
    rules = _interview(
        ("Interviewer", "Let's say it's the middle of winter and the shop's freezing."),
        ("Doyle", "Then I keep the tread rubber in the warm room overnight. Cold gum doesn't lay down, you get air."),
    )
    assert len(rules) == 1
    assert "middle of winter" in rules[0].clauses()[0].text
    assert [a.text for a in rules[0].actions] == ["I keep the tread rubber in the warm room overnight"]


def test_what_happens_otherwise_is_no_part_of_when_to_act() -> None:
    rule = one("Wipe the die when you change coils or it'll scratch the next batch.")
    assert [c.text for c in rule.conditions.items] == ["you change coils"]
    alternatives = one("If the clay is wet or it will not hold, add grog.")
    assert len(alternatives.clauses()) == 2  # after "if", "or ..." is a case of its own


def test_an_age_in_years_is_a_threshold() -> None:
    rule = one(
        "Anything older than seven years, we don't retread it, unless the customer signs, and then it's his call."
    )
    age = rule.clauses()[0]
    assert (age.operator, age.value, age.unit) == (">", 7.0, "year")
    assert [c.text for c in rule.exceptions] == ["the customer signs"]
    assert rule.actions[0].text == "we don't retread it"


def test_a_korean_bound_noun_subject_makes_a_warning_and_its_remedy_follows() -> None:
    rules = extract_text("메주가 떠오르면 바람 닿는 데가 마르고 골아요. 그러니까 대나무 가지를 걸쳐서 눌러 줘요.")
    assert [a.text for a in rules[-1].actions] == ["대나무 가지를 걸쳐서 눌러 줘요"]
    assert rules[-1].rationale == "바람 닿는 데가 마르고 골아요"


def test_a_material_named_alone_then_how_much_one_does_is_its_rule() -> None:
    rule = one("Cast iron, you drop the speed to 300 rpm.")
    assert [c.text for c in rule.conditions.items] == ["Cast iron"]
    assert [a.text for a in rule.actions] == ["you drop the speed to 300 rpm"]


def test_a_word_of_assent_before_a_comma_is_no_topic() -> None:
    assert extract_text("Good question, I get 30 of those a day.") == []
    assert extract_text("Good, I use 40 amps then.") == []


def test_a_korean_background_clause_is_no_part_of_the_case() -> None:
    rule = one("간장은 체에 걸러서 달이는데, 달일 때는 거품을 계속 걷어 내야 돼요.")
    assert [c.text for c in rule.conditions.items] == ["달일 때는"]
    concession = one("같은 자리를 두 번 폈는데도 또 들어가면 판을 갈아요.")  # "even after twice" is the case
    assert concession.clauses()[0].text == "같은 자리를 두 번 폈는데도"


def test_from_the_moment_korean_go_buteo_is_a_condition() -> None:
    rule = one("팔십 도 넘어가고부터는 분당 일 도 이상 절대 올리지 마세요.")
    assert [c.text for c in rule.conditions.items] == ["팔십 도 넘어가고부터는"]
    assert rule.actions[0].negated or "마세요" in rule.actions[0].text


def test_a_korean_case_said_without_a_verb_before_geureom() -> None:
    rule = one("같은 로트에서 색차가 두 번, 그럼 그 기계는 세우고 처방을 처음부터 다시 짜요.")
    assert [c.text for c in rule.conditions.items] == ["같은 로트에서 색차가 두 번"]
    assert [a.text for a in rule.actions] == ["그 기계는 세우고", "처방을 처음부터 다시 짜요"]
    assert extract_text("네, 그럼 다음에 봐요.") == []


def test_right_then_points_back_to_the_sentence_before() -> None:
    rule = one("The leaves go soft and the smell turns sweet. Right then, take them out.")
    assert [c.text for c in rule.conditions.items] == ["The leaves go soft", "the smell turns sweet"]
    assert [a.text for a in rule.actions] == ["take them out"]


def test_a_misread_imperative_is_still_a_step() -> None:
    rule = one("Each time, lower the heat a little.")  # "lower" tagged as an adjective
    assert [c.text for c in rule.conditions.items] == ["Each time"]
    assert [a.text for a in rule.actions] == ["lower the heat a little"]
    assert extract_text("Sometimes the heat is low.") == []


def test_a_prohibition_after_a_diagnosis_and_its_steps_is_still_a_step() -> None:
    rule = one("If the weld cracks, the preheat was too low. Check the torch. Never quench it in water. Let it cool.")
    assert [a.text for a in rule.actions] == ["Check the torch", "Never quench it in water", "Let it cool"]


def test_a_joke_ending_an_answer_is_no_step_but_a_laugh_inside_one_is() -> None:
    joke = _interview(
        ("Interviewer", "And when the shop gets hot, do you change anything?"),
        ("Han", "Yes, I drink a lot of water, ha."),
    )
    assert joke == []
    steps = _interview(
        ("Interviewer", "What do you do when it's hot in the shop?"),
        ("Han", "I open the doors, ha, and drink lots of water."),
    )
    assert len(steps) == 1 and steps[0].clauses()[0].text == "it's hot in the shop"


def test_then_with_what_it_becomes_is_no_step() -> None:
    rules = _interview(("Interviewer", "And if you overwork the dough?"), ("Baker", "Then it gets tough."))
    assert rules == []


def test_a_step_the_parser_hung_under_a_spliced_reason_is_still_the_answer() -> None:
    rules = _interview(
        ("Interviewer", "What if it's very humid in the shop?"),
        ("Baker", "Then I hold back some water, maybe three percent, the flour takes in moisture from the air."),
    )
    assert [a.text for a in rules[0].actions] == ["I hold back some water, maybe three percent"]
    assert extract_text("If the card shows pink, bake it. Otherwise you get popcorning, the steam cracks it.")[1:] == []


def test_korean_talk_to_the_visitor_is_no_rule() -> None:
    assert extract_text("저쪽 사무실로 가면 좀 나아요, 문 닫고 얘기합시다.") == []
    rules = _interview(
        ("면담자", "작업 들어가기 전에 제일 먼저 뭘 확인하세요?"),
        ("윤명장", "물이에요, 물. 경도가 오십 피피엠 넘는 경우에는 킬레이트제를 먼저 넣어요."),
    )
    assert [[c.text for c in r.clauses()] for r in rules] == [["경도가 오십 피피엠 넘는 경우에는"]]


def test_a_kindness_to_the_visitor_is_no_rule() -> None:
    assert extract_text("Go on, get yourself a bacon butty before the scaffolders eat them all.") == []


def test_nobody_forbids_until_the_case_is_reached() -> None:
    rule = one("Nobody goes inside the furnace until the flue gas at the outlet is under 50 degrees.")
    gas = rule.clauses()[0]
    assert gas.text == "until the flue gas at the outlet is under 50 degrees"
    assert (gas.operator, gas.value, gas.unit) == (">=", 50.0, "degC")  # forbidden while it is still hot


def test_anything_with_a_threshold_then_what_happens_to_it() -> None:
    rule = one("Any tube that's lost more than 20% of its wall, it gets cut out and replaced, no patching.")
    assert [c.text for c in rule.conditions.items] == ["Any tube that's lost more than 20% of its wall"]
    swell = one("Anything more than 2 percent swell on the diameter, it comes out.")
    assert [a.text for a in swell.actions] == ["it comes out"]


def test_then_after_advice_is_the_next_step_not_a_case() -> None:
    rules = extract_text(
        "If it's colder than 20 degrees, we warm it up first. You don't want to test cold steel, it goes "
        "brittle on you. Then we hold it for thirty minutes."
    )
    assert [[c.text for c in r.clauses()] for r in rules] == [["it's colder than 20 degrees"]]


def test_how_it_goes_before_you_blink_is_no_rule() -> None:
    assert extract_text("A burner loses its flame and the fuel's off before you've blinked.") == []
    assert one("Before you weld, grind off the primer.").actions[0].text == "grind off the primer"


def test_a_korean_yes_before_the_answer_is_no_step() -> None:
    rules = _interview(
        ("면담자", "배추 상태가 안 좋은 게 들어올 때도 있죠?"),
        ("정명장", "있죠, 비 많이 온 해에는 특히. 무름병 있는 게 섞여 들어온 경우에는 통째로 버려요."),
    )
    assert [[a.text for a in r.actions] for r in rules] == [["통째로 버려요"]]


def test_review_shapes_that_must_stay_no_rule() -> None:
    for text in (
        "That's the glaze done. Right then, let's have a look at the kiln.",
        "I cover the dough with plastic. Over that, I lay a damp cloth.",
        "Mate, I use about two kilos of salt.",
        "음 글쎄요, 그럼 불을 줄이세요.",
    ):
        assert extract_text(text) == [], text


def test_a_korean_propositive_with_an_object_and_a_case_is_a_rule() -> None:
    assert len(extract_text("온도가 올라가면 불을 줄입시다.")) == 1


def test_a_deadline_is_no_condition() -> None:
    rule = one("Any batch over fifty litres goes in the chiller within an hour.")
    assert [c.text for c in rule.clauses()] == ["Any batch over fifty litres"]
