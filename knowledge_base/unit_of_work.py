"""One unit of work: a database session, the user it acts for, and the audit trail of what it does.

Every context of the service layer opens one per call (`with kb.unit(write=True) as uow:`). It
commits on leaving and rolls back on an error; a refusal is written to the audit trail after the
rollback (so the refused change is gone but the attempt is not), and the ORM's stale-row error
becomes a `StaleEdit` naming the version the editor started from and the one stored now. A context
uses a unit's `session` and `user` and its four methods (`actor`, `require`, `audit`, `edits`), so
a test can give a context a knowledge base whose `unit()` hands out a fake
(tests/unit/test_unit_of_work.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from knowledge_base import chain, db_roles, policies
from knowledge_base.errors import PermissionDenied, StaleEdit
from knowledge_base.models import AuditEvent, Delegation, RuleRow, User
from knowledge_base.policies import Actor

# Every write goes through a unit of work; the hash chain's insert hooks are registered with it.
assert chain.CHAINED


class UnitOfWork:
    """A session acting as `user`: who that is, whether his role allows an action, and the
    audit events of what he did."""

    def __init__(self, session: Session, user: str | None, *, via: str | None = None) -> None:
        self.session = session
        self.user = user
        # the database role this unit connects as, when an admin acts for someone else through it
        self.via = via
        # (rule id, the version an editor started from): a stale write of that rule is a StaleEdit
        self.edited: tuple[int, int] | None = None

    def actor(self, *, action: str = "use") -> Actor:
        """The acting user as an `Actor`; no user or an unknown one is refused."""
        name = self.user
        if not name:
            raise PermissionDenied(
                "no user given: act as a user (myeongjang --as USER, or MYEONGJANG_USER)", actor="-", action=action
            )
        user = self.session.scalar(select(User).where(User.username == name))
        if user is None:
            raise PermissionDenied("unknown user {name!r}", name=name, actor=name, action=action)
        delegated = frozenset(
            self.session.scalars(
                select(Delegation.master_id).where(Delegation.user_id == user.id, Delegation.revoked_at.is_(None))
            )
        )
        return Actor(user.username, user.role, user.organisation, user.master_id, delegated)

    def require(self, action: str, *, entity: str = "", entity_id: int | None = None) -> Actor:
        """The acting user, if his role grants `action`."""
        return policies.require(self.actor(action=action), action, entity=entity, entity_id=entity_id)

    def audit(self, actor: str, verb: str, entity: str, entity_id: int | None, **detail: Any) -> None:
        if self.via and self.via != actor:
            detail = {**detail, "via": self.via}  # audited as both: who acted, and who connected
        self.session.add(AuditEvent(actor=actor, action=verb, entity=entity, entity_id=entity_id, detail=detail))

    def edits(self, rule_id: int, expected_version: int) -> None:
        """Say which rule this unit edits, from which version, for the stale-edit error."""
        self.edited = (rule_id, expected_version)


class Units:
    """Opens units of work on one database: reads on plain sessions, writes on sessions that take
    SQLite's write lock when they begin (so two writers queue instead of one failing)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._reads = sessionmaker(engine, expire_on_commit=False)
        self._writes = sessionmaker(engine.execution_options(sqlite_immediate=True), expire_on_commit=False)
        self._person: tuple[str | None] | None = None

    def person(self) -> str | None:
        """The account this engine's PostgreSQL role is (knowledge_base.db_roles), once looked up."""
        if self._person is None:
            self._person = (db_roles.person(self._engine),)
        return self._person[0]

    def _acting(self, session: Session, user: str | None) -> tuple[str | None, str | None]:
        """(the user a unit acts as, the role it connects as): a person's own connection acts as
        him; only an admin's may act for someone else, and then the audit trail names both."""
        person = self.person()
        if person is None or user in (None, person):
            return user or person, None
        if session.scalar(select(User.role).where(User.username == person)) != "admin":
            raise PermissionDenied(
                "{person} connects to the database as himself and may not act as {user} (only an admin may)",
                person=person,
                user=user,
                actor=person,
                action="act_as",
            )
        return user, person

    @contextmanager
    def open(self, user: str | None, *, write: bool = False) -> Iterator[UnitOfWork]:
        unit: UnitOfWork | None = None
        try:
            with (self._writes if write else self._reads).begin() as session:
                acting, via = self._acting(session, user)
                unit = UnitOfWork(session, acting, via=via)
                yield unit
        except PermissionDenied as exc:
            if not exc.audited:
                exc.audited = True
                with self._writes.begin() as s:
                    UnitOfWork(s, exc.actor, via=self.person()).audit(
                        exc.actor, "denied", exc.entity or "-", exc.entity_id, action=exc.action, reason=str(exc)
                    )
            raise
        except StaleDataError:
            if unit is None or unit.edited is None:
                raise
            rule_id, expected = unit.edited
            with self._reads.begin() as s:
                row = s.get(RuleRow, rule_id)
                current = row.current_version if row is not None else expected
            raise StaleEdit(rule_id, expected, current) from None
