"""SQLAlchemy 2.0 models of the knowledge base.

Rule versions, reviews and audit events are append-only rows; `rules` holds only the pointer to
the current version and is guarded by optimistic concurrency (a stale write raises).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    organisation: Mapped[str | None] = mapped_column(String(200))
    # loaded only to check or set it: on PostgreSQL a person's role may not read the column
    password_hash: Mapped[str | None] = mapped_column(String(200), deferred=True)
    master_id: Mapped[int | None] = mapped_column(ForeignKey("masters.id", name="fk_users_master"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Master(Base):
    __tablename__ = "masters"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    craft: Mapped[str | None] = mapped_column(String(200))
    organisation: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    consents: Mapped[list[Consent]] = relationship(back_populates="master", order_by="Consent.id")


class Consent(Base):
    __tablename__ = "consents"
    id: Mapped[int] = mapped_column(primary_key=True)
    master_id: Mapped[int] = mapped_column(ForeignKey("masters.id"))
    scope: Mapped[str] = mapped_column(String(40))
    given_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(80))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    master: Mapped[Master] = relationship(back_populates="consents")


class InterviewSession(Base):
    __tablename__ = "interview_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    master_id: Mapped[int] = mapped_column(ForeignKey("masters.id"))
    interviewer: Mapped[str] = mapped_column(String(80))
    held_on: Mapped[date | None] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TranscriptRow(Base):
    __tablename__ = "transcripts"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("interview_sessions.id"))
    filename: Mapped[str] = mapped_column(String(300))
    format: Mapped[str] = mapped_column(String(10))
    encoding: Mapped[str] = mapped_column(String(20))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    redactions: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # a confidential interview: its turns, title and file name stay inside its organisation
    confidential: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # lines of the file no speaker said (an interviewer's notes), redacted; shown, never read as turns
    notes: Mapped[list[str] | None] = mapped_column(JSON)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    turns: Mapped[list[TurnRow]] = relationship(order_by="TurnRow.index")


class TurnRow(Base):
    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("transcript_id", "index"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcripts.id"))
    index: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(String(200))
    is_interviewer: Mapped[bool] = mapped_column(Boolean)
    text: Mapped[str] = mapped_column(Text)
    start_time: Mapped[float | None] = mapped_column(Float)
    end_time: Mapped[float | None] = mapped_column(Float)


class RuleRow(Base):
    """The identity of a rule and a pointer to its current version; never deleted."""

    __tablename__ = "rules"
    id: Mapped[int] = mapped_column(primary_key=True)
    master_id: Mapped[int] = mapped_column(ForeignKey("masters.id"))
    transcript_id: Mapped[int | None] = mapped_column(ForeignKey("transcripts.id"))
    status: Mapped[str] = mapped_column(String(20))
    current_version: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[float] = mapped_column(Float)
    row_version: Mapped[int] = mapped_column(Integer, nullable=False)
    confidential: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Copied from the current version for search and filters (see Rule.search_text).
    summary: Mapped[str] = mapped_column(Text, default="", server_default="")
    domain: Mapped[str | None] = mapped_column(String(200))
    process_step: Mapped[str | None] = mapped_column(String(200))
    # the reader that proposed the rule: "reader" alone, or "reader+model:LANG-vN" (ReaderModel)
    proposed_by: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    master: Mapped[Master] = relationship()
    versions: Mapped[list[RuleVersion]] = relationship(order_by="RuleVersion.number")

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012  (SQLAlchemy reads it per class)


class RuleVersion(Base):
    """One immutable state of a rule: its data, status, author, time and reason."""

    __tablename__ = "rule_versions"
    __table_args__ = (UniqueConstraint("rule_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("rules.id"))
    number: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))
    author: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    chain_hash: Mapped[str | None] = mapped_column(String(64))  # knowledge_base.chain


class RuleEvidence(Base):
    """Provenance: the turn (and character offsets into its text) a rule was said in."""

    __tablename__ = "rule_evidence"
    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("rules.id"))
    turn_id: Mapped[int] = mapped_column(ForeignKey("turns.id"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    turn: Mapped[TurnRow] = relationship()


class Review(Base):
    """A reviewer's decision on one version; kept apart from the extractor's suggestion."""

    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("rules.id"))
    version_number: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(20))
    reviewer: Mapped[str] = mapped_column(String(80))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    chain_hash: Mapped[str | None] = mapped_column(String(64))  # knowledge_base.chain


class AuditEvent(Base):
    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    chain_hash: Mapped[str | None] = mapped_column(String(64))  # knowledge_base.chain


class ChainHead(Base):
    """The last hash of one chained table (knowledge_base.chain): a removed tail shows."""

    __tablename__ = "chain_heads"
    __table_args__ = {"info": {"heads": True}}  # noqa: RUF012 - SQLAlchemy's declarative form
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    hash: Mapped[str] = mapped_column(String(64))


class SignInFailure(Base):
    """A failed password check, kept until the account signs in or an admin unlocks it: the
    sign-in throttle counts them per user name (known or not) and per client. Not backed up."""

    __tablename__ = "sign_in_failures"
    __table_args__ = {"info": {"transient": True}}  # noqa: RUF012 - SQLAlchemy's declarative form
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    client: Mapped[str] = mapped_column(String(80), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Delegation(Base):
    """An admin lets a user review one master's rules on his behalf."""

    __tablename__ = "delegations"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    master_id: Mapped[int] = mapped_column(ForeignKey("masters.id"))
    granted_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Release(Base):
    """A named, immutable snapshot of the confirmed knowledge base."""

    __tablename__ = "releases"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReleaseRule(Base):
    __tablename__ = "release_rules"
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"), primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("rules.id"), primary_key=True)
    version_number: Mapped[int] = mapped_column(Integer)


class ReaderModel(Base):
    """A learned model the extractor reads with beside its hand-built reader, trained from the
    masters' reviews (`myeongjang train`): its weights as opaque JSON (elicitation.learned owns
    the format), the fingerprint of the examples it learned from, and its figures on the held-out
    gold beside the model it replaced. Only models that scored at least as well are stored; the
    newest of a language is the one in use. Never changed or deleted."""

    __tablename__ = "reader_models"
    __table_args__ = (UniqueConstraint("language", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(8))
    version: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of the training examples
    examples: Mapped[int] = mapped_column(Integer)
    weights: Mapped[dict[str, Any]] = mapped_column(JSON)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    trained_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def label(self) -> str:
        return f"model:{self.language}-v{self.version}"


class Embedding(Base):
    """A sentence vector, cached by model and text: computed once, recomputed only for new text.

    Derived data (any copy can be rebuilt from the texts), so backups leave it out. On
    PostgreSQL with pgvector the current rules' vectors are also kept in `rule_vectors`, outside
    the ORM, where the database searches them.
    """

    __tablename__ = "embeddings"
    __table_args__ = (UniqueConstraint("model", "text_hash"), {"info": {"derived": True}})
    id: Mapped[int] = mapped_column(primary_key=True)
    model: Mapped[str] = mapped_column(String(200))
    text_hash: Mapped[str] = mapped_column(String(32))  # md5 of the text: a cache key, not a secret
    dim: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # float32, little-endian, unit length
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CueVariable(Base):
    """A canonical variable of the cue vocabulary: proposed by clustering what the masters said,
    then confirmed (and perhaps renamed) by an interviewer or a master."""

    __tablename__ = "cue_variables"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # "number", "flag" or "category"
    unit: Mapped[str | None] = mapped_column(String(40))
    allowed_values: Mapped[list[Any]] = mapped_column(JSON, default=list)
    aliases: Mapped[list[Any]] = mapped_column(JSON, default=list)  # the extractor's names it stands for
    status: Mapped[str] = mapped_column(String(20))  # "proposed" or "confirmed"
    decided_by: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    phrases: Mapped[list[CuePhrase]] = relationship(order_by="CuePhrase.id", cascade="all, delete-orphan")


class CuePhrase(Base):
    """One way a master said a cue ("on rainy days"), and the rule clause it came from."""

    __tablename__ = "cue_phrases"
    id: Mapped[int] = mapped_column(primary_key=True)
    cue_id: Mapped[int] = mapped_column(ForeignKey("cue_variables.id"))
    text: Mapped[str] = mapped_column(Text)
    variable: Mapped[str | None] = mapped_column(String(120))
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("rules.id"))
    master_id: Mapped[int | None] = mapped_column(ForeignKey("masters.id"))


Index("ix_rules_status_confidence", RuleRow.status, RuleRow.confidence)
Index("ix_rules_master", RuleRow.master_id)
Index("ix_rule_evidence_rule", RuleEvidence.rule_id)
Index("ix_reviews_rule", Review.rule_id)
Index("ix_audit_entity", AuditEvent.entity, AuditEvent.entity_id)
Index("ix_cue_phrases_cue", CuePhrase.cue_id)


class ReferenceMedia(Base):
    """A photo, sound or video clip that shows a novice what an observation means ("yellow-white",
    "a steady crackle"): attached to a cue variable, and to one of its values when it names one."""

    __tablename__ = "reference_media"
    id: Mapped[int] = mapped_column(primary_key=True)
    variable: Mapped[str] = mapped_column(String(120), index=True)
    value: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))  # "image", "audio" or "video"
    mime: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(200))
    caption: Mapped[str | None] = mapped_column(Text)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # loaded only when shown
    added_by: Mapped[str] = mapped_column(String(80))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
