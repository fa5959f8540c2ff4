"""People who use the knowledge base: accounts and roles, passwords, sign-in and delegation."""

from __future__ import annotations

from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from knowledge_base import db_roles, policies
from knowledge_base.context import Context
from knowledge_base.errors import KnowledgeBaseError, NotFound
from knowledge_base.models import Delegation, Master, User
from knowledge_base.policies import ROLES, Actor

MAX_USERNAME = 80  # users.username


def has_users(kb: Context) -> bool:
    with kb.unit() as uow:
        return bool(uow.session.scalar(select(func.count()).select_from(User)))


def whoami(kb: Context) -> Actor:
    with kb.unit() as uow:
        return uow.actor()


def add_user(
    kb: Context,
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
    if len(username) > MAX_USERNAME:
        raise KnowledgeBaseError(
            "user name {username!r} is longer than {limit} characters", username=username[:40] + "…", limit=MAX_USERNAME
        )
    if role == "master" and not master:
        raise KnowledgeBaseError("a master's account needs the master it belongs to (--master NAME)")
    with kb.unit(write=True, actor=actor) as uow:
        s = uow.session
        first = s.scalar(select(func.count()).select_from(User)) == 0
        if first:
            if role != "admin":
                raise KnowledgeBaseError("the first account must be an admin")
            by = actor or username
        else:
            by = uow.require("manage_users", entity="user").username
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
            password_hash=PasswordHasher().hash(password) if password else None,
            master_id=master_id,
        )
        s.add(user)
        s.flush()
        _enrol(s, username, role)
        uow.audit(by, "add", "user", user.id, username=username, role=role, master=master)
        return user.id


def _enrol(s: Session, username: str, role: str) -> None:
    """On PostgreSQL, the account's database role (knowledge_base.db_roles), in this transaction."""
    if s.get_bind().dialect.name != "postgresql":
        return
    if len(username.encode()) > db_roles.NAME_BYTES:
        raise KnowledgeBaseError(
            "user name {username!r} is longer than a PostgreSQL role name may be ({limit} bytes)",
            username=username,
            limit=db_roles.NAME_BYTES,
        )
    try:
        with s.begin_nested():
            db_roles.enrol(s.connection(), username, role)
    except DBAPIError as exc:
        reason = str(exc.orig).splitlines()[0] if exc.orig is not None else type(exc).__name__
        raise KnowledgeBaseError(
            "the database role {username!r} could not be made: {reason}", username=username, reason=reason
        ) from None


def set_password(kb: Context, username: str, password: str, *, actor: str | None = None) -> None:
    """Users change their own password; an admin may set anyone's."""
    if len(password) < 8:
        raise KnowledgeBaseError("a password needs at least 8 characters")
    with kb.unit(write=True, actor=actor) as uow:
        who = uow.actor(action="passwd")
        policies.may_set_password(who, username)
        user = uow.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound("no user named {username!r}", username=username)
        user.password_hash = PasswordHasher().hash(password)
        uow.audit(who.username, "passwd", "user", user.id, username=username)


def list_users(kb: Context, *, actor: str | None = None) -> list[dict[str, Any]]:
    with kb.unit(actor=actor) as uow:
        uow.require("manage_users", entity="user")
        s = uow.session
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


def delegate(kb: Context, username: str, master: str, *, actor: str | None = None) -> None:
    """An admin lets `username` review `master`'s rules on his behalf."""
    with kb.unit(write=True, actor=actor) as uow:
        by = uow.require("delegate", entity="user").username
        s = uow.session
        user = s.scalar(select(User).where(User.username == username))
        target = s.scalar(select(Master).where(Master.name == master))
        if user is None:
            raise NotFound("no user {username!r}", username=username)
        if target is None:
            raise NotFound("no master named {master!r}", master=master)
        s.add(Delegation(user_id=user.id, master_id=target.id, granted_by=by))
        uow.audit(by, "delegate", "user", user.id, master=master)
