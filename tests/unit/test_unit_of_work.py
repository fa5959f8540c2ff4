"""The unit of work: contexts run on any object with its four methods (a fake here, over an
in-memory database built from the models), a refusal is audited after its rollback, and a stale
write of a rule becomes a StaleEdit naming both versions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from knowledge_base import PermissionDenied, StaleEdit, consent, policies
from knowledge_base.context import Caches
from knowledge_base.database import make_engine, upgrade
from knowledge_base.models import AuditEvent, Base, Master, User
from knowledge_base.policies import Actor
from knowledge_base.semantic import Encoder
from knowledge_base.unit_of_work import Units


class FakeUnitOfWork:
    """A unit of work that knows its actor without asking the database and keeps its audit events."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session = session
        self.user: str | None = actor.username
        self.events: list[tuple[Any, ...]] = []
        self._actor = actor

    def actor(self, *, action: str = "use") -> Actor:
        return self._actor

    def require(self, action: str, *, entity: str = "", entity_id: int | None = None) -> Actor:
        return policies.require(self._actor, action, entity=entity, entity_id=entity_id)

    def audit(self, actor: str, verb: str, entity: str, entity_id: int | None, **detail: Any) -> None:
        self.events.append((actor, verb, entity, entity_id, detail))

    def edits(self, rule_id: int, expected_version: int) -> None:
        pass


class FakeKnowledgeBase:
    """What a context needs: `unit()`, the user, encoders (none) and caches."""

    def __init__(self, actor: Actor) -> None:
        engine = create_engine("sqlite://")
        Base.metadata.create_all(engine)
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self.url = "sqlite://"
        self.user: str | None = actor.username
        self.encoder: Encoder | None = None
        self.multilingual: Encoder | None = None
        self.caches = Caches()
        self.actor = actor
        self.units: list[FakeUnitOfWork] = []

    @contextmanager
    def unit(self, *, write: bool = False, actor: str | None = None) -> Iterator[Any]:
        with self.sessions.begin() as session:
            uow = FakeUnitOfWork(session, self.actor)
            self.units.append(uow)
            yield uow


def test_a_context_runs_on_a_fake_unit_of_work_and_audits_through_it() -> None:
    fake = FakeKnowledgeBase(Actor("kim", "interviewer"))
    master_id = consent.register_master(fake, "Park Jae-sung", craft="welding")
    with fake.sessions() as s:
        assert s.scalar(select(Master.name).where(Master.id == master_id)) == "Park Jae-sung"
    assert fake.units[0].events == [
        ("kim", "register", "master", master_id, {"name": "Park Jae-sung", "craft": "welding"})
    ]


def test_a_context_refuses_an_actor_whose_role_lacks_the_action_and_writes_nothing() -> None:
    fake = FakeKnowledgeBase(Actor("lee", "sme"))
    with pytest.raises(PermissionDenied, match="lee \\(sme\\) may not register master"):
        consent.register_master(fake, "Park Jae-sung")
    with fake.sessions() as s:
        assert s.scalars(select(Master)).all() == []
    assert fake.units[0].events == []


@pytest.fixture
def units(tmp_path: Path) -> Units:
    engine = make_engine(f"sqlite:///{tmp_path / 'kb.db'}")
    upgrade(engine)
    return Units(engine)


def test_a_refusal_is_audited_after_the_rollback_of_what_the_unit_wrote(units: Units) -> None:
    with pytest.raises(PermissionDenied, match="unknown user 'mallory'"), units.open("mallory", write=True) as uow:
        uow.session.add(User(username="ghost", role="admin", display_name="ghost"))
        uow.session.flush()
        uow.actor(action="import")
    with units.open(None) as uow:
        assert uow.session.scalars(select(User)).all() == []
        (event,) = uow.session.scalars(select(AuditEvent)).all()
        assert (event.actor, event.action, event.detail["action"]) == ("mallory", "denied", "import")


def test_a_stale_write_of_the_rule_being_edited_names_both_versions(units: Units) -> None:
    with pytest.raises(StaleEdit) as caught, units.open("park", write=True) as uow:
        uow.edits(7, 2)
        raise StaleDataError("row version changed")
    # rule 7 does not exist here, so the stored version reads as the one the editor started from
    assert (caught.value.rule_id, caught.value.expected, caught.value.current) == (7, 2, 2)


def test_a_stale_write_outside_an_edit_stays_the_orm_error(units: Units) -> None:
    with pytest.raises(StaleDataError), units.open("park", write=True):
        raise StaleDataError("row version changed")
