"""The measurements a question states, whether they meet a rule's conditions, and how they move a
search's candidates; and Korean read for BM25 as its content morphemes."""

from __future__ import annotations

from knowledge_base.semantic import Bm25, Hit, by_facts, terms
from rules import Action, Clause, Group, Rule
from rules.stated import NOTHING, meets, quantities


def rule(*clauses: Clause, join: str = "all", unless: tuple[Clause, ...] = ()) -> Rule:
    return Rule(conditions=Group(join=join, items=list(clauses)), exceptions=list(unless), actions=[Action(text="act")])


def above(text: str, variable: str, value: float, unit: str, op: str = ">") -> Clause:
    return Clause(text=text, variable=variable, operator=op, value=value, unit=unit)


LEAK = rule(above("the chamber stays above 2 Pa after pumping", "chamber_pressure", 2, "Pa"))
FURNACE = rule(above("it has been in the furnace more than 90 minutes", "furnace_time", 90, "min"))


def test_numbers_with_units_are_read_in_both_languages_and_bare_numbers_are_not() -> None:
    said = quantities("I pumped for an hour and the chamber still reads 3 Pa; part 42 of 1,450 °C")
    assert [(s.words, s.value, s.unit) for s in said] == [
        ("an hour", 1.0, "h"),
        ("3 Pa", 3.0, "Pa"),
        ("1,450 °C", 1450.0, "degC"),
    ]
    korean = quantities("발효실이 18도밖에 안 되고 담근 지 두 달, 압력은 3 bar예요")
    assert [(s.value, s.unit) for s in korean] == [(18.0, "degrees"), (2.0, "month"), (3.0, "bar")]
    assert quantities("what do I do in the morning?") == []
    assert quantities("3 in the morning at 5") == []  # pint's inch and atmosphere are not read


def test_a_range_says_both_ends_and_a_two_part_time_is_one_length() -> None:
    shown = [(s.words, s.value, s.unit) for s in quantities("the gauge swings 2-4 Pa after 2 hours 30 minutes")]
    assert shown == [("2-4 Pa", 2.0, "Pa"), ("2-4 Pa", 4.0, "Pa"), ("2 hours 30 minutes", 2.5, "h")]
    assert [s.value for s in quantities("kept between 20 and 25 °C")] == [20.0, 25.0]
    assert [s.value for s in quantities("-5 to -10 °C outside")] == [-5.0, -10.0]
    assert [(s.value, s.unit) for s in quantities("an hour and a half, then two and a half hours")] == [
        (1.5, "h"),
        (2.5, "h"),
    ]
    assert [s.value for s in quantities("I checked 3 and 4 Pa")] == [4.0]  # "and" alone is no range
    korean = [(s.words, s.value, s.unit) for s in quantities("20~25도에서 1시간 반, 2시간 30분 돌렸어요")]
    assert korean == [
        ("20~25도", 20.0, "degrees"),
        ("20~25도", 25.0, "degrees"),
        ("1시간 반", 1.5, "h"),
        ("2시간 30분", 2.5, "h"),
    ]
    assert meets(FURNACE, quantities("it's been in for an hour and a half")).fit == -1  # 90 is not more than 90
    assert meets(FURNACE, quantities("it's been in for 1 hour 31 minutes")).fit == 1


def test_number_words_and_rates_are_read_as_the_extractor_reads_them() -> None:
    shown = [(s.value, s.unit) for s in quantities("under fifty-five per cent for forty-eight hours, 300 degrees")]
    assert shown == [(55.0, "%"), (48.0, "h"), (300.0, "degrees")]
    assert [(s.value, s.unit) for s in quantities("turn the gas up to about 15 litres a minute")] == [(15.0, "L/min")]
    assert [(s.words, s.unit) for s in quantities("가스 유량을 분당 15리터 정도로 올려")] == [("분당 15리터", "L/min")]
    assert quantities("wait a m") == []  # "a" alone is a number only before a unit of time or amount
    assert [s.value for s in quantities("a few minutes, then a couple of hours")] == [3.0, 2.0]


def test_korean_unit_letters_inside_other_words_are_no_units() -> None:
    assert quantities("5바퀴 돌리고 3분의 1만 넣었는데 20달러짜리예요") == []
    assert quantities("3월 5일에 2024년식 기계로") == []
    assert [(s.value, s.unit) for s in quantities("3바에서 멈추고 5분만 더, 3일치")] == [
        (3.0, "bar"),
        (5.0, "min"),
        (3.0, "day"),
    ]


def test_a_number_meets_or_misses_a_condition_in_the_conditions_unit() -> None:
    said = quantities("I pumped for an hour and the chamber still reads 3 Pa")
    leak = meets(LEAK, said)
    assert leak.fit == 1 and [(m.words, m.holds) for m in leak.met] == [("3 Pa", True)]
    furnace = meets(FURNACE, said)  # an hour is 60 minutes: not more than 90
    assert furnace.fit == -1 and [(m.words, m.holds) for m in furnace.met] == [("an hour", False)]
    assert meets(FURNACE, quantities("it's been in for two hours")).fit == 1
    assert meets(LEAK, quantities("the gauge says 0.01 bar")).fit == 1  # 1,000 Pa
    assert meets(LEAK, quantities("the plate is 3 mm thick")).met == ()  # a length measures no pressure


def test_degrees_take_the_conditions_scale_and_korean_thresholds_compare() -> None:
    cold = rule(above("발효실 온도가 이십 도 밑으로 떨어지면", "발효실_온도", 20, "degC", op="<"))
    assert meets(cold, quantities("발효실이 18도밖에 안 돼요")).fit == 1
    assert meets(cold, quantities("발효실이 25도예요")).fit == -1
    assert meets(cold, quantities("the room is at 64 °F")).fit == 1  # 17.8 °C


def test_the_condition_tree_and_the_exceptions_decide_the_fit() -> None:
    either = rule(above("over 2 Pa", "p", 2, "Pa"), above("over 90 minutes", "t", 90, "min"), join="any")
    assert meets(either, quantities("1 Pa after two hours")).fit == 1  # one side is enough
    both = rule(above("over 2 Pa", "p", 2, "Pa"), above("over 90 minutes", "t", 90, "min"))
    assert meets(both, quantities("3 Pa after an hour")).fit == -1  # one side fails
    assert meets(both, quantities("3 Pa")).fit == 1  # the other is not known: the number still meets one
    unless = rule(above("over 2 Pa", "p", 2, "Pa"), unless=(above("the pump ran over 4 hours", "run", 4, "h"),))
    ruled_out = meets(unless, quantities("3 Pa after 5 hours of pumping"))
    assert ruled_out.fit == -1 and ruled_out.met[-1].clause.startswith("unless ")
    assert meets(rule(Clause(text="it rains")), quantities("3 Pa")).fit == 0


def test_candidates_the_numbers_meet_move_up_and_the_answer_says_why() -> None:
    hits = [Hit(1, 0.62, 0.62, 0.0), Hit(2, 0.55, 0.55, 0.0), Hit(3, 0.50, 0.50, 0.0)]
    said = quantities("I pumped for an hour and the chamber still reads 3 Pa")
    ranked = by_facts(hits, {1: FURNACE, 2: LEAK}, said)
    assert [h.rule_id for h in ranked] == [2, 3, 1]
    assert ranked[0].why == "meaning 0.55; 3 Pa meets “the chamber stays above 2 Pa after pumping”"
    assert "an hour misses" in ranked[-1].why
    assert by_facts(hits, {1: FURNACE, 2: LEAK}, []) == hits


def test_korean_is_counted_by_its_content_morphemes_not_character_pairs() -> None:
    assert terms("발효실 온도가 이십 도 밑으로 떨어지면 보일러를 좀 올려요.") == [
        "발효", "실", "발효실", "온도", "이십", "밑", "떨어지", "보일러", "올리",
    ]  # fmt: skip
    assert terms("그런 경우에 뭐 해야 돼요?") == []  # framing words and empty stems only
    index = Bm25(["용접봉이 젖으면 건조로에 넣어요", "용접 전에 판을 닦아요", "봉투를 닫아요"])
    scores = index.scores("용접봉을 어떻게 해요?")
    assert scores[0] > scores[1] > 0 and scores[2] == 0  # 봉 of 봉투 is not 봉 of 용접봉
    assert terms("TIG welding 3.2mm 할 때 비가 오면")[:2] == ["tig", "weld"]


def test_the_glossary_bridges_a_questions_words_into_the_other_language_and_synonyms() -> None:
    from knowledge_base.semantic.bridge import BRIDGE_WEIGHT, Bridge, glossary

    bridge = Bridge([["용접봉", "전극봉", "electrode", "welding rod"], ["용접기", "welding machine"]])
    expanded = bridge.expand(terms("용접봉이 젖었어요"))
    assert set(expanded) == {"전극봉", "electrode", "weld", "rod"} and set(expanded.values()) == {BRIDGE_WEIGHT}
    assert set(bridge.expand(terms("my welding rods are damp"))) == {"용접봉", "전극봉", "electrode"}
    assert bridge.expand(terms("the rods are damp")) == {}  # "welding rod" needs both its words
    assert bridge.expand(terms("the welding machine hums")) == {}  # 용접기 reads as 용접 + a suffix: left out
    packaged = glossary()
    assert len(packaged.groups) > 500 and "preheat" in packaged.expand(terms("예열을 해야 하나요?"))


def test_a_number_two_conditions_could_take_meets_one_and_rules_out_none() -> None:
    oven = rule(
        above("the oven is above 200 °C", "oven", 200, "degC"),
        above("the core is below 75 °C", "core", 75, "degC", op="<"),
    )
    found = meets(oven, quantities("the oven reads 220 °C"))
    assert found.fit == 1 and [m.clause for m in found.met] == ["the oven is above 200 °C"]
    sticky = rule(Clause(text="the dough is sticky"), unless=(above("humidity above 80 %", "humidity", 80, "%"),))
    assert (
        meets(sticky, quantities("humidity is 60%")) == meets(sticky, []) == NOTHING
    )  # a false exception says nothing
    assert meets(sticky, quantities("humidity is 90%")).fit == -1


def test_signs_and_look_alikes_of_numbers_are_read_with_care() -> None:
    assert [(s.value, s.unit) for s in quantities("minus 5 °C, then -5 C")] == [(-5.0, "degC"), (-5.0, "degC")]
    assert [s.value for s in quantities("영하 5도예요")] == [-5.0]
    assert quantities("grade 5 c steel, a 1/2 inch, 1,5 mm, 1:30 h") == []


def test_codes_and_numbers_in_korean_text_are_the_terms_an_english_text_has() -> None:
    assert set(terms("E7018 용접봉을 쓰고 CO2 농도는 1,600도")) >= {"e7018", "co2", "1", "600"}
    assert {"e7018", "co2"} <= set(terms("use E7018 rods when the CO2 level is high"))
    assert "m10" in terms("M10 볼트가 헐거우면") and "sus304" in terms("SUS304 판은")


def test_a_temperature_far_from_a_conditions_magnitude_says_nothing_of_it() -> None:
    dough = rule(above("the dough comes out above 28 degrees", "dough_temperature", 28, "degC"))
    assert meets(dough, quantities("the forge reads 750 degrees")).met == ()  # a forge's, not the dough's
    assert meets(dough, quantities("the dough is at 31 degrees")).fit == 1
    freezing = rule(above("below freezing", "air", 0, "degC", op="<"))
    assert meets(freezing, quantities("it is -15 °C outside")).fit == 1  # a threshold of 0 takes small numbers
    rods = rule(above("the rods were out over 4 hours", "t", 4, "h"))
    assert meets(rods, quantities("the rods were out for 3 days")).fit == 1  # lengths of time: any size
    assert meets(rule(above("above 0 bar", "p", 0, "bar")), quantities("it reads 15 bar")).fit == 1


def test_labels_signs_rates_and_parts_of_time_are_read_with_care() -> None:
    def shown(text: str) -> list[tuple[float, str]]:
        return [(round(s.value, 3), s.unit) for s in quantities(text)]

    assert shown("set oven 2 to 180 °C") == [(180.0, "degC")]  # oven 2 is a label, not a range's end
    assert shown("a 0.5-1 mm gap") == [(0.5, "mm"), (1.0, "mm")]
    assert shown("라인 2에서 30분") == [(30.0, "min")]
    assert shown("minus 5 to minus 10 °C") == [(-5.0, "degC"), (-10.0, "degC")]
    assert shown("영하 5~10도") == [(-5.0, "degrees"), (-10.0, "degrees")]
    assert shown("−5 °C, -5도") == [(-5.0, "degC"), (-5.0, "degrees")]
    assert shown("a half hour") == [(0.5, "h")]
    assert shown("2 mm as usual, 3 mm every second day") == [(2.0, "mm"), (3.0, "mm")]
    assert shown("5분당 15리터") == [(3.0, "L/min")]
    assert shown("the spindle shakes at 3 mm/s, the gauge falls 2 Pa/s") == [(3.0, "mm/s")]
    assert shown("하루 8시간") == [(1.0, "day"), (8.0, "h")]  # eight hours a day, not a day and eight hours
    assert shown("1년 6개월") == [(1.493, "year")]
    assert shown("wait 2 hours, 30 minutes later") == [(2.0, "h"), (30.0, "min")]
    assert shown("3초보다 짧으면, 30분의 휴식") == [(3.0, "s"), (30.0, "min")]
    assert shown("one m, ten m, two pa") == []  # number words with a bare letter are no measurement
    assert shown("two or three minutes at 5℃") == [(2.0, "min"), (3.0, "min"), (5.0, "degC")]
