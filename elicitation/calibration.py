"""A rule's confidence as a probability: how often a rule with this score is one the master said.

The reader scores each rule from its construction (marker, directive verb, measurable clause; see
`english.shapes.confidence_of`). That score is mapped through a logistic curve (Platt scaling)
fitted on the annotated interviews: every proposed rule is a point, right when it matches a gold
rule. The two numbers ship in `calibration.json` (the Korean reader's in `calibration_ko.json`);
`python -m elicitation.training.calibration` refits them. This module only applies them.
"""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path

WEIGHTS = Path(__file__).parent / "calibration.json"
WEIGHTS_KO = Path(__file__).parent / "calibration_ko.json"  # the Korean reader's own curve


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


if __name__ == "__main__":  # this module only applies what was fitted; say where fitting went
    raise SystemExit("calibration is fitted by `python -m elicitation.training.calibration`")
