"""The `myeongjang` command line: one console script, a subcommand per job.

Errors are one line on standard error with a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, NoReturn

import click
import platformdirs

from elicitation import TranscriptError
from knowledge_base import CONSENT_SCOPES, ROLES, KnowledgeBase, KnowledgeBaseError
from rules import (
    EngineUnavailable,
    Fact,
    FactError,
    FactSyntaxError,
    answer_lines,
    answer_to_dict,
    facts_from_json,
    parse_facts,
)
from rules.units import show

EXIT_INPUT = 2


class CliError(Exception):
    """A user-facing error from a command."""


def _fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"myeongjang: error: {message}", err=True)
    sys.exit(code)


_USER: dict[str, str | None] = {"name": None}


def _kb() -> KnowledgeBase:
    """The knowledge base, acting as the user given by --as (or MYEONGJANG_USER), with the
    semantic layer on (the sentence model loads only if a command needs it)."""
    from elicitation.embeddings import default_encoder, multilingual_encoder

    return KnowledgeBase(user=_USER["name"], encoder=default_encoder(), multilingual=multilingual_encoder())


def _emit(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--as", "as_user", envvar="MYEONGJANG_USER", default=None, help="Act as this user (or MYEONGJANG_USER).")
def cli(as_user: str | None) -> None:
    """myeongjang: turn masters' interviews into reviewed, explainable if-then rules.

    The knowledge base is a SQLite file in your data directory unless MYEONGJANG_DATABASE_URL
    names another database (e.g. postgresql://user@host/db). Every command acts as a user
    (--as USER); what it may do follows that user's role.
    """
    _USER["name"] = as_user


# --- extract ----------------------------------------------------------------------------------


@cli.command()
@click.argument("file", required=False, type=click.Path(dir_okay=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help='Print {"rules": [...]} as JSON.')
@click.option("--jsonl", is_flag=True, help='Read {"id", "text"} lines on stdin, write one result line each.')
def extract(file: Path | None, as_json: bool, jsonl: bool) -> None:
    """Extract candidate rules from a transcript FILE (.txt, .vtt, .srt, Whisper .json or .docx), without storing them."""
    from elicitation import extract_texts, read_interview, read_transcript

    if jsonl:
        if file is not None:
            raise CliError("--jsonl reads standard input; give no FILE")
        _extract_jsonl(extract_texts)
        return
    if file is None:
        raise CliError("give a transcript FILE, or --jsonl to read standard input")
    transcript = read_transcript(file)
    with _turn_bar(len(transcript.turns)) as progress:
        reading = read_interview(transcript, progress=progress)
    rules = reading.rules
    if as_json:
        _emit(
            {
                "file": str(file),
                "encoding": transcript.encoding,
                "turns": len(transcript.turns),
                "rules": [r.to_contract() for r in rules],
                "possible_rules": [
                    {"turn": p.evidence.turn, "speaker": p.evidence.speaker, "text": p.text, "score": p.score}
                    for p in reading.possible
                ],
            }
        )
        return
    click.echo(f"{file}: {len(transcript.turns)} turns ({transcript.encoding}), {len(rules)} candidate rules")
    for i, r in enumerate(rules, 1):
        ev = r.evidence[0] if r.evidence else None
        where = f"turn {ev.turn} ({ev.speaker})" if ev else ""
        click.echo(f"{i:3d}. [{r.confidence:.2f} {r.certainty.value}] {r.summary()}  — {where}")
    if reading.possible:
        click.echo("\nSounds like a rule, but no condition and action could be read; ask again:")
        for p in reading.possible:
            click.echo(f"  - turn {p.evidence.turn} ({p.evidence.speaker}): {p.text}")


LONG_TRANSCRIPT_TURNS = 40


@contextlib.contextmanager
def _turn_bar(turns: int | None) -> Any:
    """A progress bar on standard error for long transcripts, when it is a terminal or with
    MYEONGJANG_PROGRESS=1 (then one line per tenth, for logs); yields the `progress(done,
    total)` callback, or None."""
    wanted = os.environ.get("MYEONGJANG_PROGRESS")
    terminal = sys.stderr.isatty()
    if not (wanted == "1" or (wanted != "0" and terminal)) or (turns is not None and turns < LONG_TRANSCRIPT_TURNS):
        yield None
        return
    shown = {"tenth": -1}

    def progress(done: int, total: int) -> None:
        if total < LONG_TRANSCRIPT_TURNS:
            return
        tenth = done * 10 // total
        if terminal:
            filled = done * 30 // total
            sys.stderr.write(f"\rextracting rules [{'#' * filled}{'-' * (30 - filled)}] {done}/{total} turns")
            if done == total:
                sys.stderr.write("\n")
        elif tenth > shown["tenth"]:
            sys.stderr.write(f"extracting rules: {done}/{total} turns\n")
        shown["tenth"] = tenth
        sys.stderr.flush()

    yield progress


@cli.command()
@click.option(
    "--detection",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV of sentences with a 0/1 label column (CiRA's cira_detection_dev.csv).",
)
@click.option("--label", default="Causal", show_default=True, help="The detection CSV's label column.")
@click.option(
    "--spans",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder of CiRA-style span JSON files (cira_examples/).",
)
@click.option(
    "--rules",
    "rules_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder of interview transcripts with NAME.gold.json files [default: the bundled gold set].",
)
@click.option("--split", type=click.Choice(["all", "dev", "holdout"]), default="all", show_default=True)
@click.option(
    "--language",
    type=click.Choice(["all", "en", "ko"]),
    default="all",
    show_default=True,
    help="Which of the bundled interviews to score: English, Korean (elicitation/gold/ko) or both.",
)
@click.option("--json", "as_json", is_flag=True)
def evaluate(
    detection: Path | None,
    label: str,
    spans: Path | None,
    rules_dir: Path | None,
    split: str,
    language: str,
    as_json: bool,
) -> None:
    """Score the extractor against gold data: precision, recall and F1 for sentence detection,
    condition/action spans and whole rules in interviews. Korean interviews are scored apart from
    English ones ("ko:dev", "ko:holdout")."""
    from elicitation.evaluation import GoldError
    from elicitation.evaluation_report import evaluation_report

    try:
        evaluated = evaluation_report(detection, label, spans, rules_dir, split, language)
    except GoldError as exc:
        raise CliError(str(exc)) from None
    report = evaluated.data
    loo = evaluated.confidence_by_language
    if as_json:
        _emit(report)
        return
    line = "{:<34} P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}"
    if "detection" in report:
        found = report["detection"]
        click.echo(line.format(f"detection ({found['sentences']} sentences)", **found))
        click.echo(line.format(f"  held out ({found['held_out']['sentences']})", **found["held_out"]))
        click.echo(line.format("    structured rules only", **found["held_out"]["structured_only"]))
        click.echo(line.format("  structured rules only", **found["structured_only"]))
    if "spans" in report:
        for key in ("conditions", "actions", "all"):
            click.echo(line.format(f"spans: {key}", **report["spans"][key]))
    for name, part in report["rules"].items():
        click.echo(line.format(f"rules [{name}, {part['gold_rules']} gold]", **part))
        for interview, score in part["interviews"].items():
            click.echo(line.format(f"  {interview}", **score))
        click.echo(f"  cross-turn recall {part['cross_turn_recall']:.3f}")
    for lang, part in loo.items():
        click.echo(
            f"confidence ({lang}), each interview against a calibration fitted on the others: Brier "
            f"{part['calibrated']['brier']:.3f} (raw score {part['raw']['brier']:.3f}), calibration error "
            f"{part['calibrated']['ece']:.3f} (raw score {part['raw']['ece']:.3f}) over {part['raw']['rules']} rules"
        )


def _extract_jsonl(extract_texts: Any) -> None:
    items: list[tuple[Any, str]] = []
    for lineno, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CliError(f"standard input line {lineno}: not JSON ({exc.msg})") from None
        if not isinstance(obj, dict) or "text" not in obj or not isinstance(obj["text"], str):
            raise CliError(f'standard input line {lineno}: expected an object with a string "text"')
        items.append((obj.get("id"), obj["text"]))
    for (ident, _), rules in zip(items, extract_texts(t for _, t in items), strict=True):
        sys.stdout.write(
            json.dumps({"id": ident, "rules": [r.to_contract() for r in rules]}, ensure_ascii=False) + "\n"
        )


# --- import, masters, consent -------------------------------------------------------------------


@cli.command(name="import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--master", required=True, help="The master interviewed (registered, with consent).")
@click.option("--title", default=None)
@click.option("--confidential", is_flag=True, help="Rules visible only inside the master's organisation.")
@click.option("--json", "as_json", is_flag=True)
def import_(file: Path, master: str, title: str | None, confidential: bool, as_json: bool) -> None:
    """Import a transcript FILE for MASTER: redact personal data, extract rules, store them as proposals."""
    from ui.workflows import import_interview

    if not file.exists():
        raise CliError(f"{file}: no such file")
    if file.is_dir():
        raise CliError(f"{file}: is a directory, not a transcript file")
    data = file.read_bytes()
    with _turn_bar(None) as progress:
        result = import_interview(
            _kb(), master, file.name, data, title=title, confidential=confidential, progress=progress
        )
    if as_json:
        _emit(
            {
                "transcript_id": result.transcript_id,
                "turns": result.turns,
                "encoding": result.encoding,
                "rule_ids": result.rule_ids,
                "redactions": result.redactions,
            }
        )
    else:
        click.echo(
            f"imported {file.name} as transcript {result.transcript_id}: {result.turns} turns, "
            f"{len(result.rule_ids)} proposed rules for {master} to review"
        )
        if result.redactions:
            removed = ", ".join(f"{n} {kind}" for kind, n in result.redactions.items())
            click.echo(f"redacted before storing: {removed}")


@cli.group()
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
def consent_add(master: str, craft: str | None, organisation: str | None, scopes: tuple[str, ...]) -> None:
    """Register MASTER (if new) and record the consent given."""
    kb = _kb()
    master_id = kb.register_master(master, craft=craft, organisation=organisation)
    kb.record_consent(master_id, list(scopes))
    click.echo(f"consent recorded for {master}: {', '.join(scopes)}")


@consent.command("withdraw")
@click.option("--master", required=True)
def consent_withdraw(master: str) -> None:
    """Withdraw MASTER's consent: the master's rules drop out of guidance and exports."""
    kb = _kb()
    kb.withdraw_consent(kb.master_by_name(master).id)
    click.echo(f"consent withdrawn for {master}")


@consent.command("list")
@click.option("--json", "as_json", is_flag=True)
def consent_list(as_json: bool) -> None:
    """Masters and the consent scopes in force."""
    masters = _kb().masters()
    if as_json:
        _emit([m.__dict__ for m in masters])
        return
    for m in masters:
        click.echo(f"{m.name} ({m.craft or '-'}): {', '.join(m.consent_scopes) or 'NO CONSENT'}")


@cli.group()
def user() -> None:
    """Users and roles."""


@user.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--name", "display_name", default=None)
@click.option("--organisation", default=None)
@click.option("--master", default=None, help="For a master's account: the master it belongs to.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def user_add(
    username: str,
    role: str,
    display_name: str | None,
    organisation: str | None,
    master: str | None,
    password_stdin: bool,
) -> None:
    """Add a user with a role (the first user must be an admin)."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    _kb().add_user(
        username, role, display_name=display_name, organisation=organisation, password=password, master=master
    )
    click.echo(f"user {username} added as {role}")


@user.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
def user_passwd(username: str, password_stdin: bool) -> None:
    """Set USERNAME's password (your own, or anyone's as an admin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    _kb().set_password(username, password)
    click.echo(f"password changed for {username}")


@user.command("delegate")
@click.argument("username")
@click.option("--master", required=True, help="The master whose rules USERNAME may review.")
def user_delegate(username: str, master: str) -> None:
    """Let USERNAME review MASTER's rules on his behalf (admins only)."""
    _kb().delegate(username, master)
    click.echo(f"{username} may now review {master}'s rules")


@user.command("list")
@click.option("--json", "as_json", is_flag=True)
def user_list(as_json: bool) -> None:
    users = _kb().list_users()
    if as_json:
        _emit(users)
        return
    for u in users:
        linked = f" (master {u['master']})" if u["master"] else ""
        click.echo(f"{u['username']:20s} {u['role']:12s} {u['display_name']}{linked}")


# --- review -------------------------------------------------------------------------------------


@cli.group()
def review() -> None:
    """List rules and record a master's review decisions."""


@review.command("list")
@click.option("--status", default=None, help="proposed, confirmed, rejected, needs_discussion, retired")
@click.option("--master", default=None)
@click.option("--json", "as_json", is_flag=True)
def review_list(status: str | None, master: str | None, as_json: bool) -> None:
    """Rules with their status, highest confidence first."""
    views = _kb().list_rules(status=status, master=master)
    if as_json:
        _emit(
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


def _decide(decision: str) -> Any:
    @click.argument("rule_id", type=int)
    @click.option(
        "--version", "expected", type=int, default=None, help="The version you reviewed (default: the current one)."
    )
    @click.option("--comment", default=None)
    def command(rule_id: int, expected: int | None, comment: str | None) -> None:
        kb = _kb()
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
def review_history(rule_id: int) -> None:
    """Every version of RULE_ID: who, when, why."""
    for v in _kb().history(rule_id):
        click.echo(f"v{v.number} {v.status:16s} {v.author:16s} {v.created_at:%Y-%m-%d %H:%M} {v.reason}")


@review.command("diff")
@click.argument("rule_id", type=int)
@click.argument("old", type=int)
@click.argument("new", type=int)
def review_diff(rule_id: int, old: int, new: int) -> None:
    """Field-by-field changes of RULE_ID from version OLD to version NEW."""
    changes = _kb().diff(rule_id, old, new)
    for change in changes:
        click.echo(str(change))
    if not changes:
        click.echo("no differences")


@review.command("restore")
@click.argument("rule_id", type=int)
@click.argument("number", type=int)
@click.option("--reason", required=True)
def review_restore(rule_id: int, number: int, reason: str) -> None:
    """Bring back version NUMBER of RULE_ID as a new version."""
    kb = _kb()
    view = kb.restore_version(rule_id, number, reason=reason, expected_version=kb.get_rule(rule_id).version)
    click.echo(f"rule {view.id} restored from version {number} as version {view.version}")


# --- releases -------------------------------------------------------------------------------------


@cli.group()
def release() -> None:
    """Named, immutable snapshots of the confirmed rules."""


@release.command("create")
@click.argument("name")
@click.option("--note", default=None)
def release_create(name: str, note: str | None) -> None:
    """Freeze the confirmed rules as release NAME."""
    r = _kb().create_release(name, note=note)
    click.echo(f"release {r.name!r}: {r.rules} confirmed rules")


@release.command("list")
def release_list() -> None:
    for r in _kb().releases():
        click.echo(f"{r.name:30s} {r.rules:5d} rules  {r.created_at:%Y-%m-%d %H:%M} by {r.created_by}")


@release.command("diff")
@click.argument("old")
@click.argument("new")
def release_diff(old: str, new: str) -> None:
    """Rules added, removed and changed from release OLD to release NEW."""
    d = _kb().release_diff(old, new)
    click.echo(f"added: {', '.join(f'#{i}' for i in d.added) or '-'}")
    click.echo(f"removed: {', '.join(f'#{i}' for i in d.removed) or '-'}")
    for rule_id, changes in d.changed.items():
        click.echo(f"changed #{rule_id}: " + "; ".join(str(c) for c in changes))


# --- ask ----------------------------------------------------------------------------------------


@cli.command()
@click.option("--fact", "facts", multiple=True, help="A fact name=value, e.g. --fact humidity=85 (repeatable).")
@click.option("--facts-json", default=None, help='Facts as a JSON object, e.g. \'{"weather": "rain"}\'.')
@click.option("--include-proposed", is_flag=True, help="Also use rules not yet confirmed by a master.")
@click.option("--release", "release_name", default=None, help="Ask a named release instead of the working state.")
@click.option("--json", "as_json", is_flag=True)
def ask(
    facts: tuple[str, ...], facts_json: str | None, include_proposed: bool, release_name: str | None, as_json: bool
) -> None:
    """Describe a situation; print the masters' rules that apply and why they fired."""
    situation = parse_facts(list(facts))
    if facts_json:
        situation.update(_json_facts(facts_json))
    if not situation:
        raise CliError("describe the situation with --fact name=value or --facts-json")
    answer = _kb().ask(situation, include_proposed=include_proposed, release=release_name)
    if as_json:
        _emit(answer_to_dict(answer))
        return
    for line in answer_lines(answer):
        click.echo(line)


@cli.command()
@click.argument("question")
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 50))
@click.option("--include-proposed", is_flag=True, help="Also search rules not yet confirmed by a master.")
@click.option("--json", "as_json", is_flag=True)
def search(question: str, limit: int, include_proposed: bool, as_json: bool) -> None:
    """Ask in plain words; print the masters' rules closest to the question, and the facts read
    from it (pass those to `ask`)."""
    kb = _kb()
    found = kb.search(question, limit=limit, include_proposed=include_proposed)
    facts, how = kb.facts_from_question(question, include_proposed=include_proposed)
    if as_json:
        _emit(
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


@cli.group()
def vocabulary() -> None:
    """The cue vocabulary: one canonical variable for the ways masters name a cue."""


def _cue_line(c: Any) -> str:
    unit = f" in {c.unit}" if c.unit else ""
    values = f" {{{', '.join(c.values)}}}" if c.values else ""
    return f"#{c.id} {c.name} ({c.kind}{unit}{values}, {c.status}): " + " / ".join(f"“{p}”" for p in c.phrases[:6])


@vocabulary.command("list")
@click.option("--json", "as_json", is_flag=True)
def vocabulary_list(as_json: bool) -> None:
    """The cues, confirmed first, each with what the masters said."""
    cues = _kb().vocabulary()
    if as_json:
        _emit([c.__dict__ for c in cues])
        return
    if not cues:
        click.echo("No cues yet: run `myeongjang vocabulary propose`.")
    for c in cues:
        click.echo(_cue_line(c))


@vocabulary.command("propose")
def vocabulary_propose() -> None:
    """Cluster the conditions of every live rule into proposed cues (confirmed ones stay)."""
    cues = _kb().propose_vocabulary()
    for c in cues:
        click.echo(_cue_line(c))


@vocabulary.command("confirm")
@click.argument("cue_id", type=int)
@click.option("--name", default=None, help="Rename the cue (letters, digits and _).")
@click.option("--kind", type=click.Choice(["number", "flag", "category"]), default=None)
@click.option("--unit", default=None)
@click.option("--values", default=None, help="Allowed values of a category, comma-separated.")
def vocabulary_confirm(cue_id: int, name: str | None, kind: str | None, unit: str | None, values: str | None) -> None:
    """Confirm cue CUE_ID, perhaps renamed or retyped."""
    c = _kb().confirm_cue(
        cue_id, name=name, kind=kind, unit=unit, values=values.split(",") if values is not None else None
    )
    click.echo(_cue_line(c))


@vocabulary.command("drop")
@click.argument("cue_id", type=int)
def vocabulary_drop(cue_id: int) -> None:
    """Drop cue CUE_ID (the rules keep their own names)."""
    _kb().drop_cue(cue_id)
    click.echo(f"cue {cue_id} dropped")


@vocabulary.command("apply")
def vocabulary_apply() -> None:
    """Rename the live rules' variables onto the confirmed cues (a new version per rule)."""
    changed = _kb().apply_vocabulary()
    click.echo(f"{len(changed)} rules renamed" + (": " + ", ".join(f"#{i}" for i in changed) if changed else ""))


@cli.command("check")
@click.option("--json", "as_json", is_flag=True)
def check_rules(as_json: bool) -> None:
    """Find conflicts, duplicates, special cases and gaps among the rules (confirmed and proposed),
    within one master's rules and between masters; print the questions for the next interview."""
    found = _kb().findings()
    if as_json:
        _emit(
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


def _json_facts(raw: str) -> dict[str, Fact]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise FactSyntaxError(f"--facts-json is not JSON ({exc.msg})") from None
    return facts_from_json(data)


# --- export, backup, restore --------------------------------------------------------------------


def _write_document(document: dict[str, Any], out: Path | None, what: str) -> None:
    text = json.dumps(document, ensure_ascii=False, indent=1, default=str)
    if out is None:
        click.echo(text)
        return
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(text + "\n", encoding="utf-8")
    tmp.replace(out)  # never a half-written file under the real name
    click.echo(f"wrote {what} ({len(document['tables']['rules'])} rules) to {out}", err=True)


@cli.command()
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Write to this file instead of stdout.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "jdm", "dmn", "xlsx"]),
    default="json",
    show_default=True,
    help="json: the whole knowledge base; jdm, dmn, xlsx: the confirmed rules as decision tables.",
)
@click.option("--release", "release_name", default=None, help="Decision tables of a named release.")
def export(out: Path | None, fmt: str, release_name: str | None) -> None:
    """Export the knowledge base as JSON (rules with every version, review, quote and master, and
    consent), or its confirmed rules as decision tables for other engines: GoRules JDM, DMN 1.3, XLSX.
    Withdrawn masters and other organisations' confidential rules stay out."""
    if fmt == "json":
        if release_name:
            raise CliError("--release applies to the decision-table formats (jdm, dmn, xlsx)")
        _write_document(_kb().export(), out, "export")
        return
    data = _kb().decision_tables(fmt, release=release_name)
    if out is None:
        if fmt == "xlsx":
            raise CliError("an XLSX workbook needs --out FILE")
        sys.stdout.buffer.write(data)
        return
    out.write_bytes(data)
    click.echo(f"wrote {fmt} decision tables to {out} ({len(data):,} bytes)", err=True)


@cli.command()
@click.option("--out", type=click.Path(path_type=Path), required=True)
def backup(out: Path) -> None:
    """Write the whole knowledge base to a JSON file (admins only)."""
    _write_document(_kb().backup(), out, "backup")


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
def restore(file: Path) -> None:
    """Load a backup or an export FILE into an empty knowledge base."""
    if not file.exists():
        raise CliError(f"{file}: no such file")
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CliError(f"{file}: not a JSON knowledge-base file ({exc})") from None
    counts = KnowledgeBase().restore(document)
    click.echo(f"restored {counts.get('rules', 0)} rules, {counts.get('rule_versions', 0)} versions from {file}")


# --- demo and ui ----------------------------------------------------------------------------------


def streamlit_command(port: int) -> list[str]:
    """The command that serves the Streamlit app on loopback at PORT (also used by the browser test)."""
    app = Path(__file__).with_name("app.py")
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]


def _serve(port: int, user: str | None) -> None:
    click.echo(f"The myeongjang UI is at http://127.0.0.1:{port}  (Ctrl-C stops it)")
    cmd = streamlit_command(port)
    env = dict(os.environ, MYEONGJANG_DATABASE_URL=_kb().url)
    if user:
        env["MYEONGJANG_USER"] = user
    with contextlib.suppress(KeyboardInterrupt):
        subprocess.run(cmd, env=env, check=False)


@cli.command()
@click.option("--port", default=8501, show_default=True)
@click.option("--no-ui", is_flag=True, help="Set up the knowledge base and load the samples, then stop.")
def demo(port: int, no_ui: bool) -> None:
    """Create the knowledge base, import the bundled sample interviews, extract rules, start the UI."""
    from ui.workflows import demo_accounts, ensure_admin, load_samples

    kb = ensure_admin(KnowledgeBase(), _USER["name"] or "admin")
    click.echo(f"knowledge base: {kb.url} (acting as {kb.user})")
    for name, result in load_samples(kb):
        if result is None:
            click.echo(f"  {name}: already imported")
        else:
            click.echo(f"  {name}: {result.turns} turns, {len(result.rule_ids)} proposed rules")
    counts = kb.count_rules()
    click.echo("rules: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    secrets_file = platformdirs.user_data_path("myeongjang") / "demo-password.txt"
    accounts, password = demo_accounts(kb, secrets_file)
    click.echo("sign in as: " + ", ".join(f"{u} ({r})" for u, r in accounts))
    if password is None:
        click.echo(f"  the demo password file {secrets_file} is gone: set one with `myeongjang user passwd admin`")
    else:
        click.echo(f"  password: {password}   (kept in {secrets_file})")
    if not no_ui:
        _serve(port, kb.user)


@cli.command()
@click.option("--port", default=8501, show_default=True)
def ui(port: int) -> None:
    """Start the Streamlit UI on localhost."""
    _serve(port, _USER["name"])


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="myeongjang", standalone_mode=False)
    except click.exceptions.Abort:
        _fail("aborted", 130)
    except click.ClickException as exc:
        _fail(exc.format_message().replace("\n", " "), EXIT_INPUT)
    except (CliError, FactSyntaxError, FactError) as exc:
        _fail(str(exc), EXIT_INPUT)
    except EngineUnavailable as exc:
        _fail(str(exc), 1)
    except TranscriptError as exc:
        _fail(str(exc), EXIT_INPUT)
    except KnowledgeBaseError as exc:
        _fail(str(exc), 1)
    except BrokenPipeError:
        sys.exit(1)


if __name__ == "__main__":
    main()
