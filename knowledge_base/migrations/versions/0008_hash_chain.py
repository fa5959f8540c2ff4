"""tamper-evident history: a hash chain over rule versions, reviews and audit events (existing
rows are chained in id order), the chain heads, and on SQLite triggers that refuse REPLACE into
the append-only tables (a REPLACE deletes without firing the delete trigger).

Revision ID: 0008
Revises: 0007
"""

from alembic import op
import sqlalchemy as sa

from knowledge_base.chain import CHAINED, GENESIS, link


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

APPEND_ONLY = ("audit_events", "rule_versions", "reviews", "releases", "release_rules")
# The keys a REPLACE could collide on, table by table.
KEYS = {
    "audit_events": [("id",)],
    "rule_versions": [("id",), ("rule_id", "number")],
    "reviews": [("id",)],
    "releases": [("id",), ("name",)],
    "release_rules": [("release_id", "rule_id")],
}


def _chain_existing(bind: sa.Connection, name: str) -> str:
    table = sa.Table(name, sa.MetaData(), autoload_with=bind)
    head = GENESIS
    for row in bind.execute(sa.select(table).order_by(table.c.id)).mappings().all():
        head = link(head, row)
        bind.execute(table.update().where(table.c.id == row["id"]).values(chain_hash=head))
    return head


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    for name in CHAINED:
        op.add_column(name, sa.Column("chain_hash", sa.String(64), nullable=True))
    heads = op.create_table(
        "chain_heads",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    for name in CHAINED:  # the append-only trigger refuses the one UPDATE that fills old rows' hashes
        if dialect == "postgresql":
            op.execute(f"ALTER TABLE {name} DISABLE TRIGGER {name}_no_update")
        else:
            op.execute(f"DROP TRIGGER {name}_no_update")
        head = _chain_existing(bind, name)
        op.bulk_insert(heads, [{"name": name, "hash": head}])
        if dialect == "postgresql":
            op.execute(f"ALTER TABLE {name} ENABLE TRIGGER {name}_no_update")
        else:
            op.execute(
                f"CREATE TRIGGER {name}_no_update BEFORE UPDATE ON {name} BEGIN "
                f"SELECT RAISE(ABORT, '{name} is append-only: rows cannot be changed or deleted'); END"
            )
    if dialect == "sqlite":
        for name in APPEND_ONLY:
            for n, key in enumerate(KEYS[name]):
                same = " AND ".join(f"{c} = NEW.{c}" for c in key)
                op.execute(
                    f"CREATE TRIGGER {name}_no_replace_{n} BEFORE INSERT ON {name} "
                    f"WHEN EXISTS (SELECT 1 FROM {name} WHERE {same}) BEGIN "
                    f"SELECT RAISE(ABORT, '{name} is append-only: a row cannot be replaced'); END"
                )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in APPEND_ONLY:
            for n in range(len(KEYS[name])):
                op.execute(f"DROP TRIGGER IF EXISTS {name}_no_replace_{n}")
    op.drop_table("chain_heads")
    for name in CHAINED:  # not a batch copy on SQLite, which would lose the table's triggers
        op.execute(f"ALTER TABLE {name} DROP COLUMN chain_hash")
