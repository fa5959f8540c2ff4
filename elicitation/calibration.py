"""A rule's confidence as a probability: how often a rule with this score is one the master said.

The reader scores each rule from its construction (marker, directive verb, measurable clause; see
`extraction._confidence`). That score is mapped through a logistic curve (Platt scaling) fitted on
the annotated interviews: every proposed rule is a point, right when it matches a gold rule. The
two numbers ship in `calibration.json`; `python -m elicitation.calibration` refits them.

How well the curve generalises is measured without letting an interview grade its own fit:
`cross_validated` fits on all interviews but one and scores the one left out, in turn.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from elicitation import evaluation

WEIGHTS = Path(__file__).parent / "calibration.json"
WEIGHTS_KO = Path(__file__).parent / "calibration_ko.json"  # the Korean reader's own curve
Point = tuple[float, bool]  # (reader's score, was the rule right)


@functools.lru_cache(maxsize=1)
def load(path: Path = WEIGHTS) -> tuple[float, float] | None:
    """(intercept, slope), or None when no calibration has been fitted."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return float(data["intercept"]), float(data["slope"])


def apply(raw: float, weights: tuple[float, float] | None) -> float:
    if weights is None:
        return raw
    z = weights[0] + weights[1] * raw
    return round(min(0.99, max(0.01, 1 / (1 + math.exp(-max(-30.0, min(30.0, z)))))), 3)


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
    calibration, so one extraction serves both the scores and the calibration's points."""
    from elicitation.extraction import extract_transcript, load_pipeline
    from elicitation.korean_reading import load_korean_pipeline

    readers: list[Any] = [
        load_pipeline().get_pipe("myeongjang_rules"),
        load_korean_pipeline().get_pipe("myeongjang_rules_ko"),
    ]
    saved = [r.calibrate for r in readers]
    for reader in readers:
        reader.calibrate = False
    try:
        return [evaluation.match_rules(i, extract_transcript(i.transcript)) for i in interviews]
    finally:
        for reader, was in zip(readers, saved, strict=True):
            reader.calibrate = was


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
