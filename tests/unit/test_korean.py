"""Korean interviews: the Kiwi tokenizer in spaCy, Korean numbers and units, the constructions the
Korean reader covers (one test sentence each), look-alikes that are no rules, and whole interviews
in every format and encoding."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.matcher import Matcher

from elicitation import evaluation, extract_text, extract_transcript, parse_bytes
from elicitation.korean import MARKERS, load_korean_pipeline, read_sentence
from rules import Certainty, Operator
from rules.language import language_of
from rules.numerals import korean_number, numbers_in, sino_number

KO = evaluation.GOLD_DIR_KO


def nlp():  # type: ignore[no-untyped-def]
    return load_korean_pipeline()


# --- the tokenizer ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "습도가 팔십 퍼센트를 넘으면  예열을 해야 돼요\n천이백 도 넘은 거예요",
        "불꽃이 하얘지면 너무 뜨거운 거거든요, 그러니까 산소를 좀 줄이세요.",
        "TIG 용접은 3.2mm 봉으로 해요 🙂 정말로요!!",
        "  앞뒤에 빈칸\t\t이 있어도  ",
        "ㅋㅋㅋ 그건 ㅎㅎ 몰라요",
    ],
)
def test_tokens_are_slices_of_the_text_so_offsets_stay_exact(text: str) -> None:
    doc = nlp().make_doc(text)
    assert doc.text == text
    for tok in doc:
        assert text[tok.idx : tok.idx + len(tok.text)] == tok.text


def test_contracted_morphemes_are_one_token_with_the_analysis_kept() -> None:
    doc = nlp().make_doc("예열을 해야 돼요")
    haeya = next(t for t in doc if t.text == "해야")
    assert haeya.tag_ == "VV+EC" and haeya._.morphs == "하/VV+어야/EC" and haeya.lemma_ == "하다"
    assert haeya.pos_ == "VERB"
    copula = nlp().make_doc("쇠가 식은 거예요")
    assert [t.text for t in copula][-1] == "예요" and copula[-1]._.morphs.startswith("이/VCP")


def test_a_sino_korean_number_is_one_token() -> None:
    doc = nlp().make_doc("천이백 도")
    assert doc[0].text == "천이백" and doc[0].pos_ == "NUM"


def test_morpheme_tags_are_there_for_spacys_matcher() -> None:
    pipeline = nlp()
    matcher = Matcher(pipeline.vocab)
    matcher.add("myeon", [[{"TAG": {"REGEX": "(^|\\+)EC$"}, "_": {"morphs": {"REGEX": "면/EC$"}}}]])
    doc = pipeline("비가 오면 덮으세요")
    assert [doc[s:e].text for _, s, e in matcher(doc)] == ["면"]


def test_sentences_end_at_punctuation_and_at_a_final_ending_without_it() -> None:
    doc = nlp()("비가 오면 덮어요 그리고 말리세요. 끝이에요?")
    assert [s.text for s in doc.sents] == ["비가 오면 덮어요", "그리고 말리세요.", "끝이에요?"]


def test_language_of_a_text() -> None:
    assert language_of("비가 오면 TIG 용접은 쉬어요") == "ko"
    assert language_of("If it rains, preheat the plate (예열).") == "en"
    assert language_of("1234 !!") == "en"


# --- numbers and units -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word,value",
    [
        ("팔십", 80), ("천이백", 1200), ("백오십", 150), ("이만오천", 25000), ("1천", 1000), ("2만5천", 25000),
        ("삼십오", 35), ("다섯", 5), ("열다섯", 15), ("스무", 20), ("서른둘", 32), ("한", 1), ("두세", 2),
        ("반", 0.5), ("1,600", 1600), ("3.5", 3.5), ("사과", None), ("", None),
    ],
)  # fmt: skip
def test_korean_numbers(word: str, value: float | None) -> None:
    assert korean_number(word) == value


def test_numbers_in_running_text_with_units() -> None:
    found = [(v, u) for _, _, v, u in numbers_in("습도가 팔십 퍼센트, 온도는 1,600도, 두께 25밀리")]
    assert found == [(80, "%"), (1600, "degrees"), (25, "mm")]
    assert sino_number("일이삼") is None or sino_number("일이삼") == 123


def test_numbers_in_reads_ranges_two_part_times_and_no_units_inside_other_words() -> None:
    found = [(v, u) for _, _, v, u in numbers_in("1,600~1,700도, 두 시간 반, 1분 30초, 5바퀴, 3월 5일, 30초과")]
    assert found == [
        (1600, "degrees"),
        (1700, "degrees"),
        (2.5, "h"),
        (1.5, "min"),
        (5, None),
        (3, None),
        (5, None),
        (30, None),
    ]


@pytest.mark.parametrize(
    "text,variable,operator,value,unit",
    [
        ("습도가 팔십 퍼센트를 넘으면 예열하세요.", "습도", Operator.GT, 80, "%"),
        ("습도가 80% 이상이면 예열하세요.", "습도", Operator.GE, 80, "%"),
        ("습도가 70% 이하면 물을 뿌리세요.", "습도", Operator.LE, 70, "%"),
        ("두께가 25밀리 이상인 경우에는 예열을 해야 돼요.", "두께", Operator.GE, 25, "mm"),
        ("쇳물 온도가 1,600~1,700도 사이일 때는 산소를 줄여.", "쇳물_온도", Operator.BETWEEN, [1600, 1700], "degC"),
        ("쇳물 온도가 섭씨 1,400도에서 1,450도 사이일 때 부어요.", "쇳물_온도", Operator.BETWEEN, [1400, 1450], "degC"),
        ("작업장 온도가 5도 밑이면 호스를 보세요.", "작업장_온도", Operator.LT, 5, "degC"),
        ("화덕 온도가 800도 아래로 내려가면 풀무질을 더 해야 됩니다.", "화덕_온도", Operator.LT, 800, "degC"),
        ("가마 온도가 300도 될 때까지는 장작을 조금씩만 넣어요.", "가마_온도", Operator.LT, 300, "degC"),
        ("강판 온도가 영하로 떨어지니까 습기를 날려 줘야 돼요.", "강판_온도", Operator.LT, 0, "degC"),
        ("온도가 그것보다 낮으면 불을 더 때세요.", "온도", Operator.EQ, "낮다", None),
        ("강판이 얇으면 백 도로 예열해요.", "강판", Operator.EQ, "얇다", None),
        ("불꽃이 하얘지면 산소를 줄이세요.", "불꽃", Operator.EQ, "하얗다", None),
        ("쇠가 앵두색이 되면 두드려요.", "쇠", Operator.EQ, "앵두색", None),
        ("쇠가 식을 때는 물을 뿌리세요.", "쇠", Operator.EQ, "식다", None),
        ("불꽃이 노란색으로 바뀌면 장작을 넣으세요.", "불꽃", Operator.EQ, "노란색", None),
        ("비가 오면 용접봉을 말리세요.", "비", Operator.IS_TRUE, None, None),
        ("찌꺼기가 없으면 바로 부으세요.", "찌꺼기", Operator.IS_FALSE, None, None),
        ("예열 안 하면 금이 가요.", "예열", Operator.IS_FALSE, None, None),
        ("예열하지 않으면 금이 가요.", "예열", Operator.IS_FALSE, None, None),
    ],
)
def test_korean_conditions_become_variable_operator_value_unit(
    text: str, variable: str, operator: Operator, value: object, unit: str | None
) -> None:
    (rule,) = extract_text(text)
    clause = rule.clauses()[-1]
    assert (clause.variable, clause.operator, clause.value, clause.unit) == (variable, operator, value, unit)
    assert text[clause.start : clause.end] == clause.text  # type: ignore[misc]


def test_an_amount_in_the_action_with_its_unit() -> None:
    (rule,) = extract_text("비드가 검게 나오면 가스 유량을 분당 15리터로 올리세요.")
    assert (rule.actions[0].amount, rule.actions[0].unit) == (15, "L/min")
    (rule,) = extract_text("비가 오면 용접봉을 두 시간 말리세요.")
    assert (rule.actions[0].amount, rule.actions[0].unit, rule.actions[0].object) == (2, "h", "용접봉")


# --- constructions ---------------------------------------------------------------------------------


@pytest.mark.parametrize("marker", list(MARKERS.values()), ids=list(MARKERS))
def test_every_marker_reads_its_example_sentence(marker) -> None:  # type: ignore[no-untyped-def]
    (rule,) = extract_text(marker.example)
    if marker.role == "exception":
        assert rule.exceptions and rule.exceptions[0].text
    else:
        assert rule.clauses() and rule.clauses()[0].text
    assert rule.actions


@pytest.mark.parametrize(
    "text,kind,negated",
    [
        ("장갑이 젖었으면 절대 용접하지 마세요.", "prohibition", True),
        ("급하게 열면 안 돼요.", "instruction", False),
        ("온도가 높으면 문을 열면 안 돼요.", "prohibition", True),
        ("두께가 25밀리 이상이면 예열을 해야 돼요.", "instruction", False),
        ("비드가 검으면 유량을 올려 주면 돼요.", "instruction", False),
        ("비가 오면 뚜껑을 덮으세요.", "instruction", False),
        ("불이 약하면 장작을 더 넣는다.", "habit", False),
        ("빨리 식히면 부러져요.", "consequence", False),
        ("가마 안이 하얗게 보이면 천이백 도 넘은 거예요.", "diagnosis", False),
    ],
)
def test_the_main_clause_says_what_kind_of_rule_it_is(text: str, kind: str, negated: bool) -> None:
    doc = nlp()(text)
    reading = read_sentence(next(iter(doc.sents)))
    if text == "급하게 열면 안 돼요.":  # "if you open it quickly, that's not allowed": a prohibition, no condition
        assert reading.rule is None and reading.kind == "prohibition"
        return
    assert reading.rule is not None and reading.kind == kind
    assert reading.rule.actions[0].negated is negated


@pytest.mark.parametrize(
    "text,certainty",
    [
        ("비가 오면 보통 두 시간 말려요.", Certainty.USUALLY),
        ("비가 오면 가끔 세 시간 말려요.", Certainty.SOMETIMES),
        ("비가 오면 반드시 말리세요.", Certainty.ALWAYS),
        ("비가 오면 말리기도 해요.", Certainty.SOMETIMES),
    ],
)
def test_hedges_set_the_certainty(text: str, certainty: Certainty) -> None:
    (rule,) = extract_text(text)
    assert rule.certainty is certainty


def test_a_geodeunyo_sentence_is_the_reason_for_the_rule_before() -> None:
    (rule,) = extract_text("비가 오면 용접봉을 말려요. 습기를 먹으면 기공이 생기거든요.")
    assert rule.rationale == "습기를 먹으면 기공이 생기거든요."


def test_then_after_a_diagnosis_gives_the_step_and_otherwise_takes_the_opposite() -> None:
    (rule,) = extract_text("망치 소리가 맑게 울리면 쇠가 식은 거예요. 그러면 다시 화덕에 넣어야 돼요.")
    assert [a.text for a in rule.actions] == ["다시 화덕에 넣어야 돼요"]
    assert rule.rationale == "쇠가 식은 거예요"  # the diagnosis is why
    _, second = extract_text("습도가 80% 이상이면 예열하세요. 아니면 바로 용접해요.")
    assert second.clauses()[0].operator is Operator.LT and second.clauses()[0].value == 80


def test_a_step_ending_in_go_yo_continues_the_rule_before() -> None:
    (rule,) = extract_text("장갑이 젖었으면 절대 용접하지 마세요. 바로 마른 걸로 바꿔 끼고요.")
    assert len(rule.actions) == 2 and rule.actions[0].negated and not rule.actions[1].negated


def test_steps_joined_by_go_are_separate_actions() -> None:
    (rule,) = extract_text("찌꺼기가 뜨면 먼저 걷어 내고 부어야 돼요.")
    assert [a.text for a in rule.actions] == ["먼저 걷어 내고", "부어야 돼요"]


@pytest.mark.parametrize(
    "text",
    [
        "열다섯 살 때부터 망치를 잡았는데 손이 다 부르텄어요.",  # a story in the past
        "비가 왔을 때 용접했더니 기공이 생겼어요.",
        "비가 오면 어떻게 해요?",  # a question
        "비가 와도 용접은 해요.",  # even if: no condition
        "요즘은 온도계도 쓰는데, 저는 눈으로 봐요.",
        "시간 되시면 또 오세요.",  # courtesy
        "식당이 열두 시에 문을 열어요.",
        "처음엔 다들 옻이 올라요.",  # a context with nothing to do
        "",
    ],
)
def test_talk_that_only_looks_like_a_rule_yields_none(text: str) -> None:
    assert extract_text(text) == []


# --- whole interviews ---------------------------------------------------------------------------------


def test_korean_transcripts_in_every_format_and_encoding_are_read() -> None:
    interviews = evaluation.read_gold_dir(KO)
    seen = {(i.transcript.format, i.transcript.encoding) for i in interviews}
    assert {f for f, _ in seen} == {"txt", "vtt", "srt", "whisper", "docx"}
    assert {"cp949", "utf-16", "utf-8"} <= {e for _, e in seen}
    assert all(i.language == "ko" for i in interviews)
    assert sum(len(i.rules) for i in interviews) >= 40


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp949", "euc-kr"])
def test_one_korean_interview_reads_the_same_in_every_encoding(encoding: str) -> None:
    text = "면담자: 비 오는 날에는요?\n명장: 비가 오면 용접봉을 두 시간 말리세요.\n"
    t = parse_bytes(text.encode(encoding), "면담.txt")
    assert [x.text for x in t.turns] == ["비 오는 날에는요?", "비가 오면 용접봉을 두 시간 말리세요."]
    assert t.turns[0].is_interviewer
    (rule,) = extract_transcript(t)
    assert rule.clauses()[0].variable == "비"


def test_a_question_condition_joins_the_answers_instructions_and_both_turns_are_cited() -> None:
    t = parse_bytes(
        "면담자: 용접 비드가 검게 나오면 어떻게 해요?\n명장: 그건 가스가 부족한 거예요. 가스 유량을 올려 주면 돼요.\n".encode(),
        "a.txt",
    )
    (rule,) = extract_transcript(t)
    assert [c.text for c in rule.clauses()] == ["용접 비드가 검게 나오면"]
    assert [a.text for a in rule.actions] == ["가스 유량을 올려 주면 돼요"]
    assert sorted(e.turn for e in rule.evidence) == [0, 1]


def test_a_question_that_is_only_a_condition_completes_the_answers_rule() -> None:
    t = parse_bytes("면담자: 가마를 열 때는요?\n명장: 불을 끄고 나서 이틀은 기다려야 돼요.\n".encode(), "a.txt")
    (rule,) = extract_transcript(t)
    assert [c.text for c in rule.clauses()] == ["가마를 열 때는", "불을 끄고 나서"]


def test_a_question_about_the_past_or_a_courtesy_sets_up_no_condition() -> None:
    t = parse_bytes("면담자: 처음 배우실 때 힘드셨죠?\n명장: 말도 마세요.\n".encode(), "a.txt")
    assert extract_transcript(t) == []
    t = parse_bytes("면담자: 해 주고 싶은 말이 있다면요?\n명장: 용접 전에 모재를 닦으세요.\n".encode(), "a.txt")
    assert extract_transcript(t) == []


def test_fillers_are_dropped_and_offsets_still_point_into_the_spoken_turn() -> None:
    t = parse_bytes("명장: 음, 어, 비가 오면 그, 그 용접봉을 말리세요.\n".encode(), "a.txt")
    (rule,) = extract_transcript(t)
    turn = t.turns[0].text
    clause = rule.clauses()[0]
    assert turn[clause.start : clause.end] == "비가 오면"  # type: ignore[misc]
    assert "용접봉을 말리세요" in turn[rule.actions[0].start : rule.actions[0].end]  # type: ignore[misc]


def test_offsets_of_every_korean_gold_rule_point_into_its_spoken_turn() -> None:
    for gold in evaluation.read_gold_dir(KO):
        for rule in extract_transcript(gold.transcript):
            first = gold.transcript.turns[rule.evidence[0].turn].text
            for ev in rule.evidence:
                assert 0 <= ev.start < ev.end <= len(gold.transcript.turns[ev.turn].text)
            for item in [*rule.clauses(), *rule.exceptions, *rule.actions]:
                if item.start is not None and item.end is not None:
                    assert first[item.start : item.end] == item.text


def test_korean_gold_matching_compares_content_morphemes() -> None:
    assert evaluation.words("습도가 팔십 퍼센트를 넘으면") == ["습도", "팔십", "퍼센트", "넘다"]
    assert evaluation.overlap_f1("비가 오면", "비 오면") == 1.0
    assert evaluation.overlap_f1("비가 오면", "바람이 세면") == 0.0


def test_the_korean_gold_set_scores_as_measured() -> None:
    dev = evaluation.score_rules(evaluation.read_gold_dir(KO, "dev"), extract_transcript)
    assert evaluation.total(m.score for m in dev).f1 >= 0.85


def test_extract_jsonl_reads_each_line_in_its_own_language(tmp_path: Path) -> None:
    from tests.conftest import run

    lines = '{"id": 1, "text": "If it rains, preheat the plate."}\n{"id": 2, "text": "비가 오면 예열하세요."}\n'
    result = run("extract", "--jsonl", stdin=lines)
    assert result.returncode == 0, result.stderr
    out = [__import__("json").loads(x) for x in result.stdout.splitlines()]
    assert [o["id"] for o in out] == [1, 2]
    assert out[1]["rules"][0]["conditions"][0]["text"] == "비가 오면"
