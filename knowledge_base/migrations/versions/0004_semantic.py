"""semantic: cached sentence vectors, the cue vocabulary, and on PostgreSQL with pgvector the
rules' vectors in a table the database searches (HNSW, cosine)

Revision ID: 0004
Revises: 0003
"""

from alembic import op
import sqlalchemy as sa


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The packaged MiniLM model's width; rule_vectors holds that model's vectors only.
DIM = 384


def _pgvector(bind: sa.engine.Connection) -> bool:
    """Whether the server has pgvector; a server without it searches in process instead."""
    if bind.dialect.name != "postgresql":
        return False
    if not bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")).first():
        return False
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS vector"))
    except sa.exc.DBAPIError:
        return False  # installed but this role may not create it: in-process search
    return True


def upgrade() -> None:
    op.create_table(
        "embeddings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("text_hash", sa.String(32), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("model", "text_hash"),
    )
    op.create_table(
        "cue_variables",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("unit", sa.String(40), nullable=True),
        sa.Column("allowed_values", sa.JSON(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("decided_by", sa.String(80), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "cue_phrases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("cue_id", sa.Integer(), sa.ForeignKey("cue_variables.id"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("variable", sa.String(120), nullable=True),
        sa.Column("rule_id", sa.Integer(), sa.ForeignKey("rules.id"), nullable=True),
        sa.Column("master_id", sa.Integer(), sa.ForeignKey("masters.id"), nullable=True),
    )
    op.create_index("ix_cue_phrases_cue", "cue_phrases", ["cue_id"])
    bind = op.get_bind()
    if _pgvector(bind):
        op.execute(
            f"""
            CREATE TABLE rule_vectors (
                rule_id integer PRIMARY KEY REFERENCES rules(id),
                model varchar(200) NOT NULL,
                text_hash varchar(32) NOT NULL,
                vec vector({DIM}) NOT NULL
            )
            """
        )
        op.execute("CREATE INDEX ix_rule_vectors_hnsw ON rule_vectors USING hnsw (vec vector_cosine_ops)")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS rule_vectors")
    op.drop_index("ix_cue_phrases_cue", "cue_phrases")
    op.drop_table("cue_phrases")
    op.drop_table("cue_variables")
    op.drop_table("embeddings")
