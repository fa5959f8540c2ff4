"""PostgreSQL enforces what the service layer decides: each person is a database role.

An account on PostgreSQL is also a login role of the same name, a member of this knowledge base's
people's group (or its admins' group): `myeongjang_people_<key>` and `myeongjang_admins_<key>`,
the key a digest of the database and schema, since roles are the whole server's and an admin of
one knowledge base must be nobody in another. What the groups may do is granted here, table by
table:

- append-only tables (versions, reviews, the audit trail) have no UPDATE or DELETE grant;
- nothing is deleted but the rows the product itself replaces (cue vocabulary, media, vectors),
  and nothing that decides who sees what can be changed by a person: a master's organisation, a
  rule's confidentiality (admins classify), delegations (admins grant), accounts;
- people read every account but not its password hash, and change only their own password;
- row-level security hides another organisation's confidential rules, and everything derived from
  them (versions, reviews, evidence, cue phrases and the cues only they make, the interview, its
  turns and its session; the vector cache is read by the hashes of texts one holds), from
  any SQL a person runs, with the same test as `policies.Actor.can_see`;
- a person writes only rows he could then read (no version added to a rule he cannot see), and
  in his own name: audit events, versions, reviews and consents (an admin in anyone's), a review
  only of a rule he may review (its master, a delegate, an admin), no version by an SME; his raw
  SQL cannot move a rule without a version (db_functions.TRIGGERS) nor take back a withdrawal.

The knowledge base's owner (who runs the migrations, and the UI server, which checks passwords
itself) is not a member and is not subject to these policies. `install` is idempotent; migration
0011 runs it, and a migration that adds a table must classify the table below and run it again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlalchemy.engine import Engine

from knowledge_base import db_functions

APPEND_ONLY = ("rule_versions", "reviews", "audit_events")
INSERT_ONLY = ("masters", "interview_sessions", "transcripts", "turns", "rule_evidence", "releases", "release_rules")
UPDATABLE = ("chain_heads",)  # each chained write moves its table's head
CONSENTS = "consents"  # recorded in one's own name; a withdrawal is the one change, and final
RULES = "rules"  # people change what a review or an edit changes; admins also classify
RULE_COLUMNS = ("status", "current_version", "row_version", "confidence", "summary", "domain", "process_step")
DELEGATIONS = "delegations"  # read by everyone (who speaks for whom), granted by admins only
REPLACEABLE = ("cue_variables", "cue_phrases", "reference_media", "rule_vectors")  # rows replaced
VECTOR_CACHE = "embeddings"  # added to by anyone, read through myeongjang_vectors by hash only
ADMINS_ONLY = ("sign_in_failures",)  # the UI server signs people in; admins may unlock
ACCOUNTS = "users"
MODELS = "reader_models"  # read by everyone (the import reads with them), trained by admins only
CLASSIFIED = frozenset(
    (
        *APPEND_ONLY,
        *INSERT_ONLY,
        *UPDATABLE,
        *REPLACEABLE,
        *ADMINS_ONLY,
        ACCOUNTS,
        RULES,
        DELEGATIONS,
        MODELS,
        CONSENTS,
        VECTOR_CACHE,
    )
)
NAME_BYTES = 63  # PostgreSQL's longest identifier
USER_COLUMNS = ("id", "username", "display_name", "role", "organisation", "master_id", "created_at")

# (table, the expression a row must pass to be seen, changed or deleted by a person)
_HIDDEN = (
    # a row's own columns where it has them: a new row is not yet there to be looked up
    ("rules", "NOT confidential OR myeongjang_speaks(current_user, master_id)"),
    ("rule_versions", "myeongjang_sees_rule(current_user, rule_id)"),
    ("reviews", "myeongjang_sees_rule(current_user, rule_id)"),
    ("rule_evidence", "myeongjang_sees_rule(current_user, rule_id)"),
    ("release_rules", "myeongjang_sees_rule(current_user, rule_id)"),
    ("cue_phrases", "rule_id IS NULL OR myeongjang_sees_rule(current_user, rule_id)"),
    ("cue_variables", "myeongjang_sees_cue(current_user, id)"),
    ("rule_vectors", "myeongjang_sees_rule(current_user, rule_id)"),  # only where pgvector is
    ("transcripts", "myeongjang_sees_transcript(current_user, id, session_id, confidential)"),
    ("turns", "myeongjang_sees_transcript(current_user, transcript_id)"),
    ("interview_sessions", "myeongjang_sees_session(current_user, id)"),
)
_OWN = "actor = current_user OR myeongjang_is_admin(current_user)"
# who a person's new row may name as its author, and who may write it at all: a version by
# himself (the extractor, on an import he runs), not by an SME; a review by the rule's master,
# his delegates or an admin (policies.may_review)
_SIGNED = {
    "rule_versions": "(author IN (current_user, 'extractor') AND myeongjang_role(current_user) <> 'sme'"
    " OR myeongjang_is_admin(current_user))",
    "reviews": "(reviewer = current_user AND myeongjang_reviews(current_user, rule_id))",
}


@dataclass(frozen=True)
class Groups:
    """This knowledge base's two group roles."""

    people: str
    admins: str

    @property
    def both(self) -> str:
        return f"{self.people}, {self.admins}"


def groups(conn: Connection) -> Groups:
    key = str(conn.scalar(text("SELECT current_database() || '/' || current_schema()")))
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return Groups(f"myeongjang_people_{digest}", f"myeongjang_admins_{digest}")


def _group_roles(g: Groups) -> list[str]:
    return [
        f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{r}') THEN CREATE ROLE {r} NOLOGIN; "
        "END IF; END $$"
        for r in (g.people, g.admins)
    ]


def _grants(g: Groups) -> list[tuple[str, str]]:
    """(table, statement) pairs."""
    both, people, admins = g.both, g.people, g.admins
    sql = [(t, f"GRANT SELECT, INSERT ON {t} TO {both}") for t in (*APPEND_ONLY, *INSERT_ONLY)]
    sql += [(t, f"GRANT SELECT, INSERT, UPDATE ON {t} TO {both}") for t in UPDATABLE]
    sql += [(t, f"GRANT SELECT, INSERT, UPDATE, DELETE ON {t} TO {both}") for t in REPLACEABLE]
    sql += [(t, f"GRANT SELECT, INSERT, DELETE ON {t} TO {admins}") for t in ADMINS_ONLY]
    sql += [
        (RULES, f"GRANT SELECT, INSERT, UPDATE ({', '.join(RULE_COLUMNS)}) ON {RULES} TO {people}"),
        (RULES, f"GRANT SELECT, INSERT, UPDATE ON {RULES} TO {admins}"),
        (CONSENTS, f"GRANT SELECT, INSERT, UPDATE (withdrawn_at) ON {CONSENTS} TO {both}"),
        (VECTOR_CACHE, f"GRANT INSERT ON {VECTOR_CACHE} TO {both}"),
        (DELEGATIONS, f"GRANT SELECT ON {DELEGATIONS} TO {people}"),
        (DELEGATIONS, f"GRANT SELECT, INSERT, UPDATE ON {DELEGATIONS} TO {admins}"),
        (MODELS, f"GRANT SELECT ON {MODELS} TO {people}"),
        (MODELS, f"GRANT SELECT, INSERT ON {MODELS} TO {admins}"),
    ]
    sql += [
        ("alembic_version", f"GRANT SELECT ON alembic_version TO {both}"),  # a person checks, never migrates
        (ACCOUNTS, f"GRANT SELECT ({', '.join(USER_COLUMNS)}) ON {ACCOUNTS} TO {people}"),
        (ACCOUNTS, f"GRANT UPDATE (password_hash) ON {ACCOUNTS} TO {people}"),
        (ACCOUNTS, f"GRANT SELECT, INSERT, UPDATE ON {ACCOUNTS} TO {admins}"),
    ]
    return sql


def _policies() -> list[tuple[str, str, str]]:
    """(table, policy name, the rest of its CREATE POLICY). A person writes only rows he could
    then read (so nobody can add a version to, or learn of, a rule he cannot see), in his own name."""
    own_consent = "recorded_by = current_user OR myeongjang_is_admin(current_user)"
    own_row = "username = current_user OR myeongjang_is_admin(current_user)"
    return [
        *[
            (
                table,
                "confidential",
                f"USING ({seen}) WITH CHECK (({seen}){f' AND {_SIGNED[table]}' if table in _SIGNED else ''})",
            )
            for table, seen in _HIDDEN
        ],
        ("consents", "own_consents", f"FOR INSERT WITH CHECK ({own_consent})"),
        ("consents", "everyone_reads", "FOR SELECT USING (true)"),
        ("consents", "withdrawals", "FOR UPDATE USING (true)"),
        ("audit_events", "own_events", f"USING ({_OWN}) WITH CHECK ({_OWN})"),
        (ACCOUNTS, "everyone_reads", "FOR SELECT USING (true)"),
        (ACCOUNTS, "own_password", f"FOR UPDATE USING ({own_row})"),
        (ACCOUNTS, "admins_add", "FOR INSERT WITH CHECK (myeongjang_is_admin(current_user))"),
    ]


def _tables(conn: Connection) -> set[str]:
    """The tables in the knowledge base's schema (rule_vectors is there only with pgvector)."""
    return set(conn.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")))


def install(conn: Connection) -> None:
    """The group roles, their grants, the policy functions, the triggers and the row-level
    security policies (PostgreSQL only; again and again without harm)."""
    if conn.dialect.name != "postgresql":
        return
    schema = str(conn.scalar(text("SELECT current_schema()")))
    g = groups(conn)
    for statement in _group_roles(g):
        conn.execute(text(statement))
    for sql in (db_functions.FUNCTIONS, db_functions.TRIGGERS):
        conn.execute(text(sql.format(schema=schema, people=g.people, admins=g.admins)))
    conn.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO {g.both}'))
    conn.execute(text(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "{schema}" TO {g.both}'))
    # what an earlier install granted goes first, so that a narrowed grant is narrowed
    conn.execute(text(f'REVOKE ALL ON ALL TABLES IN SCHEMA "{schema}" FROM {g.both}'))
    present = _tables(conn)
    for table, statement in _grants(g):
        if table in present:
            conn.execute(text(statement))
    for table, name, rest in _policies():
        if table in present:
            conn.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
            conn.execute(text(f"DROP POLICY IF EXISTS {name} ON {table}"))
            conn.execute(text(f"CREATE POLICY {name} ON {table} {rest}"))
    conn.execute(text(f"REVOKE ALL ON FUNCTION myeongjang_enrol(name, boolean) FROM PUBLIC, {g.people}"))
    conn.execute(text(f"GRANT EXECUTE ON FUNCTION myeongjang_enrol(name, boolean) TO {g.admins}"))


def uninstall(conn: Connection) -> None:
    """Drop the policies and their functions (migration 0011 going down); the roles stay, they
    are the cluster's."""
    if conn.dialect.name != "postgresql":
        return
    present = _tables(conn)
    for table, name, _ in _policies():
        if table in present:
            conn.execute(text(f"DROP POLICY IF EXISTS {name} ON {table}"))
            conn.execute(text(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY"))
    for dropped in db_functions.DROPPED:
        conn.execute(text(f"DROP {dropped}"))


def enrol(conn: Connection, username: str, role: str) -> None:
    """Make `username` a login role in the right group (on PostgreSQL; nothing elsewhere). A name
    too long for a role (restored from SQLite) gets none: that person signs in through the UI."""
    if conn.dialect.name == "postgresql" and len(username.encode()) <= NAME_BYTES:
        conn.execute(text("SELECT myeongjang_enrol(:who, :admin)"), {"who": username, "admin": role == "admin"})


def person(engine: Engine) -> str | None:
    """The account a PostgreSQL connection speaks for: its role, if that role is a member of the
    people's or the admins' group; None for the owner, the UI server, and SQLite."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as conn:
        g = groups(conn)
        row = conn.execute(
            text(
                "SELECT current_user, EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                "JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = current_user AND g.rolname IN (:p, :a))"
            ),
            {"p": g.people, "a": g.admins},
        ).one()
    return str(row[0]) if row[1] else None
