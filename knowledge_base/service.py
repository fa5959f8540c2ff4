"""The service layer: every writer (CLI, UI, Python API) goes through `KnowledgeBase`.

It owns the sessions (one unit of work per call), keeps every rule change as a new immutable
version, keeps reviews apart from the extractor's suggestions, and writes an audit event for
every change. It hands out plain dataclasses, never ORM objects.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import ValidationError
from sqlalchemy import false, func, or_, select, text
from sqlalchemy.orm import Session, joinedload, selectinload, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from knowledge_base import archive, database
from knowledge_base.errors import (
    ConsentRequired,
    DuplicateImport,
    InvalidEdit,
    InvalidTransition,
    KnowledgeBaseError,
    NotFound,
    PermissionDenied,
    StaleEdit,
)
from knowledge_base.models import (
    AuditEvent,
    Consent,
    CuePhrase,
    CueVariable,
    Delegation,
    InterviewSession,
    Master,
    Release,
    ReleaseRule,
    Review,
    RuleEvidence,
    RuleRow,
    RuleVersion,
    TranscriptRow,
    TurnRow,
    User,
)
from knowledge_base.permissions import ROLES, Actor
from knowledge_base.redaction import RedactionPolicy, Redactor
from knowledge_base.semantic import (
    Encoder,
    Hit,
    IndexCache,
    RuleIndex,
    Vectors,
    cached_vectors,
    combine,
    document,
    half_index,
    has_rule_vectors,
    one_blas_thread,
    pg_semantic,
    summary_document,
    sync_rule_vectors,
    text_hash,
    to_primary,
)
from knowledge_base.versions import FieldChange, field_diff
from rules import Answer, Clause, Engine, Fact, KnownRule, ReviewStatus, Rule, catalogue, exports, facts_from_text
from rules.checks import Finding
from rules.checks import check as check_rules
from rules.duplicates import near_duplicates
from rules.facts import FactSyntaxError, check_name
from rules.language import KOREAN, language_of
from rules.messages import Cause, Message
from rules.variables import facts_by_meaning, question_chunks
from rules.vocabulary import Cue, CueProposal, Phrase, map_clause, masked, propose, renamed

CONSENT_SCOPES = ("internal_guidance", "training", "sharing")
TRANSITIONS: dict[str, set[str]] = {
    "proposed": {"confirmed", "rejected", "needs_discussion"},
    "needs_discussion": {"confirmed", "rejected", "proposed"},
    "rejected": {"proposed"},
    "confirmed": {"retired", "needs_discussion"},
    "retired": set(),
    "merged": set(),  # reached only through merge_rules
}
MERGEABLE = ("proposed", "needs_discussion", "confirmed")
# A search hit that shares no word with the question must at least be this close in meaning.
MIN_COSINE = 0.2
# The same floor for the multilingual model's cosines, on its own scale: across languages a rule that
# answers the question often scores 0.15 to 0.3 (bench/crosslingual.py), so its floor is lower.
MIN_COSINE_MULTILINGUAL = 0.1
# Merge candidates: rules at least this close in meaning.
SIMILAR_COSINE = 0.6


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
    confidential: bool = False

    @property
    def quote(self) -> str:
        return " … ".join(e.quote for e in self.evidence)

    def known(self) -> KnownRule:
        """The rule as the engine, the checks and the interview guide take it."""
        return KnownRule(
            key=str(self.id),
            rule=self.rule,
            version=self.version,
            status=self.status,
            master=self.master,
            quote=self.quote or None,
        )


@dataclass(frozen=True)
class VersionView:
    number: int
    status: str
    author: str
    reason: str
    created_at: datetime
    rule: Rule


@dataclass(frozen=True)
class ReleaseView:
    id: int
    name: str
    note: str | None
    created_by: str
    created_at: datetime
    rules: int


@dataclass(frozen=True)
class ReleaseDiff:
    added: list[int]
    removed: list[int]
    changed: dict[int, list[FieldChange]]


@dataclass(frozen=True)
class TranscriptSummary:
    id: int
    filename: str
    title: str
    master: str
    held_on: date | None
    encoding: str
    turns: int
    rules: int


@dataclass(frozen=True)
class CueView:
    """A cue variable of the vocabulary, with the ways the masters said it."""

    id: int
    name: str
    kind: str
    unit: str | None
    values: list[str]
    aliases: list[str]
    status: str
    decided_by: str | None
    phrases: list[str]
    masters: list[str]
    rules: list[int]


@dataclass(frozen=True)
class SearchResult:
    """A rule a plain-words question found, and how: its score by meaning and by words."""

    view: RuleView
    hit: Hit


@dataclass(frozen=True)
class ImportResult:
    transcript_id: int
    turns: int
    encoding: str
    rule_ids: list[int]
    redactions: dict[str, int] = field(default_factory=dict)


def _comparable(v: VersionView) -> dict[str, Any]:
    return {"status": v.status, **v.rule.model_dump(mode="json", exclude={"evidence"})}


def _index(row: RuleRow, rule: Rule) -> None:
    """Copy what search and filters look at from the rule's current version onto its row."""
    row.summary = rule.search_text()
    row.domain = rule.domain
    row.process_step = rule.process_step


_STOP = frozenset(
    [
        "if",
        "then",
        "and",
        "or",
        "the",
        "a",
        "an",
        "it",
        "is",
        "are",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "when",
        "i",
        "we",
        "you",
        "do",
    ]
)


def _words(text: str) -> set[str]:
    return {w for w in "".join(ch.lower() if ch.isalnum() else " " for ch in text).split() if w not in _STOP}


def _like(term: str) -> str:
    """A LIKE pattern that finds `term` literally (its % and _ escaped with backslash)."""
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _hash(password: str) -> str:
    from argon2 import PasswordHasher

    return PasswordHasher().hash(password)


class KnowledgeBase:
    """The knowledge base at a database URL (SQLite by default, PostgreSQL by URL)."""

    def __init__(
        self,
        url: str | None = None,
        *,
        migrate: bool = True,
        user: str | None = None,
        encoder: Encoder | None = None,
        multilingual: Encoder | None = None,
    ) -> None:
        self.url = url or database.default_url()
        self.encoder = encoder  # a sentence encoder turns on the semantic layer (elicitation.embeddings)
        # a second, multilingual encoder (with a `scale` onto the first's cosines) ranks any pair of
        # question and rule in which Korean is spoken; English with English stays with `encoder`
        self.multilingual = multilingual
        self._semantic = IndexCache()
        self.engine = database.make_engine(self.url)
        if migrate:
            database.upgrade(self.engine)
        self.user = user
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writes = sessionmaker(self.engine.execution_options(sqlite_immediate=True), expire_on_commit=False)
        self._engine_lock = threading.Lock()
        self._compiled: dict[tuple[Any, ...], Engine] = {}

    def as_user(self, username: str) -> KnowledgeBase:
        """The same knowledge base (same connections and caches), acting as another user."""
        other = copy.copy(self)
        other.user = username
        return other

    @contextmanager
    def _unit(self, *, write: bool = False) -> Iterator[Session]:
        """One unit of work; a refusal inside it is audited after the rollback."""
        try:
            with (self._writes if write else self._sessions).begin() as session:
                yield session
        except PermissionDenied as exc:
            if not exc.audited:
                exc.audited = True
                with self._writes.begin() as s:
                    self._audit(
                        s, exc.actor, "denied", exc.entity or "-", exc.entity_id, action=exc.action, reason=str(exc)
                    )
            raise

    def _actor(self, s: Session, name: str | None = None, *, action: str = "use") -> Actor:
        """The signed-in user as an `Actor`; no user or an unknown one is refused."""
        name = name or self.user
        if not name:
            raise PermissionDenied(
                "no user given: act as a user (myeongjang --as USER, or MYEONGJANG_USER)", actor="-", action=action
            )
        user = s.scalar(select(User).where(User.username == name))
        if user is None:
            raise PermissionDenied("unknown user {name!r}", name=name, actor=name, action=action)
        delegated = frozenset(
            s.scalars(
                select(Delegation.master_id).where(Delegation.user_id == user.id, Delegation.revoked_at.is_(None))
            )
        )
        return Actor(user.username, user.role, user.organisation, user.master_id, delegated)

    def _require(
        self, s: Session, action: str, name: str | None = None, *, entity: str = "", entity_id: int | None = None
    ) -> Actor:
        actor = self._actor(s, name, action=action)
        if not actor.may(action):
            raise PermissionDenied(
                "{username} ({role}) may not {doing}",
                username=actor.username,
                role=actor.role,
                doing=action.replace("_", " "),
                actor=actor.username,
                action=action,
                entity=entity,
                entity_id=entity_id,
            )
        return actor

    def has_users(self) -> bool:
        with self._unit() as s:
            return bool(s.scalar(select(func.count()).select_from(User)))

    def whoami(self) -> Actor:
        with self._unit() as s:
            return self._actor(s)

    @staticmethod
    def _audit(s: Session, actor: str, verb: str, entity: str, entity_id: int | None, **detail: Any) -> None:
        s.add(AuditEvent(actor=actor, action=verb, entity=entity, entity_id=entity_id, detail=detail))

    # --- people ---------------------------------------------------------------------------

    def add_user(
        self,
        username: str,
        role: str,
        *,
        display_name: str | None = None,
        organisation: str | None = None,
        password: str | None = None,
        master: str | None = None,
        actor: str | None = None,
    ) -> int:
        """Create an account. The very first account must be an admin and needs no actor;
        after that only an admin adds users. A `master` account is linked to that master."""
        if role not in ROLES:
            raise KnowledgeBaseError("unknown role {role!r}; choose one of {roles}", role=role, roles=", ".join(ROLES))
        if not username.strip():
            raise KnowledgeBaseError("a user needs a username")
        if role == "master" and not master:
            raise KnowledgeBaseError("a master's account needs the master it belongs to (--master NAME)")
        with self._unit(write=True) as s:
            first = s.scalar(select(func.count()).select_from(User)) == 0
            if first:
                if role != "admin":
                    raise KnowledgeBaseError("the first account must be an admin")
                by = actor or username
            else:
                by = self._require(s, "manage_users", actor, entity="user").username
            if s.scalar(select(User).where(User.username == username)):
                raise KnowledgeBaseError("user {username!r} already exists", username=username)
            master_id = None
            if master:
                linked = s.scalar(select(Master).where(Master.name == master))
                if linked is None:
                    raise NotFound("no master named {master!r}; register the master first", master=master)
                master_id = linked.id
            user = User(
                username=username,
                role=role,
                display_name=display_name or username,
                organisation=organisation,
                password_hash=_hash(password) if password else None,
                master_id=master_id,
            )
            s.add(user)
            s.flush()
            self._audit(s, by, "add", "user", user.id, username=username, role=role, master=master)
            return user.id

    def set_password(self, username: str, password: str, *, actor: str | None = None) -> None:
        """Users change their own password; an admin may set anyone's."""
        if len(password) < 8:
            raise KnowledgeBaseError("a password needs at least 8 characters")
        with self._unit(write=True) as s:
            who = self._actor(s, actor, action="passwd")
            if who.username != username and who.role != "admin":
                raise PermissionDenied(
                    "{username} ({role}) may not change another user's password",
                    username=who.username,
                    role=who.role,
                    actor=who.username,
                    action="passwd",
                    entity="user",
                )
            user = s.scalar(select(User).where(User.username == username))
            if user is None:
                raise NotFound("no user named {username!r}", username=username)
            user.password_hash = _hash(password)
            self._audit(s, who.username, "passwd", "user", user.id, username=username)

    def verify_password(self, username: str, password: str) -> bool:
        """Sign-in check against the stored argon2 hash; a failure is audited."""
        from argon2 import PasswordHasher
        from argon2.exceptions import VerificationError

        with self._unit() as s:
            user = s.scalar(select(User).where(User.username == username))
            stored = user.password_hash if user is not None else None
        ok = False
        if stored:
            try:
                ok = PasswordHasher().verify(stored, password)
            except VerificationError:
                ok = False
        if not ok:
            with self._unit(write=True) as s:
                self._audit(s, username, "sign_in_failed", "user", user.id if user else None)
        return ok

    def list_users(self, *, actor: str | None = None) -> list[dict[str, Any]]:
        with self._unit() as s:
            self._require(s, "manage_users", actor, entity="user")
            names = {m.id: m.name for m in s.scalars(select(Master))}
            return [
                {
                    "username": u.username,
                    "display_name": u.display_name,
                    "role": u.role,
                    "organisation": u.organisation,
                    "master": names.get(u.master_id) if u.master_id else None,
                }
                for u in s.scalars(select(User).order_by(User.username))
            ]

    def delegate(self, username: str, master: str, *, actor: str | None = None) -> None:
        """An admin lets `username` review `master`'s rules on his behalf."""
        with self._unit(write=True) as s:
            by = self._require(s, "delegate", actor, entity="user").username
            user = s.scalar(select(User).where(User.username == username))
            target = s.scalar(select(Master).where(Master.name == master))
            if user is None or target is None:
                raise (
                    NotFound("no user {username!r}", username=username)
                    if user is None
                    else NotFound("no master named {master!r}", master=master)
                )
            s.add(Delegation(user_id=user.id, master_id=target.id, granted_by=by))
            self._audit(s, by, "delegate", "user", user.id, master=master)

    def register_master(
        self,
        name: str,
        *,
        craft: str | None = None,
        organisation: str | None = None,
        actor: str | None = None,
    ) -> int:
        name = name.strip()
        if not name:
            raise KnowledgeBaseError("a master needs a name")
        with self._unit(write=True) as s:
            by = self._require(s, "register_master", actor, entity="master").username
            existing = s.scalar(select(Master).where(Master.name == name))
            if existing is not None:
                return existing.id
            master = Master(name=name, craft=craft, organisation=organisation)
            s.add(master)
            s.flush()
            self._audit(s, by, "register", "master", master.id, name=name, craft=craft)
            return master.id

    def record_consent(
        self,
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
        with self._unit(write=True) as s:
            by = self._require(s, "record_consent", actor, entity="master", entity_id=master_id).username
            master = s.get(Master, master_id)
            if master is None:
                raise NotFound("no master with id {master_id}", master_id=master_id)
            for scope in scopes:
                s.add(Consent(master_id=master_id, scope=scope, given_on=given_on or date.today(), recorded_by=by))
            self._audit(s, by, "consent", "master", master_id, scopes=list(scopes))

    def withdraw_consent(self, master_id: int, *, actor: str | None = None) -> None:
        """The master (or an interviewer or admin for him) withdraws all consent; his rules leave
        guidance and exports at once, and the audit keeps the trail."""
        with self._unit(write=True) as s:
            who = self._require(s, "withdraw_consent", actor, entity="master", entity_id=master_id)
            if who.role == "master" and not who.speaks_for(master_id):
                raise PermissionDenied(
                    "{username} (master) may withdraw only his own consent",
                    username=who.username,
                    actor=who.username,
                    action="withdraw_consent",
                    entity="master",
                    entity_id=master_id,
                )
            rows = s.scalars(
                select(Consent).where(Consent.master_id == master_id, Consent.withdrawn_at.is_(None))
            ).all()
            if not rows:
                raise NotFound("master {master_id} has no consent on record to withdraw", master_id=master_id)
            now = datetime.now().astimezone()
            for row in rows:
                row.withdrawn_at = now
            self._audit(s, who.username, "withdraw_consent", "master", master_id, scopes=[r.scope for r in rows])
        self._compiled.clear()

    def masters(self) -> list[MasterView]:
        """The masters and the consent in force; any signed-in user may read this."""
        with self._unit() as s:
            self._actor(s, action="read")
            out = []
            for m in s.scalars(select(Master).options(selectinload(Master.consents)).order_by(Master.name)):
                scopes = sorted({c.scope for c in m.consents if c.withdrawn_at is None})
                out.append(MasterView(m.id, m.name, m.craft, m.organisation, scopes))
            return out

    def master_by_name(self, name: str) -> MasterView:
        for m in self.masters():
            if m.name == name:
                return m
        raise NotFound("no master named {name!r}; register the master first", name=name)

    # --- transcripts and extraction ---------------------------------------------------------

    def import_transcript(
        self,
        master_id: int,
        transcript: Any,
        raw: bytes,
        extract: Callable[[Any], Sequence[Rule]],
        *,
        actor: str | None = None,
        title: str | None = None,
        held_on: date | None = None,
        confidential: bool = False,
        redaction: RedactionPolicy | None = None,
    ) -> ImportResult:
        """Redact, extract and store a parsed transcript with its turns and proposed rules.

        Refused without the master's consent on record, and for a file already imported. PII is
        replaced by typed placeholders before extraction, so neither the turns nor the rules
        ever hold it. Rules without a domain take the master's craft as theirs. All or nothing: a
        failure (or a killed process) leaves the knowledge base as it was.
        """
        digest = hashlib.sha256(raw).hexdigest()
        with self._unit() as s:
            who = self._require(s, "import", actor, entity="master", entity_id=master_id)
            master_name = self._check_importable(s, master_id, digest, transcript.name)
        redactor = Redactor(redaction, keep_names=(master_name, *transcript.speakers))
        turns = [replace(t, text=redactor.redact(t.text, t.index)) for t in transcript.turns]
        clean = replace(transcript, turns=turns)
        rules = list(extract(clean))
        report = redactor.report.as_dict()
        with self._unit(write=True) as s:
            self._check_importable(s, master_id, digest, transcript.name)
            sess = InterviewSession(
                master_id=master_id, interviewer=who.username, held_on=held_on, title=title or transcript.name
            )
            s.add(sess)
            s.flush()
            row = TranscriptRow(
                session_id=sess.id,
                filename=transcript.name,
                format=transcript.format,
                encoding=transcript.encoding,
                sha256=digest,
                redactions=report,
            )
            s.add(row)
            s.flush()
            turn_rows = [
                TurnRow(
                    transcript_id=row.id,
                    index=t.index,
                    speaker=t.speaker,
                    is_interviewer=t.is_interviewer,
                    text=t.text,
                    start_time=t.start_time,
                    end_time=t.end_time,
                )
                for t in turns
            ]
            s.add_all(turn_rows)
            s.flush()
            turn_ids = {t.index: t.id for t in turn_rows}
            craft = (s.get_one(Master, master_id).craft or "").strip().lower() or None
            rules = [r if r.domain or not craft else r.model_copy(update={"domain": craft}) for r in rules]
            rules, mapped = self._canonical(s, rules)
            rule_ids = [
                self._add_rule(s, master_id, row.id, rule, turn_ids, confidential=confidential) for rule in rules
            ]
            self._audit(
                s,
                who.username,
                "import",
                "transcript",
                row.id,
                filename=transcript.name,
                turns=len(turns),
                rules=len(rule_ids),
                encoding=transcript.encoding,
                redactions=report["counts"],
                vocabulary=mapped,
            )
            return ImportResult(row.id, len(turns), transcript.encoding, rule_ids, dict(report["counts"]))

    def _check_importable(self, s: Session, master_id: int, digest: str, name: str) -> str:
        master = s.get(Master, master_id)
        if master is None:
            raise NotFound("no master with id {master_id}", master_id=master_id)
        if not any(c.withdrawn_at is None for c in master.consents):
            raise ConsentRequired(
                "no consent on record for {name}; record consent before importing an interview", name=master.name
            )
        dup = s.scalar(select(TranscriptRow).where(TranscriptRow.sha256 == digest))
        if dup is not None:
            raise DuplicateImport(
                "{name}: already imported as transcript {transcript_id}", name=name, transcript_id=dup.id
            )
        return master.name

    def _add_rule(
        self,
        s: Session,
        master_id: int,
        transcript_id: int | None,
        rule: Rule,
        turn_ids: dict[int, int],
        *,
        confidential: bool = False,
    ) -> int:
        row = RuleRow(
            master_id=master_id,
            transcript_id=transcript_id,
            status="proposed",
            current_version=1,
            confidence=rule.confidence,
            confidential=confidential,
        )
        _index(row, rule)
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

    def _view(self, s: Session, row: RuleRow, number: int | None = None) -> RuleView:
        return self._views(s, [row], {row.id: number} if number else None)[0]

    def _views(self, s: Session, rows: Sequence[RuleRow], numbers: Mapping[int, int] | None = None) -> list[RuleView]:
        """Views of these rules at their current versions (or the given ones), in three queries."""
        if not rows:
            return []
        wanted = {r.id: (numbers or {}).get(r.id) or r.current_version for r in rows}
        # rule_id IN (...) uses the (rule_id, number) index on both engines; a row-value IN does not on SQLite
        versions = {
            v.rule_id: v
            for v in s.scalars(select(RuleVersion).where(RuleVersion.rule_id.in_(list(wanted))))
            if v.number == wanted[v.rule_id]
        }
        evidence: dict[int, list[EvidenceView]] = {}
        for e in s.scalars(
            select(RuleEvidence)
            .where(RuleEvidence.rule_id.in_(list(wanted)))
            .options(joinedload(RuleEvidence.turn))
            .order_by(RuleEvidence.id)
        ):
            turn = TurnView(e.turn.id, e.turn.index, e.turn.speaker, e.turn.text, e.turn.is_interviewer)
            evidence.setdefault(e.rule_id, []).append(EvidenceView(turn, e.start, e.end))
        out = []
        for row in rows:
            version = versions[row.id]
            out.append(
                RuleView(
                    row.id,
                    wanted[row.id],
                    version.status,
                    row.master.name,
                    Rule.model_validate(version.body),
                    evidence.get(row.id, []),
                    row.transcript_id,
                    row.confidential,
                )
            )
        return out

    @staticmethod
    def _visible(actor: Actor, *, by_status: bool = True) -> list[Any]:
        """SQL filters for the rules an actor may read (a release's rules were confirmed when
        it was made, so `by_status=False` there)."""
        where: list[Any] = []
        if actor.role == "sme" and by_status:
            where.append(RuleRow.status == "confirmed")
        if actor.role != "admin":  # admins see confidential rules; others only their organisation's
            own = Master.organisation == actor.organisation if actor.organisation else false()
            where.append(or_(RuleRow.confidential.is_(False), own))
        return where

    def _readable(self, s: Session, rule_id: int, actor: Actor) -> RuleRow:
        row = s.get(RuleRow, rule_id)
        if row is None:
            raise NotFound("no rule with id {rule_id}", rule_id=rule_id)
        if not actor.can_see(status=row.status, confidential=row.confidential, organisation=row.master.organisation):
            hidden_status = actor.role == "sme" and row.status != "confirmed"
            why = (
                Message("is {status}, not confirmed", status=row.status)
                if hidden_status
                else Message("is confidential to its organisation")
            )
            raise PermissionDenied(
                "{username} ({role}) may not read rule {rule_id}: it {why}",
                username=actor.username,
                role=actor.role,
                rule_id=rule_id,
                why=why,
                actor=actor.username,
                action="read",
                entity="rule",
                entity_id=rule_id,
            )
        return row

    def _filters(
        self,
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
        where = self._visible(who, by_status=release is None)
        frozen: dict[int, int] = {}
        if release:
            frozen = self._release_versions(s, release)
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
        self,
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
        with self._unit() as s:
            who = self._actor(s, actor, action="read")
            where, frozen = self._filters(
                s, who, status=status, master=master, domain=domain, search=search, release=release
            )
            q = select(RuleRow).join(Master).options(selectinload(RuleRow.master)).where(*where)
            q = q.order_by(RuleRow.confidence.desc(), RuleRow.id).offset(offset)
            if limit is not None:
                q = q.limit(limit)
            return self._views(s, s.scalars(q).all(), frozen)

    def count_rules(
        self,
        *,
        master: str | None = None,
        domain: str | None = None,
        search: str | None = None,
        release: str | None = None,
        actor: str | None = None,
    ) -> dict[str, int]:
        """How many rules the user may read per status, with the same filters as `list_rules`."""
        with self._unit() as s:
            who = self._actor(s, actor, action="read")
            where, _ = self._filters(s, who, status=None, master=master, domain=domain, search=search, release=release)
            q = select(RuleRow.status, func.count()).join(Master).where(*where).group_by(RuleRow.status)
            return {st: n for st, n in s.execute(q)}

    def domains(self) -> list[str]:
        """The domains rules are filed under (for filters)."""
        with self._unit() as s:
            self._actor(s, action="read")
            q = select(RuleRow.domain).where(RuleRow.domain.is_not(None)).distinct().order_by(RuleRow.domain)
            return [d for d in s.scalars(q) if d]

    def state_token(self) -> int:
        """Changes whenever anything is written (every write is audited): the last audit event's
        id. Pages key their caches of findings and graphs on it."""
        with self._unit() as s:
            return int(s.scalar(select(func.max(AuditEvent.id))) or 0)

    def get_rule(self, rule_id: int, *, actor: str | None = None) -> RuleView:
        with self._unit() as s:
            return self._view(s, self._readable(s, rule_id, self._actor(s, actor, action="read")))

    def history(self, rule_id: int, *, actor: str | None = None) -> list[VersionView]:
        """Every version of a rule, oldest first, each with its author, time, reason and the
        reviewer's comment."""
        with self._unit() as s:
            self._readable(s, rule_id, self._actor(s, actor, action="read"))
            return [
                VersionView(v.number, v.status, v.author, v.reason, v.created_at, Rule.model_validate(v.body))
                for v in s.scalars(
                    select(RuleVersion).where(RuleVersion.rule_id == rule_id).order_by(RuleVersion.number)
                )
            ]

    def diff(self, rule_id: int, a: int, b: int, *, actor: str | None = None) -> list[FieldChange]:
        """Field-level differences between two versions of a rule."""
        versions = {v.number: v for v in self.history(rule_id, actor=actor)}
        missing = [n for n in (a, b) if n not in versions]
        if missing:
            raise NotFound(
                "rule {rule_id} has no version {number} (it has 1 to {last})",
                rule_id=rule_id,
                number=missing[0],
                last=max(versions),
            )
        return field_diff(_comparable(versions[a]), _comparable(versions[b]))

    def audit(self, limit: int = 100, *, actor: str | None = None) -> list[dict[str, Any]]:
        with self._unit() as s:
            self._require(s, "audit", actor, entity="audit")
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
            raise NotFound("no rule with id {rule_id}", rule_id=rule_id)
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
        _index(row, body)
        return row

    def _reviewer(self, s: Session, rule_id: int, name: str | None, action: str) -> tuple[Actor, RuleRow]:
        """The acting user, who must be the rule's master, his delegate, or an admin."""
        who = self._require(s, "review", name, entity="rule", entity_id=rule_id)
        row = s.get(RuleRow, rule_id)
        if row is None:
            raise NotFound("no rule with id {rule_id}", rule_id=rule_id)
        if not who.speaks_for(row.master_id):
            raise PermissionDenied(
                "{username} ({role}) may not {action} rule {rule_id}: it comes from {name}'s interviews (an admin can delegate)",
                username=who.username,
                role=who.role,
                rule_id=rule_id,
                name=row.master.name,
                actor=who.username,
                action=action,
                entity="rule",
                entity_id=rule_id,
            )
        return who, row

    def _commit_guarded(self, rule_id: int, expected_version: int, work: Any) -> Any:
        try:
            with self._unit(write=True) as s:
                result = work(s)
        except StaleDataError:
            with self._unit() as s:
                row = s.get(RuleRow, rule_id)
                current = row.current_version if row is not None else expected_version
            raise StaleEdit(rule_id, expected_version, current) from None
        self._compiled.clear()
        return result

    def review(
        self,
        rule_id: int,
        decision: str,
        *,
        expected_version: int,
        comment: str | None = None,
        reviewer: str | None = None,
    ) -> RuleView:
        """Record a reviewer's decision as a new version with the new status."""
        try:
            target = ReviewStatus(decision).value
        except ValueError:
            raise InvalidTransition(
                "unknown decision {decision!r}; use one of {decisions}",
                decision=decision,
                decisions=", ".join(s.value for s in ReviewStatus),
            ) from None

        if target == "merged":
            raise InvalidTransition("a rule becomes merged only by merging it into another (merge_rules)")

        def work(s: Session) -> RuleView:
            who, row = self._reviewer(s, rule_id, reviewer, "review")
            if target not in TRANSITIONS[row.status]:
                raise InvalidTransition(
                    "rule {rule_id} is {status}; it cannot become {target}",
                    rule_id=rule_id,
                    status=row.status,
                    target=target,
                )
            current = self._view(s, row).rule
            row = self._new_version(
                s, rule_id, expected_version, current, target, who.username, comment or f"review: {target}"
            )
            s.add(
                Review(
                    rule_id=rule_id,
                    version_number=row.current_version,
                    decision=target,
                    reviewer=who.username,
                    comment=comment,
                )
            )
            self._audit(
                s,
                who.username,
                "review",
                "rule",
                rule_id,
                decision=target,
                version=row.current_version,
                comment=comment,
            )
            s.flush()
            return self._view(s, row)

        return self._commit_guarded(rule_id, expected_version, work)  # type: ignore[no-any-return]

    def edit_rule(
        self,
        rule_id: int,
        new: Rule | dict[str, Any],
        *,
        reason: str,
        expected_version: int,
        author: str | None = None,
    ) -> RuleView:
        """Save an edited rule as a new version (status unchanged); invalid data is refused."""
        if not reason.strip():
            raise InvalidEdit("an edit needs a reason")
        rule = self._validated(new)

        def work(s: Session) -> RuleView:
            who, row = self._reviewer(s, rule_id, author, "edit")
            if row.status == "retired":
                raise InvalidTransition("rule {rule_id} is retired; it can no longer be edited", rule_id=rule_id)
            old = self._view(s, row).rule
            kept = rule.model_copy(update={"evidence": rule.evidence or old.evidence})
            row = self._new_version(s, rule_id, expected_version, kept, row.status, who.username, reason)
            self._audit(s, who.username, "edit", "rule", rule_id, version=row.current_version, reason=reason)
            s.flush()
            return self._view(s, row)

        return self._commit_guarded(rule_id, expected_version, work)  # type: ignore[no-any-return]

    def restore_version(
        self, rule_id: int, number: int, *, reason: str, expected_version: int, author: str | None = None
    ) -> RuleView:
        """Bring back an old version's content as a new version; the history keeps both."""

        def work(s: Session) -> RuleView:
            who, row = self._reviewer(s, rule_id, author, "restore")
            if row.status == "retired":
                raise InvalidTransition("rule {rule_id} is retired; it can no longer be edited", rule_id=rule_id)
            old = s.scalar(select(RuleVersion).where(RuleVersion.rule_id == rule_id, RuleVersion.number == number))
            if old is None:
                raise NotFound("rule {rule_id} has no version {number}", rule_id=rule_id, number=number)
            why = f"restored version {number}: {reason}" if reason.strip() else f"restored version {number}"
            body = Rule.model_validate(old.body)
            row = self._new_version(s, rule_id, expected_version, body, row.status, who.username, why)
            self._audit(s, who.username, "restore", "rule", rule_id, version=row.current_version, restored=number)
            s.flush()
            return self._view(s, row)

        return self._commit_guarded(rule_id, expected_version, work)  # type: ignore[no-any-return]

    def split_rule(
        self,
        rule_id: int,
        parts: Sequence[Rule | dict[str, Any]],
        *,
        reason: str,
        expected_version: int,
        author: str | None = None,
    ) -> list[RuleView]:
        """Split a rule the extractor ran together into several: the first part becomes the
        rule's next version, each other part a new proposed rule citing the same words."""
        if len(parts) < 2:
            raise InvalidEdit("a split needs at least two parts")
        if not reason.strip():
            raise InvalidEdit("a split needs a reason")
        bodies = [self._validated(p) for p in parts]

        def work(s: Session) -> list[RuleView]:
            who, row = self._reviewer(s, rule_id, author, "split")
            if row.status not in MERGEABLE:
                raise InvalidTransition(
                    "rule {rule_id} is {status}; only a live rule can be split", rule_id=rule_id, status=row.status
                )
            old = self._view(s, row).rule
            first = bodies[0].model_copy(update={"evidence": bodies[0].evidence or old.evidence})
            row = self._new_version(s, rule_id, expected_version, first, row.status, who.username, reason)
            evidence = s.scalars(select(RuleEvidence).where(RuleEvidence.rule_id == rule_id)).all()
            out = [row]
            for body in bodies[1:]:
                body = body.model_copy(update={"evidence": body.evidence or old.evidence})
                new = RuleRow(
                    master_id=row.master_id,
                    transcript_id=row.transcript_id,
                    status="proposed",
                    current_version=1,
                    confidence=body.confidence,
                    confidential=row.confidential,
                )
                _index(new, body)
                s.add(new)
                s.flush()
                s.add(
                    RuleVersion(
                        rule_id=new.id,
                        number=1,
                        body=body.model_dump(mode="json"),
                        status="proposed",
                        author=who.username,
                        reason=f"split from rule {rule_id}: {reason}",
                    )
                )
                s.add_all(RuleEvidence(rule_id=new.id, turn_id=e.turn_id, start=e.start, end=e.end) for e in evidence)
                out.append(new)
            s.flush()
            self._audit(s, who.username, "split", "rule", rule_id, into=[r.id for r in out[1:]], reason=reason)
            return [self._view(s, r) for r in out]

        return self._commit_guarded(rule_id, expected_version, work)  # type: ignore[no-any-return]

    def merge_rules(
        self,
        keep: int,
        other: int,
        *,
        reason: str,
        expected_versions: tuple[int, int],
        body: Rule | dict[str, Any] | None = None,
        author: str | None = None,
    ) -> RuleView:
        """Fold rule `other` into rule `keep`: `keep` gets a new version (its own body, or the
        one given) and cites `other`'s words too; `other` becomes `merged`, its history kept.
        The reviewer must speak for both rules' masters."""
        if keep == other:
            raise InvalidEdit("a rule cannot be merged with itself")
        if not reason.strip():
            raise InvalidEdit("a merge needs a reason")
        merged_body = self._validated(body) if body is not None else None

        def work(s: Session) -> RuleView:
            who, kept_row = self._reviewer(s, keep, author, "merge")
            _, other_row = self._reviewer(s, other, author, "merge")
            for r in (kept_row, other_row):
                if r.status not in MERGEABLE:
                    raise InvalidTransition(
                        "rule {rule_id} is {status}; only live rules can be merged", rule_id=r.id, status=r.status
                    )
            current = merged_body or self._view(s, kept_row).rule
            old_other = self._view(s, other_row).rule
            joined = current.model_copy(update={"evidence": [*current.evidence, *old_other.evidence]})
            why = f"merged rule {other} into this one: {reason}"
            kept_row = self._new_version(s, keep, expected_versions[0], joined, kept_row.status, who.username, why)
            self._new_version(
                s, other, expected_versions[1], old_other, "merged", who.username, f"merged into rule {keep}: {reason}"
            )
            have = {
                (e.turn_id, e.start, e.end) for e in s.scalars(select(RuleEvidence).where(RuleEvidence.rule_id == keep))
            }
            for e in s.scalars(select(RuleEvidence).where(RuleEvidence.rule_id == other)).all():
                if (e.turn_id, e.start, e.end) not in have:
                    s.add(RuleEvidence(rule_id=keep, turn_id=e.turn_id, start=e.start, end=e.end))
            self._audit(s, who.username, "merge", "rule", keep, merged=other, reason=reason)
            s.flush()
            return self._view(s, kept_row)

        return self._commit_guarded(keep, expected_versions[0], work)  # type: ignore[no-any-return]

    @staticmethod
    def _validated(new: Rule | dict[str, Any]) -> Rule:
        try:
            return new if isinstance(new, Rule) else Rule.model_validate(new)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise InvalidEdit(
                "invalid rule edit at {where}: {problem}", where=where or "rule", problem=Cause(exc, first["msg"])
            ) from None

    def similar_rules(self, rule_id: int, *, limit: int = 5, actor: str | None = None) -> list[tuple[RuleView, float]]:
        """Live rules that say much the same, best first: the candidates for a merge. By the cosine
        of their sentence vectors (at least 0.6) where the semantic layer is on, else by shared
        words (Jaccard, at least 0.15)."""
        if self.encoder is not None:
            return self._similar_by_meaning(rule_id, limit, actor)
        with self._unit() as s:
            who = self._actor(s, actor, action="read")
            row = self._readable(s, rule_id, who)
            words = _words(row.summary)
            q = (
                select(RuleRow.id, RuleRow.summary)
                .join(Master)
                .where(RuleRow.status.in_(MERGEABLE), RuleRow.id != rule_id, *self._visible(who))
            )
            scored = []
            for other_id, summary in s.execute(q):
                theirs = _words(summary)
                union = len(words | theirs)
                score = len(words & theirs) / union if union else 0.0
                if score >= 0.15:
                    scored.append((score, other_id))
            scored.sort(key=lambda t: (-t[0], t[1]))
            return [(self._view(s, s.get_one(RuleRow, i)), round(sc, 3)) for sc, i in scored[:limit]]

    def _similar_by_meaning(self, rule_id: int, limit: int, actor: str | None) -> list[tuple[RuleView, float]]:
        """By the cosine of the rules' own texts (craft and rule, without the turns around them,
        which a rule shares with the others said in the same breath)."""
        with self._unit() as s:
            who = self._actor(s, actor, action="read")
            self._readable(s, rule_id, who)
            where = [*self._searchable(s, who, MERGEABLE, guidance=False), RuleRow.id != rule_id]
            others = list(s.scalars(select(RuleRow.id).join(Master).where(*where).order_by(RuleRow.id)))
        if not others:
            return []
        vectors = self.rule_vectors([rule_id, *others])
        cos = np.round(vectors[1:] @ vectors[0], 5)
        order = sorted(range(len(others)), key=lambda i: (-float(cos[i]), others[i]))[:limit]
        near = [(others[i], float(cos[i])) for i in order if cos[i] >= SIMILAR_COSINE]
        with self._unit() as s:
            rows = {r.id: r for r in s.scalars(select(RuleRow).where(RuleRow.id.in_([i for i, _ in near])))}
            views = self._views(s, [rows[i] for i, _ in near])
        return [(v, round(c, 3)) for v, (_, c) in zip(views, near, strict=True)]

    def set_confidential(self, rule_id: int, confidential: bool, *, actor: str | None = None) -> None:
        """Mark a rule confidential to its master's organisation (or share it again); admins only."""
        with self._unit(write=True) as s:
            who = self._require(s, "classify", actor, entity="rule", entity_id=rule_id)
            row = s.get(RuleRow, rule_id)
            if row is None:
                raise NotFound("no rule with id {rule_id}", rule_id=rule_id)
            row.confidential = confidential
            self._audit(s, who.username, "classify", "rule", rule_id, confidential=confidential)
        self._compiled.clear()

    def transcripts(self, *, actor: str | None = None) -> list[TranscriptSummary]:
        """The imported interviews, newest first, for those who import them."""
        with self._unit() as s:
            self._require(s, "import", actor, entity="transcript")
            turns = dict(s.execute(select(TurnRow.transcript_id, func.count()).group_by(TurnRow.transcript_id)).all())
            rules = dict(s.execute(select(RuleRow.transcript_id, func.count()).group_by(RuleRow.transcript_id)).all())
            q = (
                select(TranscriptRow, InterviewSession, Master)
                .join(InterviewSession, TranscriptRow.session_id == InterviewSession.id)
                .join(Master, InterviewSession.master_id == Master.id)
                .order_by(TranscriptRow.id.desc())
            )
            return [
                TranscriptSummary(
                    t.id,
                    t.filename,
                    sess.title,
                    m.name,
                    sess.held_on,
                    t.encoding,
                    turns.get(t.id, 0),
                    rules.get(t.id, 0),
                )
                for t, sess, m in s.execute(q)
            ]

    def transcript(self, transcript_id: int, *, actor: str | None = None) -> tuple[list[TurnView], list[RuleView]]:
        """One interview's turns and the rules it yielded that the user may read (merged ones left out)."""
        with self._unit() as s:
            who = self._require(s, "import", actor, entity="transcript", entity_id=transcript_id)
            if s.get(TranscriptRow, transcript_id) is None:
                raise NotFound("no transcript with id {transcript_id}", transcript_id=transcript_id)
            turns = [
                TurnView(t.id, t.index, t.speaker, t.text, t.is_interviewer)
                for t in s.scalars(
                    select(TurnRow).where(TurnRow.transcript_id == transcript_id).order_by(TurnRow.index)
                )
            ]
            q = (
                select(RuleRow)
                .join(Master)
                .where(RuleRow.transcript_id == transcript_id, RuleRow.status != "merged", *self._visible(who))
                .order_by(RuleRow.confidence.desc(), RuleRow.id)
            )
            return turns, [self._view(s, r) for r in s.scalars(q)]

    # --- releases -------------------------------------------------------------------------

    def create_release(self, name: str, *, note: str | None = None, actor: str | None = None) -> ReleaseView:
        """Freeze the confirmed rules (at their current versions) under a name; immutable."""
        name = name.strip()
        if not name:
            raise KnowledgeBaseError("a release needs a name")
        with self._unit(write=True) as s:
            who = self._require(s, "release", actor, entity="release")
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
            self._audit(s, who.username, "release", "release", release.id, name=name, rules=len(rows))
            return ReleaseView(release.id, name, note, who.username, release.created_at, len(rows))

    def releases(self) -> list[ReleaseView]:
        with self._unit() as s:
            q = select(ReleaseRule.release_id, func.count()).group_by(ReleaseRule.release_id)
            counts: dict[int, int] = {release_id: n for release_id, n in s.execute(q)}
            return [
                ReleaseView(r.id, r.name, r.note, r.created_by, r.created_at, counts.get(r.id, 0))
                for r in s.scalars(select(Release).order_by(Release.id))
            ]

    def _release_versions(self, s: Session, name: str) -> dict[int, int]:
        release = s.scalar(select(Release).where(Release.name == name))
        if release is None:
            raise NotFound("no release named {name!r}", name=name)
        q = select(ReleaseRule.rule_id, ReleaseRule.version_number).where(ReleaseRule.release_id == release.id)
        return {rule_id: number for rule_id, number in s.execute(q)}

    def release_diff(self, old: str, new: str, *, actor: str | None = None) -> ReleaseDiff:
        """Rules added, removed and changed (field by field) from release `old` to `new`."""
        with self._unit() as s:
            who = self._actor(s, actor, action="read")
            a, b = self._release_versions(s, old), self._release_versions(s, new)
            changed: dict[int, list[FieldChange]] = {}
            for rule_id in sorted(set(a) & set(b)):
                if a[rule_id] != b[rule_id]:
                    row = s.get(RuleRow, rule_id)
                    assert row is not None
                    if not who.can_see(
                        status="confirmed", confidential=row.confidential, organisation=row.master.organisation
                    ):
                        continue
                    before, after = self._view(s, row, a[rule_id]), self._view(s, row, b[rule_id])
                    changed[rule_id] = field_diff(
                        before.rule.model_dump(mode="json", exclude={"evidence"}),
                        after.rule.model_dump(mode="json", exclude={"evidence"}),
                    )
            return ReleaseDiff(sorted(set(b) - set(a)), sorted(set(a) - set(b)), changed)

    # --- export, import, backup, restore ---------------------------------------------------

    @staticmethod
    def _schema(s: Session) -> str | None:
        return s.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def export(self, *, actor: str | None = None) -> dict[str, Any]:
        """Everything the user may share, as one JSON document: rules with all versions, reviews,
        evidence, consent and attribution. Masters whose consent is withdrawn leave their rules
        and transcripts behind, as do confidential rules of other organisations."""
        with self._unit(write=True) as s:
            who = self._require(s, "export", actor, entity="export")
            hidden, withdrawn = self._withheld(s, who)
            self._audit(s, who.username, "export", "knowledge_base", None, withheld_rules=len(hidden))
            s.flush()
            return archive.dump(s, kind="export", schema=self._schema(s), drop_rules=hidden, drop_masters=withdrawn)

    def _withheld(self, s: Session, who: Actor) -> tuple[set[int], set[int]]:
        """Rules that may not leave with this user, and the masters whose consent is withdrawn."""
        live = set(s.scalars(select(Consent.master_id).where(Consent.withdrawn_at.is_(None))))
        withdrawn = set(s.scalars(select(Master.id))) - live
        # Confidential rules leave only with someone of their own organisation, admins included.
        elsewhere = Master.organisation.is_(None) | (Master.organisation != (who.organisation or ""))
        hidden = set(
            s.scalars(
                select(RuleRow.id)
                .join(Master)
                .where(or_(RuleRow.master_id.in_(withdrawn), RuleRow.confidential.is_(True) & elsewhere))
            )
        )
        return hidden, withdrawn

    def decision_tables(self, fmt: str, *, release: str | None = None, actor: str | None = None) -> bytes:
        """The confirmed rules (or a release) as decision tables other engines run:
        `jdm` (GoRules JSON), `dmn` (DMN 1.3 XML) or `xlsx`. Same sharing limits as `export`."""
        compilers: dict[str, Callable[[Sequence[KnownRule]], bytes]] = {
            "jdm": lambda rules: json.dumps(exports.to_jdm(rules), ensure_ascii=False, indent=1).encode(),
            "dmn": exports.to_dmn,
            "xlsx": exports.to_xlsx,
        }
        if fmt not in compilers:
            raise InvalidEdit(
                "unknown decision-table format {fmt!r}; use one of {formats}", fmt=fmt, formats=", ".join(compilers)
            )
        with self._unit(write=True) as s:
            who = self._require(s, "export", actor, entity="export")
            hidden, _withdrawn = self._withheld(s, who)
            self._audit(s, who.username, "export", "decision_tables", None, format=fmt, release=release)
        rules = [k for k in self.guidance_rules(release=release, actor=who.username) if int(k.key) not in hidden]
        return compilers[fmt](rules)

    def backup(self, *, actor: str | None = None) -> dict[str, Any]:
        """The whole knowledge base, nothing left out (password hashes included): admins only."""
        with self._unit(write=True) as s:
            who = self._require(s, "manage_users", actor, entity="backup")
            self._audit(s, who.username, "backup", "knowledge_base", None)
            s.flush()
            return archive.dump(s, kind="backup", schema=self._schema(s))

    def restore(self, document: Any) -> dict[str, int]:
        """Load a backup or an export into this knowledge base, which must be empty; all or nothing."""
        with self._unit(write=True) as s:
            counts = archive.load(s, document)
        self._compiled.clear()
        return counts

    # --- the semantic layer -------------------------------------------------------------------

    def _need_encoder(self) -> Encoder:
        if self.encoder is None:
            raise KnowledgeBaseError(
                "the semantic layer needs a sentence encoder: KnowledgeBase(url, encoder=default_encoder())"
            )
        return self.encoder

    def semantic_backend(self) -> str:
        """Where vectors are searched: "pgvector" (in PostgreSQL), "in process", or "off"."""
        if self.encoder is None:
            return "off"
        return "pgvector" if self._rule_index()[1] else "in process"

    @staticmethod
    def _documents(s: Session, rule_ids: Sequence[int] | None = None) -> list[tuple[int, str]]:
        """(rule id, search document) of the live rules, or of the rules named: see
        `semantic.document` for what a document holds."""
        q = select(RuleRow.id, RuleRow.summary, RuleRow.domain).order_by(RuleRow.id)
        q = q.where(RuleRow.status.in_(MERGEABLE)) if rule_ids is None else q.where(RuleRow.id.in_(list(rule_ids)))
        rows = s.execute(q).all()
        said: dict[int, list[str]] = {}
        ev = (
            select(RuleEvidence.rule_id, TurnRow.text)
            .join(TurnRow, TurnRow.id == RuleEvidence.turn_id)
            .order_by(RuleEvidence.rule_id, TurnRow.index)
        )
        ev = (
            ev.join(RuleRow, RuleRow.id == RuleEvidence.rule_id).where(RuleRow.status.in_(MERGEABLE))
            if rule_ids is None
            else ev.where(RuleEvidence.rule_id.in_(list(rule_ids)))
        )
        for rule_id, turn_text in s.execute(ev):
            said.setdefault(rule_id, []).append(turn_text)
        return [(r.id, document(r.domain, r.summary, said.get(r.id, []))) for r in rows]

    def _rule_index(self, token: int | None = None) -> tuple[RuleIndex, bool]:
        """The live rules' search index for the state `token` (by default the current one), and
        whether PostgreSQL ranks the vectors. Rebuilt only after a write; unchanged documents keep
        their vectors."""
        encoder = self._need_encoder()
        token = self.state_token() if token is None else token
        cache = self._semantic
        with cache.lock:
            index = cache.index
            if cache.in_db is None:  # the schema changes only by migration, which runs on opening
                with self._unit() as s:
                    cache.in_db = has_rule_vectors(s)
                    cache.half = cache.in_db and half_index(s)
            in_db = cache.in_db
            if index is not None and index.token == token and (index.vectors is None) == in_db:
                return index, in_db
            with self._unit(write=True) as s:
                docs = self._documents(s)
                texts = [d for _, d in docs]
                vectors = None
                if in_db:
                    sync_rule_vectors(s, encoder, docs, half=cache.half)
                else:
                    known = index.by_hash() if index is not None else {}
                    missing = [t for t in texts if text_hash(t) not in known]
                    if missing:
                        fresh = cached_vectors(s, encoder, missing)
                        known.update(zip((text_hash(t) for t in missing), fresh, strict=True))
                    vectors = (
                        np.vstack([known[text_hash(t)] for t in texts])
                        if texts
                        else np.zeros((0, encoder.dim), dtype=np.float32)
                    )
            index = RuleIndex(token, [i for i, _ in docs], texts, vectors)
            cache.index = index
            cache.visible.clear()
            cache.actors.clear()
            return index, in_db

    def _searchable(self, s: Session, who: Actor, statuses: Sequence[str], *, guidance: bool) -> list[Any]:
        """SQL filters for the rules a search may return to this user: the statuses asked for,
        what the user may read, and for guidance only masters whose consent to it stands."""
        where = [RuleRow.status.in_(list(statuses)), *self._visible(who)]
        if guidance:
            consenting = select(Consent.master_id).where(
                Consent.withdrawn_at.is_(None), Consent.scope == "internal_guidance"
            )
            where.append(RuleRow.master_id.in_(consenting))
        return where

    def search(
        self,
        question: str,
        *,
        limit: int = 5,
        include_proposed: bool = False,
        guidance: bool = True,
        actor: str | None = None,
    ) -> list[SearchResult]:
        """The rules that best answer a question in plain words: the cosine of the question's
        sentence vector to each rule's, plus a little of BM25 over the rules' words (see
        `semantic`). For guidance (the default)
        only confirmed rules, or proposed ones too on request (never for an SME), of consenting
        masters; otherwise every live rule the user may read."""
        question = question.strip()
        if not question:
            raise InvalidEdit("the question is empty")
        if len(question) > 2000:
            raise InvalidEdit("the question is {length} characters long; ask in at most 2000", length=len(question))
        encoder = self._need_encoder()
        with self._unit() as s:
            token = int(s.scalar(select(func.max(AuditEvent.id))) or 0)
            index, in_db = self._rule_index(token)
            who = self._semantic.actors.get((actor or self.user, token)) or self._actor(s, actor, action="ask")
            self._semantic.actors[(who.username, token)] = who
            if guidance:
                statuses = ["confirmed", "proposed"] if include_proposed and who.role != "sme" else ["confirmed"]
            else:
                statuses = list(MERGEABLE)
            where = self._searchable(s, who, statuses, guidance=guidance)
            key = (who.username, index.token, (*statuses, "g" if guidance else "-"))
            allowed = self._semantic.visible.get(key)
            if allowed is None:
                allowed = index.allowed(s.scalars(select(RuleRow.id).join(Master).where(*where)))
                self._semantic.visible[key] = allowed
            lexical = index.lexical(question, allowed)
            crossing = self._crosslingual(s, index, question)
            if crossing is not None and language_of(question) == KOREAN:
                # a Korean question: the multilingual model ranks every rule, English or Korean
                cosines = dict(index.semantic(crossing, allowed))
                cosines.update(index.cosine_of(crossing, [rid for rid, _ in lexical if rid not in cosines]))
                floor = self._multilingual_floor()
                hits = [h for h in combine(lexical, cosines, limit) if h.lexical or h.cosine >= floor]
                return self._results(s, hits)
            query = encoder.encode([question])[0]
            if in_db:  # the database ranks by meaning, and scores the word matches it did not rank
                cosines = pg_semantic(
                    s,
                    encoder,
                    query,
                    where,
                    visible=int(allowed.sum()),
                    also=[rid for rid, _ in lexical],
                    half=self._semantic.half,
                )
            else:
                cosines = index.nearest(query, allowed, also=[rid for rid, _ in lexical])
            korean: frozenset[int] = frozenset()
            if crossing is not None:  # an English question, and rules said in Korean: those by the multilingual model
                korean = index.korean_ids
                cosines = {rid: c for rid, c in cosines.items() if rid not in korean}
                cosines.update(index.semantic(crossing, allowed & index.korean))
                cosines.update(index.cosine_of(crossing, [rid for rid, _ in lexical if rid in korean]))
            floor = self._multilingual_floor()
            hits = [
                h
                for h in combine(lexical, cosines, limit)
                if h.lexical or h.cosine >= (floor if h.rule_id in korean else MIN_COSINE)
            ]
            return self._results(s, hits)

    def _results(self, s: Session, hits: Sequence[Hit]) -> list[SearchResult]:
        rows = {
            r.id: r
            for r in s.scalars(
                select(RuleRow).options(joinedload(RuleRow.master)).where(RuleRow.id.in_([h.rule_id for h in hits]))
            )
        }
        views = self._views(s, [rows[h.rule_id] for h in hits])
        return [SearchResult(v, h) for v, h in zip(views, hits, strict=True)]

    def _multilingual_floor(self) -> float:
        """MIN_COSINE_MULTILINGUAL on the primary model's scale, where mapped cosines are compared."""
        a, b = getattr(self.multilingual, "scale", (0.0, 1.0))
        return round(a + b * MIN_COSINE_MULTILINGUAL, 5)

    def _crosslingual(self, s: Session, index: RuleIndex, question: str) -> Vectors | None:
        """The question's cosine to every rule of the index by the multilingual model, on the primary
        model's scale, where Korean is spoken on either side; None where English meets English only
        (or no multilingual model is set), which the primary model ranks alone, as before."""
        multilingual = self.multilingual
        if multilingual is None or not len(index.ids):
            return None
        if language_of(question) != KOREAN and not index.korean.any():
            return None
        with self._semantic.lock:
            if index.multi is None:
                with self._unit(write=True) as w:
                    docs = {
                        r.id: summary_document(r.domain, r.summary)
                        for r in w.execute(
                            select(RuleRow.id, RuleRow.summary, RuleRow.domain).where(
                                RuleRow.id.in_(index.ids.tolist())
                            )
                        )
                    }
                    index.multi = cached_vectors(w, multilingual, [docs[int(i)] for i in index.ids])
            multi = index.multi
        query = multilingual.encode([question])[0]
        with one_blas_thread():
            return to_primary(multi @ query.astype(np.float32), getattr(multilingual, "scale", (0.0, 1.0)))

    def search_turns(
        self, question: str, *, limit: int = 5, actor: str | None = None
    ) -> list[tuple[TurnView, str, float]]:
        """Where in the interviews the masters spoke of something, by meaning: their turns (not the
        interviewers') closest to the question, with the transcript's name and the cosine. For
        those who import interviews; finds what no rule was extracted from yet. Masters who
        withdrew consent are not searched."""
        question = question.strip()
        if not question:
            raise InvalidEdit("the question is empty")
        self._need_encoder()
        with self._unit(write=True) as s:
            self._require(s, "import", actor, entity="transcript")
            rows = s.execute(
                select(TurnRow, TranscriptRow.filename)
                .join(TranscriptRow, TranscriptRow.id == TurnRow.transcript_id)
                .join(InterviewSession, InterviewSession.id == TranscriptRow.session_id)
                .where(TurnRow.is_interviewer.is_(False), InterviewSession.master_id.in_(self._consenting()))
                .order_by(TurnRow.id)
            ).all()
            if not rows:
                return []
            cos, crossed = self._cosines(s, question, [t.text for t, _ in rows])
            floor = np.where(crossed, self._multilingual_floor(), MIN_COSINE)
            order = sorted(range(len(rows)), key=lambda i: (-float(cos[i]), rows[i][0].id))[:limit]
            return [
                (TurnView(t.id, t.index, t.speaker, t.text, t.is_interviewer), name, float(cos[i]))
                for i in order
                for t, name in [rows[i]]
                if cos[i] >= floor[i]
            ]

    def _cosines(self, s: Session, question: str, texts: Sequence[str]) -> tuple[Vectors, npt.NDArray[np.bool_]]:
        """The question's cosine to each text: by the primary model where English meets English,
        by the multilingual one (on the primary's scale) wherever Korean is spoken; and which
        texts the multilingual model scored."""
        encoder = self._need_encoder()
        korean = np.fromiter((language_of(t) == KOREAN for t in texts), dtype=np.bool_, count=len(texts))
        asked_korean = language_of(question) == KOREAN
        cross = self.multilingual if self.multilingual is not None and (asked_korean or korean.any()) else None
        out = np.zeros(len(texts), dtype=np.float32)
        primary = np.ones(len(texts), dtype=np.bool_) if cross is None else ~korean & (not asked_korean)
        if primary.any():
            chosen = [t for t, p in zip(texts, primary, strict=True) if p]
            out[primary] = cached_vectors(s, encoder, chosen) @ encoder.encode([question])[0]
        if cross is not None and (~primary).any():
            chosen = [t for t, p in zip(texts, primary, strict=True) if not p]
            raw = cached_vectors(s, cross, chosen) @ cross.encode([question])[0]
            out[~primary] = to_primary(raw, getattr(cross, "scale", (0.0, 1.0)))
        return np.round(out, 5), ~primary

    def rule_vectors(self, keys: Sequence[int]) -> Vectors:
        """The sentence vectors of these rules' own texts (craft and rule as a sentence; from the
        cache where it has them): what duplicates and merge candidates are judged by."""
        encoder = self._need_encoder()
        with self._unit(write=True) as s:
            rows = {
                r.id: document(r.domain, r.summary, [])
                for r in s.execute(
                    select(RuleRow.id, RuleRow.summary, RuleRow.domain).where(RuleRow.id.in_(list(keys)))
                )
            }
            missing = [k for k in keys if k not in rows]
            if missing:
                raise NotFound("no rule with id {rule_id}", rule_id=missing[0])
            return cached_vectors(s, encoder, [rows[k] for k in keys])

    def facts_from_question(
        self, question: str, *, include_proposed: bool = False, actor: str | None = None
    ) -> tuple[dict[str, Fact], dict[str, str]]:
        """The facts a plain-words question states about the variables the guidance rules test:
        by their names and values first, then (with the semantic layer on) by meaning. Returns
        the facts and, for each, how it was read (the words or the master's phrase it matched)."""
        rules = [k.rule for k in self.guidance_rules(include_proposed=include_proposed, actor=actor)]
        variables = catalogue(rules)
        facts = facts_from_text(question, variables)
        how = {name: "named in the question" for name in facts}
        if self.encoder is None or not question.strip():
            return facts, how
        clauses = list(
            {(c.variable, c.text): c for r in rules for c in [*r.clauses(), *r.exceptions] if c.variable}.values()
        )
        chunks = question_chunks(question)
        if not clauses or not chunks:
            return facts, how
        # where Korean is spoken (in the question or the masters' clauses) the multilingual model compares
        korean = language_of(question) == KOREAN or any(language_of(c.text) == KOREAN for c in clauses)
        model: Encoder = self.multilingual if korean and self.multilingual is not None else self.encoder
        scale = getattr(model, "scale", (0.0, 1.0)) if model is self.multilingual else (0.0, 1.0)
        with self._unit(write=True) as s:
            clause_vectors = cached_vectors(s, model, [c.text for c in clauses])
        found = facts_by_meaning(
            question, chunks, model.encode(chunks), clauses, clause_vectors, variables, scale=scale
        )
        for name, (fact, said) in found.items():
            if name not in facts:
                facts[name] = fact
                how[name] = f"read as the master's “{said}”"
        return facts, how

    # --- the cue vocabulary -------------------------------------------------------------------

    @staticmethod
    def _cue_view(s: Session, cue: CueVariable, readable: frozenset[int] | None = None) -> CueView:
        """The cue as a user sees it: only phrases from rules that user may read (`readable`)."""
        phrases = [p for p in cue.phrases if readable is None or p.rule_id is None or p.rule_id in readable]
        masters = sorted(
            set(s.scalars(select(Master.name).where(Master.id.in_([p.master_id for p in phrases if p.master_id]))))
        )
        return CueView(
            cue.id,
            cue.name,
            cue.kind,
            cue.unit,
            list(cue.allowed_values or []),
            list(cue.aliases or []),
            cue.status,
            cue.decided_by,
            list(dict.fromkeys(p.text for p in phrases)),
            masters,
            sorted({p.rule_id for p in phrases if p.rule_id}),
        )

    def _consenting(self) -> Any:
        """Masters with a consent on record that is not withdrawn (any scope)."""
        return select(Consent.master_id).where(Consent.withdrawn_at.is_(None))

    def vocabulary(self, *, actor: str | None = None) -> list[CueView]:
        """The cue vocabulary: confirmed cues first, then proposals, most-said first. Each cue
        shows only what the user may read: phrases of confidential rules stay in their
        organisation, and a master who withdrew consent is no longer quoted."""
        with self._unit() as s:
            who = self._actor(s, actor, action="read")
            readable = frozenset(
                s.scalars(
                    select(RuleRow.id)
                    .join(Master)
                    .where(*self._visible(who), RuleRow.master_id.in_(self._consenting()))
                )
            )
            cues = s.scalars(select(CueVariable).options(selectinload(CueVariable.phrases))).all()
            views = [self._cue_view(s, c, readable) for c in cues]
        return sorted(views, key=lambda v: (v.status != "confirmed", -len(v.phrases), v.name))

    def _confirmed_cues(self, s: Session, encoder: Encoder) -> list[Cue]:
        cues = s.scalars(
            select(CueVariable).where(CueVariable.status == "confirmed").options(selectinload(CueVariable.phrases))
        ).all()
        out = []
        for c in cues:
            texts = [masked(p.text) for p in c.phrases]
            vectors = cached_vectors(s, encoder, texts) if texts else np.zeros((0, encoder.dim), dtype=np.float32)
            out.append(Cue(c.name, c.kind, frozenset(c.aliases or []), vectors))
        return out

    def propose_vocabulary(self, *, actor: str | None = None) -> list[CueView]:
        """Cluster the conditions of every live rule the user may read (of masters whose consent
        stands) into proposed cue variables.

        Confirmed cues stay as they are and take the new phrases that map onto them; earlier
        proposals nobody confirmed are replaced. Clusters of one phrase are not proposed."""
        encoder = self._need_encoder()
        with self._unit(write=True) as s:
            who = self._require(s, "curate", actor, entity="vocabulary")
            rows = s.scalars(
                select(RuleRow)
                .join(Master)
                .where(RuleRow.status.in_(MERGEABLE), *self._visible(who), RuleRow.master_id.in_(self._consenting()))
                .order_by(RuleRow.id)
            ).all()
            phrases: list[tuple[Phrase, int, int]] = []
            for row in rows:
                rule = self._view(s, row).rule
                for clause in [*rule.clauses(), *rule.exceptions]:
                    if clause.text.strip():
                        phrases.append((Phrase.of(clause, str(row.id)), row.id, row.master_id))
            confirmed = self._confirmed_cues(s, encoder)
            cue_rows = {c.name: c for c in s.scalars(select(CueVariable)).all()}
            placed = {(p.text, p.rule_id) for c in cue_rows.values() if c.status == "confirmed" for p in c.phrases}
            vectors = cached_vectors(s, encoder, [masked(p.text) for p, _, _ in phrases])
            rest: list[tuple[Phrase, int, int]] = []
            rest_vectors = []
            for (phrase, rule_id, master_id), vector in zip(phrases, vectors, strict=True):
                if (phrase.text, rule_id) in placed:
                    continue
                clause = Clause(
                    text=phrase.text,
                    variable=phrase.variable,
                    operator=phrase.operator,
                    value=phrase.value,
                    unit=phrase.unit,
                )
                target = map_clause(clause, confirmed, vector)
                if target is not None:
                    s.add(
                        CuePhrase(
                            cue_id=cue_rows[target].id,
                            text=phrase.text,
                            variable=phrase.variable,
                            rule_id=rule_id,
                            master_id=master_id,
                        )
                    )
                else:
                    rest.append((phrase, rule_id, master_id))
                    rest_vectors.append(vector)
            for old in [c for c in cue_rows.values() if c.status == "proposed"]:
                s.delete(old)
            s.flush()
            taken = {c.name for c in cue_rows.values() if c.status == "confirmed"}
            origin = {id(p): (rule_id, master_id) for p, rule_id, master_id in rest}
            proposals: list[CueProposal] = propose([p for p, _, _ in rest], np.vstack(rest_vectors)) if rest else []
            made = 0
            for proposal in proposals:
                if len(proposal.phrases) < 2:
                    continue
                name = proposal.name
                n = 2
                while name in taken:
                    name, n = f"{proposal.name}_{n}", n + 1
                taken.add(name)
                cue = CueVariable(
                    name=name,
                    kind=proposal.kind,
                    unit=proposal.unit,
                    allowed_values=proposal.values,
                    aliases=proposal.aliases,
                    status="proposed",
                )
                s.add(cue)
                s.flush()
                for p in proposal.phrases:
                    rule_id, master_id = origin[id(p)]
                    s.add(
                        CuePhrase(cue_id=cue.id, text=p.text, variable=p.variable, rule_id=rule_id, master_id=master_id)
                    )
                made += 1
            self._audit(s, who.username, "propose_vocabulary", "vocabulary", None, proposed=made, phrases=len(phrases))
        return self.vocabulary(actor=actor)

    def confirm_cue(
        self,
        cue_id: int,
        *,
        name: str | None = None,
        kind: str | None = None,
        unit: str | None = None,
        values: Sequence[str] | None = None,
        actor: str | None = None,
    ) -> CueView:
        """Confirm a cue variable, perhaps renamed or retyped; its old name stays an alias, so
        clauses the extractor names that way map onto it."""
        if kind is not None and kind not in ("number", "flag", "category"):
            raise InvalidEdit("a cue is a number, a flag or a category, not {kind!r}", kind=kind)
        if name is not None:
            try:
                check_name(name.strip())
            except FactSyntaxError:
                raise InvalidEdit(
                    "invalid cue name {name!r}: start with a letter, then letters, digits and _ only", name=name
                ) from None
        with self._unit(write=True) as s:
            who = self._require(s, "curate", actor, entity="cue", entity_id=cue_id)
            cue = s.get(CueVariable, cue_id)
            if cue is None:
                raise NotFound("no cue variable with id {cue_id}", cue_id=cue_id)
            new_name = name.strip() if name else cue.name
            clash = s.scalar(select(CueVariable).where(CueVariable.name == new_name, CueVariable.id != cue_id))
            if clash is not None:
                raise InvalidEdit(
                    "another cue is already called {new_name!r} (cue {cue_id})", new_name=new_name, cue_id=clash.id
                )
            old = cue.name
            aliases = list(dict.fromkeys([*(cue.aliases or []), *([old] if new_name != old else [])]))
            cue.name = new_name
            cue.aliases = [a for a in aliases if a != new_name]
            cue.kind = kind or cue.kind
            cue.unit = unit if unit is not None else cue.unit
            if values is not None:
                cue.allowed_values = [v.strip() for v in values if v.strip()]
            cue.status = "confirmed"
            cue.decided_by = who.username
            self._audit(s, who.username, "confirm_cue", "cue", cue_id, name=new_name, was=old, kind=cue.kind)
        return next(v for v in self.vocabulary(actor=actor) if v.id == cue_id)

    def drop_cue(self, cue_id: int, *, actor: str | None = None) -> None:
        """Reject a proposed cue (or retract a confirmed one); rules keep their own names."""
        with self._unit(write=True) as s:
            who = self._require(s, "curate", actor, entity="cue", entity_id=cue_id)
            cue = s.get(CueVariable, cue_id)
            if cue is None:
                raise NotFound("no cue variable with id {cue_id}", cue_id=cue_id)
            self._audit(s, who.username, "drop_cue", "cue", cue_id, name=cue.name, status=cue.status)
            s.delete(cue)

    def _canonical(
        self, s: Session, rules: Sequence[Rule], cues: Sequence[Cue] | None = None
    ) -> tuple[list[Rule], dict[str, str]]:
        """The rules with their clauses' variables mapped onto the confirmed cue vocabulary."""
        if self.encoder is None:
            return list(rules), {}
        if cues is None:
            cues = self._confirmed_cues(s, self.encoder)
        if not cues:
            return list(rules), {}
        clauses = [c for r in rules for c in [*r.clauses(), *r.exceptions] if c.variable]
        vectors = cached_vectors(s, self.encoder, [masked(c.text) for c in clauses])
        names: dict[str, str] = {}
        for clause, vector in zip(clauses, vectors, strict=True):
            target = map_clause(clause, cues, vector)
            if target and clause.variable and target != clause.variable:
                names[clause.variable] = target
        return [renamed(r, names) for r in rules], names

    def apply_vocabulary(self, *, actor: str | None = None) -> list[int]:
        """Rename the variables of every live rule onto the confirmed cues, one new version per
        changed rule (the master's words are untouched; only the variable names change)."""
        self._need_encoder()
        changed: list[int] = []
        with self._unit(write=True) as s:
            who = self._require(s, "curate", actor, entity="vocabulary")
            cues = self._confirmed_cues(s, self._need_encoder())
            rows = s.scalars(select(RuleRow).where(RuleRow.status.in_(MERGEABLE)).order_by(RuleRow.id)).all()
            for row in rows:
                rule = self._view(s, row).rule
                (new,), names = self._canonical(s, [rule], cues)
                if not names or new == rule:
                    continue
                why = "cue vocabulary: " + ", ".join(f"{a} → {b}" for a, b in sorted(names.items()))
                self._new_version(s, row.id, row.current_version, new, row.status, who.username, why)
                changed.append(row.id)
            self._audit(s, who.username, "apply_vocabulary", "vocabulary", None, rules=changed)
        return changed

    # --- guidance ---------------------------------------------------------------------------

    def guidance_rules(
        self, *, include_proposed: bool = False, release: str | None = None, actor: str | None = None
    ) -> list[KnownRule]:
        """The rules guidance may use: confirmed ones (or those frozen in a release; proposed ones
        too on request, never for an SME), of masters whose consent to internal guidance stands,
        and only those the user may read."""
        statuses = ["confirmed", "proposed"] if include_proposed else ["confirmed"]
        with self._unit() as s:
            who = self._actor(s, actor, action="ask")
            if who.role == "sme":
                statuses = ["confirmed"]
            consenting = select(Consent.master_id).where(
                Consent.withdrawn_at.is_(None), Consent.scope == "internal_guidance"
            )
            q = (
                select(RuleRow)
                .join(Master)
                .options(selectinload(RuleRow.master))
                .where(RuleRow.master_id.in_(consenting), *self._visible(who, by_status=release is None))
                .order_by(RuleRow.id)
            )
            frozen: dict[int, int] = {}
            if release is not None:
                frozen = self._release_versions(s, release)
                q = q.where(RuleRow.id.in_(list(frozen) or [-1]))
            else:
                q = q.where(RuleRow.status.in_(statuses))
            out = []
            for row in s.scalars(q):
                known = self._view(s, row, frozen.get(row.id)).known()
                out.append(replace(known, status="confirmed") if release is not None else known)
            return out

    def findings(self, *, actor: str | None = None) -> list[Finding]:
        """Conflicts, duplicates, special cases and gaps among the confirmed and proposed rules the
        user may read, each with the question for the next interview."""
        rules = self.guidance_rules(include_proposed=True, actor=actor)
        found = check_rules(rules)
        if self.encoder is not None and len(rules) > 1:
            vectors = self.rule_vectors([int(k.key) for k in rules])
            found.extend(near_duplicates(rules, vectors, known=found))
        return found

    def engine_for(
        self, *, include_proposed: bool = False, release: str | None = None, actor: str | None = None
    ) -> Engine:
        """The compiled engine for the current state; recompiled only when the rules changed."""
        rules = self.guidance_rules(include_proposed=include_proposed, release=release, actor=actor)
        key = (include_proposed, release, tuple((k.key, k.version, k.status) for k in rules))
        with self._engine_lock:
            engine = self._compiled.get(key)
            if engine is None:
                engine = Engine(rules)
                self._compiled[key] = engine
                while len(self._compiled) > 8:
                    self._compiled.pop(next(iter(self._compiled)))
            return engine

    def ask(
        self,
        facts: Mapping[str, Fact],
        *,
        include_proposed: bool = False,
        release: str | None = None,
        actor: str | None = None,
    ) -> Answer:
        """Guidance for the facts, from the working state or from a named release."""
        return self.engine_for(include_proposed=include_proposed, release=release, actor=actor).ask(facts)
