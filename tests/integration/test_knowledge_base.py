"""The service layer on real databases: SQLite always, PostgreSQL when a server is given."""

import threading

import pytest
from sqlalchemy import inspect

from elicitation import extract_transcript, parse_bytes
from knowledge_base import (
    ConsentRequired,
    DuplicateImport,
    InvalidEdit,
    InvalidTransition,
    KnowledgeBase,
    StaleEdit,
)
from knowledge_base.database import downgrade, upgrade

from ..conftest import SAMPLES

DATA = (SAMPLES / "shipyard_welding.txt").read_bytes()


def import_sample(kb: KnowledgeBase, consent: bool = True) -> list[int]:
    master_id = kb.register_master("Park Jae-sung", craft="welding")
    if consent:
        kb.record_consent(master_id, ["internal_guidance"])
    transcript = parse_bytes(DATA, "shipyard_welding.txt")
    return kb.import_transcript(master_id, transcript, DATA, extract_transcript).rule_ids


def rain_rule(kb: KnowledgeBase) -> int:
    return next(v.id for v in kb.list_rules() if any(c.variable == "weather" for c in v.rule.clauses()))


def test_import_stores_turns_rules_and_provenance(kb: KnowledgeBase) -> None:
    ids = import_sample(kb)
    assert len(ids) >= 5
    view = kb.get_rule(ids[0])
    assert view.status == "proposed" and view.version == 1 and view.master == "Park Jae-sung"
    [ev] = view.evidence
    assert ev.turn.speaker == "Park" and ev.quote in ev.turn.text
    assert kb.history(ids[0])[0].author == "extractor"


def test_import_without_consent_is_refused_and_writes_nothing(kb: KnowledgeBase) -> None:
    with pytest.raises(ConsentRequired, match="no consent on record for Park"):
        import_sample(kb, consent=False)
    assert kb.list_rules() == []


def test_same_file_twice_is_refused_and_the_first_import_stays(kb: KnowledgeBase) -> None:
    ids = import_sample(kb)
    transcript = parse_bytes(DATA, "shipyard_welding.txt")
    with pytest.raises(DuplicateImport, match="already imported"):
        kb.import_transcript(kb.master_by_name("Park Jae-sung").id, transcript, DATA, lambda t: [])
    assert sorted(v.id for v in kb.list_rules()) == sorted(ids)


def test_confirm_creates_a_version_a_review_and_an_audit_event(kb: KnowledgeBase) -> None:
    rule_id = import_sample(kb)[0]
    view = kb.review(rule_id, "confirmed", expected_version=1, comment="right")
    assert (view.status, view.version) == ("confirmed", 2)
    assert [v.status for v in kb.history(rule_id)] == ["proposed", "confirmed"]
    event = kb.audit()[0]
    assert (event["actor"], event["action"], event["entity_id"]) == ("admin", "review", rule_id)


@pytest.mark.parametrize("first,second", [("rejected", "confirmed"), ("proposed", "retired")])
def test_transitions_outside_the_workflow_are_refused(kb: KnowledgeBase, first: str, second: str) -> None:
    rule_id = import_sample(kb)[0]
    version = 1
    if first != "proposed":
        version = kb.review(rule_id, first, expected_version=1).version
    with pytest.raises(InvalidTransition):
        kb.review(rule_id, second, expected_version=version)
    assert kb.get_rule(rule_id).version == version


def test_edit_keeps_the_old_version_and_provenance(kb: KnowledgeBase) -> None:
    rule_id = import_sample(kb)[0]
    old = kb.get_rule(rule_id)
    data = old.rule.model_dump()
    data["actions"][0]["text"] = "add one more pass of filler"
    new = kb.edit_rule(rule_id, data, reason="more precise", expected_version=1)
    assert new.version == 2 and new.rule.actions[0].text == "add one more pass of filler"
    assert new.rule.evidence == old.rule.evidence
    assert kb.history(rule_id)[0].rule == old.rule


def test_stale_edit_raises_conflict_and_keeps_both_versions(kb: KnowledgeBase) -> None:
    rule_id = import_sample(kb)[0]
    base = kb.get_rule(rule_id).rule.model_dump()
    first = dict(base, rationale="first editor")
    second = dict(base, rationale="second editor")
    kb.edit_rule(rule_id, first, reason="one", expected_version=1)
    with pytest.raises(StaleEdit, match="you edited version 1, the stored version is now 2"):
        kb.edit_rule(rule_id, second, reason="two", expected_version=1)
    assert [v.rule.rationale for v in kb.history(rule_id)][1:] == ["first editor"]


def test_parallel_editors_of_one_version_only_one_wins(kb: KnowledgeBase) -> None:
    rule_id = import_sample(kb)[0]
    base = kb.get_rule(rule_id).rule.model_dump()
    outcomes: list[str] = []

    def edit(name: str) -> None:
        try:
            kb.edit_rule(rule_id, dict(base, rationale=name), reason=name, expected_version=1)
            outcomes.append("saved")
        except StaleEdit:
            outcomes.append("stale")

    threads = [threading.Thread(target=edit, args=(f"editor{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["saved", "stale", "stale", "stale"]
    assert len(kb.history(rule_id)) == 2


@pytest.mark.parametrize(
    "change,message",
    [
        ({"actions": []}, "at least one action"),
        ({"confidence": 3}, "less than or equal to 1"),
        ({"certainty": "definitely"}, "certainty"),
    ],
)
def test_invalid_edit_is_refused_and_nothing_is_written(
    kb: KnowledgeBase, change: dict[str, object], message: str
) -> None:
    rule_id = import_sample(kb)[0]
    data = dict(kb.get_rule(rule_id).rule.model_dump(), **change)
    with pytest.raises(InvalidEdit, match=message):
        kb.edit_rule(rule_id, data, reason="r", expected_version=1)
    assert len(kb.history(rule_id)) == 1


def test_guidance_uses_confirmed_rules_and_follows_changes_without_restart(kb: KnowledgeBase) -> None:
    import_sample(kb)
    rule_id = rain_rule(kb)
    assert kb.ask({"weather": "rain"}).fired == []
    assert kb.ask({"weather": "rain"}, include_proposed=True).fired
    kb.review(rule_id, "confirmed", expected_version=1)
    [firing] = kb.ask({"weather": "rain"}).fired
    assert firing.known.key == str(rule_id) and firing.known.master == "Park Jae-sung"
    assert firing.known.quote and "rains" in firing.known.quote


def test_withdrawn_consent_drops_the_masters_rules_from_guidance(kb: KnowledgeBase) -> None:
    import_sample(kb)
    rule_id = rain_rule(kb)
    kb.review(rule_id, "confirmed", expected_version=1)
    kb.withdraw_consent(kb.master_by_name("Park Jae-sung").id)
    assert kb.ask({"weather": "rain"}).fired == []
    assert kb.audit()[0]["action"] == "withdraw_consent"


def test_migrations_go_down_to_nothing_and_up_again(kb: KnowledgeBase) -> None:
    assert "rule_versions" in inspect(kb.engine).get_table_names()
    downgrade(kb.engine, "base")
    assert "rule_versions" not in inspect(kb.engine).get_table_names()
    upgrade(kb.engine)
    assert "rule_versions" in inspect(kb.engine).get_table_names()
