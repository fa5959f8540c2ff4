"""Guidance from the shell: a situation as facts (`ask`), a question in plain words (`search`),
and the conflicts and gaps among the rules (`check`)."""

from __future__ import annotations

import json

import click

from rules import Fact, FactSyntaxError, answer_lines, answer_to_dict, facts_from_json, parse_facts
from rules.units import show
from ui.cli.base import Acting, CliError, emit, pass_acting


def _json_facts(raw: str) -> dict[str, Fact]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise FactSyntaxError(f"--facts-json is not JSON ({exc.msg})") from None
    except RecursionError:
        raise FactSyntaxError("--facts-json is nested too deeply to read") from None
    return facts_from_json(data)


@click.command()
@click.option("--fact", "facts", multiple=True, help="A fact name=value, e.g. --fact humidity=85 (repeatable).")
@click.option("--facts-json", default=None, help='Facts as a JSON object, e.g. \'{"weather": "rain"}\'.')
@click.option("--include-proposed", is_flag=True, help="Also use rules not yet confirmed by a master.")
@click.option("--release", "release_name", default=None, help="Ask a named release instead of the working state.")
@click.option("--json", "as_json", is_flag=True)
@pass_acting
def ask(
    acting: Acting,
    facts: tuple[str, ...],
    facts_json: str | None,
    include_proposed: bool,
    release_name: str | None,
    as_json: bool,
) -> None:
    """Describe a situation; print the masters' rules that apply and why they fired."""
    situation = parse_facts(list(facts))
    if facts_json:
        situation.update(_json_facts(facts_json))
    if not situation:
        raise CliError("describe the situation with --fact name=value or --facts-json")
    answer = acting.kb().ask(situation, include_proposed=include_proposed, release=release_name)
    if as_json:
        emit(answer_to_dict(answer))
        return
    for line in answer_lines(answer):
        click.echo(line)


@click.command()
@click.argument("question")
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 50))
@click.option("--include-proposed", is_flag=True, help="Also search rules not yet confirmed by a master.")
@click.option("--json", "as_json", is_flag=True)
@pass_acting
def search(acting: Acting, question: str, limit: int, include_proposed: bool, as_json: bool) -> None:
    """Ask in plain words; print the masters' rules closest to the question, and the facts read
    from it (pass those to `ask`)."""
    kb = acting.kb()
    found = kb.search(question, limit=limit, include_proposed=include_proposed)
    facts, how = kb.facts_from_question(question, include_proposed=include_proposed)
    if as_json:
        emit(
            {
                "rules": [
                    {
                        "id": r.view.id,
                        "master": r.view.master,
                        "status": r.view.status,
                        "score": r.hit.score,
                        "cosine": r.hit.cosine,
                        "lexical": r.hit.lexical,
                        "rule": r.view.rule.summary(),
                        "quote": r.view.quote,
                    }
                    for r in found
                ],
                "facts": {k: {"value": show(v), "read": how.get(k)} for k, v in facts.items()},
            }
        )
        return
    if not found:
        click.echo("No rule is close to the question.")
    for r in found:
        click.echo(f"#{r.view.id} [{r.view.status}, {r.view.master}; {r.hit.why}] {r.view.rule.summary()}")
        if r.view.quote:
            click.echo(f"    “{r.view.quote}”")
    for k, v in facts.items():
        click.echo(f"fact: {k} = {show(v)} ({how.get(k)})")


@click.command("check")
@click.option("--json", "as_json", is_flag=True)
@pass_acting
def check_rules(acting: Acting, as_json: bool) -> None:
    """Find conflicts, duplicates, special cases and gaps among the rules (confirmed and proposed),
    within one master's rules and between masters; print the questions for the next interview."""
    found = acting.kb().findings()
    if as_json:
        emit(
            [
                {
                    "kind": f.kind,
                    "rules": list(f.rules),
                    "masters": list(f.masters),
                    "scope": f.scope,
                    "detail": f.detail,
                    "question": f.question,
                }
                for f in found
            ]
        )
        return
    if not found:
        click.echo("No conflicts, duplicates or gaps found.")
    for f in found:
        click.echo(f"[{f.kind}, {f.scope}] {f.detail}")
        click.echo(f"  ask: {f.question}")
