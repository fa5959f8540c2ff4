"""Reading the rules guidance may use, for one kind of reader at one knowledge-base state
(`readings.Reading`, with what every question derives from it).

A new state re-reads only what changed. One query lists the readable rules with what decides
their view: the version shown, the row's version counter (SQLAlchemy bumps it on every change
to a rule: a review, an edit, a merge, a split, a classification) and the master's name. Views
of rules whose listing is unchanged are taken from this kind of reader's last readings; only
new or changed rules are read in full. So a master's confirm costs the next question one
rule's view, not 4,000.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from knowledge_base import policies, releases
from knowledge_base.audit import latest_event
from knowledge_base.context import Context
from knowledge_base.models import Master, RuleRow
from knowledge_base.policies import Actor
from knowledge_base.readings import Reading
from knowledge_base.views import rule_views
from rules import KnownRule

# Rules whose views one query reads (a bound parameter each: well under SQLite's limit).
VIEWS_AT_ONCE = 5000

# (rule id, version shown, row version, master's name): what decides a rule's view
Listing = tuple[int, int, int, str]


def sees(who: Actor) -> tuple[Any, ...]:
    """What decides which rules a user may read (`policies.visible`): users alike share a reading."""
    if who.role == "admin":
        return ("admin",)
    return (who.role == "sme", who.organisation, tuple(who.own_masters()))


def reading(kb: Context, s: Session, who: Actor, include_proposed: bool, release: str | None) -> Reading:
    """The reading for this reader now: kept, or read again where the rules changed."""
    statuses = ["confirmed", "proposed"] if include_proposed and who.role != "sme" else ["confirmed"]
    kind = sees(who)
    key = (kind, latest_event(s), tuple(statuses), release)
    kept = kb.caches.guidance.get(key)
    if kept is not None:
        return kept
    frozen = releases.release_versions(s, release) if release is not None else {}
    listed = _listing(s, who, statuses, frozen if release is not None else None)
    # views are kept per kind of reader: where the database's row security hides an interview
    # from this reader, his view of a rule lacks its quote, and must not come from another's
    views = kb.caches.known
    fresh = _read_views(s, [e for e in listed if (kind, *e) not in views], frozen)
    # a rule written since the listing (by another user, on PostgreSQL) is shown as read
    by_id = {entry[0]: known for entry, known in fresh.items()}
    used = {(kind, *e): views.get((kind, *e)) or by_id[e[0]] for e in listed if (kind, *e) in views or e[0] in by_id}
    out = Reading(tuple(replace(k, status="confirmed") if release is not None else k for k in used.values()))
    kb.caches.keep_reading(key, out, {(kind, *e): k for e, k in fresh.items()} | used)
    return out


def _listing(s: Session, who: Actor, statuses: list[str], frozen: dict[int, int] | None) -> list[Listing]:
    """Every rule this reader may be guided by, with what decides its view, in id order."""
    q = (
        select(RuleRow.id, RuleRow.current_version, RuleRow.row_version, Master.name)
        .join(Master)
        .where(
            RuleRow.master_id.in_(policies.consenting_to_guidance()),
            *policies.visible(who, by_status=frozen is None),
        )
        .order_by(RuleRow.id)
    )
    if frozen is not None:
        q = q.where(RuleRow.id.in_(list(frozen) or [-1]))
        return [(i, frozen[i], rv, name) for i, _current, rv, name in s.execute(q)]
    q = q.where(RuleRow.status.in_(statuses))
    return [(i, current, rv, name) for i, current, rv, name in s.execute(q)]


def _read_views(s: Session, wanted: list[Listing], frozen: dict[int, int]) -> dict[Listing, KnownRule]:
    """The views of these rules, read in full, keyed by the listing each row has as read."""
    out: dict[Listing, KnownRule] = {}
    ids = [entry[0] for entry in wanted]
    for i in range(0, len(ids), VIEWS_AT_ONCE):
        q = select(RuleRow).options(selectinload(RuleRow.master)).where(RuleRow.id.in_(ids[i : i + VIEWS_AT_ONCE]))
        rows = list(s.scalars(q.order_by(RuleRow.id)))
        for row, view in zip(rows, rule_views(s, rows, frozen or None), strict=True):
            out[(row.id, view.version, row.row_version, row.master.name)] = view.known()
    return out
