"""Signing in with a password, throttled per account and per client, with a lockout.

Every failed check is a `SignInFailure` row, counted by the user name typed, whether an account
has it or not, so that an unknown name is throttled, locked and timed exactly like a real one and
cannot be told apart from it. After `THROTTLE_AFTER` failures in a row, each further try must wait
(1 s, 2 s, 4 s, ... up to `MAX_WAIT_S`) and a try that comes too early is refused without checking
the password; after `LOCK_AFTER` the account is locked until an admin unlocks it. One client (the
address the UI server sees, an IPv6 address's /64) may fail `CLIENT_LIMIT` times in
`CLIENT_WINDOW`, whatever names it tries. Tries of one name, and of one client, are serialised.
A success, or an admin's unlock, clears the name's failures. Failures, the lock, the success and
the unlock are audited; a throttled try is not (it checks nothing, and writing it
would let a script grow the audit trail at will).
"""

from __future__ import annotations

import functools
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from knowledge_base.accounts import MAX_USERNAME
from knowledge_base.context import Context
from knowledge_base.errors import KnowledgeBaseError, SignInRefused
from knowledge_base.models import SignInFailure, User

THROTTLE_AFTER = 3
LOCK_AFTER = 10
MAX_WAIT_S = 300
CLIENT_LIMIT = 30
CLIENT_WINDOW = timedelta(minutes=15)
LOCAL = "local"  # a client the server cannot name (the same machine, a test)


@dataclass(frozen=True)
class Locked:
    """An account (or a name without one) locked by failed sign-ins, for the admin's list."""

    username: str
    failures: int
    last: datetime


@functools.cache
def _decoy() -> str:
    """A hash of a random password, checked when the name has no password, for equal work."""
    return PasswordHasher().hash(secrets.token_urlsafe(16))


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)  # SQLite hands back naive UTC


def _failures(s: Session, username: str) -> tuple[int, datetime | None]:
    count, last = s.execute(
        select(func.count(), func.max(SignInFailure.at)).where(SignInFailure.username == username)
    ).one()
    return int(count), _aware(last) if last else None


def _client_wait(s: Session, client: str, now: datetime) -> int:
    """Seconds until `client` may try again; 0 when it is under its limit."""
    recent = list(
        s.scalars(
            select(SignInFailure.at)
            .where(SignInFailure.client == client, SignInFailure.at > now - CLIENT_WINDOW)
            .order_by(SignInFailure.at.desc())
            .limit(CLIENT_LIMIT)
        )
    )
    if len(recent) < CLIENT_LIMIT:
        return 0
    return max(1, int((_aware(recent[-1]) + CLIENT_WINDOW - now).total_seconds()) + 1)


def wait_after(failures: int) -> int:
    """Seconds a try must wait after the last of `failures` failures in a row."""
    if failures < THROTTLE_AFTER:
        return 0
    return int(min(2 ** (failures - THROTTLE_AFTER), MAX_WAIT_S))


def _refusal(s: Session, failures: int, last: datetime | None, client: str, now: datetime) -> SignInRefused | None:
    """Why this try is not checked: the name's `failures` in a row (the `last` at), or its client's."""
    if failures >= LOCK_AFTER:
        return SignInRefused(
            "this account is locked after {failures} failed sign-ins; an administrator can unlock it "
            "(myeongjang user unlock NAME)",
            failures=failures,
        )
    wait = wait_after(failures)
    if last is not None and wait and (left := wait - (now - last).total_seconds()) > 0:
        return SignInRefused(
            "too many failed sign-ins for this account; try again in {seconds} s", seconds=int(left) + 1
        )
    if client != LOCAL and (seconds := _client_wait(s, client, now)):
        return SignInRefused(
            "too many failed sign-ins from this computer; try again in {minutes} min",
            minutes=(seconds + 59) // 60,
        )
    return None


def _matches(stored: str | None, password: str) -> bool:
    """The argon2 check, on a decoy hash when there is none, so that every name costs the same."""
    try:
        return PasswordHasher().verify(stored or _decoy(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def client_key(address: str | None) -> str:
    """The client a failure counts against: an IPv4 address, an IPv6 address's /64 (one machine
    may hold a whole /64), or LOCAL when the server cannot tell (then no client limit applies:
    behind a proxy on the same machine every browser would be the same client)."""
    if not address:
        return LOCAL
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()[:80] or LOCAL
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _serialised(s: Session, username: str, client: str) -> None:
    """On PostgreSQL, tries of one name (and of one client) wait for each other, so that a burst
    of parallel guesses is counted one by one (SQLite's write lock already does this)."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(1, hashtext(:name))"), {"name": username})
        s.execute(text("SELECT pg_advisory_xact_lock(2, hashtext(:client))"), {"client": client})


def sign_in(kb: Context, username: str, password: str, *, client: str | None = None) -> bool:
    """Check `username`'s password. True signs him in; False is a wrong name or password (the
    same answer for both); `SignInRefused` says the check was not made and for how long."""
    client = client_key(client)
    username = username[:MAX_USERNAME]  # no account has a longer name
    _decoy()  # made once, before any name is timed
    with kb.unit(write=True) as uow:
        s = uow.session
        _serialised(s, username, client)
        now = datetime.now(UTC)
        failures, last = _failures(s, username)
        refused = _refusal(s, failures, last, client, now)
        if refused is not None:
            raise refused
        user = s.scalar(select(User).where(User.username == username))
        ok = _matches(user.password_hash if user else None, password)
        entity_id = user.id if user else None
        if ok:
            s.execute(delete(SignInFailure).where(SignInFailure.username == username))
            uow.audit(username, "sign_in", "user", entity_id, client=client)
            return True
        s.add(SignInFailure(username=username, client=client, at=now))
        failures += 1  # the tries of one name are serialised: nobody else counted meanwhile
        uow.audit(username, "sign_in_failed", "user", entity_id, client=client, failures=failures)
        if failures == LOCK_AFTER:
            uow.audit(username, "lock", "user", entity_id, failures=failures)
    return False


def locked(kb: Context, *, actor: str | None = None) -> list[Locked]:
    """The names locked by failed sign-ins (admins), newest failure first."""
    with kb.unit(actor=actor) as uow:
        uow.require("manage_users", entity="user")
        rows = uow.session.execute(
            select(SignInFailure.username, func.count(), func.max(SignInFailure.at))
            .group_by(SignInFailure.username)
            .having(func.count() >= LOCK_AFTER)
        ).all()
    found = [Locked(name, int(n), _aware(last)) for name, n, last in rows]
    return sorted(found, key=lambda x: x.last, reverse=True)


def unlock(kb: Context, username: str, *, actor: str | None = None) -> int:
    """Clear `username`'s failed sign-ins (admins): he may sign in again at once. The number
    cleared; an account that was not locked or throttled is refused, so a typo shows."""
    with kb.unit(write=True, actor=actor) as uow:
        by = uow.require("manage_users", entity="user").username
        s = uow.session
        failures, _ = _failures(s, username)
        if not failures:
            raise KnowledgeBaseError("{username!r} has no failed sign-ins to clear", username=username)
        s.execute(delete(SignInFailure).where(SignInFailure.username == username))
        user_id = s.scalar(select(User.id).where(User.username == username))
        uow.audit(by, "unlock", "user", user_id, username=username, failures=failures)
        return failures
