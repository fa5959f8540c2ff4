"""reference media: photos, sound and video clips attached to observations, kept with the
knowledge base (and in its backups) so a novice sees and hears what a cue means.

Revision ID: 0006
Revises: 0005
"""

from alembic import op
import sqlalchemy as sa


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reference_media",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("variable", sa.String(length=120), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("mime", sa.String(length=40), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("caption", sa.Text(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("added_by", sa.String(length=80), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reference_media_variable", "reference_media", ["variable"])


def downgrade() -> None:
    op.drop_index("ix_reference_media_variable", table_name="reference_media")
    op.drop_table("reference_media")
