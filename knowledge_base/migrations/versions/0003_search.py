"""search: each rule's current summary, domain and process step on the rule row, so the review
and knowledge-base pages filter and page through 10,000 rules in SQL; merged rules

Revision ID: 0003
Revises: 0002
"""

import json

from alembic import op
import sqlalchemy as sa


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _summary(body: dict) -> str:
    """The words a search looks in: conditions, actions, exceptions and rationale."""

    def clauses(group: dict) -> list[str]:
        out: list[str] = []
        for item in group.get("items", []):
            out.extend(clauses(item) if item.get("kind") == "group" else [item.get("text", "")])
        return out

    cond = " and ".join(clauses(body.get("conditions") or {})) or "(always)"
    act = "; ".join(a.get("text", "") for a in body.get("actions", []))
    extra = [e.get("text", "") for e in body.get("exceptions", [])] + [body.get("rationale") or ""]
    return " ".join([f"IF {cond} THEN {act}", *[x for x in extra if x]])[:4000]


def upgrade() -> None:
    with op.batch_alter_table("rules") as batch:
        batch.add_column(sa.Column("summary", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("domain", sa.String(200), nullable=True))
        batch.add_column(sa.Column("process_step", sa.String(200), nullable=True))
    op.create_index("ix_rules_domain", "rules", ["domain"])
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT r.id, v.body FROM rules r JOIN rule_versions v "
            "ON v.rule_id = r.id AND v.number = r.current_version"
        )
    ).all()
    for rule_id, body in rows:
        data = json.loads(body) if isinstance(body, str) else body
        bind.execute(
            sa.text("UPDATE rules SET summary = :s, domain = :d, process_step = :p WHERE id = :id"),
            {"s": _summary(data), "d": data.get("domain"), "p": data.get("process_step"), "id": rule_id},
        )


def downgrade() -> None:
    op.drop_index("ix_rules_domain", "rules")
    with op.batch_alter_table("rules") as batch:
        batch.drop_column("process_step")
        batch.drop_column("domain")
        batch.drop_column("summary")
