"""The report `myeongjang evaluate` prints: sentence detection, spans and whole rules scored on
gold data, and the confidence checked on interviews its calibration was not fitted on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from elicitation import evaluation as ev
from elicitation.training.calibration import cross_validated, points_by_interview, raw_matches

Figures = dict[str, dict[str, float]]  # "raw" and "calibrated": Brier score, calibration error, rules


@dataclass(frozen=True)
class EvaluationReport:
    """The report as JSON data, and the leave-one-interview-out confidence figures by language
    (in the data too, under keys named for the language) in the order the summary prints them."""

    data: dict[str, Any]
    confidence_by_language: dict[str, Figures]


def evaluation_report(
    detection: Path | None = None,
    label: str = "Causal",
    spans: Path | None = None,
    rules_dir: Path | None = None,
    split: str = "all",
    language: str = "all",
) -> EvaluationReport:
    """Score the extractor: sentence detection on a CSV (`detection`, its `label` column), spans on
    a folder of CiRA-style files (`spans`), and whole rules on the interviews in `rules_dir` or
    else the bundled ones in `language` ("all", "en" or "ko"), by split ("all", "dev", "holdout").
    Raises `evaluation.GoldError` for gold data it cannot read."""
    report: dict[str, Any] = {}
    if detection is not None:
        report["detection"] = _detection(detection, label)
    if spans is not None:
        golds = ev.read_spans(spans)
        found = ev.score_spans(golds, ev.extract_sentences)
        report["spans"] = {"files": len(golds), **{k: v.as_dict() for k, v in found.items()}}
    if rules_dir is not None:
        interviews = ev.read_gold_dir(rules_dir)
    else:
        interviews = [
            *(ev.read_gold_dir(ev.GOLD_DIR) if language in ("all", "en") else []),
            *(ev.read_gold_dir(ev.GOLD_DIR_KO) if language in ("all", "ko") else []),
        ]
    matches = raw_matches(interviews)
    report["rules"] = _rules(interviews, matches, split)
    languages = sorted({i.language for i in interviews})
    loo = {
        lang: cross_validated(
            points_by_interview([m for m, i in zip(matches, interviews, strict=True) if i.language == lang])
        )
        for lang in languages
    }
    report["confidence_leave_one_interview_out"] = loo.get("en") or loo[languages[0]]
    for lang in languages:
        if lang != "en":
            report[f"confidence_leave_one_interview_out_{lang}"] = loo[lang]
    return EvaluationReport(report, loo)


def _detection(detection: Path, label: str) -> dict[str, Any]:
    rows = ev.read_detection(detection, label)
    held = [r for r in rows if ev.in_holdout(r[0])]
    return {
        "file": str(detection),
        "sentences": len(rows),
        **ev.score_detection(rows, ev.detect).as_dict(),
        "held_out": {
            "sentences": len(held),
            **ev.score_detection(held, ev.detect).as_dict(),
            "structured_only": ev.score_detection(held, ev.detect_structured).as_dict(),
        },
        "structured_only": ev.score_detection(rows, ev.detect_structured).as_dict(),
    }


def _rules(interviews: list[ev.GoldInterview], matches: list[ev.RuleMatch], split: str) -> dict[str, Any]:
    """Whole rules scored per split ("dev", "holdout", "ko:dev", ...), each with its interviews."""
    by_split: dict[str, list[Any]] = {}
    for match in matches:
        interview = next(i for i in interviews if i.path.name == match.interview)
        which = interview.split if interview.language == "en" else f"{interview.language}:{interview.split}"
        by_split.setdefault(which, []).append(match)
    wanted = sorted(k for k in by_split if split == "all" or k.rpartition(":")[2] == split)
    return {
        name: {
            "interviews": {m.interview: m.score.as_dict() for m in by_split.get(name, [])},
            "gold_rules": sum(len(m.gold) for m in by_split.get(name, [])),
            "cross_turn_recall": round(ev.total(m.cross_turn() for m in by_split.get(name, [])).recall, 4),
            **ev.total(m.score for m in by_split.get(name, [])).as_dict(),
        }
        for name in wanted
    }
