"""Reading transcripts without storing them: `extract` (one file, or JSON lines on standard input,
by the extraction contract) and `evaluate` (the extractor scored against gold data)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from elicitation import extract_texts, read_interview, read_transcript
from elicitation.evaluation import GoldError
from elicitation.evaluation_report import EvaluationReport, evaluation_report
from elicitation.limits import MAX_TURN_CHARS, no_surrogates
from elicitation.transcripts import load_json
from ui.cli.base import CliError, emit, turn_bar


@click.command()
@click.argument("file", required=False, type=click.Path(dir_okay=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help='Print {"rules": [...]} as JSON.')
@click.option("--jsonl", is_flag=True, help='Read {"id", "text"} lines on stdin, write one result line each.')
def extract(file: Path | None, as_json: bool, jsonl: bool) -> None:
    """Extract candidate rules from a transcript FILE (.txt, .vtt, .srt, Whisper .json or .docx), without storing them."""
    if jsonl:
        if file is not None:
            raise CliError("--jsonl reads standard input; give no FILE")
        _extract_jsonl()
        return
    if file is None:
        raise CliError("give a transcript FILE, or --jsonl to read standard input")
    transcript = read_transcript(file)
    with turn_bar(len(transcript.turns)) as progress:
        reading = read_interview(transcript, progress=progress)
    rules = reading.rules
    if as_json:
        emit(
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


def _jsonl_items() -> Iterator[tuple[Any, str]]:
    """(id, text) of each line on standard input; a line that is not such an object is refused."""
    for lineno, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        where = f"standard input line {lineno}"
        obj = load_json(line, where)
        if not isinstance(obj, dict) or "text" not in obj or not isinstance(obj["text"], str):
            raise CliError(f'{where}: expected an object with a string "text"')
        text = obj["text"]
        no_surrogates(text + json.dumps(obj.get("id"), ensure_ascii=False), where)
        if len(text) > MAX_TURN_CHARS:
            raise CliError(f"{where}: the text is {len(text):,} characters long; at most {MAX_TURN_CHARS:,}")
        yield obj.get("id"), text


def _extract_jsonl() -> None:
    items = list(_jsonl_items())  # all read (and checked) before any line is written
    for (ident, _), rules in zip(items, extract_texts(t for _, t in items), strict=True):
        sys.stdout.write(
            json.dumps({"id": ident, "rules": [r.to_contract() for r in rules]}, ensure_ascii=False) + "\n"
        )


@click.command()
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
    try:
        evaluated = evaluation_report(detection, label, spans, rules_dir, split, language)
    except GoldError as exc:
        raise CliError(str(exc)) from None
    if as_json:
        emit(evaluated.data)
        return
    for line in report_lines(evaluated):
        click.echo(line)


def report_lines(evaluated: EvaluationReport) -> Iterator[str]:
    """The evaluation report as the lines `evaluate` prints."""
    report = evaluated.data
    line = "{:<34} P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}"
    if "detection" in report:
        found = report["detection"]
        yield line.format(f"detection ({found['sentences']} sentences)", **found)
        yield line.format(f"  held out ({found['held_out']['sentences']})", **found["held_out"])
        yield line.format("    structured rules only", **found["held_out"]["structured_only"])
        yield line.format("  structured rules only", **found["structured_only"])
    if "spans" in report:
        for key in ("conditions", "actions", "all"):
            yield line.format(f"spans: {key}", **report["spans"][key])
    for name, part in report["rules"].items():
        yield line.format(f"rules [{name}, {part['gold_rules']} gold]", **part)
        for interview, score in part["interviews"].items():
            yield line.format(f"  {interview}", **score)
        yield f"  cross-turn recall {part['cross_turn_recall']:.3f}"
    for lang, part in evaluated.confidence_by_language.items():
        yield (
            f"confidence ({lang}), each interview against a calibration fitted on the others: Brier "
            f"{part['calibrated']['brier']:.3f} (raw score {part['raw']['brier']:.3f}), calibration error "
            f"{part['calibrated']['ece']:.3f} (raw score {part['raw']['ece']:.3f}) over {part['raw']['rules']} rules"
        )
