"""Issue 23 on PostgreSQL: each person is a database role. Row-level security hides another
organisation's confidential rows from raw SQL, the append-only tables have no UPDATE or DELETE
grant, and a person's own connection acts as him (only an admin's may act for others, audited as
both)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, create_engine, inspect, make_url, text
from sqlalchemy.exc import DBAPIError, ProgrammingError

from elicitation import extract_transcript, parse_bytes
from elicitation.embeddings import SentenceEncoder
from knowledge_base import KnowledgeBase, KnowledgeBaseError, PermissionDenied, db_roles
from knowledge_base.models import Base

from ..conftest import postgres_url, reset_postgres, run
from .test_confidentiality import SECRET, two_yards

pytestmark = pytest.mark.postgres


def as_role(url: str, role: str) -> str:
    """The same database, connected as another role (the test server trusts local roles)."""
    return make_url(url).set(username=role).render_as_string(hide_password=False)


def two_yards_on_postgres(encoder: SentenceEncoder | None = None) -> KnowledgeBase:
    """A fresh PostgreSQL knowledge base as its owner's admin: kim at Hanbit (a confidential
    interview), choi at Daesan."""
    url = postgres_url()
    reset_postgres(url)
    base = KnowledgeBase(url, encoder=encoder)
    base.add_user("admin", "admin")
    kb = base.as_user("admin")
    two_yards(kb)
    return kb


@pytest.fixture
def owner() -> Iterator[KnowledgeBase]:
    kb = two_yards_on_postgres()
    yield kb
    kb.engine.dispose()


def raw(kb: KnowledgeBase, role: str) -> Connection:
    engine = create_engine(as_role(kb.url, role).replace("postgresql://", "postgresql+psycopg://", 1))
    return engine.connect()


HIDDEN = {
    "rules": "SELECT count(*) FROM rules WHERE confidential",
    "rule_versions": "SELECT count(*) FROM rule_versions v JOIN rules r ON r.id = v.rule_id WHERE r.confidential",
    "rule_evidence": "SELECT count(*) FROM rule_evidence",
    "transcripts": "SELECT count(*) FROM transcripts WHERE confidential",
    "turns": "SELECT count(*) FROM turns t JOIN transcripts x ON x.id = t.transcript_id WHERE x.confidential",
    "interview_sessions": "SELECT count(*) FROM interview_sessions WHERE title LIKE '%welding%'",
}


def counts(conn: Connection) -> dict[str, int]:
    return {name: int(conn.scalar(text(sql)) or 0) for name, sql in HIDDEN.items()}


def test_raw_sql_as_another_organisations_role_sees_none_of_the_confidential_rows(owner: KnowledgeBase) -> None:
    with raw(owner, "kim") as inside, raw(owner, "choi") as outside:
        mine, theirs = counts(inside), counts(outside)
        assert mine["rules"] > 0 and mine["turns"] > 0 and mine["transcripts"] == 1
        assert theirs["rules"] == theirs["rule_versions"] == theirs["transcripts"] == theirs["turns"] == 0
        assert theirs["rule_evidence"] < mine["rule_evidence"]  # the open interview's evidence stays
        secret_turn = inside.scalar(
            text(
                "SELECT t.text FROM turns t JOIN transcripts x ON x.id = t.transcript_id WHERE x.confidential "
                "ORDER BY length(t.text) DESC LIMIT 1"
            )
        )
        assert outside.scalar(text("SELECT count(*) FROM turns WHERE text = :t"), {"t": secret_turn}) == 0
        # the audit trail: each reads his own events only
        assert {r[0] for r in outside.execute(text("SELECT DISTINCT actor FROM audit_events"))} <= {"choi"}


def test_a_persons_role_cannot_rewrite_history_or_read_password_hashes(owner: KnowledgeBase) -> None:
    owner.set_password("admin", "long enough secret")
    attempts = [
        "UPDATE rule_versions SET body = '{}'",
        "DELETE FROM audit_events",
        "UPDATE reviews SET decision = 'rejected'",
        "DELETE FROM turns",
        "UPDATE turns SET text = 'POUR WATER'",
        "SELECT password_hash FROM users",
        "UPDATE users SET role = 'admin' WHERE username = 'kim'",
        "DELETE FROM sign_in_failures",
        "INSERT INTO audit_events (at, actor, action, entity, detail) VALUES (now(), 'boss', 'x', 'y', '{}')",
        "INSERT INTO users (username, display_name, role, created_at) VALUES ('mallory', 'm', 'admin', now())",
        # what decides who sees what: a master's organisation, a rule's flag, a delegation
        "UPDATE masters SET organisation = 'Daesan Steel'",
        "UPDATE rules SET confidential = false",
        "UPDATE users SET organisation = 'Daesan Steel' WHERE username = 'kim'",
        "INSERT INTO delegations (user_id, master_id, granted_by, created_at) SELECT id, 1, 'kim', now() "
        "FROM users WHERE username = 'kim'",
    ]
    for sql in attempts:
        with raw(owner, "kim") as conn, pytest.raises(ProgrammingError, match=r"permission denied|row-level security"):
            conn.execute(text(sql))
    # a row added to a rule he cannot see, a review in another's name, a consent taken back
    with raw(owner, "kim") as conn:
        hanbit_rule = conn.scalar(text("SELECT min(id) FROM rules WHERE confidential"))
    assert hanbit_rule is not None
    owner.withdraw_consent(owner.master_by_name("Lee Dong-hyun").id)
    for sql in (
        f"INSERT INTO rule_versions (rule_id, number, body, status, author, reason, created_at) "
        f"VALUES ({hanbit_rule}, 99, '{{}}', 'confirmed', 'choi', 'x', now())",
        f"INSERT INTO reviews (rule_id, version_number, decision, reviewer, created_at) "
        f"VALUES ({hanbit_rule}, 1, 'confirmed', 'admin', now())",
        "UPDATE consents SET withdrawn_at = NULL",
        "INSERT INTO consents (master_id, scope, given_on, recorded_by, created_at) "
        "VALUES (1, 'sharing', current_date, 'admin', now())",
    ):
        with raw(owner, "choi") as conn, pytest.raises(DBAPIError, match=r"row-level security|withdrawn|permission"):
            conn.execute(text(sql))
            conn.commit()
    # a rule he may see but not review or edit: choi (interviewer) reviews, an SME adds a version
    owner.add_user("reader", "sme", organisation="Daesan Steel")
    with raw(owner, "choi") as conn:
        daesan_rule = conn.scalar(text("SELECT min(id) FROM rules WHERE NOT confidential"))
    for role, sql in (
        (
            "choi",
            f"INSERT INTO reviews (rule_id, version_number, decision, reviewer, created_at) "
            f"VALUES ({daesan_rule}, 1, 'confirmed', 'choi', now())",
        ),
        (
            "reader",
            f"INSERT INTO rule_versions (rule_id, number, body, status, author, reason, created_at) "
            f"VALUES ({daesan_rule}, 99, '{{}}', 'confirmed', 'reader', 'x', now())",
        ),
    ):
        with raw(owner, role) as conn, pytest.raises(DBAPIError, match="row-level security"):
            conn.execute(text(sql))
    with raw(owner, "choi") as conn:  # the policy functions answer for the caller only
        asked = "SELECT count(*) FILTER (WHERE myeongjang_sees_rule('kim', g)) FROM generate_series(1, 50) g"
        assert conn.scalar(text(asked)) == 0
    with raw(owner, "kim") as conn:  # his own rule moved without a version, caught at commit
        conn.execute(text(f"UPDATE rules SET status = 'confirmed' WHERE id = {hanbit_rule}"))
        with pytest.raises(DBAPIError, match="a rule changes only with a new version"):
            conn.commit()
    with raw(owner, "kim") as conn:  # his own password he may change; not the admin's
        assert conn.execute(text("UPDATE users SET password_hash = 'x' WHERE username = 'admin'")).rowcount == 0
        assert conn.execute(text("UPDATE users SET password_hash = 'x' WHERE username = 'kim'")).rowcount == 1


def test_a_persons_connection_acts_as_him_and_only_an_admins_acts_for_others(owner: KnowledgeBase) -> None:
    owner.add_user("boss", "admin", organisation=SECRET)
    choi = KnowledgeBase(as_role(owner.url, "choi"))
    assert choi.whoami().username == "choi"
    assert all(not r.confidential for r in choi.list_rules())
    with pytest.raises(PermissionDenied, match="choi connects to the database as himself and may not act as boss"):
        choi.as_user("boss").add_user("mallory", "admin")
    assert "mallory" not in {u["username"] for u in owner.list_users()}
    denied = [e for e in owner.audit(20) if e["action"] == "denied"]
    assert denied[0]["actor"] == "choi" and denied[0]["detail"]["action"] == "act_as"
    boss = KnowledgeBase(as_role(owner.url, "boss"))
    boss.as_user("kim").record_consent(owner.master_by_name("Park Jae-sung").id, ["training"])
    event = owner.audit(1)[0]
    assert event["actor"] == "kim" and event["detail"]["via"] == "boss"
    choi.engine.dispose()
    boss.engine.dispose()


def test_the_command_line_refuses_a_forged_as_on_a_persons_connection(owner: KnowledgeBase) -> None:
    done = run("--as", "admin", "user", "add", "mallory", "--role", "admin", env_url=as_role(owner.url, "choi"))
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "myeongjang: error: choi connects to the database as himself and may not act as admin (only an admin may)"
    ]
    own = run(
        "user", "passwd", "choi", "--password-stdin", stdin="long enough secret\n", env_url=as_role(owner.url, "choi")
    )
    assert own.returncode == 0 and own.stdout.strip() == "password changed for choi"  # no --as needed


def test_the_work_of_each_role_runs_on_its_own_connection(owner: KnowledgeBase) -> None:
    owner.add_user("park", "master", master="Park Jae-sung")
    owner.add_user("sme", "sme", organisation=SECRET)
    kim = KnowledgeBase(as_role(owner.url, "kim"))
    welding = b"Interviewer: And the filler?\nPark: When it rains, add a little more filler, about ten percent more.\n"
    master = owner.master_by_name("Park Jae-sung").id
    ids = kim.import_transcript(master, parse_bytes(welding, "rain.txt"), welding, extract_transcript).rule_ids
    park = KnowledgeBase(as_role(owner.url, "park"))
    park.review(ids[0], "confirmed", expected_version=1, comment="right")
    park.set_password("park", "long enough secret")
    sme = KnowledgeBase(as_role(owner.url, "sme"))
    assert ids[0] in {r.id for r in sme.list_rules()}
    assert kim.export()["tables"]["rules"]
    with pytest.raises(PermissionDenied):
        sme.set_password("kim", "long enough secret")
    boss = KnowledgeBase(as_role(owner.url, "admin"))
    assert boss.backup()["tables"]["users"]
    assert all(w.problem is None for w in boss.verify_history())
    for kb in (kim, park, sme, boss):
        kb.engine.dispose()


def test_an_admin_here_is_nobody_in_another_knowledge_base(owner: KnowledgeBase) -> None:
    other_url = make_url(owner.url).set(database="myeongjang_other").render_as_string(hide_password=False)
    with owner.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("DROP DATABASE IF EXISTS myeongjang_other WITH (FORCE)"))
        conn.execute(text("CREATE DATABASE myeongjang_other"))
    elsewhere = KnowledgeBase(other_url)
    elsewhere.add_user("choi", "admin")  # choi runs another knowledge base on the same server
    elsewhere.engine.dispose()
    with raw(owner, "choi") as conn:
        assert conn.scalar(text("SELECT count(*) FROM rules WHERE confidential")) == 0
        with pytest.raises(ProgrammingError, match="permission denied"):
            conn.execute(text("SELECT password_hash FROM users"))
    assert db_roles.person(KnowledgeBase(as_role(owner.url, "choi")).engine) == "choi"


def test_every_table_has_its_grants_and_long_names_are_refused(owner: KnowledgeBase) -> None:
    tables = set(inspect(owner.engine).get_table_names()) - {"alembic_version"}
    assert tables <= db_roles.CLASSIFIED and set(Base.metadata.tables) <= db_roles.CLASSIFIED
    with pytest.raises(KnowledgeBaseError, match="longer than a PostgreSQL role name may be"):
        owner.add_user("김" * 22, "sme")
    with owner.engine.connect() as conn:  # the owner itself never becomes a person
        me = conn.scalar(text("SELECT current_user"))
    owner.add_user(str(me), "sme")
    assert db_roles.person(owner.engine) is None


def test_an_admins_role_may_enrol_people_and_a_persons_may_not(owner: KnowledgeBase) -> None:
    boss = KnowledgeBase(as_role(owner.url, "admin"))
    boss.add_user("newcomer", "interviewer", organisation="Daesan Steel")
    with raw(owner, "newcomer") as conn:
        assert conn.scalar(text("SELECT count(*) FROM rules WHERE confidential")) == 0
    with raw(owner, "kim") as conn, pytest.raises(DBAPIError, match="permission denied"):
        conn.execute(text("SELECT myeongjang_enrol('x', true)"))
    boss.engine.dispose()


def test_cues_made_only_of_hidden_words_and_the_vector_cache_stay_hidden(encoder: SentenceEncoder) -> None:
    kb = two_yards_on_postgres(encoder)
    url = kb.url
    assert kb.propose_vocabulary()
    with kb.engine.begin() as conn:  # a cue only Hanbit's confidential words speak of
        secret_rule = conn.scalar(text("SELECT min(id) FROM rules WHERE confidential"))
        cue = conn.scalar(
            text(
                "INSERT INTO cue_variables (name, kind, allowed_values, aliases, status, created_at) "
                "VALUES ('hanbit_secret_cue', 'flag', '[]', '[]', 'proposed', now()) RETURNING id"
            )
        )
        conn.execute(
            text("INSERT INTO cue_phrases (cue_id, text, rule_id) VALUES (:c, 'the secret sign', :r)"),
            {"c": cue, "r": secret_rule},
        )
    with raw(kb, "choi") as conn:
        seen = {int(r[0]) for r in conn.execute(text("SELECT id FROM cue_variables"))}
        hidden_only = {
            int(r[0])
            for r in conn.execute(text("SELECT id FROM cue_variables"))
            if not conn.scalar(text("SELECT count(*) FROM cue_phrases WHERE cue_id = :c"), {"c": r[0]})
        }
        with pytest.raises(ProgrammingError, match="permission denied"):
            conn.execute(text("SELECT vector FROM embeddings"))
    assert hidden_only == set()  # every cue he sees has a phrase he may read
    with kb.unit() as uow:
        every = {int(i) for i in uow.session.scalars(text("SELECT id FROM cue_variables"))}
    assert seen == every - {cue}  # the cue only Hanbit's confidential words made is not among them
    choi = KnowledgeBase(as_role(url, "choi"), encoder=encoder)
    assert choi.search(
        "what does it mean when the flame turns white?", include_proposed=True
    )  # the cache is read by hash, and added to
    choi.engine.dispose()
    kb.engine.dispose()
