"""Issue 4: roles, consent, privacy, versions, releases, export/backup, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from elicitation import extract_transcript, parse_bytes
from knowledge_base import KnowledgeBase, KnowledgeBaseError, NotEmpty, PermissionDenied, RedactionPolicy
from knowledge_base.models import Base

from ..conftest import ROOT, SAMPLES, reset_postgres

WELDING = (SAMPLES / "shipyard_welding.txt").read_bytes()
STEEL = (SAMPLES / "converter_steelmaking.txt").read_bytes()


def seed(kb: KnowledgeBase) -> dict[str, list[int]]:
    """Two masters from two organisations, each with an interview; accounts for every role."""
    kb.add_user("kim", "interviewer", organisation="Hanbit Shipyard")
    park = kb.register_master("Park Jae-sung", craft="welding", organisation="Hanbit Shipyard")
    lee = kb.register_master("Lee Dong-hyun", craft="steelmaking", organisation="Daesan Steel")
    kb.record_consent(park, ["internal_guidance", "sharing"])
    kb.record_consent(lee, ["internal_guidance"])
    kb.add_user("park", "master", master="Park Jae-sung", organisation="Hanbit Shipyard")
    kb.add_user("lee", "master", master="Lee Dong-hyun", organisation="Daesan Steel")
    kb.add_user("sme", "sme", organisation="Hanbit Shipyard")
    kb.add_user("outsider", "sme", organisation="Daesan Steel")
    interviewer = kb.as_user("kim")
    ids = {}
    for master_id, name, data, confidential in ((park, "w.txt", WELDING, True), (lee, "s.txt", STEEL, False)):
        t = parse_bytes(data, name)
        ids[name] = interviewer.import_transcript(
            master_id, t, data, extract_transcript, confidential=confidential
        ).rule_ids
    return ids


def denied(kb: KnowledgeBase) -> list[dict[str, object]]:
    return [e for e in kb.audit(limit=1000) if e["action"] == "denied"]


def test_each_role_is_refused_what_it_may_not_do_and_every_refusal_is_audited(kb: KnowledgeBase) -> None:
    ids = seed(kb)
    welding, steel = ids["w.txt"][0], ids["s.txt"][0]
    refusals = [
        (
            lambda: kb.as_user("kim").review(welding, "confirmed", expected_version=1),
            "kim (interviewer) may not review",
        ),
        (lambda: kb.as_user("park").review(steel, "confirmed", expected_version=1), "comes from Lee Dong-hyun"),
        (lambda: kb.as_user("park").add_user("x", "sme"), "park (master) may not manage users"),
        (lambda: kb.as_user("sme").get_rule(welding), "is proposed, not confirmed"),
        (lambda: kb.as_user("sme").import_transcript(1, None, b"x", extract_transcript), "may not import"),
        (lambda: kb.as_user("lee").withdraw_consent(kb.master_by_name("Park Jae-sung").id), "only his own"),
        (lambda: kb.as_user("kim").audit(), "may not audit"),
        (lambda: kb.as_user("nobody").list_rules(), "unknown user 'nobody'"),
    ]
    for attempt, message in refusals:
        with pytest.raises(PermissionDenied, match=re.escape(message)):
            attempt()
    assert len(denied(kb)) == len(refusals)
    assert kb.get_rule(welding).status == "proposed" and kb.get_rule(steel).status == "proposed"


def test_a_master_confirms_his_own_rules_and_a_delegate_may_too(kb: KnowledgeBase) -> None:
    ids = seed(kb)
    first, second = ids["s.txt"][:2]
    assert kb.as_user("lee").review(first, "confirmed", expected_version=1).status == "confirmed"
    kb.add_user("deputy", "master", master="Park Jae-sung")
    with pytest.raises(PermissionDenied):
        kb.as_user("deputy").review(second, "confirmed", expected_version=1)
    kb.delegate("deputy", "Lee Dong-hyun")
    assert kb.as_user("deputy").review(second, "rejected", expected_version=1).status == "rejected"


def test_smes_read_confirmed_rules_only_and_confidential_rules_stay_in_their_organisation(kb: KnowledgeBase) -> None:
    ids = seed(kb)
    welding, steel = ids["w.txt"][0], ids["s.txt"][0]
    kb.as_user("park").review(welding, "confirmed", expected_version=1)
    kb.as_user("lee").review(steel, "confirmed", expected_version=1)
    assert {v.id for v in kb.as_user("sme").list_rules()} == {welding, steel}
    assert {v.id for v in kb.as_user("outsider").list_rules()} == {steel}
    with pytest.raises(PermissionDenied, match="confidential"):
        kb.as_user("outsider").get_rule(welding)
    fired_keys = {k.key for k in kb.as_user("outsider").guidance_rules()}
    assert str(welding) not in fired_keys and str(steel) in fired_keys


def test_withdrawal_drops_rules_from_guidance_and_export_and_keeps_the_trail(kb: KnowledgeBase) -> None:
    ids = seed(kb)
    for rule_id in ids["s.txt"][:3]:
        kb.as_user("lee").review(rule_id, "confirmed", expected_version=1)
    assert any(k.master == "Lee Dong-hyun" for k in kb.guidance_rules())
    kb.as_user("lee").withdraw_consent(kb.master_by_name("Lee Dong-hyun").id)
    assert not any(k.master == "Lee Dong-hyun" for k in kb.guidance_rules())
    exported = kb.export()
    lee_id = kb.master_by_name("Lee Dong-hyun").id
    assert not [r for r in exported["tables"]["rules"] if r["master_id"] == lee_id]
    assert not [s for s in exported["tables"]["interview_sessions"] if s["master_id"] == lee_id]
    assert all(r["master_id"] for r in exported["tables"]["rules"])  # attribution travels with every rule
    trail = [e for e in kb.audit(limit=1000) if e["action"] == "withdraw_consent"]
    assert trail and trail[0]["actor"] == "lee"
    with pytest.raises(KnowledgeBaseError, match="no consent on record"):
        kb.as_user("kim").import_transcript(
            lee_id, parse_bytes(STEEL + b"\n", "again.txt"), STEEL + b"\n", extract_transcript
        )


PLANTED = {
    "PHONE_NUMBER": ["010-4821-7730", "+82 2 3456 7890"],
    "EMAIL_ADDRESS": ["jaesung.park@hanbit-ship.co.kr"],
    "KR_RRN": ["741203-1567891"],
    "EMPLOYEE_ID": ["EMP-48213"],
    "PERSON": ["Choi Young-soo", "Mr. Han"],
}
PII_TRANSCRIPT = (
    b"Interviewer: Who taught you preheating?\n"
    b"Park: Choi Young-soo taught me, he is retired now. You can call him on 010-4821-7730 or the office "
    b"on +82 2 3456 7890, or mail me at jaesung.park@hanbit-ship.co.kr. My badge is EMP-48213 and my "
    b"registration number is 741203-1567891, the union has it.\n"
    b"Interviewer: And the rain?\n"
    b"Park: When it rains, we put up the screens. Mr. Han always said so. If the plate is thicker than "
    b"25 mm, preheat it to 120 degrees.\n"
)


def test_no_planted_pii_reaches_the_database_and_the_report_counts_it(kb: KnowledgeBase) -> None:
    master_id = kb.register_master("Park Jae-sung", craft="welding")
    kb.record_consent(master_id, ["internal_guidance"])
    result = kb.import_transcript(master_id, parse_bytes(PII_TRANSCRIPT, "pii.txt"), PII_TRANSCRIPT, extract_transcript)
    assert result.redactions["PHONE_NUMBER"] == 2 and result.redactions["EMAIL_ADDRESS"] == 1
    assert result.redactions["KR_RRN"] == 1 and result.redactions["EMPLOYEE_ID"] == 1
    assert result.redactions["PERSON"] >= 2
    dump = json.dumps(kb.backup(), ensure_ascii=False)
    for values in PLANTED.values():
        for value in values:
            assert value.replace("Mr. ", "") not in dump, value
    assert "Park Jae-sung" in dump  # the master is credited, not redacted
    assert len(result.rule_ids) >= 2  # rules still come out of the redacted talk
    turn = kb.get_rule(result.rule_ids[0]).evidence[0].turn.text
    assert "<" not in kb.get_rule(result.rule_ids[0]).quote or "PERSON" in turn


def test_redaction_policy_is_configurable(kb: KnowledgeBase, tmp_path: Path) -> None:
    policy_file = tmp_path / "policy.json"
    policy_file.write_text(json.dumps({"entities": ["EMAIL_ADDRESS"]}))
    policy = RedactionPolicy.load(policy_file)
    master_id = kb.register_master("Park Jae-sung")
    kb.record_consent(master_id, ["internal_guidance"])
    transcript = parse_bytes(PII_TRANSCRIPT, "pii.txt")
    result = kb.import_transcript(master_id, transcript, PII_TRANSCRIPT, extract_transcript, redaction=policy)
    assert result.redactions == {"EMAIL_ADDRESS": 1}
    policy_file.write_text(json.dumps({"entities": ["SHOE_SIZE"]}))
    with pytest.raises(ValueError, match="unknown entities SHOE_SIZE"):
        RedactionPolicy.load(policy_file)


def test_versions_diff_field_by_field_and_restore_as_a_new_version(kb: KnowledgeBase) -> None:
    rule_id = seed(kb)["s.txt"][0]
    lee = kb.as_user("lee")
    data = lee.get_rule(rule_id).rule.model_dump()
    lee.edit_rule(rule_id, dict(data, rationale="the lining wears"), reason="why", expected_version=1)
    changes = {c.path: (c.before, c.after) for c in lee.diff(rule_id, 1, 2)}
    assert changes == {"rationale": (data["rationale"], "the lining wears")}
    restored = lee.restore_version(rule_id, 1, reason="first was right", expected_version=2)
    assert restored.version == 3 and restored.rule.rationale == data["rationale"]
    assert [v.reason for v in lee.history(rule_id)][-1] == "restored version 1: first was right"
    assert lee.diff(rule_id, 1, 3) == []


def test_history_rows_cannot_be_changed_even_with_sql(kb: KnowledgeBase) -> None:
    seed(kb)
    for table in ("audit_events", "rule_versions"):
        for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
            with pytest.raises(DBAPIError, match="append-only"), kb.engine.begin() as conn:
                conn.execute(text(statement))
    with kb.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_events")).scalar()


def test_releases_are_immutable_snapshots_guidance_can_ask_and_diff(kb: KnowledgeBase) -> None:
    ids = seed(kb)["s.txt"]
    lee = kb.as_user("lee")
    lee.review(ids[0], "confirmed", expected_version=1)
    first = kb.create_release("steel 2026-Q3")
    assert first.rules == 1
    with pytest.raises(KnowledgeBaseError, match="already exists"):
        kb.create_release("steel 2026-Q3")
    with pytest.raises(PermissionDenied):
        lee.create_release("mine")
    data = lee.get_rule(ids[0]).rule.model_dump()
    lee.edit_rule(ids[0], dict(data, rationale="changed after Q3"), reason="r", expected_version=2)
    lee.review(ids[1], "confirmed", expected_version=1)
    kb.create_release("steel 2026-Q4")
    diff = kb.release_diff("steel 2026-Q3", "steel 2026-Q4")
    assert diff.added == [ids[1]] and diff.removed == []
    assert [c.path for c in diff.changed[ids[0]]] == ["rationale"]
    frozen = {k.key: k for k in kb.guidance_rules(release="steel 2026-Q3")}
    assert list(frozen) == [str(ids[0])] and frozen[str(ids[0])].rule.rationale == data["rationale"]
    assert kb.get_rule(ids[0]).rule.rationale == "changed after Q3"


def _everything(kb: KnowledgeBase) -> dict[str, list[dict[str, object]]]:
    with kb.engine.connect() as conn:
        return {
            t.name: [dict(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns)).mappings()]
            for t in Base.metadata.sorted_tables
        }


def unchained(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{k: v for k, v in r.items() if k != "chain_hash"} for r in rows]


def test_backup_restore_and_export_import_round_trip_losslessly(kb: KnowledgeBase, db_url: str, tmp_path: Path) -> None:
    ids = seed(kb)
    kb.as_user("lee").review(ids["s.txt"][0], "confirmed", expected_version=1, comment="yes")
    kb.create_release("r1")
    exported = json.loads(json.dumps(kb.export()))
    backup = json.loads(json.dumps(kb.backup()))
    before = _everything(kb)
    kb.engine.dispose()
    for document, target in ((backup, "b"), (exported, "e")):
        # A fresh, empty database of the same engine: another SQLite file, or the wiped server.
        if db_url.startswith("sqlite"):
            url = f"sqlite:///{tmp_path / f'{target}.db'}"
        else:
            reset_postgres(db_url)
            url = db_url
        copy = KnowledgeBase(url)
        copy.restore(document)
        after = _everything(copy)
        if target == "b":
            assert after == before
        else:
            shared = {r["id"] for r in document["tables"]["rules"]}
            assert shared and len(shared) < len(before["rules"])  # the confidential rules stayed home
            # the copy starts its own hash chain over what it was given
            assert unchained(after["rule_versions"]) == unchained(
                [v for v in before["rule_versions"] if v["rule_id"] in shared]
            )
            assert unchained(after["reviews"]) == unchained([v for v in before["reviews"] if v["rule_id"] in shared])
            assert after["consents"] == before["consents"]
            assert after["users"] == [] and after["audit_events"] == []  # no accounts, no trail leave
        again = copy.as_user("admin")
        if target == "b":  # the copy's own backup holds the same rows (plus its own audit event)
            tables = again.backup()["tables"]
            assert tables["audit_events"][:-1] == document["tables"]["audit_events"]
            assert {k: v for k, v in tables.items() if k != "audit_events"} == {
                k: v for k, v in document["tables"].items() if k != "audit_events"
            }
        with pytest.raises(NotEmpty, match="not empty"):
            copy.restore(document)
        copy.engine.dispose()
    with pytest.raises(KnowledgeBaseError, match="not a myeongjang"):
        KnowledgeBase(f"sqlite:///{tmp_path / 'x.db'}").restore({"rules": []})


KILLED_IMPORT = """
import sys, time
from elicitation import extract_transcript, parse_bytes
from knowledge_base import KnowledgeBase
kb = KnowledgeBase(sys.argv[1], user="admin")
data = open(sys.argv[2], "rb").read()
transcript = parse_bytes(data, "w.txt")
rules = extract_transcript(transcript)
def slow(t):
    print("extracted", flush=True)
    return rules * 4000
master = kb.master_by_name("Park Jae-sung").id
print("importing", flush=True)
kb.import_transcript(master, transcript, data, slow)
print("done", flush=True)
"""


def test_an_import_killed_midway_leaves_nothing_half_written(kb: KnowledgeBase, tmp_path: Path) -> None:
    master_id = kb.register_master("Park Jae-sung")
    kb.record_consent(master_id, ["internal_guidance"])
    script = tmp_path / "killed.py"
    script.write_text(KILLED_IMPORT)
    sample = SAMPLES / "shipyard_welding.txt"
    child = subprocess.Popen(
        [sys.executable, str(script), kb.url, str(sample)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=dict(os.environ),
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "importing"
    assert child.stdout.readline().strip() == "extracted"
    time.sleep(1.5)  # tens of thousands of rows are being written inside one transaction
    child.send_signal(signal.SIGKILL)
    assert child.wait(timeout=60) == -signal.SIGKILL
    with kb.engine.connect() as conn:
        counts = {
            t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
            for t in ("transcripts", "turns", "rules", "rule_versions", "rule_evidence")
        }
        if kb.engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    assert set(counts.values()) == {0}, counts
    ok = kb.import_transcript(
        master_id, parse_bytes(sample.read_bytes(), "w.txt"), sample.read_bytes(), extract_transcript
    )
    assert ok.rule_ids  # the database is usable and the file was never marked imported


def test_passwords_are_argon2_hashed_and_changed_by_their_owner(kb: KnowledgeBase) -> None:
    kb.add_user("sme", "sme", password="first-pass")
    assert kb.sign_in("sme", "first-pass") and not kb.sign_in("sme", "wrong-pass")
    with kb.engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM users WHERE username = 'sme'")).scalar()
    assert str(stored).startswith("$argon2") and "first-pass" not in str(stored)
    kb.as_user("sme").set_password("sme", "second-pass")
    assert kb.sign_in("sme", "second-pass")
    with pytest.raises(PermissionDenied):
        kb.as_user("sme").set_password("admin", "hijacked!")
    assert [e for e in kb.audit() if e["action"] == "sign_in_failed"]


def test_decision_tables_keep_confidential_rules_home_and_findings_ask_the_next_question(kb: KnowledgeBase) -> None:
    import io

    from openpyxl import load_workbook

    ids = seed(kb)
    welding, steel = ids["w.txt"], ids["s.txt"]
    for rule_id in welding:
        kb.as_user("park").review(rule_id, "confirmed", expected_version=1)
    for rule_id in steel:
        kb.as_user("lee").review(rule_id, "confirmed", expected_version=1)

    def exported(user: str) -> set[int]:
        book = load_workbook(io.BytesIO(kb.as_user(user).decision_tables("xlsx")))
        cells = [row[0] for sheet in book.worksheets[1:] for row in sheet.iter_rows(min_row=2, values_only=True)]
        return {int(str(c).lstrip("#")) for c in cells}

    assert exported("kim") == set(welding) | set(steel)  # Hanbit's interviewer takes Hanbit's rules
    kb.add_user("choi", "interviewer", organisation="Daesan Steel")
    assert exported("choi") == set(steel)  # Park's confidential rules stay in Hanbit Shipyard
    assert any(e["entity"] == "decision_tables" for e in kb.audit(limit=100))
    with pytest.raises(KnowledgeBaseError, match="unknown decision-table format 'pdf'"):
        kb.decision_tables("pdf")
    gaps = [f for f in kb.findings() if f.kind == "gap"]
    assert any("melt temperature is between 1600 and 1650" in f.question for f in gaps)


KOREAN_PII = (
    "면담자: 예열은 누구한테 배우셨어요?\n"
    "박재성: 김철수 반장님한테 배웠어요. 지금은 은퇴하셨는데 010-4821-7730으로 하면 돼요. 제 주민번호는 "
    "741203-1567891이고 사번은 EMP-48213이에요.\n"
    "면담자: 비 오는 날은요?\n"
    "박재성: 비가 오면 용접봉을 두 시간 말려요. 이영희 씨도 그렇게 해요.\n"
).encode("cp949")


def test_no_planted_korean_pii_reaches_the_database(kb: KnowledgeBase) -> None:
    master_id = kb.register_master("박재성", craft="용접")
    kb.record_consent(master_id, ["internal_guidance"])
    result = kb.import_transcript(master_id, parse_bytes(KOREAN_PII, "면담.txt"), KOREAN_PII, extract_transcript)
    assert result.redactions["PHONE_NUMBER"] == 1 and result.redactions["KR_RRN"] == 1
    assert result.redactions["EMPLOYEE_ID"] == 1 and result.redactions["PERSON"] == 2
    dump = json.dumps(kb.backup(), ensure_ascii=False)
    for value in ("김철수", "이영희", "010-4821-7730", "741203-1567891", "EMP-48213"):
        assert value not in dump, value
    assert "박재성" in dump  # the master is credited
    assert result.rule_ids  # the rule still comes out of the redacted talk
