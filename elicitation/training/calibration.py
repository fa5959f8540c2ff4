"""Fitting the confidence curves of `elicitation.calibration` on the annotated interviews.

Every proposed rule is a point (the reader's raw score, whether it matches a gold rule), and a
logistic curve is fitted on them. How well the curve generalises is measured without letting an
interview grade its own fit: `cross_validated` fits on all interviews but one and scores the one
left out, in turn. `python -m elicitation.training.calibration` refits both readers' curves.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from pathlib import Path

from elicitation import evaluation
from elicitation.calibration import WEIGHTS, WEIGHTS_KO, apply, load
from elicitation.english import build_pipeline
from elicitation.korean import build_korean_pipeline
from elicitation.pipeline import Pipelines, read_interview

# The runtime's names too, so that fitting and checking a curve takes one import.
__all__ = [
    "WEIGHTS",
    "WEIGHTS_KO",
    "Point",
    "apply",
    "cross_validated",
    "fit",
    "load",
    "main",
    "monotone_fit",
    "points_by_interview",
    "raw_matches",
    "raw_pipelines",
    "refit",
]

Point = tuple[float, bool]  # (reader's score, was the rule right)


def fit(points: Sequence[Point], steps: int = 3000) -> tuple[float, float]:
    """Logistic regression of rightness on the score, by Newton's method (two parameters)."""
    a, b = 0.0, 1.0
    for _ in range(steps):
        ga = gb = haa = hab = hbb = 0.0
        for x, y in points:
            p = 1 / (1 + math.exp(-max(-30.0, min(30.0, a + b * x))))
            ga += p - y
            gb += (p - y) * x
            w = p * (1 - p)
            haa += w
            hab += w * x
            hbb += w * x * x
        hbb += 1e-3  # a little ridge keeps the step defined when every point agrees
        det = haa * hbb - hab * hab
        if det <= 1e-12:
            break
        da = (hbb * ga - hab * gb) / det
        db = (haa * gb - hab * ga) / det
        a, b = a - da, b - db
        if abs(da) + abs(db) < 1e-9:
            break
    return round(a, 4), round(b, 4)


def monotone_fit(points: Sequence[Point]) -> tuple[float, float]:
    """`fit`, unless the data would have a higher score mean a lower chance (too few wrong rules to
    tell, as with one miss in fifty): then the base rate, the same for every score."""
    intercept, slope = fit(points)
    if slope >= 0 or not points:
        return intercept, slope
    right = sum(1 for _, y in points if y)
    rate = min(max(right / len(points), 0.01), 0.99)
    return round(math.log(rate / (1 - rate)), 4), 0.0


def raw_matches(interviews: Sequence[evaluation.GoldInterview]) -> list[evaluation.RuleMatch]:
    """Each interview's proposed rules matched against its gold, with the reader's uncalibrated
    score as their confidence. Which rules are proposed and matched does not depend on the
    calibration, so one extraction serves both the scores and the calibration's points.

    Read with pipelines of its own whose readers are configured not to calibrate, so the
    process's calibrated pipelines are never touched."""
    raw = raw_pipelines()
    return [evaluation.match_rules(i, read_interview(i.transcript, pipelines=raw).rules) for i in interviews]


@functools.lru_cache(maxsize=1)
def raw_pipelines() -> Pipelines:
    """Pipelines of both languages whose readers do not calibrate: built once a process, apart from
    the calibrated ones, so fitting never changes what the product reads with."""
    return Pipelines(english=build_pipeline(calibrate=False), korean=build_korean_pipeline(calibrate=False))


def points_by_interview(matches: Sequence[evaluation.RuleMatch]) -> dict[str, list[Point]]:
    """(uncalibrated score, was it right) for every proposed rule, per interview."""
    return {m.interview: m.calibration() for m in matches}


def cross_validated(by_interview: dict[str, list[Point]]) -> dict[str, dict[str, float]]:
    """Brier score and calibration error of the raw score and of the curve, each interview scored
    by a curve fitted on the others."""
    raw: list[Point] = []
    fitted: list[Point] = []
    for name, points in by_interview.items():
        others = [p for other, ps in by_interview.items() if other != name for p in ps]
        weights = monotone_fit(others)
        raw.extend(points)
        fitted.extend((apply(x, weights), y) for x, y in points)
    return {"raw": evaluation.calibration_error(raw), "calibrated": evaluation.calibration_error(fitted)}


def refit(gold_dir: Path, weights: Path) -> str:
    """Fit the curve on every interview in `gold_dir`, write it to `weights`, and say so."""
    interviews = evaluation.read_gold_dir(gold_dir)
    by_interview = points_by_interview(raw_matches(interviews))
    points = [p for ps in by_interview.values() for p in ps]
    intercept, slope = monotone_fit(points)
    weights.write_text(
        json.dumps(
            {
                "intercept": intercept,
                "slope": slope,
                "fitted_on": f"{len(points)} proposed rules in {len(interviews)} annotated interviews",
                "leave_one_interview_out": cross_validated(by_interview),
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    load.cache_clear()
    return f"wrote {weights}: intercept {intercept}, slope {slope} from {len(points)} rules"


def main() -> None:
    """Refit both readers' curves: English on the bundled gold set, Korean on its Korean part."""
    print(refit(evaluation.GOLD_DIR, WEIGHTS))
    print(refit(evaluation.GOLD_DIR_KO, WEIGHTS_KO))


if __name__ == "__main__":
    main()
