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


def test_a_reason_said_as_its_own_sentence_is_the_rationale_of_the_rule_before() -> None:
    rule = one("If the bead turns grey, close the valve. Because the hose leaks at the joint.")
    assert actions(rule) == ["close the valve"]
    assert rule.rationale == "the hose leaks at the joint"


def test_a_new_point_after_a_case_is_not_under_the_question() -> None:
    t = parse_bytes(
        b"Interviewer: How do you judge the plaster when the bags arrive?\n"
        b"Ko: A quick squeeze, every bag. If it is lumpy, send the bag back. We don't add lime on site.\n",
        "talk.txt",
    )
    (rule,) = extract_transcript(t)
    assert actions(rule) == ["send the bag back"]


def test_once_a_week_is_how_often_not_a_condition() -> None:
    assert extract_text("And once a week we flatten the stones.") == []


def test_a_step_before_then_is_not_under_the_condition_of_the_step_after() -> None:
    rule = one("Soak the reeds until they bend easily, then split them while they're still wet.")
    assert conditions(rule) == ["they're still wet"]
    assert actions(rule) == ["split them"]


def test_a_setting_after_the_verb_is_how_to_act_not_a_condition() -> None:
    rule = one("If it is older than a year, give it a short roast again at low heat.")
    assert conditions(rule) == ["it is older than a year"]


# --- Korean -----------------------------------------------------------------------------------------


def test_unless_said_with_its_negation_tests_the_case_that_stops_the_rule() -> None:
    rule = one("온도가 200도를 넘지 않는 한 뚜껑을 열지 마세요.")
    assert not rule.clauses()
    (unless,) = rule.exceptions
    assert unless.text == "온도가 200도를 넘지 않는 한"  # the master's words
    assert (unless.operator, unless.value, unless.unit) == (">", 200, "degC")
    (unless,) = one("습기가 없는 한 그냥 바로 용접해요.").exceptions
    assert (unless.variable, unless.operator) == ("습기", "is_true")


def test_a_reason_with_geonikka_is_the_rationale_not_a_condition() -> None:
    rule = one("모터가 탄 거니까 소리가 나면 바로 전원을 끄세요.")
    assert conditions(rule) == ["소리가 나면"]
    assert rule.rationale == "모터가 탄 거니까"
    rule = one("소리가 나면 바로 전원을 끄세요. 모터가 탄 거니까요.")
    assert rule.rationale == "모터가 탄 거니까요."
    # a state the rule waits for, said with -니까, stays a condition
    assert len(one("장마철에는 그릇이 잘 안 마르니까 더 말리세요.").clauses()) == 2


def test_small_talk_and_a_verdict_after_a_rule_are_no_rules_and_the_verdicts_hedge_moves() -> None:
    assert extract_text("점심 먹고 나니까 이제 좀 살 것 같네요.") == []
    rule = one("압력이 5바 아래로 떨어지면 밸브를 잠가요. 아마 그 정도면 괜찮을 거예요.")
    assert actions(rule) == ["밸브를 잠가요"]
    assert rule.certainty == Certainty.USUALLY


def test_pointing_back_takes_the_condition_before_and_instead_adds_an_action() -> None:
    rules = extract_text("장부가 너무 빡빡하면 망치로 치다가 나무가 터져요. 그럴 때는 끌로 한 번 더 다듬으세요.")
    assert any(actions(r) == ["끌로 한 번 더 다듬으세요"] and conditions(r) == ["장부가 너무 빡빡하면"] for r in rules)
    rule = one("비가 오면 대패질은 안 해요. 대신 먹줄 놓는 일을 하죠.")
    assert actions(rule) == ["대패질은 안 해요", "대신 먹줄 놓는 일을 하죠"]


def test_usually_on_the_default_is_no_hedge_on_the_exception() -> None:
    rule = one("보통은 두 번 칠하는데 습도가 80%를 넘으면 세 번 칠해요.")
    assert conditions(rule) == ["습도가 80%를 넘으면"]
    assert rule.certainty == Certainty.ALWAYS


def test_two_rules_joined_by_go_are_two_rules() -> None:
    rules = extract_text("가까이 대면 얼룩이 생기고, 멀리서 뿌리면 도료가 날려서 거칠어져요.")
    assert sorted(conditions(r)[0] for r in rules) == ["가까이 대면", "멀리서 뿌리면"]
    rules = extract_text("바닥은 먼저 초벌로 칠하고, 마감은 붓으로 해도 돼요.")
    assert sorted(conditions(r)[0] for r in rules) == ["마감은", "바닥은"]


def test_a_threshold_in_a_topic_and_a_step_before_the_last_are_read_whole() -> None:
    rule = one("함수율이 20% 넘는 나무는 절대 기둥에 쓰지 마세요.")
    assert conditions(rule) == ["함수율이 20% 넘는 나무는"]
    rule = one("자개가 두꺼운 경우에는 뒷면을 사포로 갈아서 얇게 만든 다음에 붙여요.")
    assert conditions(rule) == ["자개가 두꺼운 경우에는"]
    assert actions(rule) == ["뒷면을 사포로 갈아서 얇게 만든 다음에 붙여요"]


def test_a_bare_what_if_question_takes_the_consequence_answered() -> None:
    t = parse_bytes("면담자: 덜 마른 나무를 쓰면요?\n대목장: 나중에 틀어지고 갈라져요.\n".encode(), "talk.txt")
    (rule,) = extract_transcript(t)
    assert conditions(rule) == ["덜 마른 나무를 쓰면"]
    assert actions(rule) == ["나중에 틀어지고 갈라져요"]
    assert {e.turn for e in rule.evidence} == {0, 1}


def test_a_remark_about_someone_else_is_not_merged_into_the_instruction() -> None:
    rule = one("If the weld is porous, grind it out and reweld it, and the foreman signs off in the end.")
    assert actions(rule) == ["grind it out", "reweld it"]


def test_a_count_then_and_is_a_condition() -> None:
    rule = one("Two rejects in a row and we stop the line.")
    assert conditions(rule) == ["Two rejects in a row"]
    assert actions(rule) == ["we stop the line"]


def test_what_an_answer_adds_after_its_condition_completes_the_asked_action() -> None:
    t = parse_bytes(b"Interviewer: Do you preheat?\nNoh: For walls over 20 mm, yes, to about 120 degrees.\n", "t.txt")
    (rule,) = extract_transcript(t)
    assert conditions(rule) == ["For walls over 20 mm"]
    assert actions(rule) == ["preheat to about 120 degrees"]


# --- shapes from interviews written after the first round of fixes ---------------------------------


def test_a_consequence_then_bare_instructions_give_the_instructions_the_condition() -> None:
    rule = one(
        "If the glue pot's been open more than two hours, it's gone stringy, it won't hold. Bin it. Mix a new pot."
    )
    assert actions(rule) == ["Bin it", "Mix a new pot"]
    assert rule.rationale and "gone stringy" in rule.rationale


def test_a_warning_after_a_forbidden_until_is_its_reason() -> None:
    rule = one("Don't open the press until the platen's cooled under 60 degrees, you'll warp the sheet.")
    assert actions(rule) == ["Don't open the press"]
    assert rule.rationale == "you'll warp the sheet"
    (until,) = rule.clauses()
    assert (until.operator, until.value) == (">=", 60.0)  # forbidden while it is at least 60


def test_any_thing_bigger_than_a_threshold_opens_a_condition() -> None:
    rule = one("Any crack longer than 5 mm in the weld, it needs a full repair.")
    assert conditions(rule) == ["Any crack longer than 5 mm in the weld"]
    assert actions(rule) == ["it needs a full repair"]


def test_a_rule_for_everyone_with_only_an_exception() -> None:
    rule = one("Nobody touches the acid tank unless the foreman is in the room.")
    assert [e.text for e in rule.exceptions] == ["the foreman is in the room"]
    assert actions(rule) == ["Nobody touches the acid tank"]


def test_a_fronted_threshold_after_and_starts_its_own_rule() -> None:
    rules = extract_text("It goes in the oven at 180 degrees, and for loaves heavier than 2 kilos I add ten minutes.")
    assert any(
        conditions(r) == ["for loaves heavier than 2 kilos"] and actions(r) == ["I add ten minutes"] for r in rules
    )


def test_a_named_case_then_pointing_back_is_one_rule() -> None:
    rule = one("가끔 실이 기계 안에서 엉켜서 안 도는 경우가 있어요. 그럴 때는 바로 세우고 장력부터 봐요.")
    assert conditions(rule) == ["가끔 실이 기계 안에서 엉켜서 안 도는 경우가"]
    assert actions(rule) == ["바로 세우고", "장력부터 봐요"]


def test_a_korean_diagnosis_hands_its_condition_to_the_remedy_after_it() -> None:
    rule = one("시편이 기준보다 누렇게 나오면 황이 많이 들어간 거예요. 청색을 조금 더 넣어서 다시 돌려요.")
    assert conditions(rule) == ["시편이 기준보다 누렇게 나오면"]
    assert actions(rule) == ["청색을 조금 더 넣어서 다시 돌려요"]
    assert rule.rationale == "황이 많이 들어간 거예요"


def test_until_with_a_plain_action_is_how_long_and_two_states_with_go_are_two_conditions() -> None:
    assert extract_text("물이 맑아질 때까지 헹구고요.") == []
    rule = one("색이 까맣게 되고 구수한 냄새가 올라오면 불을 꺼요.")
    assert conditions(rule) == ["색이 까맣게 되고", "구수한 냄새가 올라오면"]


def test_about_so_much_is_a_verdict_and_the_visitor_leaving_is_no_condition() -> None:
    rule = one("얼룩이 보이면 다시 헹궈요. 보통 세 번 정도면 될 거예요.")
    assert actions(rule) == ["다시 헹궈요"] and rule.certainty == Certainty.USUALLY
    assert extract_text("나가실 때 옷에 염료 안 묻게 조심하세요.") == []


def test_since_it_is_said_with_the_copula_is_a_reason() -> None:
    rule = one("바람이 불면 물에 안 녹는 염료니까 분산제를 꼭 같이 넣으세요.")
    assert conditions(rule) == ["바람이 불면"]
    assert rule.rationale == "물에 안 녹는 염료니까"


# --- shapes from the adversarial read of the second round ------------------------------------------


def test_a_sentence_with_its_own_case_does_not_lean_on_the_rule_before() -> None:
    rules = extract_text("If the glaze runs, don't fire it that high. For stoneware over 10 kilos, use cone 5 instead.")
    assert [actions(r) for r in rules] == [["don't fire it that high"], ["use cone 5 instead"]]
    assert conditions(rules[1]) == ["For stoneware over 10 kilos"]


def test_at_most_two_bare_steps_join_a_diagnosis() -> None:
    rule = one("If the dough is slack, the flour is weak. Add salt. Knead it longer. Rest it. Shape it.")
    assert actions(rule) == ["Add salt", "Knead it longer", "Rest it"]


def test_a_bare_step_after_the_answers_own_case_is_one_more_step_of_it() -> None:
    t = parse_bytes(
        b"Interviewer: What do you do when it rains during a pour?\nKo: If it is heavy, stop. Cover the slab.\n",
        "talk.txt",
    )
    (rule,) = extract_transcript(t)
    assert actions(rule) == ["stop", "Cover the slab"]
    assert conditions(rule) == ["it rains during a pour", "it is heavy"]


def test_a_supposition_asked_or_only_imagined_is_no_rule() -> None:
    assert extract_text("Suppose the melt runs cold, would you add coke?") == []
    assert extract_text("Say the belt snapped, you'd lose the whole batch.") == []
    assert actions(one("Suppose the melt runs cold, you add a little coke.")) == ["you add a little coke"]


def test_a_prohibition_with_myeon_is_not_a_second_rule_after_go() -> None:
    rule = one("물이 끓으면 소금을 붓고 뚜껑을 열면 안 돼요.")
    assert conditions(rule) == ["물이 끓으면"]
    assert actions(rule) == ["소금을 붓고", "뚜껑을 열면 안 돼요"]


def test_about_so_much_with_a_measure_and_a_permission_is_a_rule() -> None:
    rule = one("습도가 60% 정도면 그냥 칠해도 좋아요.")
    assert conditions(rule) == ["습도가 60% 정도면"] and actions(rule) == ["그냥 칠해도 좋아요"]


def test_contrasted_sides_keep_their_own_conditions_and_adjectives() -> None:
    thick, thin = extract_text("철판은 두께가 10밀리를 넘으면 예열하고, 얇은 판은 그냥 용접해요.")
    assert conditions(thick) == ["철판은 두께가 10밀리를 넘으면"] and actions(thick) == ["예열하고"]
    assert thick.conditions.items[0].value == 10
    assert conditions(thin) == ["얇은 판은"] and actions(thin) == ["그냥 용접해요"]
    summer, winter = extract_text("여름에는 물을 많이 주고, 겨울에는 적게 줘요.")
    assert conditions(summer) == ["여름에는"] and conditions(winter) == ["겨울에는"]


def test_a_copula_reason_as_the_only_case_is_the_condition() -> None:
    rule = one("물에 안 녹는 염료니까 먼저 풀어서 넣으세요.")
    assert conditions(rule) == ["물에 안 녹는 염료니까"] and actions(rule) == ["먼저 풀어서 넣으세요"]


# --- shapes from the interviews written in session 32 ---------------------------------------------


def test_a_topic_named_first_is_the_condition_of_what_one_does_with_it() -> None:
    rule = one("Brass, I always anneal it twice before the deep draw.")
    assert conditions(rule) == ["Brass"] and actions(rule) == ["I always anneal it twice before the deep draw"]
    rule = one("Any crate that comes in wetter than twelve percent, we send it straight back.")
    assert conditions(rule) == ["Any crate that comes in wetter than twelve percent"]
    assert extract_text("Cold oil, the angles drift all morning.") == []  # nobody acts on it
    assert extract_text("Good question, I get that a lot.") == []  # nothing done to the topic


def test_a_topic_keeps_the_exception_and_a_remark_after_it_is_the_reason() -> None:
    rule = one("Oak boards, I don't plane one unless it's had its two winters, that's the old way and it works.")
    assert conditions(rule) == ["Oak boards"] and [e.text for e in rule.exceptions] == ["it's had its two winters"]
    assert actions(rule) == ["I don't plane one"]
    assert rule.rationale == "that's the old way and it works"


def test_anything_more_than_that_and_is_a_condition() -> None:
    rule = one("Anything thicker than that and I switch to the big die.")
    assert conditions(rule) == ["Anything thicker than that"] and actions(rule) == ["I switch to the big die"]


def test_a_likeness_stays_in_the_cue_and_a_second_cue_after_a_comma_joins_it() -> None:
    rule = one("When the glaze crawls, like beads of water on wax, and the edges go matt, you refire it.")
    assert conditions(rule) == ["the glaze crawls, like beads of water on wax", "the edges go matt"]
    assert actions(rule) == ["you refire it"]
    rule = one("When the melt goes bright, like the sun at noon, pour it.")
    assert conditions(rule) == ["the melt goes bright, like the sun at noon"] and actions(rule) == ["pour it"]


def test_asking_how_one_knows_gives_the_answer_no_condition() -> None:
    t = parse_bytes(
        b"Interviewer: How do you know when the dough is proved?\n"
        b"Ko: You press it with a floured finger. Once the dent springs back slowly, you bake.\n",
        "talk.txt",
    )
    (rule,) = extract_transcript(t)
    assert conditions(rule) == ["the dent springs back slowly"] and actions(rule) == ["you bake"]


def test_what_is_going_wrong_as_you_work_is_the_reason_and_the_warning_no_step() -> None:
    rule = one("If the drill squeals, you're riding the bit too hard. Ease the feed off, or you'll snap it.")
    assert conditions(rule) == ["the drill squeals"] and actions(rule) == ["Ease the feed off"]
    assert rule.rationale == "you're riding the bit too hard"


def test_korean_a_case_said_with_sometimes_then_pointed_back_to_is_one_rule() -> None:
    rule = one("가끔 원단이 덜 마른 채로 와요. 그런 건 건조기 말고 자연 건조부터 한 번 더 해요.")
    assert conditions(rule) == ["원단이 덜 마른 채로 와요"]
    assert actions(rule) == ["건조기 말고 자연 건조부터 한 번 더 해요"]


def test_korean_then_after_a_diagnosis_with_a_step_before_is_the_remedy() -> None:
    rule = one("펌프 소리가 평소보다 높게 나면 필터가 막히고 있는 거예요. 그럼 다음 배치 넣기 전에 필터부터 봐요.")
    assert actions(rule) == ["다음 배치 넣기 전에 필터부터 봐요"]
    assert rule.rationale == "필터가 막히고 있는 거예요"


def test_korean_a_story_since_and_a_by_then_and_it_is_so_are_no_rules() -> None:
    assert extract_text("구십 년에 들어왔으니까 올해로 서른다섯 해네요.") == []
    assert extract_text("처음엔 다 그래요.") == []
    rule = one("압력이 2바 이하로 떨어지면 밸브를 잠그세요. 아마 그때쯤이면 탱크가 거의 빈 거예요.")
    assert actions(rule) == ["밸브를 잠그세요"] and rule.rationale is not None and "그때쯤" in rule.rationale


def test_a_purpose_after_the_action_is_its_reason() -> None:
    rule = one("If the veneer lifts at the edge, clamp it overnight so the glue can grab.")
    assert actions(rule) == ["clamp it overnight"]
    assert rule.rationale == "so the glue can grab"


def test_a_story_going_on_after_a_pro_verb_and_an_offer_to_the_visitor_are_no_rules() -> None:
    t = parse_bytes(
        b"Interviewer: I'd have thought you just type in a new number.\n"
        b"Ko: Everybody does. Then they fiddle with it all week.\n",
        "talk.txt",
    )
    assert extract_transcript(t) == []
    assert extract_text("There are gloves in the cupboard if you want to try it yourself.") == []
    assert actions(one("If you want a finer finish, use the 600 grit.")) == ["use the 600 grit"]


def test_a_threshold_said_as_the_subject_is_the_condition_of_what_happens_to_it() -> None:
    rule = one("Anything thinner than 2 mm goes back to the mill.")
    assert conditions(rule) == ["Anything thinner than 2 mm"] and actions(rule) == ["goes back to the mill"]
    (clause,) = rule.clauses()
    assert clause.operator is not None and clause.value == 2
    assert extract_text("Every casting is checked twice.") == []


def test_korean_a_warning_then_the_remedy_are_two_rules_under_one_condition() -> None:
    warning, remedy = extract_text("기름이 너무 뜨거우면 반죽이 타요. 그러니까 불을 줄이고 기다리세요.")
    assert conditions(warning) == conditions(remedy) == ["기름이 너무 뜨거우면"]
    assert actions(warning) == ["반죽이 타요"]
    assert actions(remedy) == ["불을 줄이고", "기다리세요"] and remedy.rationale == "반죽이 타요"
    assert extract_text("지금 생각하면 참 무모했죠.") == []


def test_by_the_time_and_the_minute_open_a_condition() -> None:
    rule = one("By the time the crust is brown, pull the tray.")
    assert conditions(rule) == ["the crust is brown"] and actions(rule) == ["pull the tray"]
    assert conditions(one("The minute you smell burning, kill the power.")) == ["you smell burning"]


def test_korean_it_seems_with_da_sipeumyeon_is_a_condition_not_a_wish() -> None:
    rule = one("색이 짙어진다 싶으면 바로 불을 줄여요.")
    assert conditions(rule) == ["색이 짙어진다 싶으면"] and actions(rule) == ["바로 불을 줄여요"]
    assert extract_text("보고 싶으면 언제든 오세요.") == []  # the visitor's wish stays courtesy
