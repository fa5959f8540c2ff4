"""Issue 23: signing in is throttled per account and per client, locks after repeated failures
until an admin unlocks it, and does the same work (and gives the same answers) for a name that has
no account as for one that has."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner
from sqlalchemy import update

from knowledge_base import KnowledgeBase, KnowledgeBaseError, PermissionDenied, SignInRefused
from knowledge_base import sign_in as signing
from knowledge_base.models import SignInFailure
from ui.cli import cli

from ..conftest import run_app

PASSWORD = "long enough secret"


@pytest.fixture
def accounts(kb: KnowledgeBase) -> KnowledgeBase:
    kb.add_user("park", "interviewer", password=PASSWORD)
    kb.add_user("nopass", "sme")
    kb.set_password("admin", PASSWORD)
    return kb


def backdate(kb: KnowledgeBase, seconds: float, username: str | None = None) -> None:
    """Move failures into the past, as if the user had waited."""
    with kb.unit(write=True) as uow:
        for row in uow.session.query(SignInFailure).all():
            if username is None or row.username == username:
                uow.session.execute(
                    update(SignInFailure)
                    .where(SignInFailure.id == row.id)
                    .values(at=signing._aware(row.at) - timedelta(seconds=seconds))
                )


def answers(kb: KnowledgeBase, username: str, tries: int, *, wait: bool = True) -> list[str]:
    """What each of `tries` wrong passwords gets: "wrong", or the refusal's template."""
    seen = []
    for _ in range(tries):
        try:
            seen.append("ok" if kb.sign_in(username, "not the password") else "wrong")
        except SignInRefused as exc:
            seen.append(exc.template)
        if wait:
            backdate(kb, signing.MAX_WAIT_S + 1, username)
    return seen


def test_after_three_failures_a_try_must_wait_and_an_early_one_is_not_checked(accounts: KnowledgeBase) -> None:
    assert answers(accounts, "park", 3, wait=False) == ["wrong"] * 3
    with pytest.raises(SignInRefused, match="try again in 1 s"):
        accounts.sign_in("park", PASSWORD)  # even the right password waits
    backdate(accounts, 1.5)
    assert answers(accounts, "park", 1, wait=False) == ["wrong"]
    with pytest.raises(SignInRefused, match="try again in 2 s"):
        accounts.sign_in("park", PASSWORD)
    backdate(accounts, 2.5)
    assert accounts.sign_in("park", PASSWORD)
    assert signing.wait_after(9) == 64 and signing.wait_after(40) == signing.MAX_WAIT_S


def test_ten_failures_lock_the_account_until_an_admin_unlocks_it(accounts: KnowledgeBase) -> None:
    seen = answers(accounts, "park", signing.LOCK_AFTER + 1)
    assert seen[: signing.LOCK_AFTER] == ["wrong"] * signing.LOCK_AFTER
    assert "locked" in seen[-1]
    with pytest.raises(SignInRefused, match="locked after 10 failed sign-ins"):
        accounts.sign_in("park", PASSWORD)
    assert [x.username for x in accounts.locked_accounts()] == ["park"]
    with pytest.raises(PermissionDenied):
        accounts.as_user("park").unlock("park")
    assert accounts.unlock("park") == signing.LOCK_AFTER
    assert accounts.sign_in("park", PASSWORD)
    with pytest.raises(KnowledgeBaseError, match="no failed sign-ins"):
        accounts.unlock("park")
    actions = [e["action"] for e in accounts.audit(40)]
    assert actions[:2] == ["sign_in", "unlock"] and "lock" in actions
    assert actions.count("sign_in_failed") == signing.LOCK_AFTER


def test_a_success_clears_the_failures(accounts: KnowledgeBase) -> None:
    answers(accounts, "park", 5)
    assert accounts.sign_in("park", PASSWORD)
    assert answers(accounts, "park", 3, wait=False) == ["wrong"] * 3


def test_an_unknown_name_gets_the_same_answers_as_a_real_one(accounts: KnowledgeBase) -> None:
    tries = signing.LOCK_AFTER + 1
    assert answers(accounts, "nobody-here", tries) == answers(accounts, "park", tries)
    assert answers(accounts, "nopass", 2) == ["wrong", "wrong"]


def test_known_unknown_and_passwordless_names_cost_one_argon2_check_each(
    accounts: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    real = PasswordHasher.verify

    def counting(self: PasswordHasher, hash: str, password: str) -> bool:
        checked.append(hash.split("$")[3])  # the parameters: memory, time and lanes
        return real(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    for name in ("park", "nobody-here", "nopass"):
        assert not accounts.sign_in(name, "not the password")
    assert len(checked) == 3 and len(set(checked)) == 1


def test_one_client_is_stopped_whatever_names_it_tries(accounts: KnowledgeBase) -> None:
    for i in range(signing.CLIENT_LIMIT):
        assert not accounts.sign_in(f"guess{i}", "x" * 8, client="10.0.0.9")
    with pytest.raises(SignInRefused, match="from this computer; try again in 15 min"):
        accounts.sign_in("park", PASSWORD, client="10.0.0.9")
    assert accounts.sign_in("park", PASSWORD, client="10.0.0.10")
    backdate(accounts, signing.CLIENT_WINDOW.total_seconds())
    assert accounts.sign_in("park", PASSWORD, client="10.0.0.9")


def test_the_admin_lists_and_unlocks_from_the_command_line(sqlite_env: str) -> None:
    kb = KnowledgeBase(sqlite_env)
    kb.add_user("admin", "admin", password=PASSWORD)
    kb = kb.as_user("admin")
    kb.add_user("park", "interviewer", password=PASSWORD)
    answers(kb, "park", signing.LOCK_AFTER)
    runner = CliRunner()
    listed = runner.invoke(cli, ["--as", "admin", "user", "locked"])
    assert listed.exit_code == 0 and "park" in listed.output and "10 failed sign-ins" in listed.output
    done = runner.invoke(cli, ["--as", "admin", "user", "unlock", "park"])
    assert done.exit_code == 0 and "may sign in again (10 failed sign-ins cleared)" in done.output
    assert kb.sign_in("park", PASSWORD)
    assert "no account is locked" in runner.invoke(cli, ["--as", "admin", "user", "locked"]).output


def test_the_sign_in_page_says_how_long_to_wait_and_the_admin_page_unlocks(sqlite_env: str) -> None:
    kb = KnowledgeBase(sqlite_env)
    kb.add_user("admin", "admin", password=PASSWORD)
    kb = kb.as_user("admin")
    kb.add_user("park", "interviewer", password=PASSWORD)
    at = run_app(None)
    for _ in range(signing.THROTTLE_AFTER + 1):
        at.text_input(key="sign_in_user").input("park")
        at.text_input(key="sign_in_password").input("wrong password")
        at.button[0].click().run()
    assert at.error[0].value.startswith("too many failed sign-ins for this account; try again in")
    answers(kb, "park", signing.LOCK_AFTER)
    admin = run_app("admin", "admin")
    admin.selectbox(key="unlock_user").set_value("park")
    next(b for b in admin.button if b.label == "Unlock").click().run()
    assert not admin.exception
    assert admin.success[0].value == "park may sign in again."
    assert kb.sign_in("park", PASSWORD)


def test_parallel_guesses_are_counted_one_by_one(accounts: KnowledgeBase) -> None:
    answered: list[str] = []

    def guess(i: int) -> None:
        try:
            answered.append("checked" if not accounts.sign_in("park", f"guess {i}", client=f"10.0.1.{i}") else "in")
        except SignInRefused:
            answered.append("refused")

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(12)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(answered) == 12 and "in" not in answered
    assert answered.count("checked") <= signing.THROTTLE_AFTER + 1  # not 12 passwords tried at once


def test_clients_are_counted_by_address_and_an_unknown_one_is_not_a_shared_bucket(accounts: KnowledgeBase) -> None:
    assert (
        signing.client_key("2001:db8:1:2:3:4:5:6") == signing.client_key("2001:db8:1:2:ffff::1") == "2001:db8:1:2::/64"
    )
    assert signing.client_key("::ffff:10.0.0.9") == "10.0.0.9" and signing.client_key(None) == signing.LOCAL
    for i in range(signing.CLIENT_LIMIT + 2):  # behind a proxy on this machine: every browser is "local"
        assert not accounts.sign_in(f"guess{i}", "x" * 8)
    assert accounts.sign_in("park", PASSWORD)
    with pytest.raises(KnowledgeBaseError, match="longer than 80 characters"):
        accounts.add_user("x" * 81, "sme")
