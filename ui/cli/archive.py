"""The knowledge base leaving and coming back, from the shell: export (JSON or decision tables),
backup and restore; files are written under a temporary name and renamed, never half-written."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from knowledge_base import KnowledgeBase
from ui.cli.base import Acting, CliError, pass_acting


def _write_document(document: dict[str, Any], out: Path | None, what: str) -> None:
    text = json.dumps(document, ensure_ascii=False, indent=1, default=str)
    if out is None:
        click.echo(text)
        return
    tmp = out.with_name(out.name + ".part")
    tmp.unlink(missing_ok=True)
    # owner-only: a backup holds password hashes, an export confidential interviews of its organisation
    with os.fdopen(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600), "w", encoding="utf-8") as f:
        f.write(text + "\n")
    tmp.replace(out)  # never a half-written file under the real name
    click.echo(f"wrote {what} ({len(document['tables']['rules'])} rules) to {out}", err=True)


@click.command()
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
@pass_acting
def export(acting: Acting, out: Path | None, fmt: str, release_name: str | None) -> None:
    """Export the knowledge base as JSON (rules with every version, review, quote and master, and
    consent), or its confirmed rules as decision tables for other engines: GoRules JDM, DMN 1.3, XLSX.
    Withdrawn masters and other organisations' confidential rules stay out."""
    if fmt == "json":
        if release_name:
            raise CliError("--release applies to the decision-table formats (jdm, dmn, xlsx)")
        _write_document(acting.kb().export(), out, "export")
        return
    data = acting.kb().decision_tables(fmt, release=release_name)
    if out is None:
        if fmt == "xlsx":
            raise CliError("an XLSX workbook needs --out FILE")
        sys.stdout.buffer.write(data)
        return
    out.write_bytes(data)
    click.echo(f"wrote {fmt} decision tables to {out} ({len(data):,} bytes)", err=True)


@click.command()
@click.option("--out", type=click.Path(path_type=Path), required=True)
@pass_acting
def backup(acting: Acting, out: Path) -> None:
    """Write the whole knowledge base to a JSON file (admins only)."""
    _write_document(acting.kb().backup(), out, "backup")


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
def restore(file: Path) -> None:
    """Load a backup or an export FILE into an empty knowledge base."""
    if file.is_symlink():
        raise CliError(f"{file}: is a symbolic link; give the file itself")
    if not file.is_file():
        raise CliError(f"{file}: no such file")
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CliError(f"{file}: not a JSON knowledge-base file ({exc})") from None
    except RecursionError:
        raise CliError(f"{file}: the JSON is nested too deeply to read") from None
    counts = KnowledgeBase().restore(document)
    click.echo(f"restored {counts.get('rules', 0)} rules, {counts.get('rule_versions', 0)} versions from {file}")
