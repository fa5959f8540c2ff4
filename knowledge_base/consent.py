"""Masters and their consent: registering a master, recording what he agreed to, and withdrawing
it, which takes his rules out of guidance and exports at once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from knowledge_base import policies
from knowledge_base.context import Context
from knowledge_base.errors import KnowledgeBaseError, NotFound
from knowledge_base.models import Consent, Master
from knowledge_base.views import MasterView

CONSENT_SCOPES = ("internal_guidance", "training", "sharing")


def register_master(
    kb: Context,
    name: str,
    *,
    craft: str | None = None,
    organisation: str | None = None,
    actor: str | None = None,
) -> int:
    name = name.strip()
    if not name:
        raise KnowledgeBaseError("a master needs a name")
    with kb.unit(write=True, actor=actor) as uow:
        by = uow.require("register_master", entity="master").username
        existing = uow.session.scalar(select(Master).where(Master.name == name))
        if existing is not None:
            return existing.id
        master = Master(name=name, craft=craft, organisation=organisation)
        uow.session.add(master)
        uow.session.flush()
        uow.audit(by, "register", "master", master.id, name=name, craft=craft)
        return master.id


def record_consent(
    kb: Context,
    master_id: int,
    scopes: Sequence[str],
    *,
    given_on: date | None = None,
    actor: str | None = None,
) -> None:
    bad = [sc for sc in scopes if sc not in CONSENT_SCOPES]
    if bad or not scopes:
        raise KnowledgeBaseError(
            "unknown consent scope {scope}; choose from {scopes}",
            scope=", ".join(bad) or "(none)",
            scopes=", ".join(CONSENT_SCOPES),
        )
    with kb.unit(write=True, actor=actor) as uow:
        by = uow.require("record_consent", entity="master", entity_id=master_id).username
        if uow.session.get(Master, master_id) is None:
            raise NotFound("no master with id {master_id}", master_id=master_id)
        for scope in scopes:
            uow.session.add(
                Consent(master_id=master_id, scope=scope, given_on=given_on or date.today(), recorded_by=by)
            )
        uow.audit(by, "consent", "master", master_id, scopes=list(scopes))


def withdraw_consent(kb: Context, master_id: int, *, actor: str | None = None) -> None:
    """The master (or an interviewer or admin for him) withdraws all consent; his rules leave
    guidance and exports at once, and the audit keeps the trail."""
    with kb.unit(write=True, actor=actor) as uow:
        who = uow.actor(action="withdraw_consent")
        policies.may_withdraw(who, master_id)
        rows = uow.session.scalars(
            select(Consent).where(Consent.master_id == master_id, Consent.withdrawn_at.is_(None))
        ).all()
        if not rows:
            raise NotFound("master {master_id} has no consent on record to withdraw", master_id=master_id)
        now = datetime.now().astimezone()
        for row in rows:
            row.withdrawn_at = now
        uow.audit(who.username, "withdraw_consent", "master", master_id, scopes=[r.scope for r in rows])
    kb.caches.forget_engines()


def masters(kb: Context) -> list[MasterView]:
    """The masters and the consent in force; any signed-in user may read this."""
    with kb.unit() as uow:
        uow.actor(action="read")
        out = []
        for m in uow.session.scalars(select(Master).options(selectinload(Master.consents)).order_by(Master.name)):
            scopes = sorted({c.scope for c in m.consents if c.withdrawn_at is None})
            out.append(MasterView(m.id, m.name, m.craft, m.organisation, scopes))
        return out


def master_by_name(kb: Context, name: str) -> MasterView:
    for m in masters(kb):
        if m.name == name:
            return m
    raise NotFound("no master named {name!r}; register the master first", name=name)
