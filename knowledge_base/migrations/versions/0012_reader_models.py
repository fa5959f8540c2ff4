"""reader models: the learned models `myeongjang train` fits on the masters' reviews, versioned
with their training data's fingerprint and held-out figures, and on each rule the reader (and
model version) that proposed it. On PostgreSQL the grants are installed again for the new table.

Revision ID: 0012
Revises: 0011
"""

from alembic import op
import sqlalchemy as sa

from knowledge_base import db_roles


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reader_models",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("examples", sa.Integer(), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("trained_by", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("language", "version"),
    )
    with op.batch_alter_table("rules") as batch:
        batch.add_column(sa.Column("proposed_by", sa.String(80), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        db_roles.install(bind)


def downgrade() -> None:
    with op.batch_alter_table("rules") as batch:
        batch.drop_column("proposed_by")
    op.drop_table("reader_models")
