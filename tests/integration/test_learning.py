"""The reader learns from the masters' reviews: every decision is a labelled example (with the
master's consent to training), `train` fits and gates a model, and each import records the model
version that proposed its rules. SQLite always, PostgreSQL when a server is given."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from elicitation.errors import ModelRefused
from elicitation.learned import FORMAT, LearnedModel
from elicitation.training import learner
from knowledge_base import KnowledgeBase
from knowledge_base.models import RuleRow
from knowledge_base.training import fingerprint
from ui import learning, workflows
from ui.cli.root import cli

from ..conftest import SAMPLES

DATA = (SAMPLES / "shipyard_welding.txt").read_bytes()


def imported(
    kb: KnowledgeBase, scopes: tuple[str, ...] = ("internal_guidance", "training"), **kw: Any
) -> dict[str, int]:
    """The sample imported for Park; his rules by a word of their summary."""
    workflows.register_with_consent(kb, "Park Jae-sung", list(scopes), craft="welding", organisation="yard")
    result = workflows.import_interview(kb, "Park Jae-sung", "shipyard_welding.txt", DATA, **kw)
    by_word = {}
    for rule_id in result.rule_ids:
        summary = kb.get_rule(rule_id).rule.summary()
        for word in ("humidity", "hisses", "wind", "rains", "puddle", "plates", "steel"):
            if word in summary:
                by_word[word] = rule_id
    return by_word


def decide(kb: KnowledgeBase, ids: dict[str, int]) -> None:
    """One review of each kind; the "steel" rule stays proposed."""
    v = lambda rule_id: kb.get_rule(rule_id).version  # noqa: E731
    kb.review(ids["hisses"], "confirmed", expected_version=v(ids["hisses"]))
    kb.review(ids["puddle"], "rejected", expected_version=v(ids["puddle"]))
    body = kb.get_rule(ids["plates"]).rule.model_dump(mode="json")
    body["actions"] = [{"text": "preheat to about 100 degrees"}]
    kb.edit_rule(ids["plates"], body, reason="what I do", expected_version=v(ids["plates"]))
    kb.review(ids["plates"], "confirmed", expected_version=v(ids["plates"]))
    rain = kb.get_rule(ids["rains"]).rule.model_dump(mode="json")
    screens = {**rain, "actions": [rain["actions"][0]]}
    preheat = {**rain, "actions": [rain["actions"][1]]}
    kb.split_rule(ids["rains"], [screens, preheat], reason="two things", expected_version=v(ids["rains"]))
    kb.merge_rules(
        ids["wind"], ids["humidity"], reason="one rule", expected_versions=(v(ids["wind"]), v(ids["humidity"]))
    )


def test_every_decision_kind_becomes_a_labelled_example(kb: KnowledgeBase) -> None:
    ids = imported(kb)
    decide(kb, ids)
    by_rule = {e.rule_id: e for e in kb.training_examples()}
    assert ids["steel"] not in by_rule  # undecided
    kinds = {word: by_rule[rule_id].decision for word, rule_id in ids.items() if rule_id in by_rule}
    assert kinds == {
        "hisses": "accepted",
        "puddle": "rejected",
        "plates": "corrected",
        "rains": "split",
        "humidity": "merged",
    }
    assert not by_rule[ids["puddle"]].is_rule and by_rule[ids["puddle"]].final == []
    assert all(by_rule[ids[w]].is_rule for w in ("hisses", "plates", "rains", "humidity"))
    corrected = by_rule[ids["plates"]]
    assert corrected.final[0]["actions"] == [
        {"text": "preheat to about 100 degrees"} | corrected.final[0]["actions"][0]
    ]
    assert corrected.proposed["actions"][0]["text"] == "you have to preheat to about 100 degrees"
    assert [len(b["actions"]) for b in by_rule[ids["rains"]].final] == [1, 1]  # the parts of the split
    assert "the arc hisses" in by_rule[ids["hisses"]].sentence and by_rule[ids["hisses"]].language == "en"
    assert {e.proposed_by for e in by_rule.values()} == {"reader"}
    # the split's new part is inside its split's example, not an example of its own
    assert len(by_rule) == 5


def test_only_masters_consenting_to_training_give_examples_and_withdrawal_takes_them_out(kb: KnowledgeBase) -> None:
    ids = imported(kb, scopes=("internal_guidance",))
    decide(kb, ids)
    assert kb.training_examples() == []
    master = kb.master_by_name("Park Jae-sung").id
    kb.record_consent(master, ["training"])
    before = kb.training_examples()
    assert len(before) == 5
    kb.withdraw_consent(master)
    assert kb.training_examples() == []
    assert fingerprint(before) != fingerprint([])


def test_confidential_interviews_never_train_a_model(kb: KnowledgeBase) -> None:
    decide(kb, imported(kb, confidential=True))
    assert kb.training_examples() == []


def test_only_admins_read_the_examples(kb: KnowledgeBase) -> None:
    kb.add_user("lee", "interviewer")
    with pytest.raises(Exception, match="may not train"):
        kb.as_user("lee").training_examples()


def test_a_model_learns_what_masters_reject() -> None:
    """Anecdotes rejected again and again: the model then rates a new one below a rule."""

    def rule(c: str, a: str) -> dict[str, Any]:
        return {
            "conditions": {"kind": "group", "join": "all", "items": [{"kind": "clause", "text": c}]},
            "actions": [{"text": a}],
            "confidence": 0.9,
        }

    items = [
        *(
            learner.Labelled(
                rule(f"the {x} is too hot", f"cool the {x} first"), f"If the {x} is too hot, cool the {x} first.", True
            )
            for x in ("plate", "pipe", "torch", "nozzle", "clamp")
        ),
        *(
            learner.Labelled(
                rule(f"he worked the {x}", f"my grandfather smoked by the {x}"),
                f"When he worked the {x}, my grandfather smoked.",
                False,
            )
            for x in ("kiln", "dock", "yard", "forge", "shed")
        ),
    ]
    model = LearnedModel.from_json(learner.fit(items, "en"), "model:en-v1")
    anecdote = rule("he worked the mill", "my grandfather smoked by the mill")
    real = rule("the bar is too hot", "cool the bar first")
    assert model.probability(anecdote, "When he worked the mill, my grandfather smoked.") < 0.35
    assert model.probability(real, "If the bar is too hot, cool the bar first.") > 0.6


def test_one_sided_or_scant_reviews_are_refused_with_the_counts() -> None:
    body = {"actions": [{"text": "stop"}]}
    with pytest.raises(ModelRefused, match=r"3 reviewed proposals \(3 kept, 0 rejected\)"):
        learner.fit([learner.Labelled(body, "stop", True)] * 3, "en")
    with pytest.raises(ModelRefused, match=r"with both verdicts"):
        learner.fit([learner.Labelled(body, "stop", True)] * 20, "en")


def test_a_model_worse_on_the_held_out_gold_is_refused_with_the_figures() -> None:
    drops_everything = {"format": FORMAT, "language": "en", "threshold": 0.5, "weights": {"bias": -20.0}}
    reading = learner.held_out("en")
    with pytest.raises(ModelRefused, match=r"scores F1 0\.0 on the held-out interviews, below 0\.\d+ of reader"):
        learner.judged(drops_everything, None, reading)
    keeps_everything = {"format": FORMAT, "language": "en", "threshold": 0.0, "weights": {"bias": 0.0}}
    with pytest.raises(ModelRefused, match=r"same rules .* with a worse confidence \(Brier 0\.25 against"):
        learner.judged(keeps_everything, None, reading)  # every confidence 0.5
    in_use = LearnedModel.from_json(keeps_everything, "model:en-v1")
    figures = learner.judged(keeps_everything, in_use, reading)  # as good as the one in use: taken
    assert figures["held_out"] == figures["replaced"] and figures["replaced_label"] == "model:en-v1"
    assert figures["held_out"]["f1"] == figures["reader_alone"]["f1"]


def test_each_import_records_the_model_version_that_proposed_its_rules(kb: KnowledgeBase) -> None:
    weights = {"format": FORMAT, "language": "en", "threshold": 0.0, "weights": {"bias": 1.0}}
    stored = kb.store_reader_model("en", weights, fingerprint="f" * 64, examples=9, figures={})
    assert stored.label == "model:en-v1"
    ids = imported(kb)
    view = kb.get_rule(ids["hisses"])
    assert view.proposed_by == "reader+model:en-v1"
    assert view.rule.confidence == 0.731  # the model's probability of bias 1.0
    assert "by reader+model:en-v1" in kb.history(ids["hisses"])[0].reason
    with kb.unit() as uow:
        labels = set(uow.session.scalars(select(RuleRow.proposed_by)))
    assert labels == {"reader+model:en-v1"}
    assert learning.proposed_by(learning.models_in_use(kb), "ko") == "reader"


def test_train_on_the_command_line_refuses_in_one_line(sqlite_env: str) -> None:
    base = KnowledgeBase(sqlite_env)
    base.add_user("admin", "admin")
    result = CliRunner().invoke(cli, ["--as", "admin", "train", "--language", "en"])
    assert result.exit_code == 1
    assert "en: refused: too little to learn from in en: 0 reviewed proposals" in result.output
    assert "Traceback" not in result.output
    listing = CliRunner().invoke(cli, ["--as", "admin", "train", "--list"])
    assert listing.exit_code == 0 and listing.output == ""
