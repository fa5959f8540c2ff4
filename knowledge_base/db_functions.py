"""The SQL that `db_roles` installs on PostgreSQL: the functions row-level security calls and
the triggers that hold a person's raw SQL to what the product would write.

The functions are SECURITY DEFINER (they read accounts, delegations and rules whatever the caller
may see) with a fixed search_path, and each answers only for the caller's own role
(`pg_has_role(session_user, who, 'MEMBER')`), so that nobody can ask what another person sees.
Placeholders: {schema}, {people}, {admins} (this knowledge base's group roles).
"""

FUNCTIONS = """
CREATE OR REPLACE FUNCTION myeongjang_is_admin(who name) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT pg_has_role(session_user, who, 'MEMBER')
         AND EXISTS (SELECT 1 FROM users WHERE username = who AND role = 'admin')
$$;
CREATE OR REPLACE FUNCTION myeongjang_speaks(who name, master integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT pg_has_role(session_user, who, 'MEMBER') AND EXISTS (
    SELECT 1 FROM users u WHERE u.username = who AND (
      u.role = 'admin' OR u.master_id = master
      OR EXISTS (SELECT 1 FROM delegations d WHERE d.user_id = u.id AND d.master_id = master
                 AND d.revoked_at IS NULL)
      OR (u.organisation IS NOT NULL
          AND u.organisation = (SELECT m.organisation FROM masters m WHERE m.id = master))))
$$;
CREATE OR REPLACE FUNCTION myeongjang_role(who name) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT role FROM users WHERE username = who AND pg_has_role(session_user, who, 'MEMBER')
$$;
-- Who may record a review of a rule (policies.may_review): its master, his delegates, an admin.
CREATE OR REPLACE FUNCTION myeongjang_reviews(who name, rule integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT pg_has_role(session_user, who, 'MEMBER') AND EXISTS (
    SELECT 1 FROM users u JOIN rules r ON r.id = rule WHERE u.username = who AND (
      u.role = 'admin' OR (u.role = 'master' AND (u.master_id = r.master_id
        OR EXISTS (SELECT 1 FROM delegations d WHERE d.user_id = u.id AND d.master_id = r.master_id
                   AND d.revoked_at IS NULL)))))
$$;
CREATE OR REPLACE FUNCTION myeongjang_sees_rule(who name, rule integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT pg_has_role(session_user, who, 'MEMBER')
         AND COALESCE((SELECT NOT r.confidential OR myeongjang_speaks(who, r.master_id)
                       FROM rules r WHERE r.id = rule), false)
$$;
CREATE OR REPLACE FUNCTION myeongjang_sees_transcript(who name, transcript integer, session integer,
                                                      flagged boolean) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT pg_has_role(session_user, who, 'MEMBER') AND (
    NOT (flagged OR EXISTS (SELECT 1 FROM rules r WHERE r.transcript_id = transcript AND r.confidential))
    OR myeongjang_speaks(who, (SELECT s.master_id FROM interview_sessions s WHERE s.id = session)))
$$;
CREATE OR REPLACE FUNCTION myeongjang_sees_transcript(who name, transcript integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT COALESCE((SELECT myeongjang_sees_transcript(who, t.id, t.session_id, t.confidential)
                   FROM transcripts t WHERE t.id = transcript), false)
$$;
CREATE OR REPLACE FUNCTION myeongjang_sees_session(who name, session integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT pg_has_role(session_user, who, 'MEMBER')
         AND NOT EXISTS (SELECT 1 FROM transcripts t WHERE t.session_id = session
                         AND NOT myeongjang_sees_transcript(who, t.id))
$$;
CREATE OR REPLACE FUNCTION myeongjang_sees_cue(who name, cue integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT pg_has_role(session_user, who, 'MEMBER') AND (
    NOT EXISTS (SELECT 1 FROM cue_phrases p WHERE p.cue_id = cue AND p.rule_id IS NOT NULL)
    OR EXISTS (SELECT 1 FROM cue_phrases p WHERE p.cue_id = cue
               AND (p.rule_id IS NULL OR myeongjang_sees_rule(who, p.rule_id))))
$$;
-- The vector cache, for texts the caller already holds: asked by their hashes, never listed (a
-- person's role may not read the table, whose vectors come from confidential turns too).
CREATE OR REPLACE FUNCTION myeongjang_vectors(wanted text, hashes text[])
RETURNS TABLE (text_hash varchar, vector bytea)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT e.text_hash, e.vector FROM embeddings e WHERE e.model = wanted AND e.text_hash = ANY (hashes)
$$;
CREATE OR REPLACE FUNCTION myeongjang_is_person() RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT pg_has_role(session_user, '{people}', 'MEMBER') OR pg_has_role(session_user, '{admins}', 'MEMBER')
$$;
CREATE OR REPLACE FUNCTION myeongjang_enrol(who name, admin boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
  owner name := (SELECT tableowner FROM pg_tables WHERE schemaname = '{schema}' AND tablename = 'users');
BEGIN
  IF NOT (myeongjang_is_admin(session_user) OR session_user = owner
          OR (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)) THEN
    RAISE EXCEPTION 'only an admin or the knowledge base''s owner creates database roles';
  END IF;
  IF who = owner OR EXISTS (SELECT 1 FROM pg_roles WHERE rolname = who AND rolsuper) THEN
    RETURN;  -- an account named like the owner stays the owner, trusted and not a person
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = who) THEN
    EXECUTE format('CREATE ROLE %I LOGIN', who);
  END IF;
  EXECUTE format('REVOKE %I FROM %I', CASE WHEN admin THEN '{people}' ELSE '{admins}' END, who);
  EXECUTE format('GRANT %I TO %I', CASE WHEN admin THEN '{admins}' ELSE '{people}' END, who);
END
$$;
"""

# A person's raw SQL may not move a rule without a version (confirm it, skipping the review and
# its audit event), nor take back a consent once withdrawn. Checked at commit, when the product's
# own writes of the same transaction (the version, then the rule's pointer) are all there.
TRIGGERS = """
CREATE OR REPLACE FUNCTION myeongjang_rule_follows_version() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN
  IF myeongjang_is_person() AND NOT EXISTS (
      SELECT 1 FROM rule_versions v WHERE v.rule_id = NEW.id AND v.number = NEW.current_version
      AND v.status = NEW.status) THEN
    RAISE EXCEPTION 'rule % has no version % with status %: a rule changes only with a new version',
      NEW.id, NEW.current_version, NEW.status;
  END IF;
  RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS rules_follow_versions ON rules;
CREATE CONSTRAINT TRIGGER rules_follow_versions AFTER INSERT OR UPDATE ON rules
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION myeongjang_rule_follows_version();
CREATE OR REPLACE FUNCTION myeongjang_withdrawal_is_final() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF myeongjang_is_person() AND OLD.withdrawn_at IS NOT NULL
     AND NEW.withdrawn_at IS DISTINCT FROM OLD.withdrawn_at THEN
    RAISE EXCEPTION 'consent % was withdrawn; a new consent is a new record', OLD.id;
  END IF;
  RETURN NEW;
END
$$;
DROP TRIGGER IF EXISTS consents_withdrawal_final ON consents;
CREATE TRIGGER consents_withdrawal_final BEFORE UPDATE ON consents
  FOR EACH ROW EXECUTE FUNCTION myeongjang_withdrawal_is_final();
"""

DROPPED = (
    "TRIGGER IF EXISTS rules_follow_versions ON rules",
    "TRIGGER IF EXISTS consents_withdrawal_final ON consents",
    "FUNCTION IF EXISTS myeongjang_rule_follows_version()",
    "FUNCTION IF EXISTS myeongjang_withdrawal_is_final()",
    "FUNCTION IF EXISTS myeongjang_enrol(name, boolean)",
    "FUNCTION IF EXISTS myeongjang_is_person()",
    "FUNCTION IF EXISTS myeongjang_vectors(text, text[])",
    "FUNCTION IF EXISTS myeongjang_sees_cue(name, integer)",
    "FUNCTION IF EXISTS myeongjang_sees_session(name, integer)",
    "FUNCTION IF EXISTS myeongjang_sees_transcript(name, integer)",
    "FUNCTION IF EXISTS myeongjang_sees_transcript(name, integer, integer, boolean)",
    "FUNCTION IF EXISTS myeongjang_sees_rule(name, integer)",
    "FUNCTION IF EXISTS myeongjang_reviews(name, integer)",
    "FUNCTION IF EXISTS myeongjang_role(name)",
    "FUNCTION IF EXISTS myeongjang_speaks(name, integer)",
    "FUNCTION IF EXISTS myeongjang_is_admin(name)",
)
