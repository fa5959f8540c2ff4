"""Is this sentence a rule? A small learned detector beside the syntactic reading.

A logistic regression over sparse, readable features of the parsed sentence: its words and word
pairs, the dependency relations of subordinate clauses and their markers, and whether the syntactic
reader found a rule in it. The weights are a JSON file shipped with the package (`detector.json`,
trained by `python -m elicitation.training.detector TRAIN.csv`); scoring is a dot product, so it
adds next to nothing to extraction time and no model is fetched at run time.

The extractor reports a sentence the detector is sure of, but the reader could not structure, as a
possible rule for the interviewer to ask about again; `myeongjang evaluate` counts those as detected.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.tokens import Span

WEIGHTS = Path(__file__).parent / "detector.json"
_CLAUSE_DEPS = {"advcl", "xcomp", "pcomp", "acl", "relcl", "ccomp"}
_MARKER_DEPS = {"mark", "advmod", "prep", "aux", "agent", "npadvmod", *_CLAUSE_DEPS}


def features(sent: Span, has_rule: bool) -> list[str]:
    """The sentence's binary features, as names."""
    toks = [t for t in sent if not t.is_space]
    low = [t.lower_ for t in toks]
    out = {"bias"}
    for i, t in enumerate(toks):
        out.add(f"w:{low[i]}")
        if i + 1 < len(toks):
            out.add(f"b:{low[i]}_{low[i + 1]}")
        if t.dep_ in _MARKER_DEPS:
            word = t.tag_ if t.dep_ in _CLAUSE_DEPS else t.lower_
            out.add(f"d:{t.dep_}:{word}")
            out.add(f"dh:{t.dep_}:{t.lower_}:{t.head.dep_}")
    if has_rule:
        out.add("syntactic_rule")
    if toks and low[0] in ("if", "when", "whenever", "once", "unless", "before", "after", "in", "for", "during"):
        out.add(f"first:{low[0]}")
    return sorted(out)


@dataclass(frozen=True)
class Detector:
    weights: dict[str, float]
    threshold: float
    info: dict[str, Any]

    def logit(self, names: Iterable[str]) -> float:
        return sum(self.weights.get(n, 0.0) for n in names)

    def probability(self, names: Iterable[str]) -> float:
        z = self.logit(names)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def score(self, sent: Span, has_rule: bool) -> float:
        return self.probability(features(sent, has_rule))


@functools.lru_cache(maxsize=1)
def load(path: Path = WEIGHTS) -> Detector:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Detector(dict(data["weights"]), float(data["threshold"]), dict(data.get("info", {})))


if __name__ == "__main__":  # this module only applies what was fitted; say where fitting went
    raise SystemExit("detector is fitted by `python -m elicitation.training.detector TRAIN.csv`")
