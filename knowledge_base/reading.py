"""Reading the rules: filtered and paged lists, counts per status, one rule, its history and the
differences between two of its versions; each only as far as the user may read."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from knowledge_base import policies, releases
from knowledge_base.context import Context
from knowledge_base.errors import NotFound
from knowledge_base.models import Master, RuleRow, RuleVersion
from knowledge_base.policies import Actor
from knowledge_base.versions import FieldChange, field_diff
from knowledge_base.views import RuleView, VersionView, rule_view, rule_views
from rules import Rule


def _like(term: str) -> str:
    """A LIKE pattern that finds `term` literally (its % and _ escaped with backslash)."""
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _filters(
    s: Session,
    who: Actor,
    *,
    status: str | None,
    master: str | None,
    domain: str | None,
    search: str | None,
    release: str | None,
) -> tuple[list[Any], dict[int, int]]:
    """SQL filters for the rules matching a search that the user may read, and for a
    release the version of each rule it froze."""
    where = policies.visible(who, by_status=release is None)
    frozen: dict[int, int] = {}
    if release:
        frozen = releases.release_versions(s, release)
        where.append(RuleRow.id.in_(list(frozen) or [-1]))
    if status:
        where.append(RuleRow.status == status)
    if master:
        where.append(Master.name == master)
    if domain:
        where.append(RuleRow.domain == domain)
    for word in (search or "").split():
        where.append(RuleRow.summary.ilike(_like(word), escape="\\"))
    return where, frozen


def list_rules(
    kb: Context,
    *,
    status: str | None = None,
    master: str | None = None,
    domain: str | None = None,
    search: str | None = None,
    release: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    actor: str | None = None,
) -> list[RuleView]:
    """Rules the user may read, with their current version (or the version a release froze),
    highest extractor confidence first. `search` keeps rules whose conditions, actions,
    exceptions or rationale contain every word."""
    with kb.unit(actor=actor) as uow:
        s = uow.session
        who = uow.actor(action="read")
        where, frozen = _filters(s, who, status=status, master=master, domain=domain, search=search, release=release)
        q = select(RuleRow).join(Master).options(selectinload(RuleRow.master)).where(*where)
        q = q.order_by(RuleRow.confidence.desc(), RuleRow.id).offset(offset)
        if limit is not None:
            q = q.limit(limit)
        return rule_views(s, s.scalars(q).all(), frozen)


def count_rules(
    kb: Context,
    *,
    master: str | None = None,
    domain: str | None = None,
    search: str | None = None,
    release: str | None = None,
    actor: str | None = None,
) -> dict[str, int]:
    """How many rules the user may read per status, with the same filters as `list_rules`."""
    with kb.unit(actor=actor) as uow:
        s = uow.session
        who = uow.actor(action="read")
        where, _ = _filters(s, who, status=None, master=master, domain=domain, search=search, release=release)
        q = select(RuleRow.status, func.count()).join(Master).where(*where).group_by(RuleRow.status)
        return {st: n for st, n in s.execute(q)}


def domains(kb: Context) -> list[str]:
    """The domains rules are filed under (for filters)."""
    with kb.unit() as uow:
        uow.actor(action="read")
        q = select(RuleRow.domain).where(RuleRow.domain.is_not(None)).distinct().order_by(RuleRow.domain)
        return [d for d in uow.session.scalars(q) if d]


def get_rule(kb: Context, rule_id: int, *, actor: str | None = None) -> RuleView:
    with kb.unit(actor=actor) as uow:
        row = policies.readable(uow.session, rule_id, uow.actor(action="read"))
        return rule_view(uow.session, row)


def history(kb: Context, rule_id: int, *, actor: str | None = None) -> list[VersionView]:
    """Every version of a rule, oldest first, each with its author, time, reason and the
    reviewer's comment."""
    with kb.unit(actor=actor) as uow:
        s = uow.session
        policies.readable(s, rule_id, uow.actor(action="read"))
        return [
            VersionView(v.number, v.status, v.author, v.reason, v.created_at, Rule.model_validate(v.body))
            for v in s.scalars(select(RuleVersion).where(RuleVersion.rule_id == rule_id).order_by(RuleVersion.number))
        ]


def diff(kb: Context, rule_id: int, a: int, b: int, *, actor: str | None = None) -> list[FieldChange]:
    """Field-level differences between two versions of a rule."""
    versions = {v.number: v for v in history(kb, rule_id, actor=actor)}
    missing = [n for n in (a, b) if n not in versions]
    if missing:
        raise NotFound(
            "rule {rule_id} has no version {number} (it has 1 to {last})",
            rule_id=rule_id,
            number=missing[0],
            last=max(versions),
        )
    return field_diff(versions[a].comparable(), versions[b].comparable())
