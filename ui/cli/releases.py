"""Releases from the shell: freeze the confirmed rules under a name, list them, compare two."""

from __future__ import annotations

import click

from ui.cli.base import Acting, pass_acting


@click.group()
def release() -> None:
    """Named, immutable snapshots of the confirmed rules."""


@release.command("create")
@click.argument("name")
@click.option("--note", default=None)
@pass_acting
def release_create(acting: Acting, name: str, note: str | None) -> None:
    """Freeze the confirmed rules as release NAME."""
    r = acting.kb().create_release(name, note=note)
    click.echo(f"release {r.name!r}: {r.rules} confirmed rules")


@release.command("list")
@pass_acting
def release_list(acting: Acting) -> None:
    """The releases, oldest first, with their size, date and author."""
    for r in acting.kb().releases():
        click.echo(f"{r.name:30s} {r.rules:5d} rules  {r.created_at:%Y-%m-%d %H:%M} by {r.created_by}")


@release.command("diff")
@click.argument("old")
@click.argument("new")
@pass_acting
def release_diff(acting: Acting, old: str, new: str) -> None:
    """Rules added, removed and changed from release OLD to release NEW."""
    d = acting.kb().release_diff(old, new)
    click.echo(f"added: {', '.join(f'#{i}' for i in d.added) or '-'}")
    click.echo(f"removed: {', '.join(f'#{i}' for i in d.removed) or '-'}")
    for rule_id, changes in d.changed.items():
        click.echo(f"changed #{rule_id}: " + "; ".join(str(c) for c in changes))
