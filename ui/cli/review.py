"""A master's review from the shell: the rules with their status, decisions, history, differences
between versions, and restoring an old version."""

from __future__ import annotations

from collections.abc import Callable

import click

from ui.cli.base import Acting, emit, pass_acting


@click.group()
def review() -> None:
    """List rules and record a master's review decisions."""


@review.command("list")
@click.option("--status", default=None, help="proposed, confirmed, rejected, needs_discussion, retired")
@click.option("--master", default=None)
@click.option("--json", "as_json", is_flag=True)
@pass_acting
def review_list(acting: Acting, status: str | None, master: str | None, as_json: bool) -> None:
    """Rules with their status, highest confidence first."""
    views = acting.kb().list_rules(status=status, master=master)
    if as_json:
        emit(
            [
                {
                    "id": v.id,
                    "version": v.version,
                    "status": v.status,
                    "master": v.master,
                    "quote": v.quote,
                    "rule": v.rule.to_contract(),
                }
                for v in views
            ]
        )
        return
    for v in views:
        click.echo(
            f"#{v.id:<4d} v{v.version} {v.status:16s} {v.master:16s} [{v.rule.confidence:.2f}] {v.rule.summary()}"
        )


def _decide(decision: str) -> Callable[..., None]:
    @click.argument("rule_id", type=int)
    @click.option(
        "--version", "expected", type=int, default=None, help="The version you reviewed (default: the current one)."
    )
    @click.option("--comment", default=None)
    @pass_acting
    def command(acting: Acting, rule_id: int, expected: int | None, comment: str | None) -> None:
        kb = acting.kb()
        version = expected if expected is not None else kb.get_rule(rule_id).version
        view = kb.review(rule_id, decision, expected_version=version, comment=comment)
        click.echo(f"rule {view.id} is now {view.status} (version {view.version})")

    command.__doc__ = f"Mark RULE_ID as {decision}."
    return command


for _name, _decision in (
    ("confirm", "confirmed"),
    ("reject", "rejected"),
    ("discuss", "needs_discussion"),
    ("retire", "retired"),
):
    review.command(_name)(_decide(_decision))


@review.command("history")
@click.argument("rule_id", type=int)
@pass_acting
def review_history(acting: Acting, rule_id: int) -> None:
    """Every version of RULE_ID: who, when, why."""
    for v in acting.kb().history(rule_id):
        click.echo(f"v{v.number} {v.status:16s} {v.author:16s} {v.created_at:%Y-%m-%d %H:%M} {v.reason}")


@review.command("diff")
@click.argument("rule_id", type=int)
@click.argument("old", type=int)
@click.argument("new", type=int)
@pass_acting
def review_diff(acting: Acting, rule_id: int, old: int, new: int) -> None:
    """Field-by-field changes of RULE_ID from version OLD to version NEW."""
    changes = acting.kb().diff(rule_id, old, new)
    for change in changes:
        click.echo(str(change))
    if not changes:
        click.echo("no differences")


@review.command("restore")
@click.argument("rule_id", type=int)
@click.argument("number", type=int)
@click.option("--reason", required=True)
@pass_acting
def review_restore(acting: Acting, rule_id: int, number: int, reason: str) -> None:
    """Bring back version NUMBER of RULE_ID as a new version."""
    kb = acting.kb()
    view = kb.restore_version(rule_id, number, reason=reason, expected_version=kb.get_rule(rule_id).version)
    click.echo(f"rule {view.id} restored from version {number} as version {view.version}")
