"""Training the learned reader model of `elicitation.learned` from reviewed proposals, and the
gate a new model must pass: on the held-out gold interviews of its language it must score at
least as well (rule F1) as the model in use, or the hand-built reader alone where none is, and at
an equal F1 its confidence must be no worse calibrated (Brier score).

The held-out interviews are read once by the hand-built reader; each model is then applied to
those rules, so comparing models costs a dot product per rule, not a parse.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from elicitation import evaluation
from elicitation.errors import ModelRefused
from elicitation.learned import FORMAT, LearnedModel, features
from elicitation.pipeline import read_interview
from rules import Rule

MIN_EXAMPLES = 8  # fewer reviews than this teach nothing worth a model
C = 0.5  # the regularisation's inverse: small data, strong prior
THRESHOLD = 0.35  # a proposal is dropped only when the model is fairly sure it is no rule
KEEP_WEIGHT = 0.02  # smaller weights are left out of the artefact


@dataclass(frozen=True)
class Labelled:
    """A reviewed proposal: the reader's rule as JSON, the words it cites, and the verdict."""

    body: Mapping[str, Any]
    sentence: str
    is_rule: bool


def fit(items: Sequence[Labelled], language: str, *, c: float = C, threshold: float = THRESHOLD) -> dict[str, Any]:
    """The model's JSON (scikit-learn's logistic regression over `learned.features`); refused,
    naming the counts, when there are too few examples or only one verdict among them."""
    rules = sum(i.is_rule for i in items)
    if len(items) < MIN_EXAMPLES or rules in (0, len(items)):
        raise ModelRefused(
            "too little to learn from in {language}: {n} reviewed proposals ({rules} kept, {rejected} rejected); "
            "a model needs at least {least}, with both verdicts",
            language=language,
            n=len(items),
            rules=rules,
            rejected=len(items) - rules,
            least=MIN_EXAMPLES,
        )
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    x = vec.fit_transform([dict.fromkeys(features(i.body, i.sentence), 1) for i in items])
    model = LogisticRegression(C=c, max_iter=5000, fit_intercept=False)
    model.fit(x, [i.is_rule for i in items])
    names = vec.get_feature_names_out()
    weights = {str(n): round(float(w), 5) for n, w in zip(names, model.coef_[0], strict=True) if abs(w) >= KEEP_WEIGHT}
    return {"format": FORMAT, "language": language, "threshold": threshold, "weights": weights}


@dataclass(frozen=True)
class HeldOutReading:
    """The held-out gold interviews of a language, read once by the hand-built reader."""

    interviews: tuple[evaluation.GoldInterview, ...]
    rules: tuple[tuple[Rule, ...], ...]

    def score(self, model: LearnedModel | None) -> dict[str, Any]:
        """Rule precision, recall and F1, and the confidence's Brier score and calibration error,
        with `model` applied (None: the reader alone)."""
        matches = []
        for interview, rules in zip(self.interviews, self.rules, strict=True):
            kept = list(rules) if model is None else model.apply(rules, turn_texts(interview))
            matches.append(evaluation.match_rules(interview, kept))
        total = evaluation.total(m.score for m in matches)
        confidence = evaluation.calibration_error([p for m in matches for p in m.calibration()])
        return {**total.as_dict(), "brier": confidence["brier"], "ece": confidence["ece"]}


def turn_texts(interview: evaluation.GoldInterview) -> dict[int, str]:
    return {t.index: t.text for t in interview.transcript.turns}


@functools.lru_cache(maxsize=2)
def held_out(language: str) -> HeldOutReading:
    folder = evaluation.GOLD_DIR_KO if language == "ko" else evaluation.GOLD_DIR
    interviews = tuple(evaluation.read_gold_dir(folder, "holdout"))
    return HeldOutReading(interviews, tuple(tuple(read_interview(i.transcript).rules) for i in interviews))


def judged(candidate: dict[str, Any], current: LearnedModel | None, reading: HeldOutReading) -> dict[str, Any]:
    """The candidate's held-out figures beside the model in use (and the reader alone); refused,
    with both figures, when it scores worse than the model in use."""
    new = reading.score(LearnedModel.from_json(candidate, "candidate"))
    before = reading.score(current)
    reader = before if current is None else reading.score(None)
    figures = {
        "held_out": new,
        "replaced": before,
        "reader_alone": reader,
        "replaced_label": current.label if current else "reader",
    }
    if new["f1"] < before["f1"]:
        raise ModelRefused(
            "the new {language} model scores F1 {new} on the held-out interviews, below {old} of {current}; "
            "it is not used",
            language=candidate["language"],
            new=new["f1"],
            old=before["f1"],
            current=figures["replaced_label"],
        )
    if new["f1"] == before["f1"] and new["brier"] > before["brier"]:
        raise ModelRefused(
            "the new {language} model finds the same rules on the held-out interviews (F1 {new}) with a worse "
            "confidence (Brier {brier} against {old} of {current}); it is not used",
            language=candidate["language"],
            new=new["f1"],
            brier=new["brier"],
            old=before["brier"],
            current=figures["replaced_label"],
        )
    return figures
