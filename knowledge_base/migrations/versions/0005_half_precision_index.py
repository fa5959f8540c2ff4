"""half-precision vector index: on PostgreSQL with pgvector, the HNSW index over the rules'
vectors ranks them as halfvec (half the bytes read per distance); the rules it ranks are scored
on their full vectors, so cosines stay exact. Servers whose pgvector has no halfvec (before 0.7)
keep the full-precision index.

Revision ID: 0005
Revises: 0004
"""

from alembic import op
import sqlalchemy as sa


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

DIM = 384


def _exists(bind: sa.engine.Connection, what: str, name: str) -> bool:
    return bool(bind.execute(sa.text(f"SELECT {what}(:n) IS NOT NULL"), {"n": name}).scalar())


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or not _exists(bind, "to_regclass", "rule_vectors"):
        return
    if not _exists(bind, "to_regtype", "halfvec"):
        return
    op.execute("DROP INDEX IF EXISTS ix_rule_vectors_hnsw")
    op.execute(
        f"CREATE INDEX ix_rule_vectors_half ON rule_vectors USING hnsw ((vec::halfvec({DIM})) halfvec_cosine_ops)"
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or not _exists(bind, "to_regclass", "ix_rule_vectors_half"):
        return
    op.execute("DROP INDEX ix_rule_vectors_half")
    op.execute("CREATE INDEX ix_rule_vectors_hnsw ON rule_vectors USING hnsw (vec vector_cosine_ops)")
