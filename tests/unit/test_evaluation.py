"""Scoring against gold data: the arithmetic, the gold format's errors, one-to-one matching, the
calibration, and `myeongjang evaluate` as a user runs it."""

import json
import shutil
from pathlib import Path

import pytest

from elicitation import detector, evaluation
from elicitation.evaluation import GoldError, Score
from elicitation.training import calibration
from rules import Action, Clause, Evidence, Group, Rule

from ..conftest import run


def rule(conditions: list[str], actions: list[str], turns: list[int], confidence: float = 0.8) -> Rule:
    return Rule(
        conditions=Group(items=[Clause(text=c) for c in conditions]),
        actions=[Action(text=a) for a in actions],
        evidence=[Evidence(turn=t, speaker="M", start=0, end=1) for t in turns],
        confidence=confidence,
    )


def test_score_arithmetic_and_empty_cases() -> None:
    s = Score(tp=3, fp=1, fn=2)
    assert s.precision == 0.75 and s.recall == 0.6
    assert s.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert Score().f1 == 0.0 and Score().precision == 0.0


def test_word_overlap_ignores_case_stop_words_and_contractions() -> None:
    assert evaluation.overlap_f1("Don't open THE door", "do not open door") == 1.0
    assert evaluation.overlap_f1("add filler", "stop welding") == 0.0
    assert evaluation.overlap_f1("", "") == 1.0


def test_matching_is_one_to_one_and_needs_a_shared_turn(tmp_path: Path) -> None:
    (tmp_path / "t.txt").write_text("Q: And if it rains?\nA: If it rains, cover the joint. Cover the joint.\n")
    (tmp_path / "t.gold.json").write_text(
        json.dumps(
            {
                "transcript": "t.txt",
                "rules": [
                    {
                        "quotes": ["If it rains, cover the joint."],
                        "conditions": ["it rains"],
                        "actions": ["cover the joint"],
                    }
                ],
            }
        )
    )
    (gold,) = evaluation.read_gold_dir(tmp_path)
    assert gold.rules[0].turns == {1}
    twice = [rule(["it rains"], ["cover the joint"], [1]), rule(["it rains"], ["cover the joint"], [1])]
    match = evaluation.match_rules(gold, twice)
    assert (match.score.tp, match.score.fp, match.score.fn) == (1, 1, 0)
    elsewhere = evaluation.match_rules(gold, [rule(["it rains"], ["cover the joint"], [0])])
    assert elsewhere.score.tp == 0
    wrong_action = evaluation.match_rules(gold, [rule(["it rains"], ["stop welding"], [1])])
    assert wrong_action.score.tp == 0


@pytest.mark.parametrize(
    "gold,message",
    [
        ("{not json", "not valid JSON"),
        ('{"rules": []}', "'transcript'"),
        (
            '{"transcript": "t.txt", "rules": [{"quotes": ["It is not said"], "conditions": ["x"], "actions": ["y"]}]}',
            "is not in t.txt",
        ),
        (
            '{"transcript": "t.txt", "rules": [{"quotes": ["cover the joint"], "actions": ["y"]}]}',
            "conditions or exceptions",
        ),
        (
            '{"transcript": "t.txt", "rules": [{"quotes": ["cover the joint"], "conditions": [3], "actions": ["y"]}]}',
            "list of non-empty strings",
        ),
        ('{"transcript": "missing.txt", "rules": []}', "no such file"),
    ],
)
def test_a_bad_gold_file_is_named_with_what_is_wrong(tmp_path: Path, gold: str, message: str) -> None:
    (tmp_path / "t.txt").write_text("A: If it rains, cover the joint.\n")
    (tmp_path / "t.gold.json").write_text(gold)
    with pytest.raises(GoldError, match=r"t\.gold\.json") as err:
        evaluation.read_gold_dir(tmp_path)
    assert message in str(err.value)


def test_the_bundled_gold_files_carry_their_hand_checked_thresholds() -> None:
    interviews = [*evaluation.read_gold_dir(evaluation.GOLD_DIR), *evaluation.read_gold_dir(evaluation.GOLD_DIR_KO)]
    values = {(i.path.name, v.condition): v for i in interviews for r in i.rules for v in r.values}
    assert len(values) == sum(len(r.values) for i in interviews for r in i.rules) == 197
    assert values["pipe_welding.gold.json", "the gap is bigger than 4 mm"] == evaluation.GoldValue(
        "the gap is bigger than 4 mm", "gap_width", ">", 4, "mm"
    )
    # the number said in the sentence before: "Keep the interpass temperature under 250 degrees; if it gets hotter"
    assert values["pipe_welding.gold.json", "it gets hotter"].value == 250
    assert values["pipe_welding.gold.json", "Two repairs on the same spot"].unit is None
    assert values["ko_shipyard_welding.gold.json", "강판 온도가 영하로 떨어지니까"].value == 0
    assert values["ko_shipyard_welding.gold.json", "습도가 팔십 퍼센트를 넘으면"].value == 80
    for i in interviews:
        for r in i.rules:
            assert all(v.condition in [*r.conditions, *r.exceptions] for v in r.values)


@pytest.mark.parametrize(
    "entry,message",
    [
        ({"condition": "it snows"}, "'it snows' is not one of the rule's conditions or exceptions"),
        ({"operator": "=>"}, "operator '=>', not one of"),
        ({"operator": "between", "value": 4}, "must be [low, high] for 'between'"),
        ({"value": "four"}, "must be a number, not 'four'"),
        ({"unit": 3}, "has unit 3"),
        ({"variable": ""}, "needs a 'variable' name"),
    ],
)
def test_a_bad_value_annotation_is_refused_naming_the_rule(tmp_path: Path, entry: dict, message: str) -> None:
    value = {"condition": "it rains", "variable": "rain", "operator": ">", "value": 4, "unit": "mm"} | entry
    rules = [
        {"quotes": ["If it rains, cover the joint."], "conditions": ["it rains"], "actions": ["cover the joint"]},
        {"quotes": ["cover the joint"], "conditions": ["it rains"], "actions": ["cover it"], "values": [value]},
    ]
    (tmp_path / "t.txt").write_text("A: If it rains, cover the joint.\n")
    (tmp_path / "t.gold.json").write_text(json.dumps({"transcript": "t.txt", "rules": rules}))
    with pytest.raises(GoldError, match=r"t\.gold\.json, rule 2: ") as err:
        evaluation.read_gold_dir(tmp_path)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_a_range_and_a_tolerance_are_read_as_written(tmp_path: Path) -> None:
    values = [
        {"condition": "it rains", "variable": "rain", "operator": "between", "value": [2, 4.5], "unit": "mm"},
        {"condition": "it rains", "variable": "rain", "operator": "within", "value": 1, "unit": None},
    ]
    rule = {"quotes": ["cover the joint"], "conditions": ["it rains"], "actions": ["cover it"], "values": values}
    (tmp_path / "t.txt").write_text("A: If it rains, cover the joint.\n")
    (tmp_path / "t.gold.json").write_text(json.dumps({"transcript": "t.txt", "rules": [rule]}))
    (gold,) = evaluation.read_gold_dir(tmp_path)
    assert [(v.operator, v.value, v.unit) for v in gold.rules[0].values] == [
        ("between", (2, 4.5), "mm"),
        ("within", 1, None),
    ]


def test_detection_csv_must_have_the_label_as_zero_or_one(tmp_path: Path) -> None:
    bad = tmp_path / "d.csv"
    bad.write_text("Sentence,Causal\nIf it rains, cover it.,yes\n")
    with pytest.raises(GoldError, match="line 2: Causal must be 0 or 1"):
        evaluation.read_detection(bad)
    (tmp_path / "e.csv").write_text("Text,Label\n")
    with pytest.raises(GoldError, match="expected columns"):
        evaluation.read_detection(tmp_path / "e.csv")


def test_detection_and_spans_score_the_extractor(tmp_path: Path) -> None:
    rows = [("If the flame turns white, stop blowing oxygen.", True), ("Lunch is at noon.", False)]
    score = evaluation.score_detection(rows, evaluation.detect)
    assert (score.tp, score.fp, score.fn) == (1, 0, 0)
    sentence = "When the red button is pushed the system shuts down."
    (tmp_path / "s.json").write_text(
        json.dumps(
            {
                "sentence": sentence,
                "labels": [{"name": "Cause1", "begin": 5, "end": 29}, {"name": "Effect1", "begin": 30, "end": 51}],
            }
        )
    )
    found = evaluation.score_spans(evaluation.read_spans(tmp_path), evaluation.extract_sentences)
    assert found["conditions"].f1 == 1.0 and found["actions"].f1 == 1.0


def test_the_bundled_gold_set_is_large_enough_and_scores_as_measured() -> None:
    interviews = evaluation.read_gold_dir(evaluation.GOLD_DIR)
    assert len(interviews) >= 5 and len({i.craft for i in interviews}) == len(interviews)
    assert sum(len(i.rules) for i in interviews) >= 60
    assert {i.transcript.format for i in interviews} >= {"txt", "vtt", "srt", "whisper", "docx"}
    assert any(r.cross_turn for i in interviews for r in i.rules)
    assert {i.split for i in interviews} == {"dev", "holdout"}
    from elicitation import extract_transcript

    dev = evaluation.score_rules([i for i in interviews if i.split == "dev"], extract_transcript)
    assert evaluation.total(m.score for m in dev).f1 >= 0.85


def test_calibration_fit_follows_the_data_and_is_checked_on_unseen_interviews() -> None:
    points = [(x / 10, x >= 5) for x in range(10)] * 3
    a, b = calibration.fit(points)
    assert b > 0
    assert calibration.apply(0.9, (a, b)) > 0.5 > calibration.apply(0.1, (a, b))
    assert calibration.apply(0.42, None) == 0.42
    result = calibration.cross_validated({"one": points[:10], "two": points[10:20], "three": points[20:]})
    assert set(result) == {"raw", "calibrated"} and result["raw"]["rules"] == 30
    shipped = calibration.load()
    assert shipped is not None and shipped[1] > 0


def test_the_detector_ships_its_weights_and_scores_in_process() -> None:
    det = detector.load()
    assert det.weights and 0 < det.threshold < 1
    assert "trained_on" in det.info
    from elicitation.english import load_pipeline

    doc = load_pipeline()("The system shall log each error in order to allow an audit.")
    p = det.score(doc[:], False)
    assert 0.0 <= p <= 1.0


def test_evaluate_prints_precision_recall_and_f1_for_each_gold_kind(tmp_path: Path) -> None:
    csv = tmp_path / "d.csv"
    csv.write_text('Sentence,Causal\n"If the flame turns white, stop blowing oxygen.",1\nLunch is at noon.,0\n')
    spans = tmp_path / "spans"
    spans.mkdir()
    (spans / "s.json").write_text(
        json.dumps({"sentence": "If it rains, cover the joint.", "labels": [{"name": "Cause1", "begin": 3, "end": 11}]})
    )
    result = run("evaluate", "--detection", str(csv), "--spans", str(spans))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for label in ("detection (2 sentences)", "spans: conditions", "rules [dev", "rules [holdout", "cross-turn recall"):
        assert label in out
    assert "P 1.000  R 1.000  F1 1.000" in out.splitlines()[0]
    as_json = json.loads(run("evaluate", "--split", "dev", "--json").stdout)
    assert set(as_json["rules"]) == {"dev", "ko:dev"}
    assert as_json["rules"]["dev"]["gold_rules"] >= 40
    assert set(as_json["confidence_leave_one_interview_out"]) == {"raw", "calibrated"}


def test_evaluate_refuses_a_broken_gold_folder_in_one_line(tmp_path: Path) -> None:
    shutil.copy(evaluation.GOLD_DIR / "forging.srt", tmp_path)
    (tmp_path / "forging.gold.json").write_text(
        '{"transcript": "forging.srt", "rules": [{"quotes": ["never said"], "conditions": ["a"], "actions": ["b"]}]}'
    )
    result = run("evaluate", "--rules", str(tmp_path))
    assert result.returncode != 0
    assert result.stderr.startswith("myeongjang: error:") and "never said" in result.stderr
    assert "Traceback" not in result.stderr
