"""The service layer: every writer (CLI, UI, Python API) goes through `KnowledgeBase`.

It owns the sessions (one unit of work per call), keeps every rule change as a new immutable
version, keeps reviews apart from the extractor's suggestions, and writes an audit event for
every change. It hands out plain dataclasses, never ORM objects.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from knowledge_base import database
from knowledge_base.errors import (
    ConsentRequired,
    DuplicateImport,
    InvalidEdit,
    InvalidTransition,
    KnowledgeBaseError,
    NotFound,
    StaleEdit,
)
from knowledge_base.models import (
    AuditEvent,
    Consent,
    InterviewSession,
    Master,
    Review,
    RuleEvidence,
    RuleRow,
    RuleVersion,
    TranscriptRow,
    TurnRow,
    User,
)
from rules import Answer, Engine, KnownRule, ReviewStatus, Rule, Scalar

ROLES = ("interviewer", "master", "sme", "admin")
CONSENT_SCOPES = ("internal_guidance", "training", "sharing")
TRANSITIONS: dict[str, set[str]] = {
    "proposed": {"confirmed", "rejected", "needs_discussion"},
    "needs_discussion": {"confirmed", "rejected", "proposed"},
    "rejected": {"proposed"},
    "confirmed": {"retired", "needs_discussion"},
    "retired": set(),
}


@dataclass(frozen=True)
class MasterView:
    id: int
    name: str
    craft: str | None
    organisation: str | None
    consent_scopes: list[str]


@dataclass(frozen=True)
class TurnView:
    id: int
    index: int
    speaker: str
    text: str
    is_interviewer: bool


@dataclass(frozen=True)
class EvidenceView:
    turn: TurnView
    start: int
    end: int

    @property
    def quote(self) -> str:
        return self.turn.text[self.start : self.end]


@dataclass(frozen=True)
class RuleView:
    id: int
    version: int
    status: str
    master: str
    rule: Rule
    evidence: list[EvidenceView] = field(default_factory=list)
    transcript_id: int | None = None

    @property
    def quote(self) -> str:
        return " … ".join(e.quote for e in self.evidence)


@dataclass(frozen=True)
class VersionView:
    number: int
    status: str
    author: str
    reason: str
    created_at: datetime
    rule: Rule


@dataclass(frozen=True)
class ImportResult:
    transcript_id: int
    turns: int
    encoding: str
    rule_ids: list[int]


class KnowledgeBase:
    """The knowledge base at a database URL (SQLite by default, PostgreSQL by URL)."""

    def __init__(self, url: str | None = None, *, migrate: bool = True) -> None:
        self.url = url or database.default_url()
        self.engine = database.make_engine(self.url)
        if migrate:
            database.upgrade(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._engine_lock = threading.Lock()
        self._compiled: dict[tuple[Any, ...], Engine] = {}

    @contextmanager
    def _unit(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    @staticmethod
    def _audit(s: Session, actor: str, action: str, entity: str, entity_id: int | None, **detail: Any) -> None:
        s.add(AuditEvent(actor=actor, action=action, entity=entity, entity_id=entity_id, detail=detail))

    # --- people ---------------------------------------------------------------------------

    def add_user(
        self,
        username: str,
        role: str,
        *,
        display_name: str | None = None,
        organisation: str | None = None,
        password: str | None = None,
        actor: str = "admin",
    ) -> int:
        if role not in ROLES:
            raise KnowledgeBaseError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
        if not username.strip():
            raise KnowledgeBaseError("a user needs a username")
        with self._unit() as s:
            if s.scalar(select(User).where(User.username == username)):
                raise KnowledgeBaseError(f"user {username!r} already exists")
            hashed = None
            if password:
                from argon2 import PasswordHasher

                hashed = PasswordHasher().hash(password)
            user = User(
                username=username,
                role=role,
                display_name=display_name or username,
                organisation=organisation,
                password_hash=hashed,
            )
            s.add(user)
            s.flush()
            self._audit(s, actor, "add", "user", user.id, username=username, role=role)
            return user.id

    def list_users(self) -> list[dict[str, Any]]:
        with self._unit() as s:
            return [
                {"username": u.username, "display_name": u.display_name, "role": u.role, "organisation": u.organisation}
                for u in s.scalars(select(User).order_by(User.username))
            ]

    def register_master(
        self,
        name: str,
        *,
        craft: str | None = None,
        organisation: str | None = None,
        actor: str = "interviewer",
    ) -> int:
        name = name.strip()
        if not name:
            raise KnowledgeBaseError("a master needs a name")
        with self._unit() as s:
            existing = s.scalar(select(Master).where(Master.name == name))
            if existing is not None:
                return existing.id
            master = Master(name=name, craft=craft, organisation=organisation)
            s.add(master)
            s.flush()
            self._audit(s, actor, "register", "master", master.id, name=name, craft=craft)
            return master.id

    def record_consent(
        self,
        master_id: int,
        scopes: Sequence[str],
        *,
        given_on: date | None = None,
        actor: str = "interviewer",
    ) -> None:
        bad = [sc for sc in scopes if sc not in CONSENT_SCOPES]
        if bad or not scopes:
            raise KnowledgeBaseError(
                f"unknown consent scope {', '.join(bad) or '(none)'}; choose from {', '.join(CONSENT_SCOPES)}"
            )
        with self._unit() as s:
            master = s.get(Master, master_id)
            if master is None:
                raise NotFound(f"no master with id {master_id}")
            for scope in scopes:
                s.add(Consent(master_id=master_id, scope=scope, given_on=given_on or date.today(), recorded_by=actor))
            self._audit(s, actor, "consent", "master", master_id, scopes=list(scopes))

    def withdraw_consent(self, master_id: int, *, actor: str = "admin") -> None:
        with self._unit() as s:
            rows = s.scalars(
                select(Consent).where(Consent.master_id == master_id, Consent.withdrawn_at.is_(None))
            ).all()
            if not rows:
                raise NotFound(f"master {master_id} has no consent on record to withdraw")
            now = datetime.now().astimezone()
            for row in rows:
                row.withdrawn_at = now
            self._audit(s, actor, "withdraw_consent", "master", master_id)
        self._compiled.clear()

    def masters(self) -> list[MasterView]:
        with self._unit() as s:
            out = []
            for m in s.scalars(select(Master).options(selectinload(Master.consents)).order_by(Master.name)):
                scopes = sorted({c.scope for c in m.consents if c.withdrawn_at is None})
                out.append(MasterView(m.id, m.name, m.craft, m.organisation, scopes))
            return out

    def master_by_name(self, name: str) -> MasterView:
        for m in self.masters():
            if m.name == name:
                return m
        raise NotFound(f"no master named {name!r}; register the master first")

    # --- transcripts and extraction ---------------------------------------------------------

    def import_transcript(
        self,
        master_id: int,
        transcript: Any,
        raw: bytes,
        rules: Sequence[Rule],
        *,
        interviewer: str = "interviewer",
        title: str | None = None,
        held_on: date | None = None,
    ) -> ImportResult:
        """Store a parsed transcript with its turns and the extractor's proposed rules.

        Refused without the master's consent on record, and for a file already imported; all
        or nothing: a failure leaves the knowledge base as it was.
        """
        digest = hashlib.sha256(raw).hexdigest()
        with self._unit() as s:
            master = s.get(Master, master_id)
            if master is None:
                raise NotFound(f"no master with id {master_id}")
            live = [c for c in master.consents if c.withdrawn_at is None]
            if not live:
                raise ConsentRequired(
                    f"no consent on record for {master.name}; record consent before importing an interview"
                )
            dup = s.scalar(select(TranscriptRow).where(TranscriptRow.sha256 == digest))
            if dup is not None:
                raise DuplicateImport(f"{transcript.name}: already imported as transcript {dup.id}")
            sess = InterviewSession(
                master_id=master_id, interviewer=interviewer, held_on=held_on, title=title or transcript.name
            )
            s.add(sess)
            s.flush()
            row = TranscriptRow(
                session_id=sess.id,
                filename=transcript.name,
                format=transcript.format,
                encoding=transcript.encoding,
                sha256=digest,
            )
            s.add(row)
            s.flush()
            turn_ids: dict[int, int] = {}
            for t in transcript.turns:
                tr = TurnRow(
                    transcript_id=row.id,
                    index=t.index,
                    speaker=t.speaker,
                    is_interviewer=t.is_interviewer,
                    text=t.text,
                    start_time=t.start_time,
                    end_time=t.end_time,
                )
                s.add(tr)
                s.flush()
                turn_ids[t.index] = tr.id
            rule_ids = [self._add_rule(s, master_id, row.id, rule, turn_ids, interviewer) for rule in rules]
            self._audit(
                s,
                interviewer,
                "import",
                "transcript",
                row.id,
                filename=transcript.name,
                turns=len(transcript.turns),
                rules=len(rule_ids),
                encoding=transcript.encoding,
            )
            return ImportResult(row.id, len(transcript.turns), transcript.encoding, rule_ids)

    def _add_rule(
        self, s: Session, master_id: int, transcript_id: int | None, rule: Rule, turn_ids: dict[int, int], actor: str
    ) -> int:
        row = RuleRow(
            master_id=master_id,
            transcript_id=transcript_id,
            status="proposed",
            current_version=1,
            confidence=rule.confidence,
        )
        s.add(row)
        s.flush()
        s.add(
            RuleVersion(
                rule_id=row.id,
                number=1,
                body=rule.model_dump(mode="json"),
                status="proposed",
                author="extractor",
                reason=f"extracted from transcript {transcript_id}",
            )
        )
        for ev in rule.evidence:
            if ev.turn in turn_ids:
                s.add(RuleEvidence(rule_id=row.id, turn_id=turn_ids[ev.turn], start=ev.start, end=ev.end))
        return row.id

    # --- reading rules ----------------------------------------------------------------------

    def _view(self, s: Session, row: RuleRow) -> RuleView:
        version = s.scalar(
            select(RuleVersion).where(RuleVersion.rule_id == row.id, RuleVersion.number == row.current_version)
        )
        assert version is not None
        evidence = [
            EvidenceView(
                TurnView(e.turn.id, e.turn.index, e.turn.speaker, e.turn.text, e.turn.is_interviewer), e.start, e.end
            )
            for e in s.scalars(
                select(RuleEvidence)
                .where(RuleEvidence.rule_id == row.id)
                .options(selectinload(RuleEvidence.turn))
                .order_by(RuleEvidence.id)
            )
        ]
        return RuleView(
            row.id,
            row.current_version,
            row.status,
            row.master.name,
            Rule.model_validate(version.body),
            evidence,
            row.transcript_id,
        )

    def list_rules(
        self, *, status: str | None = None, master: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[RuleView]:
        """Rules with their current version, highest extractor confidence first."""
        with self._unit() as s:
            q = select(RuleRow).join(Master).options(selectinload(RuleRow.master))
            if status:
                q = q.where(RuleRow.status == status)
            if master:
                q = q.where(Master.name == master)
            q = q.order_by(RuleRow.confidence.desc(), RuleRow.id).offset(offset)
            if limit is not None:
                q = q.limit(limit)
            return [self._view(s, r) for r in s.scalars(q)]

    def count_rules(self) -> dict[str, int]:
        with self._unit() as s:
            return {st: n for st, n in s.execute(select(RuleRow.status, func.count()).group_by(RuleRow.status))}

    def get_rule(self, rule_id: int) -> RuleView:
        with self._unit() as s:
            row = s.get(RuleRow, rule_id)
            if row is None:
                raise NotFound(f"no rule with id {rule_id}")
            return self._view(s, row)

    def history(self, rule_id: int) -> list[VersionView]:
        with self._unit() as s:
            if s.get(RuleRow, rule_id) is None:
                raise NotFound(f"no rule with id {rule_id}")
            return [
                VersionView(v.number, v.status, v.author, v.reason, v.created_at, Rule.model_validate(v.body))
                for v in s.scalars(
                    select(RuleVersion).where(RuleVersion.rule_id == rule_id).order_by(RuleVersion.number)
                )
            ]

    def audit(self, limit: int = 100) -> list[dict[str, Any]]:
        with self._unit() as s:
            return [
                {
                    "at": e.at,
                    "actor": e.actor,
                    "action": e.action,
                    "entity": e.entity,
                    "entity_id": e.entity_id,
                    "detail": e.detail,
                }
                for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit))
            ]

    # --- review and edits -------------------------------------------------------------------

    def _new_version(
        self, s: Session, rule_id: int, expected_version: int, body: Rule, status: str, author: str, reason: str
    ) -> RuleRow:
        row = s.get(RuleRow, rule_id, with_for_update=True)
        if row is None:
            raise NotFound(f"no rule with id {rule_id}")
        if row.current_version != expected_version:
            raise StaleEdit(rule_id, expected_version, row.current_version)
        number = row.current_version + 1
        s.add(
            RuleVersion(
                rule_id=rule_id,
                number=number,
                body=body.model_dump(mode="json"),
                status=status,
                author=author,
                reason=reason,
            )
        )
        row.current_version = number
        row.status = status
        row.confidence = body.confidence
        return row

    def _commit_guarded(self, rule_id: int, expected_version: int, work: Any) -> Any:
        try:
            with self._unit() as s:
                result = work(s)
        except StaleDataError:
            current = self.get_rule(rule_id).version
            raise StaleEdit(rule_id, expected_version, current) from None
        self._compiled.clear()
        return result

    def review(
        self, rule_id: int, decision: str, *, reviewer: str, expected_version: int, comment: str | None = None
    ) -> RuleView:
        """Record a reviewer's decision as a new version with the new status."""
        try:
            target = ReviewStatus(decision).value
        except ValueError:
            raise InvalidTransition(
                f"unknown decision {decision!r}; use one of {', '.join(s.value for s in ReviewStatus)}"
            ) from None

        def work(s: Session) -> RuleView:
            row = s.get(RuleRow, rule_id)
            if row is None:
                raise NotFound(f"no rule with id {rule_id}")
            if target not in TRANSITIONS[row.status]:
                raise InvalidTransition(f"rule {rule_id} is {row.status}; it cannot become {target}")
            current = self._view(s, row).rule
            row = self._new_version(
                s, rule_id, expected_version, current, target, reviewer, comment or f"review: {target}"
            )
            s.add(
                Review(
                    rule_id=rule_id,
                    version_number=row.current_version,
                    decision=target,
                    reviewer=reviewer,
                    comment=comment,
                )
            )
            self._audit(
                s, reviewer, "review", "rule", rule_id, decision=target, version=row.current_version, comment=comment
            )
            s.flush()
            return self._view(s, row)

        return self._commit_guarded(rule_id, expected_version, work)  # type: ignore[no-any-return]

    def edit_rule(
        self, rule_id: int, new: Rule | dict[str, Any], *, author: str, reason: str, expected_version: int
    ) -> RuleView:
        """Save an edited rule as a new version (status unchanged); invalid data is refused."""
        if not reason.strip():
            raise InvalidEdit("an edit needs a reason")
        try:
            rule = new if isinstance(new, Rule) else Rule.model_validate(new)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise InvalidEdit(f"invalid rule edit at {where or 'rule'}: {first['msg']}") from None

        def work(s: Session) -> RuleView:
            row = s.get(RuleRow, rule_id)
            if row is None:
                raise NotFound(f"no rule with id {rule_id}")
            if row.status == "retired":
                raise InvalidTransition(f"rule {rule_id} is retired; restore it before editing")
            old = self._view(s, row).rule
            kept = rule.model_copy(update={"evidence": rule.evidence or old.evidence})
            row = self._new_version(s, rule_id, expected_version, kept, row.status, author, reason)
            self._audit(s, author, "edit", "rule", rule_id, version=row.current_version, reason=reason)
            s.flush()
            return self._view(s, row)

        return self._commit_guarded(rule_id, expected_version, work)  # type: ignore[no-any-return]

    # --- guidance ---------------------------------------------------------------------------

    def guidance_rules(self, *, include_proposed: bool = False) -> list[KnownRule]:
        """Confirmed rules (and, on request, proposed ones) of masters whose consent stands."""
        statuses = ["confirmed", "proposed"] if include_proposed else ["confirmed"]
        with self._unit() as s:
            consenting = select(Consent.master_id).where(
                Consent.withdrawn_at.is_(None), Consent.scope == "internal_guidance"
            )
            rows = s.scalars(
                select(RuleRow)
                .options(selectinload(RuleRow.master))
                .where(RuleRow.status.in_(statuses), RuleRow.master_id.in_(consenting))
                .order_by(RuleRow.id)
            )
            out = []
            for row in rows:
                view = self._view(s, row)
                out.append(
                    KnownRule(
                        key=str(row.id),
                        rule=view.rule,
                        version=view.version,
                        status=view.status,
                        master=view.master,
                        quote=view.quote or None,
                    )
                )
            return out

    def engine_for(self, *, include_proposed: bool = False) -> Engine:
        """The compiled engine for the current state; recompiled only when the rules changed."""
        rules = self.guidance_rules(include_proposed=include_proposed)
        key = (include_proposed, tuple((k.key, k.version, k.status) for k in rules))
        with self._engine_lock:
            engine = self._compiled.get(key)
            if engine is None:
                engine = Engine(rules)
                self._compiled = {key: engine}
            return engine

    def ask(self, facts: dict[str, Scalar], *, include_proposed: bool = False) -> Answer:
        return self.engine_for(include_proposed=include_proposed).ask(facts)
