"""Interviews in: import a transcript for a master, and register masters with their consent."""

from __future__ import annotations

from pathlib import Path

import click

from knowledge_base import CONSENT_SCOPES
from ui.cli.base import Acting, emit, pass_acting, turn_bar
from ui.workflows import import_interview, register_with_consent


@click.command(name="import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--master", required=True, help="The master interviewed (registered, with consent).")
@click.option("--title", default=None)
@click.option("--confidential", is_flag=True, help="Rules visible only inside the master's organisation.")
@click.option("--json", "as_json", is_flag=True)
@pass_acting
def import_(acting: Acting, file: Path, master: str, title: str | None, confidential: bool, as_json: bool) -> None:
    """Import a transcript FILE for MASTER: redact personal data, extract rules, store them as proposals."""
    from elicitation.transcripts import read_file

    data = read_file(file)
    with turn_bar(None) as progress:
        result = import_interview(
            acting.kb(), master, file.name, data, title=title, confidential=confidential, progress=progress
        )
    if as_json:
        emit(
            {
                "transcript_id": result.transcript_id,
                "turns": result.turns,
                "encoding": result.encoding,
                "rule_ids": result.rule_ids,
                "redactions": result.redactions,
                "warnings": result.warnings,
            }
        )
        return
    for warning in result.warnings:
        click.echo(f"myeongjang: warning: {file.name}, {warning}", err=True)
    click.echo(
        f"imported {file.name} as transcript {result.transcript_id}: {result.turns} turns, "
        f"{len(result.rule_ids)} proposed rules for {master} to review"
    )
    if result.redactions:
        removed = ", ".join(f"{n} {kind}" for kind, n in result.redactions.items())
        click.echo(f"redacted before storing: {removed}")


@click.group()
def consent() -> None:
    """Register masters and record or withdraw their consent."""


@consent.command("add")
@click.option("--master", required=True)
@click.option("--craft", default=None)
@click.option("--organisation", default=None)
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    type=click.Choice(CONSENT_SCOPES),
    default=["internal_guidance"],
    show_default=True,
)
@pass_acting
def consent_add(
    acting: Acting, master: str, craft: str | None, organisation: str | None, scopes: tuple[str, ...]
) -> None:
    """Register MASTER (if new) and record the consent given."""
    register_with_consent(acting.kb(), master, list(scopes), craft=craft, organisation=organisation)
    click.echo(f"consent recorded for {master}: {', '.join(scopes)}")


@consent.command("withdraw")
@click.option("--master", required=True)
@pass_acting
def consent_withdraw(acting: Acting, master: str) -> None:
    """Withdraw MASTER's consent: the master's rules drop out of guidance and exports."""
    kb = acting.kb()
    kb.withdraw_consent(kb.master_by_name(master).id)
    click.echo(f"consent withdrawn for {master}")


@consent.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_acting
def consent_list(acting: Acting, as_json: bool) -> None:
    """Masters and the consent scopes in force."""
    masters = acting.kb().masters()
    if as_json:
        emit([m.__dict__ for m in masters])
        return
    for m in masters:
        click.echo(f"{m.name} ({m.craft or '-'}): {', '.join(m.consent_scopes) or 'NO CONSENT'}")
