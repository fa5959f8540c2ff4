"""The audit trail from the shell: the newest events, and a walk of the history's hash chain."""

from __future__ import annotations

import click

from ui.cli.base import Acting, emit, fail, pass_acting


@click.group()
def audit() -> None:
    """The audit trail, and a check that the history is intact (admins)."""


@audit.command("list")
@click.option("--limit", type=click.IntRange(1, 100_000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_acting
def audit_list(acting: Acting, limit: int, as_json: bool) -> None:
    """The newest events of the audit trail."""
    events = acting.kb().audit(limit)
    if as_json:
        emit(events)
        return
    for e in events:
        entity = f"{e['entity']} {e['entity_id']}" if e["entity_id"] is not None else e["entity"]
        click.echo(f"{e['at']:%Y-%m-%d %H:%M}  {e['actor']:<12} {e['action']:<18} {entity}")


@audit.command("verify")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_acting
def audit_verify(acting: Acting, as_json: bool) -> None:
    """Walk the hash chain over rule versions, reviews and audit events; name the first row that
    was changed, removed or inserted after it was written (exit code 1)."""
    walks = acting.kb().verify_history()
    if as_json:
        emit([{"table": w.table, "rows": w.rows, "head": w.head, "problem": w.problem} for w in walks])
    else:
        for w in walks:
            click.echo(f"{w.table:<14} {w.rows:>7} rows  {'broken' if w.problem else 'intact'}  head {w.head[:16]}")
    broken = [w.problem for w in walks if w.problem]
    if broken:
        fail(f"the history was tampered with: {broken[0]}")
