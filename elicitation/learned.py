"""A learned reader model beside the hand-built readers: is this proposal a rule the master keeps?

`myeongjang train` fits it on the masters' reviews (`elicitation.training.learner`): every
proposal a master accepted, corrected, split or merged is a rule, every one he rejected is not.
The model is a logistic regression over readable features of the proposal in its sentence (its
marker and first words, the subject of its condition, the ending of each clause, the reader's own
score, whether it is a question or past tense), stored in the knowledge base as JSON weights and
applied as a dot product: it costs next to nothing beside the parse.

Applied to an interview's rules, it gives each rule its learned probability as the confidence
and drops the ones it is sure a master would reject (below `threshold`). It never adds a rule:
what the readers already do well, structure, stays theirs. A model may also carry a learned trim
of span edges (`elicitation.spans`), fitted on the masters' corrected wording; either part may be
missing where the reviews teach it nothing (no rejection yet, no correction yet).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from elicitation.spans import SpanTrim
from rules import Rule
from rules.language import KOREAN, language_of

FORMAT = "myeongjang-proposal-filter/1"
_WORD = re.compile(r"[0-9]+(?:[.,][0-9]+)?|[^\W\d_]+", re.UNICODE)
_SUBJECTS = frozenset({"i", "you", "he", "she", "they", "we", "it", "that", "this", "there", "someone", "nobody"})
_PAST = frozenset({"was", "were", "had", "did", "used", "worked", "went", "came", "said", "told", "got", "made"})
_MODAL = frozenset({"must", "should", "never", "always", "don't", "do", "have", "need", "can't", "cannot"})


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _clause_features(prefix: str, text: str, korean: bool) -> set[str]:
    ws = words(text)
    if not ws:
        return {f"{prefix}:empty"}
    out = {f"{prefix}f:{ws[0]}", f"{prefix}l:{ws[-1]}", f"{prefix}n:{min(len(ws), 12) // 3}"}
    out.update(f"{prefix}w:{w}" for w in ws)
    if any(w[0].isdigit() for w in ws):
        out.add(f"{prefix}:number")
    if korean:
        last = ws[-1]
        out.update({f"{prefix}e1:{last[-1:]}", f"{prefix}e2:{last[-2:]}"})
    else:
        if ws[0] in _SUBJECTS:
            out.add(f"{prefix}subj:{ws[0]}")
        if any(w in _PAST for w in ws):
            out.add(f"{prefix}:past")
        if any(w in _MODAL for w in ws[:3]):
            out.add(f"{prefix}:modal")
    return out


def features(rule: Rule | Mapping[str, Any], sentence: str) -> list[str]:
    """The proposal's binary features, as names (the same for a `Rule` and its JSON body)."""
    body = rule.model_dump(mode="json") if isinstance(rule, Rule) else dict(rule)
    korean = language_of(sentence) == KOREAN
    clauses = list(_clauses(body.get("conditions") or {}))
    out = {"bias", f"conf:{int(float(body.get('confidence', 0.5)) * 10)}", f"certainty:{body.get('certainty')}"}
    out.add(f"conditions:{min(len(clauses), 3)}")
    out.add(f"actions:{min(len(body.get('actions') or []), 3)}")
    if body.get("exceptions"):
        out.add("exceptions")
    for c in clauses:
        out |= _clause_features("c", str(c.get("text", "")), korean)
        if c.get("variable"):
            out.add("c:measurable" if not c.get("observed") else "c:observed")
    for e in body.get("exceptions") or []:
        out |= _clause_features("x", str(e.get("text", "")), korean)
    for a in body.get("actions") or []:
        out |= _clause_features("a", str(a.get("text", "")), korean)
    sent = words(sentence)
    if sent:
        out.add(f"sf:{sent[0]}")
    if sentence.rstrip().endswith("?"):
        out.add("question")
    if body.get("rationale"):
        out.add("rationale")
    return sorted(out)


def _clauses(node: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    if node.get("kind") == "clause":
        yield node
    for item in node.get("items") or []:
        yield from _clauses(item)


def cited(rule: Rule, turns: Mapping[int, str]) -> str:
    """The words a rule cites, turn by turn: what the knowledge base's examples hold."""
    spans = sorted((e.turn, e.start, e.end) for e in rule.evidence)
    return " ".join(turns.get(t, "")[s:e].strip() for t, s, e in spans if t in turns)


@dataclass(frozen=True)
class LearnedModel:
    """A fitted model for one language; `label` is what the import records. `weights` is the
    proposal filter (None when the reviews had no rejection to learn from), `spans` the edge trim."""

    language: str
    label: str
    weights: Mapping[str, float] | None
    threshold: float
    spans: SpanTrim | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any], label: str) -> LearnedModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"not a proposal filter: format {data.get('format')!r}")
        raw = data.get("weights")
        weights = {str(k): float(v) for k, v in dict(raw).items()} if raw is not None else None
        spans = SpanTrim.from_json(data["spans"]) if data.get("spans") else None
        return cls(str(data["language"]), label, weights, float(data["threshold"]), spans)

    def probability(self, rule: Rule | Mapping[str, Any], sentence: str) -> float:
        weights = self.weights or {}
        z = sum(weights.get(n, 0.0) for n in features(rule, sentence))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def apply(self, rules: Sequence[Rule], turns: Mapping[int, str]) -> list[Rule]:
        """The rules it keeps, each with its learned probability as confidence, highest first,
        their span edges trimmed where it learned to."""
        out = []
        for rule in rules:
            if self.weights is None:
                out.append(rule)
                continue
            p = self.probability(rule, cited(rule, turns))
            if p >= self.threshold:
                out.append(rule.model_copy(update={"confidence": round(min(0.99, max(0.01, p)), 3)}))
        out.sort(key=lambda r: -r.confidence)
        return self.spans.apply(out) if self.spans is not None else out
