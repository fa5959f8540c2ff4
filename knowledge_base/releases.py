"""Releases: named, immutable snapshots of the confirmed rules at their versions of the day, and
what changed between two of them."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge_base.context import Context
from knowledge_base.errors import KnowledgeBaseError, NotFound
from knowledge_base.models import Release, ReleaseRule, RuleRow
from knowledge_base.versions import FieldChange, field_diff
from knowledge_base.views import ReleaseDiff, ReleaseView, rule_view


def create_release(kb: Context, name: str, *, note: str | None = None, actor: str | None = None) -> ReleaseView:
    """Freeze the confirmed rules (at their current versions) under a name; immutable."""
    name = name.strip()
    if not name:
        raise KnowledgeBaseError("a release needs a name")
    with kb.unit(write=True, actor=actor) as uow:
        who = uow.require("release", entity="release")
        s = uow.session
        if s.scalar(select(Release).where(Release.name == name)) is not None:
            raise KnowledgeBaseError(
                "release {name!r} already exists; releases are immutable, pick a new name", name=name
            )
        release = Release(name=name, note=note, created_by=who.username)
        s.add(release)
        s.flush()
        rows = s.execute(
            select(RuleRow.id, RuleRow.current_version).where(RuleRow.status == "confirmed").order_by(RuleRow.id)
        ).all()
        s.add_all(ReleaseRule(release_id=release.id, rule_id=r, version_number=v) for r, v in rows)
        uow.audit(who.username, "release", "release", release.id, name=name, rules=len(rows))
        return ReleaseView(release.id, name, note, who.username, release.created_at, len(rows))


def releases(kb: Context) -> list[ReleaseView]:
    with kb.unit() as uow:
        s = uow.session
        q = select(ReleaseRule.release_id, func.count()).group_by(ReleaseRule.release_id)
        counts: dict[int, int] = {release_id: n for release_id, n in s.execute(q)}
        return [
            ReleaseView(r.id, r.name, r.note, r.created_by, r.created_at, counts.get(r.id, 0))
            for r in s.scalars(select(Release).order_by(Release.id))
        ]


def release_versions(s: Session, name: str) -> dict[int, int]:
    """The version of each rule the release froze, by rule id."""
    release = s.scalar(select(Release).where(Release.name == name))
    if release is None:
        raise NotFound("no release named {name!r}", name=name)
    q = select(ReleaseRule.rule_id, ReleaseRule.version_number).where(ReleaseRule.release_id == release.id)
    return {rule_id: number for rule_id, number in s.execute(q)}


def release_diff(kb: Context, old: str, new: str, *, actor: str | None = None) -> ReleaseDiff:
    """Rules added, removed and changed (field by field) from release `old` to `new`."""
    with kb.unit(actor=actor) as uow:
        s = uow.session
        who = uow.actor(action="read")
        a, b = release_versions(s, old), release_versions(s, new)
        changed: dict[int, list[FieldChange]] = {}
        for rule_id in sorted(set(a) & set(b)):
            if a[rule_id] != b[rule_id]:
                row = s.get(RuleRow, rule_id)
                assert row is not None
                if not who.can_see(
                    status="confirmed",
                    confidential=row.confidential,
                    organisation=row.master.organisation,
                    master_id=row.master_id,
                ):
                    continue
                before, after = rule_view(s, row, a[rule_id]), rule_view(s, row, b[rule_id])
                changed[rule_id] = field_diff(
                    before.rule.model_dump(mode="json", exclude={"evidence"}),
                    after.rule.model_dump(mode="json", exclude={"evidence"}),
                )
        return ReleaseDiff(sorted(set(b) - set(a)), sorted(set(a) - set(b)), changed)
