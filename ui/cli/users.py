"""Users and roles: accounts, passwords, and delegating a master's review to someone else."""

from __future__ import annotations

import sys

import click

from knowledge_base import ROLES
from ui.cli.base import Acting, emit, pass_acting


@click.group()
def user() -> None:
    """Users and roles."""


@user.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--name", "display_name", default=None)
@click.option("--organisation", default=None)
@click.option("--master", default=None, help="For a master's account: the master it belongs to.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@pass_acting
def user_add(
    acting: Acting,
    username: str,
    role: str,
    display_name: str | None,
    organisation: str | None,
    master: str | None,
    password_stdin: bool,
) -> None:
    """Add a user with a role (the first user must be an admin)."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    acting.kb().add_user(
        username, role, display_name=display_name, organisation=organisation, password=password, master=master
    )
    click.echo(f"user {username} added as {role}")


@user.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
@pass_acting
def user_passwd(acting: Acting, username: str, password_stdin: bool) -> None:
    """Set USERNAME's password (your own, or anyone's as an admin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    acting.kb().set_password(username, password)
    click.echo(f"password changed for {username}")


@user.command("delegate")
@click.argument("username")
@click.option("--master", required=True, help="The master whose rules USERNAME may review.")
@pass_acting
def user_delegate(acting: Acting, username: str, master: str) -> None:
    """Let USERNAME review MASTER's rules on his behalf (admins only)."""
    acting.kb().delegate(username, master)
    click.echo(f"{username} may now review {master}'s rules")


@user.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_acting
def user_list(acting: Acting, as_json: bool) -> None:
    """The users, their roles and the masters their accounts belong to (admins only)."""
    users = acting.kb().list_users()
    if as_json:
        emit(users)
        return
    for u in users:
        linked = f" (master {u['master']})" if u["master"] else ""
        click.echo(f"{u['username']:20s} {u['role']:12s} {u['display_name']}{linked}")


@user.command("locked")
@pass_acting
def user_locked(acting: Acting) -> None:
    """The user names locked after failed sign-ins (admins only)."""
    found = acting.kb().locked_accounts()
    if not found:
        click.echo("no account is locked")
    for x in found:
        click.echo(f"{x.username:20s} {x.failures} failed sign-ins, the last at {x.last:%Y-%m-%d %H:%M} UTC")


@user.command("unlock")
@click.argument("username")
@pass_acting
def user_unlock(acting: Acting, username: str) -> None:
    """Clear USERNAME's failed sign-ins, so that he may sign in again (admins only)."""
    cleared = acting.kb().unlock(username)
    click.echo(f"{username} may sign in again ({cleared} failed sign-ins cleared)")
