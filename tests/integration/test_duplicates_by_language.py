"""Near duplicates judged per pair of languages: Korean rules by the multilingual model at its
own threshold, never by the English model's reading of Korean (which calls unrelated Korean rules
near duplicates)."""

from __future__ import annotations

import numpy as np

from elicitation import parse_bytes
from knowledge_base import KnowledgeBase
from rules import Action, Clause, Group, Rule
from rules.duplicates import NEAR, NEAR_ACROSS, NEAR_ACROSS_SAME_NUMBERS, NEAR_KOREAN, similarities, stated_numbers
from rules.units import measured

JARS = "장인: 비가 올 것 같으면 항아리 뚜껑을 닫아요. 하얀 곰팡이가 피면 걷어 내요.\n".encode()


def _korean(_transcript: object) -> list[Rule]:
    said = (("비가 올 것 같으면", "항아리 뚜껑을 닫아요"), ("하얀 곰팡이가 피면", "걷어 내요"))
    return [Rule(conditions=Group(items=[Clause(text=c)]), actions=[Action(text=a)]) for c, a in said]


def test_unrelated_korean_rules_are_not_near_duplicates(mkb: KnowledgeBase) -> None:
    master = mkb.register_master("장인", craft="장 담그기")
    mkb.record_consent(master, ["internal_guidance"])
    rain, mould = mkb.import_transcript(master, parse_bytes(JARS, "jars.txt"), JARS, _korean).rule_ids
    vectors = mkb.rule_vectors([rain, mould])
    assert float(vectors[0] @ vectors[1]) >= 0.9  # the English model reads both as noise: 0.9, the old threshold
    assert not [f for f in mkb.findings() if f.kind in ("near_duplicate", "disagreement")]


def test_each_pair_of_languages_has_its_model_and_threshold() -> None:
    primary = np.eye(3, dtype=np.float32)
    multi = np.eye(3, dtype=np.float32)
    sims, limits = similarities(primary, [False, True, True], multi)
    assert limits[0, 0] == NEAR and limits[1, 2] == NEAR_KOREAN and limits[0, 1] == NEAR_ACROSS
    alone, limits = similarities(primary)
    assert (limits == NEAR).all() and (alone == primary).all()
    _, unjudged = similarities(primary, [False, True, False])  # Korean, and no multilingual model
    assert np.isinf(unjudged[0, 1]) and np.isinf(unjudged[1, 2]) and unjudged[0, 2] == NEAR
    assert sims.dtype == np.float32


def test_rules_across_languages_that_state_the_same_measurement_are_judged_closer() -> None:
    english = Rule(
        conditions=Group(items=[Clause(text="above 1,600 °C", variable="melt", operator=">", value=1600, unit="degC")]),
        actions=[Action(text="add 2 kg of lime", verb="add", amount=2, unit="kg")],
    )
    korean = Rule(
        conditions=Group(
            items=[Clause(text="화씨 2,912도 넘으면", variable="쇳물", operator=">", value=2912, unit="degF")]
        ),
        actions=[Action(text="석회를 넣어요")],
    )
    counted = Rule(
        conditions=Group(items=[Clause(text="3 passes", variable="passes", operator=">", value=3)]),
        actions=[Action(text="stop")],
    )
    assert stated_numbers(english) == {measured(1600, "degC"), measured(2, "kg")}
    assert stated_numbers(korean) == {measured(1600, "degC")}  # 2,912 °F is 1,600 °C
    assert stated_numbers(counted) == frozenset()  # a bare count is no measurement
    numbers = [stated_numbers(english), stated_numbers(korean), stated_numbers(counted)]
    eye = np.eye(3, dtype=np.float32)
    _, limits = similarities(eye, [False, True, False], eye, numbers)
    assert limits[0, 1] == NEAR_ACROSS_SAME_NUMBERS < NEAR_ACROSS == limits[1, 2]
    assert limits[0, 2] == NEAR  # English with English is judged as before
