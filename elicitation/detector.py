"""Is this sentence a rule? A small learned detector beside the syntactic reading.

A logistic regression over sparse, readable features of the parsed sentence: its words and word
pairs, the dependency relations of subordinate clauses and their markers, and whether the syntactic
reader found a rule in it. The weights are a JSON file shipped with the package
(`detector.json`, trained by `python -m elicitation.detector TRAIN.csv`); scoring is a dot product,
so it adds next to nothing to extraction time and no model is fetched at run time.

The extractor reports a sentence the detector is sure of, but the reader could not structure, as a
possible rule for the interviewer to ask about again; `myeongjang evaluate` counts those as detected.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable, Sequence
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


def train(feats: Sequence[list[str]], labels: Sequence[bool], c: float = 1.0, threshold: float = 0.5) -> dict[str, Any]:
    """Fit the logistic regression (scikit-learn, balanced classes) and return the JSON to ship."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    x = vec.fit_transform([{n: 1 for n in f} for f in feats])
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced", fit_intercept=False)
    model.fit(x, list(labels))
    weights = {name: round(float(w), 5) for name, w in zip(vec.get_feature_names_out(), model.coef_[0], strict=True)}
    return {"weights": {k: v for k, v in weights.items() if abs(v) >= 0.08}, "threshold": threshold}


def main(argv: list[str] | None = None) -> None:
    """`python -m elicitation.detector TRAIN.csv [C] [THRESHOLD]`: train on the sentences outside
    the evaluation's held-out quarter and write `detector.json`."""
    import sys

    from elicitation.evaluation import in_holdout, read_detection
    from elicitation.extraction import load_pipeline

    args = sys.argv[1:] if argv is None else argv
    source = Path(args[0])
    c = float(args[1]) if len(args) > 1 else 1.0
    threshold = float(args[2]) if len(args) > 2 else 0.5
    rows = [(s, y) for s, y in read_detection(source) if not in_holdout(s)]
    nlp = load_pipeline()
    feats = []
    for doc in nlp.pipe([s for s, _ in rows], batch_size=64):
        sent = doc[:]
        feats.append(features(sent, bool(doc._.rules)))
    data = train(feats, [y for _, y in rows], c=c, threshold=threshold)
    data["info"] = {
        "trained_on": source.name,
        "sentences": len(rows),
        "held_out": "sentences whose SHA-256 first byte % 4 == 0 (elicitation.evaluation.in_holdout)",
        "C": c,
    }
    WEIGHTS.write_text(json.dumps(data, indent=0, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {WEIGHTS} ({len(data['weights'])} weights, trained on {len(rows)} sentences)")


if __name__ == "__main__":
    main()
