"""The knowledge base as one JSON document, for export/import and backup/restore.

Every table is written row by row with its ids, so loading the document into an empty database
gives back exactly what was dumped: versions, reviews, evidence, consent, releases and the audit
trail. An *export* leaves out what the sharing policy withholds (`policies.withheld`: the rules
and interviews of masters whose consent was withdrawn, confidential rules and interviews of other
organisations, and everything derived from them) and the private tables (accounts, delegations,
the audit trail). A *backup* leaves out nothing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, LargeBinary, Table, func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from knowledge_base import chain, integrity
from knowledge_base.errors import KnowledgeBaseError, NotEmpty
from knowledge_base.models import Base, ChainHead, InterviewSession, TranscriptRow, TurnRow
from knowledge_base.policies import Withheld

FORMAT = "myeongjang-knowledge-base"
FORMAT_VERSION = 2  # 2: a digest, and a backup's chain heads


def _tables() -> list[Table]:
    """The tables a backup holds: all but derived ones (cached vectors), which are rebuilt, and
    transient ones (the sign-in throttle's failures)."""
    skipped = ("derived", "heads", "transient")
    return [t for t in Base.metadata.sorted_tables if not any(t.info.get(k) for k in skipped)]


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")  # reference media
    return value


def _decode(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for column in table.columns:
        value = out.get(column.name)
        if value is None:
            continue
        if isinstance(column.type, DateTime | Date):
            try:
                parse = datetime.fromisoformat if isinstance(column.type, DateTime) else date.fromisoformat
                out[column.name] = parse(value)
            except (TypeError, ValueError):
                raise KnowledgeBaseError(
                    "table {name}: column {column} holds {value!r}, not a date",
                    name=table.name,
                    column=column.name,
                    value=str(value)[:40],
                ) from None
        elif isinstance(column.type, LargeBinary):
            try:
                out[column.name] = base64.b64decode(value, validate=True)
            except (binascii.Error, TypeError, ValueError):
                raise KnowledgeBaseError(
                    "table {name}: column {column} is not base64 data", name=table.name, column=column.name
                ) from None
    if table.name == "reference_media":
        _check_media(out)
    return out


def _check_media(row: dict[str, Any]) -> None:
    """A reference file from a document: whole, unchanged since written, and what it says it is."""
    from knowledge_base.media import checked

    data, digest = row.get("data"), row.get("sha256")
    if not isinstance(data, bytes) or not isinstance(digest, str):
        raise KnowledgeBaseError("table reference_media: row {id} has no file or no checksum", id=row.get("id"))
    if hashlib.sha256(data).hexdigest() != digest:
        raise KnowledgeBaseError(
            "table {name}: row {id} was changed after it was written", name="reference_media", id=row.get("id")
        )
    kind, mime = checked(data, str(row.get("filename") or "file"))
    if (kind, mime) != (row.get("kind"), row.get("mime")):
        raise KnowledgeBaseError(
            "table reference_media: row {id} says it is {said} but holds {held}",
            id=row.get("id"),
            said=row.get("mime"),
            held=mime,
        )


# Tables an export never carries: accounts (names, organisations, password hashes), delegations,
# and the audit trail (whose reasons and details name other masters and their interviews).
PRIVATE = frozenset({"users", "delegations", "audit_events"})
NOTHING_WITHHELD = Withheld(frozenset(), frozenset(), frozenset())


class _Shareable:
    """Which rows of a dump may leave, given what the sharing policy withholds."""

    def __init__(self, s: Session, kind: str, withheld: Withheld) -> None:
        self.kind, self.w = kind, withheld
        hidden = list(withheld.transcripts)
        self.sessions = {
            *s.scalars(select(TranscriptRow.session_id).where(TranscriptRow.id.in_(hidden))),
            *s.scalars(select(InterviewSession.id).where(InterviewSession.master_id.in_(withheld.masters))),
        }
        self.turns = set(s.scalars(select(TurnRow.id).where(TurnRow.transcript_id.in_(hidden))))

    def row(self, name: str, data: dict[str, Any]) -> dict[str, Any] | None:
        """The row as it may leave, or None where it stays behind."""
        if self.kind == "backup":
            return data
        w = self.w
        if name in PRIVATE:
            return None
        gone = (
            (name == "interview_sessions" and data["id"] in self.sessions)
            or (name == "transcripts" and data["id"] in w.transcripts)
            or (name == "turns" and data["transcript_id"] in w.transcripts)
            or (name == "rules" and data["id"] in w.rules)
            or (name in _OF_A_RULE and data["rule_id"] in w.rules)
            or (name == "rule_evidence" and data["turn_id"] in self.turns)
            or (name == "cue_phrases" and data["master_id"] in w.masters)
        )
        if gone:
            return None
        if name == "rules" and data["transcript_id"] in w.transcripts:
            data = {**data, "transcript_id": None}  # a shared rule of an interview that stays behind
        return data


_OF_A_RULE = ("rule_versions", "rule_evidence", "reviews", "release_rules", "cue_phrases")


def dump(s: Session, *, kind: str, schema: str | None, withheld: Withheld | None = None) -> dict[str, Any]:
    """All rows of all tables; an export leaves out what the sharing policy withholds and the
    private tables."""
    shareable = _Shareable(s, kind, withheld or NOTHING_WITHHELD)
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in _tables():
        rows: list[dict[str, Any]] = []
        if kind != "backup" and table.name in PRIVATE:  # not even read: a person's role may not
            tables[table.name] = rows
            continue
        for row in s.execute(select(table).order_by(*table.primary_key.columns)).mappings():
            data = shareable.row(table.name, {k: _encode(v) for k, v in row.items()})
            if data is not None:
                rows.append(data)
        tables[table.name] = rows
    document = {"format": FORMAT, "version": FORMAT_VERSION, "kind": kind, "schema": schema, "tables": tables}
    if kind == "backup":
        document["chain"] = chain.heads(s)
    document["digest"] = integrity.digest(document)
    return document


def check(document: Any) -> dict[str, list[dict[str, Any]]]:
    """The tables of a document, after checking it is one of ours and complete."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise KnowledgeBaseError("not a myeongjang knowledge-base file (expected format {format!r})", format=FORMAT)
    if document.get("version") != FORMAT_VERSION:
        raise KnowledgeBaseError(
            "unsupported file version {version!r}; expected {expected}",
            version=document.get("version"),
            expected=FORMAT_VERSION,
        )
    tables = document.get("tables")
    known = {t.name for t in _tables()}
    if not isinstance(tables, dict) or set(tables) - known:
        raise KnowledgeBaseError(
            "unknown tables in the file: {tables}", tables=", ".join(sorted(set(tables or {}) - known))
        )
    for name, rows in tables.items():
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise KnowledgeBaseError("table {name!r} in the file is not a list of rows", name=name)
    return tables


def load(s: Session, document: Any) -> dict[str, int]:
    """Insert a document's rows, ids and all, into an empty knowledge base; one transaction.
    Nothing is written unless the whole file passes the checks of `integrity`."""
    tables = check(document)
    decoded, heads = _checked(document, tables)
    for table in _tables():
        if s.scalar(select(func.count()).select_from(table)):
            raise NotEmpty(
                "the target knowledge base is not empty (table {name} has rows); restore or import into a fresh database",
                name=table.name,
            )
    counts: dict[str, int] = {}
    try:
        for table in _tables():
            rows = decoded[table.name]
            if rows:
                s.execute(table.insert(), rows)
            counts[table.name] = len(rows)
        for name, head in heads.items():
            s.execute(update(ChainHead).where(ChainHead.name == name).values(hash=head))
        s.flush()
    except DBAPIError as exc:  # what the checks above missed, said in one line
        reason = str(exc.orig).splitlines()[0] if exc.orig is not None else type(exc).__name__
        raise KnowledgeBaseError("the file does not fit the knowledge base: {reason}", reason=reason) from None
    if s.get_bind().dialect.name == "postgresql":
        for table in _tables():
            if "id" in table.columns and counts.get(table.name):
                s.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), (SELECT max(id) FROM {table.name}))"
                    )
                )
    return counts


def _checked(document: dict[str, Any], tables: dict[str, list[dict[str, Any]]]) -> tuple[dict[str, Any], Any]:
    """The file's rows decoded, and the chain heads to store, once every check has passed."""
    integrity.check_digest(document)
    ordered = _tables()
    for table in ordered:
        integrity.check_rows(table, tables.get(table.name, []))
    integrity.check_references(ordered, tables)
    decoded = {t.name: [_decode(t, r) for r in tables.get(t.name, [])] for t in ordered}
    if document.get("kind") == "backup":
        integrity.check_chain(decoded, document.get("chain"))
        integrity.check_accounts(tables)
        return decoded, document["chain"]
    if document.get("kind") != "export":
        raise KnowledgeBaseError(
            "the file is neither a backup nor an export (kind {kind!r})", kind=document.get("kind")
        )
    private = [name for name in sorted(PRIVATE) if tables.get(name)]
    if private:
        raise KnowledgeBaseError("an export holds no {tables}; this file does", tables=", ".join(private))
    return decoded, integrity.rechained(decoded)
