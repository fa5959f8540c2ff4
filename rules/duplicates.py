"""Rules that mean the same, found by meaning rather than by matching variables.

Ten interviews of five masters say one rule five ways, sometimes with other numbers. Pairs of
rules whose sentence vectors are close are read side by side:
- the same cues with other numbers, or the same cues with other actions, is a *disagreement*
  (between masters, or one master contradicting himself): a question for the next interview;
- otherwise the pair is a *near duplicate*: a merge to propose, keeping both sources.
Pairs that the structural checks already call duplicates or conflicts are left to them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from rules.checks import Finding
from rules.engine import KnownRule
from rules.messages import Message, Shown, said
from rules.model import Clause, Rule
from rules.units import measured

# Cosine of the rules' sentence vectors ("craft: when ...: ...") from which two rules are read as
# one candidate pair, per pair of languages, each chosen on the development half of
# bench/data/restatements.tsv (100 gold rules restated as a second master would say them, against
# every pair of the 556 gold rules) as the lowest from which the precision stays >= 0.9:
# - English with English, by all-MiniLM-L6-v2: 0.92 (held-out half: 9 of 9 flagged pairs right,
#   9 of 14 restatements found; at 0.9, 11 of 13);
# - Korean with Korean, by the multilingual model: 0.85 (held-out: 4 of 4 right, 4 of 14 found).
#   MiniLM reads Korean as noise: at 0.9 it flagged 252 Korean pairs, 8 of them restatements;
# - Korean with English, by the multilingual model: 0.73, or 0.68 where the two rules state a
#   number in common (restatements keep their numbers; the rules of one craft in the two languages
#   score alike, so the cosine alone is the weakest of the three). One threshold, 0.69, flagged
#   24 held-out pairs of which 15 were right.
NEAR = 0.92
NEAR_KOREAN = 0.85
NEAR_ACROSS = 0.73
NEAR_ACROSS_SAME_NUMBERS = 0.68

# What a number measures and its value in base units (`rules.units.measured`).
Number = tuple[str, float]


def stated_numbers(rule: Rule) -> frozenset[Number]:
    """The measurements a rule states (numbers with a unit: a bare count says too little), in
    its conditions, exceptions and actions, in base units."""
    out = {measured(v, c.unit) for c in [*rule.clauses(), *rule.exceptions] if c.unit for v in _numbers(c)}
    out |= {measured(x.amount, x.unit) for x in rule.actions if x.amount is not None and x.unit}
    return frozenset(out)


def _agree(numbers: Sequence[frozenset[Number]]) -> npt.NDArray[np.bool_]:
    """For each pair of rules, whether they state a number in common."""
    from scipy import sparse

    at: dict[Number, int] = {}
    rows = [row for row, ns in enumerate(numbers) for _ in ns]
    cols = [at.setdefault(n, len(at)) for ns in numbers for n in ns]
    has = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(numbers), max(1, len(at))))
    return np.asarray((has @ has.T).toarray() > 0, dtype=np.bool_)  # sparse: a few numbers per rule


def _numbers(clause: Clause) -> tuple[float, ...]:
    values = clause.value if isinstance(clause.value, list) else [clause.value]
    return tuple(float(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool))


def _cues(rule: Rule) -> dict[str, list[Clause]]:
    out: dict[str, list[Clause]] = {}
    for c in rule.clauses():
        if c.variable:
            out.setdefault(c.variable, []).append(c)
    return out


def _said(clauses: Iterable[Clause]) -> str:
    return " and ".join(f"“{c.text}”" for c in clauses)


def _partner(clause: Clause, others: dict[str, list[Clause]]) -> Clause | None:
    """The clause of the other rule about the same cue: the same variable, or, for a number, the
    same unit (the extractor may name one cue two ways: "humidity", "air_humidity")."""
    if clause.variable in others:
        return others[clause.variable][0]
    if clause.unit and _numbers(clause):
        for cs in others.values():
            for c in cs:
                if c.unit == clause.unit and _numbers(c):
                    return c
    return None


def _signature(c: Clause) -> tuple[str, tuple[float, ...], str]:
    return (c.operator.value if c.operator else "", _numbers(c), str(c.value).lower())


def _differences(a: Rule, b: Rule) -> list[Message]:
    """What two rules on the same cues disagree about: thresholds, values, or what to do."""
    out = []
    cues_a, cues_b = _cues(a), _cues(b)
    paired = 0
    for cs in cues_a.values():
        for ca in cs:
            cb = _partner(ca, cues_b)
            if cb is None:
                continue
            paired += 1
            if _signature(ca) != _signature(cb):
                out.append(
                    Message(
                        "{name}: {first} vs {second}",
                        name=(ca.variable or "").replace("_", " "),
                        first=_said([ca]),
                        second=_said([cb]),
                    )
                )
    amounts_a = {(x.verb, x.amount, x.unit) for x in a.actions}
    amounts_b = {(x.verb, x.amount, x.unit) for x in b.actions}
    verbs_a = {x.verb for x in a.actions if x.verb}
    verbs_b = {x.verb for x in b.actions if x.verb}
    if verbs_a & verbs_b and amounts_a != amounts_b and any(x.amount is not None for x in [*a.actions, *b.actions]):
        out.append(
            Message(
                "amount: {first} vs {second}",
                first="; ".join(f"“{x.text}”" for x in a.actions),
                second="; ".join(f"“{x.text}”" for x in b.actions),
            )
        )
    elif verbs_a and verbs_b and not verbs_a & verbs_b and paired and paired == len(cues_a) == len(cues_b):
        out.append(
            Message(
                "action: {first} vs {second}",
                first="; ".join(f"“{x.text}”" for x in a.actions),
                second="; ".join(f"“{x.text}”" for x in b.actions),
            )
        )
    return out


def similarities(
    vectors: npt.NDArray[np.float32],
    korean: Sequence[bool] | None = None,
    multilingual: npt.NDArray[np.float32] | None = None,
    numbers: Sequence[frozenset[Number]] | None = None,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Each pair's cosine and the threshold it is judged by: the primary model's with NEAR where
    English meets English; the multilingual model's (rows of `multilingual`) where Korean is
    spoken on either side (`korean[i]`: rule i is said in Korean), with NEAR_KOREAN, or across
    languages NEAR_ACROSS (NEAR_ACROSS_SAME_NUMBERS where `numbers`, each rule's
    `stated_numbers`, share one); without a multilingual model those pairs are not judged at all."""
    sims = vectors @ vectors.T
    limits = np.full(sims.shape, NEAR, dtype=np.float32)
    if korean is not None and any(korean):
        ko = np.asarray(korean, dtype=np.bool_)
        crossed = ko[:, None] | ko[None, :]
        if multilingual is None:  # the primary model reads Korean as noise: such pairs are not judged
            return sims.astype(np.float32), np.where(crossed, np.inf, limits).astype(np.float32)
        sims = np.where(crossed, multilingual @ multilingual.T, sims)
        across = np.full(sims.shape, NEAR_ACROSS, dtype=np.float32)
        if numbers is not None:
            across = np.where(_agree(numbers), NEAR_ACROSS_SAME_NUMBERS, across)
        limits = np.where(ko[:, None] & ko[None, :], NEAR_KOREAN, np.where(crossed, across, NEAR))
    return sims.astype(np.float32), limits.astype(np.float32)


def near_duplicates(
    rules: Sequence[KnownRule],
    vectors: npt.NDArray[np.float32],
    *,
    threshold: float | None = None,
    known: Iterable[Finding] = (),
    korean: Sequence[bool] | None = None,
    multilingual: npt.NDArray[np.float32] | None = None,
) -> list[Finding]:
    """Near duplicates and disagreements among `rules` (row i of `vectors` is rule i's unit-length
    sentence vector), skipping pairs a finding in `known` already names. Pairs are judged per
    pair of languages (`similarities`), or all against `threshold` if one is given."""
    taken = {frozenset(f.rules) for f in known if f.kind in ("duplicate", "conflict") and len(f.rules) == 2}
    out: list[Finding] = []
    if len(rules) < 2:
        return out
    numbers = [stated_numbers(r.rule) for r in rules] if korean is not None and any(korean) else None
    sims, limits = similarities(vectors, korean, multilingual, numbers)
    if threshold is not None:
        limits = np.full(sims.shape, threshold, dtype=np.float32)
    rows, cols = np.nonzero(np.triu(sims >= limits, k=1))
    for i, j in sorted(zip(rows.tolist(), cols.tolist(), strict=True), key=lambda p: -float(sims[p])):
        a, b = rules[i], rules[j]
        if frozenset((a.key, b.key)) in taken:
            continue
        masters = (a.master or "?", b.master or "?")
        cosine = float(sims[i, j])
        differences = _differences(a.rule, b.rule)
        who = Message("the masters") if masters[0] != masters[1] else masters[0]
        if differences:
            out.append(
                Finding(
                    "disagreement",
                    (a.key, b.key),
                    masters,
                    Message(
                        "rules #{first} ({first_master}) and #{second} ({second_master}) say nearly the same "
                        "(similarity {similarity}) but differ on {differences}",
                        first=a.key,
                        first_master=masters[0],
                        second=b.key,
                        second_master=masters[1],
                        similarity=f"{cosine:.2f}",
                        differences=Shown(differences, "; ".join(differences)),
                    ),
                    Message(
                        "Ask {who}: “{first}” or “{second}”? Which holds, or what decides between them?",
                        who=who,
                        first=said(a.rule),
                        second=said(b.rule),
                    ),
                )
            )
        else:
            out.append(
                Finding(
                    "near_duplicate",
                    (a.key, b.key),
                    masters,
                    Message(
                        "rules #{first} and #{second} say the same in other words (similarity {similarity}): "
                        "propose a merge that keeps both sources",
                        first=a.key,
                        second=b.key,
                        similarity=f"{cosine:.2f}",
                    ),
                    Message(
                        "Are “{first}” and “{second}” one rule? Which wording should stay?",
                        first=said(a.rule),
                        second=said(b.rule),
                    ),
                )
            )
    return out
