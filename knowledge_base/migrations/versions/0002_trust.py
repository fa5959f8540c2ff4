"""trust: accounts linked to masters, delegations, confidential rules, releases, redaction
reports, indexes for the review queue, and append-only history enforced by the database

Revision ID: 0002
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

APPEND_ONLY = ("audit_events", "rule_versions", "reviews", "releases", "release_rules")


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("master_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_users_master", "masters", ["master_id"], ["id"])
    with op.batch_alter_table("rules") as batch:
        batch.add_column(sa.Column("confidential", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("transcripts") as batch:
        batch.add_column(sa.Column("redactions", sa.JSON(), nullable=True))
    op.create_table(
        "delegations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("master_id", sa.Integer(), sa.ForeignKey("masters.id"), nullable=False),
        sa.Column("granted_by", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "releases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "release_rules",
        sa.Column("release_id", sa.Integer(), sa.ForeignKey("releases.id"), primary_key=True),
        sa.Column("rule_id", sa.Integer(), sa.ForeignKey("rules.id"), primary_key=True),
        sa.Column("version_number", sa.Integer(), nullable=False),
    )
    op.create_index("ix_rules_status_confidence", "rules", ["status", "confidence"])
    op.create_index("ix_rules_master", "rules", ["master_id"])
    op.create_index("ix_rule_evidence_rule", "rule_evidence", ["rule_id"])
    op.create_index("ix_reviews_rule", "reviews", ["rule_id"])
    op.create_index("ix_audit_entity", "audit_events", ["entity", "entity_id"])
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            """
            CREATE FUNCTION myeongjang_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only: rows cannot be changed or deleted', TG_TABLE_NAME;
            END;
            $$ LANGUAGE plpgsql
            """
        )
    for table in APPEND_ONLY:
        for verb in ("UPDATE", "DELETE"):
            name = f"{table}_no_{verb.lower()}"
            if dialect == "postgresql":
                op.execute(
                    f"CREATE TRIGGER {name} BEFORE {verb} ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION myeongjang_append_only()"
                )
            else:
                op.execute(
                    f"CREATE TRIGGER {name} BEFORE {verb} ON {table} BEGIN "
                    f"SELECT RAISE(ABORT, '{table} is append-only: rows cannot be changed or deleted'); END"
                )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        for verb in ("update", "delete"):
            if dialect == "postgresql":
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb} ON {table}")
            else:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS myeongjang_append_only()")
    op.drop_index("ix_audit_entity", "audit_events")
    op.drop_index("ix_reviews_rule", "reviews")
    op.drop_index("ix_rule_evidence_rule", "rule_evidence")
    op.drop_index("ix_rules_master", "rules")
    op.drop_index("ix_rules_status_confidence", "rules")
    op.drop_table("release_rules")
    op.drop_table("releases")
    op.drop_table("delegations")
    with op.batch_alter_table("transcripts") as batch:
        batch.drop_column("redactions")
    with op.batch_alter_table("rules") as batch:
        batch.drop_column("confidential")
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("fk_users_master", type_="foreignkey")
        batch.drop_column("master_id")
