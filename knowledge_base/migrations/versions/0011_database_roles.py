"""database roles: on PostgreSQL each person is a login role in a group whose grants leave the
append-only tables without UPDATE or DELETE, and row-level security hides other organisations'
confidential rows from any SQL a person runs (knowledge_base.db_roles). Existing accounts become
roles. Nothing changes on SQLite.

Revision ID: 0011
Revises: 0010
"""

from alembic import op
import sqlalchemy as sa

from knowledge_base import db_roles


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    db_roles.install(bind)
    for username, role in bind.execute(sa.text("SELECT username, role FROM users")).all():
        db_roles.enrol(bind, username, role)


def downgrade() -> None:
    db_roles.uninstall(op.get_bind())
