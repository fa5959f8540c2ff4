"""PostgreSQL enforces what the service layer decides: each person is a database role.

An account on PostgreSQL is also a login role of the same name, a member of `PEOPLE` (or of
`ADMINS` for an admin). What those roles may do is granted here, table by table:

- append-only tables (versions, reviews, the audit trail) have no UPDATE or DELETE grant;
- nothing is deleted but the rows the product itself replaces (cue vocabulary, media, vectors);
- people read every account but not its password hash, and change only their own password;
- row-level security hides another organisation's confidential rules, and everything derived from
  them (versions, reviews, evidence, cue phrases, the interview, its turns and its session), from
  any SQL a person runs, with the same test as `policies.Actor.can_see`;
- a person reads and writes audit events in his own name only (an admin in anyone's).

The knowledge base's owner (who runs the migrations, and the UI server, which checks passwords
itself) is not a member and is not subject to these policies. `install` is idempotent; migration
0011 runs it, and a migration that adds a table must classify the table below and run it again.
"""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlalchemy.engine import Engine

PEOPLE = "myeongjang_people"
ADMINS = "myeongjang_admins"

APPEND_ONLY = ("rule_versions", "reviews", "audit_events")
INSERT_ONLY = ("interview_sessions", "transcripts", "turns", "rule_evidence", "releases", "release_rules")
UPDATABLE = ("rules", "masters", "consents", "delegations", "chain_heads")
REPLACEABLE = ("cue_variables", "cue_phrases", "reference_media", "embeddings", "rule_vectors")  # rows replaced
ADMINS_ONLY = ("sign_in_failures",)  # the UI server signs people in; admins may unlock
ACCOUNTS = "users"
CLASSIFIED = frozenset((*APPEND_ONLY, *INSERT_ONLY, *UPDATABLE, *REPLACEABLE, *ADMINS_ONLY, ACCOUNTS))
NAME_BYTES = 63  # PostgreSQL's longest identifier
USER_COLUMNS = ("id", "username", "display_name", "role", "organisation", "master_id", "created_at")

_FUNCTIONS = """
CREATE OR REPLACE FUNCTION myeongjang_is_admin(who name) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM users WHERE username = who AND role = 'admin')
$$;
CREATE OR REPLACE FUNCTION myeongjang_speaks(who name, master integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT EXISTS (
    SELECT 1 FROM users u WHERE u.username = who AND (
      u.role = 'admin' OR u.master_id = master
      OR EXISTS (SELECT 1 FROM delegations d WHERE d.user_id = u.id AND d.master_id = master
                 AND d.revoked_at IS NULL)
      OR (u.organisation IS NOT NULL
          AND u.organisation = (SELECT m.organisation FROM masters m WHERE m.id = master))))
$$;
CREATE OR REPLACE FUNCTION myeongjang_sees_rule(who name, rule integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT COALESCE((SELECT NOT r.confidential OR myeongjang_speaks(who, r.master_id)
                   FROM rules r WHERE r.id = rule), false)
$$;
CREATE OR REPLACE FUNCTION myeongjang_sees_transcript(who name, transcript integer, session integer,
                                                      flagged boolean) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT NOT (flagged OR EXISTS (SELECT 1 FROM rules r WHERE r.transcript_id = transcript AND r.confidential))
         OR myeongjang_speaks(who, (SELECT s.master_id FROM interview_sessions s WHERE s.id = session))
$$;
CREATE OR REPLACE FUNCTION myeongjang_sees_transcript(who name, transcript integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT COALESCE((SELECT myeongjang_sees_transcript(who, t.id, t.session_id, t.confidential)
                   FROM transcripts t WHERE t.id = transcript), false)
$$;
CREATE OR REPLACE FUNCTION myeongjang_sees_session(who name, session integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT NOT EXISTS (SELECT 1 FROM transcripts t WHERE t.session_id = session
                     AND NOT myeongjang_sees_transcript(who, t.id))
$$;
CREATE OR REPLACE FUNCTION myeongjang_enrol(who name, admin boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN
  IF NOT (myeongjang_is_admin(session_user) OR session_user = (SELECT tableowner FROM pg_tables
          WHERE schemaname = '{schema}' AND tablename = 'users')
          OR (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)) THEN
    RAISE EXCEPTION 'only an admin or the knowledge base''s owner creates database roles';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = who AND rolsuper) OR who = (SELECT tableowner
     FROM pg_tables WHERE schemaname = '{schema}' AND tablename = 'users') THEN
    RETURN;  -- an account named like the owner stays the owner, trusted and not a person
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = who) THEN
    EXECUTE format('CREATE ROLE %I LOGIN', who);
  END IF;
  -- roles are the cluster's: the same name may have had the other role in another knowledge base
  EXECUTE format('REVOKE %I FROM %I', CASE WHEN admin THEN '{people}' ELSE '{admins}' END, who);
  EXECUTE format('GRANT %I TO %I', CASE WHEN admin THEN '{admins}' ELSE '{people}' END, who);
END
$$;
"""

# (table, the expression a row must pass to be seen, changed or deleted by a person)
_HIDDEN = (
    # a row's own columns where it has them: a new row is not yet there to be looked up
    ("rules", "NOT confidential OR myeongjang_speaks(current_user, master_id)"),
    ("rule_versions", "myeongjang_sees_rule(current_user, rule_id)"),
    ("reviews", "myeongjang_sees_rule(current_user, rule_id)"),
    ("rule_evidence", "myeongjang_sees_rule(current_user, rule_id)"),
    ("release_rules", "myeongjang_sees_rule(current_user, rule_id)"),
    ("cue_phrases", "rule_id IS NULL OR myeongjang_sees_rule(current_user, rule_id)"),
    ("rule_vectors", "myeongjang_sees_rule(current_user, rule_id)"),  # only where pgvector is
    ("transcripts", "myeongjang_sees_transcript(current_user, id, session_id, confidential)"),
    ("turns", "myeongjang_sees_transcript(current_user, transcript_id)"),
    ("interview_sessions", "myeongjang_sees_session(current_user, id)"),
)
_OWN = "actor = current_user OR myeongjang_is_admin(current_user)"


def _group_roles() -> list[str]:
    return [
        f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{r}') THEN CREATE ROLE {r} NOLOGIN; "
        "END IF; END $$"
        for r in (PEOPLE, ADMINS)
    ]


def _grants() -> list[tuple[str, str]]:
    """(table, statement) pairs."""
    both = f"{PEOPLE}, {ADMINS}"
    sql = [(t, f"GRANT SELECT, INSERT ON {t} TO {both}") for t in (*APPEND_ONLY, *INSERT_ONLY)]
    sql += [(t, f"GRANT SELECT, INSERT, UPDATE ON {t} TO {both}") for t in UPDATABLE]
    sql += [(t, f"GRANT SELECT, INSERT, UPDATE, DELETE ON {t} TO {both}") for t in REPLACEABLE]
    sql += [(t, f"GRANT SELECT, INSERT, DELETE ON {t} TO {ADMINS}") for t in ADMINS_ONLY]
    sql += [
        ("alembic_version", f"GRANT SELECT ON alembic_version TO {both}"),  # a person checks, never migrates
        (ACCOUNTS, f"GRANT SELECT ({', '.join(USER_COLUMNS)}) ON {ACCOUNTS} TO {PEOPLE}"),
        (ACCOUNTS, f"GRANT UPDATE (password_hash) ON {ACCOUNTS} TO {PEOPLE}"),
        (ACCOUNTS, f"GRANT SELECT, INSERT, UPDATE ON {ACCOUNTS} TO {ADMINS}"),
    ]
    return sql


def _policy(table: str, name: str, rest: str) -> list[tuple[str, str]]:
    return [
        (table, f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"),
        (table, f"DROP POLICY IF EXISTS {name} ON {table}"),
        (table, f"CREATE POLICY {name} ON {table} {rest}"),
    ]


def _policies() -> list[tuple[str, str]]:
    """(table, statement) pairs."""
    sql = [s for table, seen in _HIDDEN for s in _policy(table, "confidential", f"USING ({seen}) WITH CHECK (true)")]
    sql += _policy("audit_events", "own_events", f"USING ({_OWN}) WITH CHECK ({_OWN})")
    sql += _policy(ACCOUNTS, "everyone_reads", "FOR SELECT USING (true)")
    sql += _policy(
        ACCOUNTS, "own_password", "FOR UPDATE USING (username = current_user OR myeongjang_is_admin(current_user))"
    )
    sql += _policy(ACCOUNTS, "admins_add", "FOR INSERT WITH CHECK (myeongjang_is_admin(current_user))")
    return sql


def install(conn: Connection) -> None:
    """The group roles, their grants, the policy functions and the row-level security policies
    (PostgreSQL only; again and again without harm)."""
    if conn.dialect.name != "postgresql":
        return
    schema = str(conn.scalar(text("SELECT current_schema()")))
    for statement in _group_roles():
        conn.execute(text(statement))
    conn.execute(text(_FUNCTIONS.format(schema=schema, people=PEOPLE, admins=ADMINS)))
    both = f"{PEOPLE}, {ADMINS}"
    conn.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO {both}'))
    conn.execute(text(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "{schema}" TO {both}'))
    present = set(conn.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")))
    for table, statement in [*_grants(), *_policies()]:
        if table in present:  # rule_vectors is there only with pgvector
            conn.execute(text(statement))
    conn.execute(text(f"REVOKE ALL ON FUNCTION myeongjang_enrol(name, boolean) FROM PUBLIC, {PEOPLE}"))
    conn.execute(text(f"GRANT EXECUTE ON FUNCTION myeongjang_enrol(name, boolean) TO {ADMINS}"))


def uninstall(conn: Connection) -> None:
    """Drop the policies and their functions (migration 0011 going down); the roles stay, they
    are the cluster's."""
    if conn.dialect.name != "postgresql":
        return
    present = set(conn.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")))
    for table, statement in _policies():
        if table in present and statement.startswith("CREATE POLICY"):
            name = statement.split()[2]
            conn.execute(text(f"DROP POLICY IF EXISTS {name} ON {table}"))
            conn.execute(text(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY"))
    for function in (
        "myeongjang_enrol(name, boolean)",
        "myeongjang_sees_session(name, integer)",
        "myeongjang_sees_transcript(name, integer)",
        "myeongjang_sees_transcript(name, integer, integer, boolean)",
        "myeongjang_sees_rule(name, integer)",
        "myeongjang_speaks(name, integer)",
        "myeongjang_is_admin(name)",
    ):
        conn.execute(text(f"DROP FUNCTION IF EXISTS {function}"))


def enrol(conn: Connection, username: str, role: str) -> None:
    """Make `username` a login role in the right group (on PostgreSQL; nothing elsewhere)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT myeongjang_enrol(:who, :admin)"), {"who": username, "admin": role == "admin"})


def person(engine: Engine) -> str | None:
    """The account a PostgreSQL connection speaks for: its role, if that role is a member of the
    people's or the admins' group; None for the owner, the UI server, and SQLite."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT current_user, EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                "JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = current_user AND g.rolname IN (:p, :a))"
            ),
            {"p": PEOPLE, "a": ADMINS},
        ).one()
    return str(row[0]) if row[1] else None
