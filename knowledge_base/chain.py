"""Tamper-evident history: a hash chain over rule versions, reviews and audit events.

Each row of a chained table carries `chain_hash`, the SHA-256 of the previous row's hash and the
row's own content (every column but `id` and the hash, empty ones left out, so a column added by
a later migration does not change old rows' hashes). `chain_heads` holds each table's last hash,
so a removed tail shows too. The hash is set as the ORM inserts the row (the tables refuse
UPDATE); writers take all heads at once, in one order, so concurrent writers on PostgreSQL queue
instead of forking the chain or deadlocking. `walk` finds the first row that does not follow;
`myeongjang audit verify` and `restore` use it.

The content's form (`canonical`) is part of the stored data: changing it breaks every chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, event, select, update
from sqlalchemy.orm import Mapper, Session

from knowledge_base.models import AuditEvent, Base, ChainHead, Review, RuleVersion, utcnow
from rules.messages import Message

CHAINED = ("rule_versions", "reviews", "audit_events")
GENESIS = "0" * 64
_LEFT_OUT = ("id", "chain_hash")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def canonical(row: Mapping[str, Any]) -> bytes:
    """A row's content as the bytes its hash covers."""
    content = {k: _plain(v) for k, v in row.items() if k not in _LEFT_OUT and v is not None}
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def link(previous: str, row: Mapping[str, Any]) -> str:
    """The hash of a row that follows the row hashed `previous`."""
    return hashlib.sha256(previous.encode("ascii") + b"\n" + canonical(row)).hexdigest()


@dataclass(frozen=True)
class Walk:
    """One table's chain: its rows, the last hash, the first row that does not follow (None
    when every row does), and whether the chain ends where the stored head says."""

    table: str
    rows: int
    head: str
    broken_at: int | None = None
    ends_at_head: bool = True

    @property
    def problem(self) -> Message | None:
        if self.broken_at is not None:
            return Message(
                "{table} row {id} does not follow the row before it: it, or a row before it, was changed, "
                "removed or inserted after it was written",
                table=self.table,
                id=self.broken_at,
            )
        if not self.ends_at_head:
            return Message(
                "{table} ends before its recorded last row: rows were removed from its end", table=self.table
            )
        return None


def walk(table: str, rows: Iterable[Mapping[str, Any]], recorded: str) -> Walk:
    """Follow a table's chain through its rows in id order, to the last hash `recorded`."""
    head, count = GENESIS, 0
    for row in sorted(rows, key=lambda r: r["id"]):
        count += 1
        expected = link(head, row)
        if row.get("chain_hash") != expected:
            return Walk(table, count, head, broken_at=row["id"])
        head = expected
    return Walk(table, count, head, ends_at_head=head == recorded)


def verify(s: Session) -> list[Walk]:
    """Walk every chained table of the database to its stored head."""
    stored = heads(s)
    return [
        walk(
            name, [dict(r) for r in s.execute(select(Base.metadata.tables[name])).mappings()], stored.get(name, GENESIS)
        )
        for name in CHAINED
    ]


def heads(s: Session) -> dict[str, str]:
    """The last hash of each chained table, as stored."""
    return dict(s.execute(select(ChainHead.name, ChainHead.hash)).tuples().all())


def _defaults(target: Any) -> None:
    """Fill the columns the INSERT would default, so that the hash covers what is stored."""
    for key in ("at", "created_at"):
        if hasattr(target, key) and getattr(target, key) is None:
            setattr(target, key, utcnow())
    if isinstance(target, AuditEvent) and target.detail is None:
        target.detail = {}


def _chain(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    _defaults(target)
    name = str(target.__tablename__)
    # Every chained write takes all heads, in name order: writers queue, none deadlocks.
    stored = dict(
        connection.execute(select(ChainHead.name, ChainHead.hash).order_by(ChainHead.name).with_for_update()).all()
    )
    row = {c.key: getattr(target, c.key) for c in mapper.columns}
    target.chain_hash = link(stored[name], row)  # the heads are seeded by migration 0008
    connection.execute(update(ChainHead).where(ChainHead.name == name).values(hash=target.chain_hash))


for _model in (RuleVersion, Review, AuditEvent):
    event.listen(_model, "before_insert", _chain)
