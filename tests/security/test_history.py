"""Issue 23: tamper-evident history. A hash chain over versions, reviews and audit events that
`audit verify` walks; SQLite refuses REPLACE and UPSERT into append-only tables; `restore` refuses a
tampered or inconsistent file with the reason and writes nothing."""

from __future__ import annotations

import copy
import json
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from elicitation import extract_transcript, parse_bytes
from knowledge_base import KnowledgeBase, KnowledgeBaseError, StaleEdit, integrity

from ..conftest import SAMPLES, reset_postgres, run

WELDING = (SAMPLES / "shipyard_welding.txt").read_bytes()


def seeded(kb: KnowledgeBase) -> list[int]:
    park = kb.register_master("Park Jae-sung", craft="welding", organisation="Hanbit")
    kb.record_consent(park, ["internal_guidance"])
    kb.add_user("sme", "sme")
    ids = kb.import_transcript(park, parse_bytes(WELDING, "w.txt"), WELDING, extract_transcript).rule_ids
    kb.review(ids[0], "confirmed", expected_version=1, comment="right")
    return ids


def tamper(kb: KnowledgeBase, sql: str) -> None:
    """What a user with the database's own credentials can do around the product."""
    with kb.engine.begin() as conn:
        if kb.engine.dialect.name == "postgresql":
            conn.execute(text("SET session_replication_role = replica"))  # triggers off
        else:
            for table in ("rule_versions", "audit_events", "reviews"):
                for verb in ("update", "delete"):
                    conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{verb}"))
        conn.execute(text(sql))


def test_an_intact_history_verifies_and_every_kind_of_tampering_is_named(kb: KnowledgeBase) -> None:
    seeded(kb)
    assert all(w.problem is None and w.rows for w in kb.verify_history())
    tamper(kb, "UPDATE rule_versions SET reason = 'POUR WATER' WHERE id = 3")
    [problem] = [w.problem for w in kb.verify_history() if w.problem]
    assert problem.startswith("rule_versions row 3 does not follow")
    tamper(kb, "UPDATE rule_versions SET reason = 'extracted from transcript 1 by reader' WHERE id = 3")
    assert not [w for w in kb.verify_history() if w.problem]
    tamper(kb, "DELETE FROM audit_events WHERE id = 4")
    [problem] = [w.problem for w in kb.verify_history() if w.problem]
    assert problem.startswith("audit_events row 5 does not follow")


def test_the_tail_of_the_trail_cannot_be_cut_off_unnoticed(kb: KnowledgeBase) -> None:
    seeded(kb)
    tamper(kb, "DELETE FROM reviews")
    [problem] = [w.problem for w in kb.verify_history() if w.problem]
    assert problem == "reviews ends before its recorded last row: rows were removed from its end"


def test_the_cli_says_where_the_history_breaks_in_one_line(sqlite_env: str) -> None:
    run("user", "add", "admin", "--role", "admin")
    run("--as", "admin", "consent", "add", "--master", "Kim", "--scope", "internal_guidance")
    ok = run("--as", "admin", "audit", "verify")
    assert ok.returncode == 0 and "audit_events" in ok.stdout and "intact" in ok.stdout
    path = sqlite_env.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        db.execute("DROP TRIGGER audit_events_no_update")
        db.execute("UPDATE audit_events SET actor = 'boss' WHERE id = 1")
    broken = run("--as", "admin", "audit", "verify")
    assert broken.returncode == 1
    assert broken.stderr.strip().splitlines() == [
        "myeongjang: error: the history was tampered with: audit_events row 1 does not follow the row before it:"
        " it, or a row before it, was changed, removed or inserted after it was written"
    ]


@pytest.mark.parametrize(
    "statement",
    [
        "REPLACE INTO rule_versions SELECT * FROM rule_versions WHERE id = 1",
        "INSERT OR REPLACE INTO audit_events SELECT * FROM audit_events WHERE id = 1",
        "INSERT INTO reviews SELECT * FROM reviews WHERE true ON CONFLICT(id) DO UPDATE SET comment = 'x'",
        "INSERT OR REPLACE INTO rule_versions (rule_id, number, body, status, author, reason, created_at)"
        " SELECT rule_id, number, body, status, author, 'POUR WATER', created_at FROM rule_versions WHERE id = 1",
    ],
)
def test_sqlite_refuses_replace_and_upsert_into_append_only_tables(tmp_path: Path, statement: str) -> None:
    kb = KnowledgeBase(f"sqlite:///{tmp_path / 'kb.db'}")
    kb.add_user("admin", "admin")
    seeded(kb.as_user("admin"))
    kb.engine.dispose()
    with sqlite3.connect(tmp_path / "kb.db") as db:
        before = db.execute("SELECT * FROM rule_versions UNION ALL SELECT 0, * FROM reviews").fetchall()
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute(statement)
        assert db.execute("SELECT * FROM rule_versions UNION ALL SELECT 0, * FROM reviews").fetchall() == before


def test_parallel_writers_keep_one_unbroken_chain(kb: KnowledgeBase) -> None:
    ids = seeded(kb)
    base = kb.get_rule(ids[1]).rule.model_dump()
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            kb.edit_rule(ids[1], dict(base, rationale=f"editor {n}"), reason=f"{n}", expected_version=1)
        except StaleEdit:
            pass
        except BaseException as exc:  # pragma: no cover - what the test is for
            errors.append(exc)
        kb.review(ids[2 + n], "rejected", expected_version=1)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all(w.problem is None for w in kb.verify_history())


def forged(document: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """A copy of the file, changed, with its digest recomputed as a forger would."""
    out = copy.deepcopy(document)
    change(out["tables"])
    out["digest"] = integrity.digest(out)
    return out


def _promote(tables: dict[str, Any]) -> None:
    next(u for u in tables["users"] if u["role"] == "sme")["role"] = "admin"


TAMPERED: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("version body", lambda t: t["rule_versions"][0]["body"].update(rationale="POUR WATER"), "rule_versions row 1"),
    ("audit removed", lambda t: t.__setitem__("audit_events", t["audit_events"][:-5]), "audit_events ends before"),
    ("sme to admin", _promote, "sme holds role admin, not the one the audit trail recorded (sme)"),
    ("godmode", lambda t: t["rules"][0].update(status="godmode"), "status 'godmode' is not one of"),
    ("version 99", lambda t: t["rules"][0].update(current_version=99), "its current version is 99"),
    ("dangling", lambda t: t["rule_evidence"][0].update(turn_id=9999), "points to turns 9999"),
    ("duplicate", lambda t: t["rules"].append(dict(t["rules"][0])), "table rules: id 1 appears twice"),
    ("string id", lambda t: t["rules"][0].update(id="1"), "table rules: row 1: id is not a valid integer"),
    ("huge id", lambda t: t["turns"][0].update(id=10**400), "id is not a valid integer"),
    ("bad date", lambda t: t["audit_events"][0].update(at="yesterday"), "holds 'yesterday', not a date"),
]


def fresh(db_url: str, tmp_path: Path, name: str) -> KnowledgeBase:
    if db_url.startswith("sqlite"):
        return KnowledgeBase(f"sqlite:///{tmp_path / name}")
    reset_postgres(db_url)
    return KnowledgeBase(db_url)


def test_restore_refuses_every_tampered_backup_with_its_reason_and_keeps_nothing(
    kb: KnowledgeBase, db_url: str, tmp_path: Path
) -> None:
    seeded(kb)
    backup = json.loads(json.dumps(kb.backup()))
    kb.engine.dispose()
    unsigned = copy.deepcopy(backup)
    unsigned["tables"]["rules"][0]["summary"] = "POUR WATER"
    cases = [("not re-signed", unsigned, "its digest does not match")]
    cases += [(name, forged(backup, change), why) for name, change, why in TAMPERED]
    for n, (name, document, why) in enumerate(cases):
        target = fresh(db_url, tmp_path, f"t{n}.db")
        with pytest.raises(KnowledgeBaseError) as refused:
            target.restore(document)
        assert why in str(refused.value), name
        assert "\n" not in str(refused.value)
        assert not target.has_users(), name  # all or nothing
        target.engine.dispose()
    whole = fresh(db_url, tmp_path, "ok.db")
    assert whole.restore(backup)["rules"] == len(backup["tables"]["rules"])
    assert all(w.problem is None for w in whole.as_user("admin").verify_history())


def test_an_export_with_accounts_smuggled_in_is_refused(kb: KnowledgeBase, db_url: str, tmp_path: Path) -> None:
    seeded(kb)
    exported = json.loads(json.dumps(kb.export()))
    backup = kb.backup()
    kb.engine.dispose()
    smuggled = forged(exported, lambda t: t.__setitem__("users", backup["tables"]["users"]))
    target = fresh(db_url, tmp_path, "s.db")
    with pytest.raises(KnowledgeBaseError, match="an export holds no users; this file does"):
        target.restore(smuggled)
    assert target.restore(exported)["rules"]
    target.add_user("admin", "admin")
    assert all(w.problem is None for w in target.as_user("admin").verify_history())


def test_a_new_sqlite_knowledge_base_and_its_backups_are_for_their_owner_only(sqlite_env: str, tmp_path: Path) -> None:
    run("user", "add", "admin", "--role", "admin")
    made = run("--as", "admin", "backup", "--out", str(tmp_path / "b.json"))
    assert made.returncode == 0, made.stderr
    for path in (Path(sqlite_env.removeprefix("sqlite:///")), tmp_path / "b.json"):
        assert path.stat().st_mode & 0o777 == 0o600, path
