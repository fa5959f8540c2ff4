"""Issue 23: everything derived from a confidential interview stays inside its organisation:
rules, transcripts, turns, turn search, exports; on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from elicitation import extract_transcript, parse_bytes
from knowledge_base import KnowledgeBase, PermissionDenied

from ..conftest import SAMPLES
from ..integration.test_semantic import KIM, LEE, master_with

WELDING = (SAMPLES / "shipyard_welding.txt").read_bytes()
STEEL = (SAMPLES / "converter_steelmaking.txt").read_bytes()
SECRET = "Hanbit Shipyard"


def two_yards(kb: KnowledgeBase) -> tuple[int, int]:
    """A confidential interview at Hanbit, an open one at Daesan; an interviewer at each."""
    park = kb.register_master("Park Jae-sung", craft="welding", organisation=SECRET)
    lee = kb.register_master("Lee Dong-hyun", craft="steelmaking", organisation="Daesan Steel")
    kb.record_consent(park, ["internal_guidance"])
    kb.record_consent(lee, ["internal_guidance"])
    kb.add_user("kim", "interviewer", organisation=SECRET)
    kb.add_user("choi", "interviewer", organisation="Daesan Steel")
    hanbit = kb.as_user("kim")
    secret = hanbit.import_transcript(
        park, parse_bytes(WELDING, "welding.txt"), WELDING, extract_transcript, confidential=True
    ).transcript_id
    shared = hanbit.import_transcript(lee, parse_bytes(STEEL, "steel.txt"), STEEL, extract_transcript).transcript_id
    return secret, shared


def said_in(document: object, turns: list[str]) -> list[str]:
    """The turn texts found anywhere in a document."""
    blob = json.dumps(document, ensure_ascii=False)
    return [t for t in turns if json.dumps(t, ensure_ascii=False)[1:-1] in blob]


def test_another_organisation_reads_no_turn_title_or_file_of_a_confidential_interview(kb: KnowledgeBase) -> None:
    secret, shared = two_yards(kb)
    turns = [t.text for t in kb.transcript(secret)[0] if len(t.text) > 30]
    outsider = kb.as_user("choi")
    assert [t.id for t in outsider.transcripts()] == [shared]
    with pytest.raises(PermissionDenied, match=f"may not read transcript {secret}: it is confidential"):
        outsider.transcript(secret)
    assert outsider.transcript(shared)[0]
    exported = outsider.export()
    assert said_in(exported, turns) == []
    tables = exported["tables"]
    assert [t["id"] for t in tables["transcripts"]] == [shared]
    assert "welding.txt" not in json.dumps(exported)
    assert tables["users"] == [] and tables["audit_events"] == [] and tables["delegations"] == []
    # inside the organisation everything is there
    inside = kb.as_user("kim")
    assert {t.id for t in inside.transcripts()} == {secret, shared}
    assert len(said_in(inside.export(), turns)) == len(turns)
    refused = [e for e in kb.audit(limit=1000) if e["action"] == "denied" and e["entity"] == "transcript"]
    assert [e["entity_id"] for e in refused] == [secret]


def test_a_rule_marked_confidential_later_takes_its_interviews_turns_with_it(kb: KnowledgeBase) -> None:
    _secret, shared = two_yards(kb)
    _turns, rules = kb.transcript(shared)
    kb.set_confidential(rules[0].id, True)
    outsider = kb.as_user("kim")  # Hanbit: the Daesan interview now holds a Daesan secret
    assert shared not in {t.id for t in outsider.transcripts()}
    with pytest.raises(PermissionDenied, match="confidential"):
        outsider.transcript(shared)
    assert kb.as_user("choi").transcript(shared)[0]


def test_a_master_without_an_organisation_reviews_his_own_confidential_rules(kb: KnowledgeBase) -> None:
    park = kb.register_master("Park Jae-sung", craft="welding", organisation=SECRET)
    kb.record_consent(park, ["internal_guidance"])
    kb.add_user("park", "master", master="Park Jae-sung")  # as the README's example makes him
    ids = kb.import_transcript(
        park, parse_bytes(WELDING, "welding.txt"), WELDING, extract_transcript, confidential=True
    ).rule_ids
    master = kb.as_user("park")
    assert {v.id for v in master.list_rules()} >= set(ids)
    assert master.get_rule(ids[0]).id == ids[0]
    assert master.review(ids[0], "confirmed", expected_version=1).status == "confirmed"


def test_turn_search_never_returns_another_organisations_confidential_turns(skb: KnowledgeBase) -> None:
    kim = skb.register_master("Kim", craft="welding", organisation="Hanbit")
    skb.record_consent(kim, ["internal_guidance"])
    skb.import_transcript(kim, parse_bytes(KIM, "kim.txt"), KIM, extract_transcript, confidential=True)
    master_with(skb, "Lee", LEE, "lee.txt")
    assert {t.speaker for t, _, _ in skb.search_turns("humidity and filler", limit=20)} == {"Kim", "Lee"}
    skb.add_user("outsider", "interviewer", organisation="Other Yard")
    skb.add_user("colleague", "interviewer", organisation="Hanbit")
    assert {t.speaker for t, _, _ in skb.as_user("outsider").search_turns("humidity and filler", limit=20)} == {"Lee"}
    assert "Kim" in {t.speaker for t, _, _ in skb.as_user("colleague").search_turns("humidity and filler", limit=20)}
