"""transcript notes: the lines of a file that no speaker said ("Recorded at the yard office,
second shift"), kept with the interview instead of refusing the whole file.

Revision ID: 0009
Revises: 0008
"""

from alembic import op
import sqlalchemy as sa


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("transcripts", sa.Column("notes", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE transcripts DROP COLUMN notes")
