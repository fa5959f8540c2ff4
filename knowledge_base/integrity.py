"""Is a knowledge-base file whole and unchanged? The checks `restore` makes before it writes a row.

A file is refused, with the reason in one line, when its digest does not match its content, a row
has a wrong type, a missing value or a value outside its closed set (a status `godmode`, a role
`root`), two rows share a key, a row points to one the file does not hold, a rule's current version
is not among its versions, an account's role is not the one the audit trail recorded, or the hash
chain over versions, reviews and audit events is broken. An export (which leaves rows behind on
purpose) carries no chain; restoring one starts the copy's own chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, LargeBinary, String, Table, Text, UniqueConstraint

from knowledge_base import chain
from knowledge_base.consent import CONSENT_SCOPES
from knowledge_base.errors import KnowledgeBaseError
from knowledge_base.policies import ROLES, TRANSITIONS

Rows = list[dict[str, Any]]

# Columns whose values come from a closed set.
CLOSED = {
    ("rules", "status"): frozenset(TRANSITIONS),
    ("rule_versions", "status"): frozenset(TRANSITIONS),
    ("reviews", "decision"): frozenset(TRANSITIONS),
    ("users", "role"): frozenset(ROLES),
    ("consents", "scope"): frozenset(CONSENT_SCOPES),
}


def digest(document: Mapping[str, Any]) -> str:
    """The SHA-256 of what a file holds (its kind, schema, tables and chain heads)."""
    content = {k: document.get(k) for k in ("kind", "schema", "tables", "chain")}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def check_digest(document: Mapping[str, Any]) -> None:
    if document.get("digest") != digest(document):
        raise KnowledgeBaseError("the file was changed after it was written: its digest does not match its content")


def _fits(column: Any, value: Any) -> bool:
    kind = column.type
    if isinstance(kind, Boolean):
        return isinstance(value, bool)
    if isinstance(kind, Integer):
        return isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**63
    if isinstance(kind, Float):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(kind, String | Text | DateTime | Date | LargeBinary):
        return isinstance(value, str) and (not isinstance(kind, String) or not kind.length or len(value) <= kind.length)
    return True  # JSON


def check_rows(table: Table, rows: Rows) -> None:
    """Every row of one table: known columns, the right types, required values, closed sets, keys."""
    columns = {c.name: c for c in table.columns}
    for n, row in enumerate(rows, 1):
        extra = set(row) - set(columns)
        if extra:
            raise KnowledgeBaseError(
                "table {name}: unknown columns {columns}", name=table.name, columns=", ".join(sorted(extra))
            )
        for column in columns.values():
            value = row.get(column.name)
            if value is None:
                if not column.nullable and column.server_default is None:
                    raise KnowledgeBaseError(
                        "table {name}: row {n} has no {column}", name=table.name, n=n, column=column.name
                    )
                continue
            if not _fits(column, value):
                raise KnowledgeBaseError(
                    "table {name}: row {n}: {column} is not a valid {kind}",
                    name=table.name,
                    n=n,
                    column=column.name,
                    kind=type(column.type).__name__.lower(),
                )
            allowed = CLOSED.get((table.name, column.name))
            if allowed is not None and value not in allowed:
                raise KnowledgeBaseError(
                    "table {name}: row {n}: {column} {value!r} is not one of {allowed}",
                    name=table.name,
                    n=n,
                    column=column.name,
                    value=value,
                    allowed=", ".join(sorted(allowed)),
                )
    _check_unique(table, rows)


def _keys(table: Table) -> list[tuple[str, ...]]:
    keys = [tuple(c.name for c in table.primary_key.columns)]
    keys += [tuple(c.name for c in u.columns) for u in table.constraints if isinstance(u, UniqueConstraint)]
    keys += [(c.name,) for c in table.columns if c.unique]
    return list(dict.fromkeys(keys))


def _check_unique(table: Table, rows: Rows) -> None:
    for key in _keys(table):
        seen: set[tuple[Any, ...]] = set()
        for row in rows:
            value = tuple(row.get(c) for c in key)
            if value in seen:
                raise KnowledgeBaseError(
                    "table {name}: {key} {value} appears twice",
                    name=table.name,
                    key="/".join(key),
                    value="/".join(map(str, value)),
                )
            seen.add(value)


def check_references(tables: list[Table], rows: Mapping[str, Rows]) -> None:
    """Every foreign key points to a row the file holds; every rule's current version exists."""
    for table in tables:
        for fk in table.foreign_keys:
            target = fk.column.table.name
            present = {r.get(fk.column.name) for r in rows.get(target, [])}
            for row in rows.get(table.name, []):
                value = row.get(fk.parent.name)
                if value is not None and value not in present:
                    raise KnowledgeBaseError(
                        "table {name}: row {id} points to {target} {value}, which the file does not hold",
                        name=table.name,
                        id=row.get("id", "?"),
                        target=target,
                        value=value,
                    )
    versions = {(v["rule_id"], v["number"]) for v in rows.get("rule_versions", [])}
    for rule in rows.get("rules", []):
        if (rule["id"], rule["current_version"]) not in versions:
            raise KnowledgeBaseError(
                "table rules: rule {id} says its current version is {number}, which the file does not hold",
                id=rule["id"],
                number=rule["current_version"],
            )


def check_accounts(rows: Mapping[str, Rows]) -> None:
    """Each account holds the role the (chained) audit trail recorded when it was made."""
    made = {
        e["entity_id"]: e.get("detail") or {}
        for e in rows.get("audit_events", [])
        if e.get("action") == "add" and e.get("entity") == "user"
    }
    for user in rows.get("users", []):
        recorded = made.get(user["id"])
        if recorded is None or recorded.get("role") != user["role"]:
            raise KnowledgeBaseError(
                "table users: {username} holds role {role}, not the one the audit trail recorded ({recorded})",
                username=user["username"],
                role=user["role"],
                recorded=(recorded or {}).get("role", "none"),
            )


def check_chain(rows: Mapping[str, Rows], heads: Any) -> None:
    """The versions, reviews and audit events follow each other, up to the heads the file names."""
    if not isinstance(heads, dict):
        raise KnowledgeBaseError("the file names no chain heads; a backup without them cannot be checked")
    for name in chain.CHAINED:
        walked = chain.walk(name, rows.get(name, []), str(heads.get(name, "")))
        if walked.problem:
            raise KnowledgeBaseError("the history in the file was tampered with: {problem}", problem=walked.problem)


def rechained(rows: Mapping[str, Rows]) -> dict[str, str]:
    """Start a new chain over an export's rows (in place); the new heads."""
    out = {}
    for name in chain.CHAINED:
        head = chain.GENESIS
        for row in sorted(rows.get(name, []), key=lambda r: r["id"]):
            head = chain.link(head, row)
            row["chain_hash"] = head
        out[name] = head
    return out
