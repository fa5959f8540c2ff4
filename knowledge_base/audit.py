"""The audit trail: every write and every refusal is an event; the newest event's id tells caches
that something changed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base import chain
from knowledge_base.context import Context
from knowledge_base.models import AuditEvent

# Events that record what someone did without changing what the caches hold (rules, people, consent):
# a plant's sign-ins all day long must not make every page read its rules afresh.
UNCHANGING = ("sign_in", "sign_in_failed", "verify")


def latest_event(s: Session) -> int:
    """The last audit event's id that changed something (not a sign-in or a chain check), 0 on
    an empty knowledge base."""
    # newest first, stopping at the first that counts: the primary key's order, never a scan
    q = select(AuditEvent.id).where(AuditEvent.action.not_in(UNCHANGING)).order_by(AuditEvent.id.desc()).limit(1)
    return int(s.scalar(q) or 0)


def state_token(kb: Context) -> int:
    """Changes whenever anything is written (every write is audited; sign-ins and chain checks
    change nothing cached): the last such audit event's id. Caches of rules, findings, graphs
    and the search index are keyed on it."""
    with kb.unit() as uow:
        return latest_event(uow.session)


def audit(kb: Context, limit: int = 100, *, actor: str | None = None) -> list[dict[str, Any]]:
    """The newest events of the audit trail, for admins."""
    with kb.unit(actor=actor) as uow:
        uow.require("audit", entity="audit")
        return [
            {
                "at": e.at,
                "actor": e.actor,
                "action": e.action,
                "entity": e.entity,
                "entity_id": e.entity_id,
                "detail": e.detail,
            }
            for e in uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit))
        ]


def verify(kb: Context, *, actor: str | None = None) -> list[chain.Walk]:
    """Walk the hash chain of versions, reviews and audit events (admins); each table's walk
    names the first row that does not follow, if any. The check itself is audited."""
    with kb.unit(write=True, actor=actor) as uow:
        who = uow.require("audit", entity="audit")
        walks = chain.verify(uow.session)
    with kb.unit(write=True, actor=actor) as uow:  # after the walk, so that it covers what it checked
        broken = [str(w.problem) for w in walks if w.problem]
        uow.audit(who.username, "verify", "audit", None, rows=sum(w.rows for w in walks), broken=broken)
    return walks
