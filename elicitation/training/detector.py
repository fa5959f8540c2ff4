"""Training the rule detector of `elicitation.detector`: a logistic regression (scikit-learn) over
the parse features of labelled sentences, written to `detector.json`.

    python -m elicitation.training.detector TRAIN.csv [C] [THRESHOLD]
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from elicitation.detector import WEIGHTS, features
from elicitation.english import load_pipeline
from elicitation.evaluation import in_holdout, read_detection


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
    """`python -m elicitation.training.detector TRAIN.csv [C] [THRESHOLD]`: train on the sentences
    outside the evaluation's held-out quarter and write `detector.json`."""
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
