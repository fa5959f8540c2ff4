"""The cue vocabulary from the shell: propose cues from the rules' conditions, confirm, rename,
retype or drop them, and apply the confirmed names to the rules."""

from __future__ import annotations

import click

from knowledge_base import CueView
from ui.cli.base import Acting, emit, pass_acting


@click.group()
def vocabulary() -> None:
    """The cue vocabulary: one canonical variable for the ways masters name a cue."""


def _cue_line(c: CueView) -> str:
    unit = f" in {c.unit}" if c.unit else ""
    values = f" {{{', '.join(c.values)}}}" if c.values else ""
    return f"#{c.id} {c.name} ({c.kind}{unit}{values}, {c.status}): " + " / ".join(f"“{p}”" for p in c.phrases[:6])


@vocabulary.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_acting
def vocabulary_list(acting: Acting, as_json: bool) -> None:
    """The cues, confirmed first, each with what the masters said."""
    cues = acting.kb().vocabulary()
    if as_json:
        emit([c.__dict__ for c in cues])
        return
    if not cues:
        click.echo("No cues yet: run `myeongjang vocabulary propose`.")
    for c in cues:
        click.echo(_cue_line(c))


@vocabulary.command("propose")
@pass_acting
def vocabulary_propose(acting: Acting) -> None:
    """Cluster the conditions of every live rule into proposed cues (confirmed ones stay)."""
    for c in acting.kb().propose_vocabulary():
        click.echo(_cue_line(c))


@vocabulary.command("confirm")
@click.argument("cue_id", type=int)
@click.option("--name", default=None, help="Rename the cue (letters, digits and _).")
@click.option("--kind", type=click.Choice(["number", "flag", "category"]), default=None)
@click.option("--unit", default=None)
@click.option("--values", default=None, help="Allowed values of a category, comma-separated.")
@pass_acting
def vocabulary_confirm(
    acting: Acting, cue_id: int, name: str | None, kind: str | None, unit: str | None, values: str | None
) -> None:
    """Confirm cue CUE_ID, perhaps renamed or retyped."""
    c = acting.kb().confirm_cue(
        cue_id, name=name, kind=kind, unit=unit, values=values.split(",") if values is not None else None
    )
    click.echo(_cue_line(c))


@vocabulary.command("drop")
@click.argument("cue_id", type=int)
@pass_acting
def vocabulary_drop(acting: Acting, cue_id: int) -> None:
    """Drop cue CUE_ID (the rules keep their own names)."""
    acting.kb().drop_cue(cue_id)
    click.echo(f"cue {cue_id} dropped")


@vocabulary.command("apply")
@pass_acting
def vocabulary_apply(acting: Acting) -> None:
    """Rename the live rules' variables onto the confirmed cues (a new version per rule)."""
    changed = acting.kb().apply_vocabulary()
    click.echo(f"{len(changed)} rules renamed" + (": " + ", ".join(f"#{i}" for i in changed) if changed else ""))
