"""The learned trim of span edges: labelled from corrected wording, fitted, applied to a rule."""

import pytest

from elicitation import extract_text, spans
from elicitation.errors import ModelRefused
from elicitation.learned import LearnedModel
from elicitation.training import learner


def _body(condition: str, action: str) -> dict:
    return {
        "conditions": {"kind": "group", "join": "all", "items": [{"kind": "clause", "text": condition}]},
        "actions": [{"text": action}],
    }


def test_corrected_wording_cut_at_the_edges_labels_each_edge_word() -> None:
    found = spans.edges(_body("the glaze runs", "Right then, pull the tray"), _body("the glaze runs", "pull the tray"))
    dropped = [e for e in found if e.dropped]
    assert len(dropped) == 2  # "Right" and "then,"
    assert all("start:action:right" in e.features or "start:action:then" in e.features for e in dropped)
    kept = [e for e in found if not e.dropped]
    assert any("start:action:pull" in e.features for e in kept)
    # a rewording (not a cut) teaches nothing about edges
    reworded = spans.edges(_body("a b", "stop the press now"), _body("a b", "halt the press"))
    assert reworded and not any(f.startswith(("start:action", "end:action")) for e in reworded for f in e.features)


def _reviews(n: int) -> list[learner.Labelled]:
    out = []
    for k in range(n):
        said, kept = f"Right then, pull tray {chr(97 + k % 26)} out", f"pull tray {chr(97 + k % 26)} out"
        out.append(learner.Labelled(_body("the glaze runs", said), said, True, (_body("the glaze runs", kept),)))
    return out


def test_a_model_learns_the_trim_from_corrections_alone_and_applies_it() -> None:
    fitted = learner.fit(_reviews(12), "en")
    assert fitted["weights"] is None  # no rejection: no filter, but a trim
    model = LearnedModel.from_json(fitted, "model:en-v1")
    (rule,) = extract_text("When the glaze runs, right then, pull the tray out.")
    before = rule.actions[0]
    (after,) = model.apply([rule], {})
    trimmed = after.actions[0]
    assert trimmed.text == "pull the tray out", (before.text, trimmed.text)
    assert before.start is not None and trimmed.start is not None
    assert trimmed.start - before.start == before.text.index("pull")
    assert after.confidence == rule.confidence  # no filter: the reader's confidence stays


def test_a_number_and_the_last_word_are_never_cut() -> None:
    trim = spans.SpanTrim({"bias": 10.0})  # a trim that would cut every word it may
    assert trim.trimmed("above 3,000 rpm", "condition") == (len("above "), len(" rpm"))  # the number kept
    head, tail = trim.trimmed("stop", "action")
    assert (head, tail) == (0, 0)


def test_a_negation_is_never_cut_whatever_the_weights() -> None:
    trim = spans.SpanTrim({"bias": 10.0})
    assert trim.trimmed("never open the door", "action")[0] == 0
    assert trim.trimmed("so don't open it", "action") == (len("so "), len(" open it"))  # "don't" stays
    assert trim.trimmed("뚜껑을 열지 마세요", "action")[1] == 0  # the prohibition keeps its 마세요
    assert trim.trimmed("불을 끄면 안 돼요", "action")[1] == len(" 돼요")  # 안 stays


def test_few_left_counts_the_words_a_cut_at_the_start_would_leave() -> None:
    words = ["so", "then", "pull", "the", "tray"]
    assert "start:few-kept" not in spans.edge_features(words, 0, "start", "action")  # four left
    assert "start:few-kept" in spans.edge_features(words, 2, "start", "action")  # two left
    assert "end:few-kept" in spans.edge_features(words, 2, "end", "action")


def test_neither_a_verdict_nor_a_correction_to_learn_from_is_refused() -> None:
    same = [learner.Labelled(_body("a b", "c d"), "x", True, (_body("a b", "c d"),))] * 12
    with pytest.raises(ModelRefused, match="with both verdicts or with corrected wording"):
        learner.fit(same, "en")
