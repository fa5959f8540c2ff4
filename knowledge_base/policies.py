"""Who may do what: roles, a master's own rules, delegations, confidential rules and review steps.

Every context asks these questions before it acts; a "no" becomes a `PermissionDenied` that names
the user, the role and the refused action, and is written to the audit trail by the unit of work.
The visibility rules come in two forms that must agree: `Actor.can_see` for one rule in hand, and
`visible` as SQL filters for lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import Session

from knowledge_base.errors import InvalidTransition, NotFound, PermissionDenied
from knowledge_base.models import Consent, InterviewSession, Master, RuleRow, TranscriptRow
from rules.messages import Message

ROLES = ("interviewer", "master", "sme", "admin")

# What each role may do besides reading; reading is narrowed by `can_see`.
GRANTS: dict[str, frozenset[str]] = {
    "admin": frozenset(
        {
            "manage_users",
            "register_master",
            "record_consent",
            "withdraw_consent",
            "import",
            "review",
            "release",
            "export",
            "audit",
            "delegate",
            "classify",
            "curate",
            "train",
        }
    ),
    "interviewer": frozenset({"register_master", "record_consent", "withdraw_consent", "import", "export", "curate"}),
    "master": frozenset({"review", "withdraw_consent", "curate"}),
    "sme": frozenset(),
}

# The review decisions a rule's status allows.
TRANSITIONS: dict[str, set[str]] = {
    "proposed": {"confirmed", "rejected", "needs_discussion"},
    "needs_discussion": {"confirmed", "rejected", "proposed"},
    "rejected": {"proposed", "needs_discussion"},  # reopened, or a decision undone
    "confirmed": {"retired", "needs_discussion", "proposed"},
    "retired": set(),
    "merged": set(),  # reached only through merge_rules
}
# Live rules: those that may be split, merged, searched and clustered into cues.
MERGEABLE = ("proposed", "needs_discussion", "confirmed")


@dataclass(frozen=True)
class Actor:
    username: str
    role: str
    organisation: str | None = None
    master_id: int | None = None
    delegated: frozenset[int] = frozenset()

    def may(self, action: str) -> bool:
        return action in GRANTS.get(self.role, frozenset())

    def speaks_for(self, master_id: int) -> bool:
        """A master acts for himself; a delegate for the masters an admin named."""
        return self.role == "admin" or self.master_id == master_id or master_id in self.delegated

    def can_see(
        self, *, status: str, confidential: bool, organisation: str | None, master_id: int | None = None
    ) -> bool:
        """SMEs read confirmed rules only; confidential rules stay inside their organisation and
        with the master they came from and his delegates (admins, who run and back up the whole
        knowledge base, see them too)."""
        if self.role == "sme" and status != "confirmed":
            return False
        if self.role == "admin" or (master_id is not None and self.speaks_for(master_id)):
            return True
        return not (confidential and (organisation is None or organisation != self.organisation))

    def own_masters(self) -> list[int]:
        """The masters this user speaks for without being an admin: himself, those delegated."""
        return sorted({*self.delegated, *([self.master_id] if self.master_id is not None else [])})


def require(actor: Actor, action: str, *, entity: str = "", entity_id: int | None = None) -> Actor:
    """The actor, if his role grants the action; refused otherwise."""
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


def visible(actor: Actor, *, by_status: bool = True) -> list[Any]:
    """SQL filters for the rules an actor may read (a release's rules were confirmed when it was
    made, so `by_status=False` there). The query must join `Master`."""
    where: list[Any] = []
    if actor.role == "sme" and by_status:
        where.append(RuleRow.status == "confirmed")
    if actor.role != "admin":  # admins see confidential rules; others only their organisation's
        own = Master.organisation == actor.organisation if actor.organisation else false()
        where.append(or_(RuleRow.confidential.is_(False), own, RuleRow.master_id.in_(actor.own_masters())))
    return where


def secret_transcripts() -> Select[int]:
    """Interviews that are confidential: imported as such, or the source of a confidential rule
    (their turns hold the rule's words)."""
    flagged = select(TranscriptRow.id).where(TranscriptRow.confidential.is_(True))
    sources = select(RuleRow.transcript_id).where(RuleRow.confidential.is_(True), RuleRow.transcript_id.is_not(None))
    return flagged.union(sources)  # type: ignore[return-value]


def visible_transcripts(actor: Actor) -> list[Any]:
    """SQL filters for the interviews (and so their turns, quotes and follow-up questions) an
    actor may read: what is not confidential, what belongs to his organisation or to a master he
    speaks for; admins read all. The query must join `InterviewSession` and `Master`."""
    if actor.role == "admin":
        return []
    own = Master.organisation == actor.organisation if actor.organisation else false()
    mine = InterviewSession.master_id.in_(actor.own_masters())
    return [or_(TranscriptRow.id.not_in(secret_transcripts()), own, mine)]


def consenting() -> Select[int]:
    """Masters with a consent on record that is not withdrawn (any scope)."""
    return select(Consent.master_id).where(Consent.withdrawn_at.is_(None))


def consenting_to_guidance() -> Select[int]:
    """Masters whose consent to internal guidance stands: only their rules guide workers."""
    return select(Consent.master_id).where(Consent.withdrawn_at.is_(None), Consent.scope == "internal_guidance")


def searchable(actor: Actor, statuses: list[str] | tuple[str, ...], *, guidance: bool) -> list[Any]:
    """SQL filters for the rules a search may return to this user: the statuses asked for, what
    the user may read, and for guidance only masters whose consent to it stands."""
    where = [RuleRow.status.in_(list(statuses)), *visible(actor)]
    if guidance:
        where.append(RuleRow.master_id.in_(consenting_to_guidance()))
    return where


def readable(s: Session, rule_id: int, actor: Actor) -> RuleRow:
    """The rule, if the actor may read it; refused (and so audited) otherwise."""
    row = s.get(RuleRow, rule_id)
    if row is None:
        raise NotFound("no rule with id {rule_id}", rule_id=rule_id)
    seen = actor.can_see(
        status=row.status, confidential=row.confidential, organisation=row.master.organisation, master_id=row.master_id
    )
    if not seen:
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


def readable_transcript(s: Session, transcript_id: int, who: Actor) -> TranscriptRow:
    """The interview, if the user may read it; refused (and so audited) when it is confidential
    to another organisation."""
    row = s.get(TranscriptRow, transcript_id)
    if row is None:
        raise NotFound("no transcript with id {transcript_id}", transcript_id=transcript_id)
    seen = s.scalar(
        select(TranscriptRow.id)
        .join(InterviewSession, InterviewSession.id == TranscriptRow.session_id)
        .join(Master, Master.id == InterviewSession.master_id)
        .where(TranscriptRow.id == transcript_id, *visible_transcripts(who))
    )
    if seen is None:
        raise PermissionDenied(
            "{username} ({role}) may not read transcript {transcript_id}: it is confidential to its organisation",
            username=who.username,
            role=who.role,
            transcript_id=transcript_id,
            actor=who.username,
            action="read",
            entity="transcript",
            entity_id=transcript_id,
        )
    return row


def reviewable(s: Session, rule_id: int, actor: Actor, action: str) -> RuleRow:
    """The rule, if the actor (who may review) speaks for its master: the master himself, his
    delegate, or an admin."""
    require(actor, "review", entity="rule", entity_id=rule_id)
    row = s.get(RuleRow, rule_id)
    if row is None:
        raise NotFound("no rule with id {rule_id}", rule_id=rule_id)
    if not actor.speaks_for(row.master_id):
        raise PermissionDenied(
            "{username} ({role}) may not {action} rule {rule_id}: it comes from {name}'s interviews (an admin can delegate)",
            username=actor.username,
            role=actor.role,
            rule_id=rule_id,
            name=row.master.name,
            actor=actor.username,
            action=action,
            entity="rule",
            entity_id=rule_id,
        )
    return row


def check_transition(row: RuleRow, target: str) -> None:
    """Refuse a review decision the rule's status does not allow."""
    if target not in TRANSITIONS[row.status]:
        raise InvalidTransition(
            "rule {rule_id} is {status}; it cannot become {target}", rule_id=row.id, status=row.status, target=target
        )


def check_live(row: RuleRow, doing: str) -> None:
    """Refuse to split or merge a rule that is no longer live."""
    if row.status in MERGEABLE:
        return
    if doing == "split":
        raise InvalidTransition(
            "rule {rule_id} is {status}; only a live rule can be split", rule_id=row.id, status=row.status
        )
    raise InvalidTransition(
        "rule {rule_id} is {status}; only live rules can be merged", rule_id=row.id, status=row.status
    )


def check_editable(row: RuleRow) -> None:
    """Refuse to edit or restore a retired rule."""
    if row.status == "retired":
        raise InvalidTransition("rule {rule_id} is retired; it can no longer be edited", rule_id=row.id)


def may_withdraw(actor: Actor, master_id: int) -> None:
    """A master may withdraw only his own consent (interviewers and admins anyone's)."""
    require(actor, "withdraw_consent", entity="master", entity_id=master_id)
    if actor.role == "master" and not actor.speaks_for(master_id):
        raise PermissionDenied(
            "{username} (master) may withdraw only his own consent",
            username=actor.username,
            actor=actor.username,
            action="withdraw_consent",
            entity="master",
            entity_id=master_id,
        )


def may_set_password(actor: Actor, username: str) -> None:
    """Users change their own password; an admin may set anyone's."""
    if actor.username != username and actor.role != "admin":
        raise PermissionDenied(
            "{username} ({role}) may not change another user's password",
            username=actor.username,
            role=actor.role,
            actor=actor.username,
            action="passwd",
            entity="user",
        )


@dataclass(frozen=True)
class Withheld:
    """What may not leave with a user in an export: rules, masters whose consent is withdrawn
    (their interviews stay too), and interviews (turns, titles, file names) confidential to
    another organisation."""

    rules: frozenset[int]
    masters: frozenset[int]
    transcripts: frozenset[int]


def withheld(s: Session, actor: Actor) -> Withheld:
    """What may not leave with this user, in an export or decision tables. Confidential rules and
    interviews leave only with someone of their own organisation, admins included."""
    live = set(s.scalars(consenting()))
    withdrawn = frozenset(set(s.scalars(select(Master.id))) - live)
    elsewhere = Master.organisation.is_(None) | (Master.organisation != (actor.organisation or ""))
    rules = s.scalars(
        select(RuleRow.id)
        .join(Master)
        .where(or_(RuleRow.master_id.in_(withdrawn), RuleRow.confidential.is_(True) & elsewhere))
    )
    transcripts = s.scalars(
        select(TranscriptRow.id)
        .join(InterviewSession, InterviewSession.id == TranscriptRow.session_id)
        .join(Master, Master.id == InterviewSession.master_id)
        .where(or_(Master.id.in_(withdrawn), TranscriptRow.id.in_(secret_transcripts()) & elsewhere))
    )
    return Withheld(frozenset(rules), withdrawn, frozenset(transcripts))
