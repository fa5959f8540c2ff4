"""confidential interviews: a transcript imported as confidential keeps its turns, title and file
name inside its organisation, as its rules already were; existing interviews that yielded a
confidential rule become confidential.

Revision ID: 0007
Revises: 0006
"""

from alembic import op
import sqlalchemy as sa


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("transcripts") as batch:
        batch.add_column(sa.Column("confidential", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(
        "UPDATE transcripts SET confidential = TRUE WHERE id IN "
        "(SELECT transcript_id FROM rules WHERE confidential = TRUE AND transcript_id IS NOT NULL)"
    )


def downgrade() -> None:
    with op.batch_alter_table("transcripts") as batch:
        batch.drop_column("confidential")
