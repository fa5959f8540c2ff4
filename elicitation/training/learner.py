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

from elicitation import evaluation, spans
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
    """A reviewed proposal: the reader's rule as JSON, the words it cites, the verdict, and the
    bodies the master left (the corrected rule, or each part of a split)."""

    body: Mapping[str, Any]
    sentence: str
    is_rule: bool
    final: tuple[Mapping[str, Any], ...] = ()


MIN_EDGES = 20  # fewer labelled span edges than this teach no trim
SPAN_THRESHOLD = 0.6  # an edge word is cut only when the trim is fairly sure a master would


def fit(items: Sequence[Labelled], language: str, *, c: float = C, threshold: float = THRESHOLD) -> dict[str, Any]:
    """The model's JSON: the proposal filter (scikit-learn's logistic regression over
    `learned.features`) where the reviews hold both verdicts, and the span trim where they hold
    enough corrected wording; refused, naming the counts, when neither can be learned."""
    rules = sum(i.is_rule for i in items)
    one_sided = rules in (0, len(items))
    spans = _fit_spans(items, c)
    if len(items) < MIN_EXAMPLES or (one_sided and spans is None):
        raise ModelRefused(
            "too little to learn from in {language}: {n} reviewed proposals ({rules} kept, {rejected} rejected); "
            "a model needs at least {least}, with both verdicts or with corrected wording",
            language=language,
            n=len(items),
            rules=rules,
            rejected=len(items) - rules,
            least=MIN_EXAMPLES,
        )
    weights = (
        None if one_sided else _logistic([features(i.body, i.sentence) for i in items], [i.is_rule for i in items], c)
    )
    return {"format": FORMAT, "language": language, "threshold": threshold, "weights": weights, "spans": spans}


def _fit_spans(items: Sequence[Labelled], c: float) -> dict[str, Any] | None:
    found = [e for i in items if i.is_rule and len(i.final) == 1 for e in spans.edges(i.body, i.final[0])]
    if len(found) < MIN_EDGES or all(e.dropped for e in found) or not any(e.dropped for e in found):
        return None
    weights = _logistic([list(e.features) for e in found], [e.dropped for e in found], c)
    return {"format": spans.FORMAT, "threshold": SPAN_THRESHOLD, "weights": weights}


def _logistic(rows: Sequence[Sequence[str]], labels: Sequence[bool], c: float) -> dict[str, float]:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    x = vec.fit_transform([dict.fromkeys(r, 1) for r in rows])
    model = LogisticRegression(C=c, max_iter=5000, fit_intercept=False)
    model.fit(x, list(labels))
    names = vec.get_feature_names_out()
    return {str(n): round(float(w), 5) for n, w in zip(names, model.coef_[0], strict=True) if abs(w) >= KEEP_WEIGHT}


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
        # how close the matched rules' words are to the masters' (1.0: nothing to correct)
        pairs = [evaluation.pair_score(m.predicted[p], m.gold[g]) or 0.0 for m in matches for p, g in m.pairs]
        wording = round(sum(pairs) / (2 * len(pairs)), 4) if pairs else 0.0
        return {**total.as_dict(), "brier": confidence["brier"], "ece": confidence["ece"], "span_f1": wording}


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
    if new["f1"] == before["f1"] and new["span_f1"] < before["span_f1"]:
        raise ModelRefused(
            "the new {language} model finds the same rules on the held-out interviews (F1 {new}) in words further "
            "from the masters' (span F1 {span} against {old} of {current}); it is not used",
            language=candidate["language"],
            new=new["f1"],
            span=new["span_f1"],
            old=before["span_f1"],
            current=figures["replaced_label"],
        )
    if new["f1"] == before["f1"] and new["span_f1"] == before["span_f1"] and new["brier"] > before["brier"]:
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


def best_part(
    candidate: dict[str, Any], current: LearnedModel | None, reading: HeldOutReading
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The candidate, or where it is refused and holds both parts, its span trim alone (the
    filter may have learned too little while the trim learned enough): the first that passes
    the gate, with its figures; the candidate's own refusal when neither does."""
    try:
        return candidate, judged(candidate, current, reading)
    except ModelRefused:
        if candidate.get("weights") is None or not candidate.get("spans"):
            raise
        trim_only = {**candidate, "weights": None}
        try:
            return trim_only, judged(trim_only, current, reading)
        except ModelRefused:
            pass
        raise
