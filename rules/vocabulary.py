"""The cue vocabulary: one canonical variable for all the ways masters name a cue.

"on rainy days", "when it rains" and "wet weather" are one cue. Condition phrases from every
transcript and master are clustered by meaning (sentence vectors, numbers masked so "above 80
percent" and "over 85 percent" meet), and each cluster becomes a proposed variable: a name (the
name the extractor gave most often), a type (number, flag or category), a unit and the values
heard. An interviewer or master confirms or renames it; from then on clauses that the extractor
names differently, or that say the same cue in new words, are mapped onto it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from rules.model import Clause, Group, Operator, Rule, Scalar

# Average-linkage cosine distance below which phrases share a cue. Chosen on the first half of
# bench/data/cue_phrases.tsv (the second half is reported apart by bench/semantic.py).
CLUSTER_DISTANCE = 0.55
# The string baseline's threshold, chosen the same way (its best on the first half).
STRING_DISTANCE = 0.85
# Cosine to a confirmed cue's phrase above which a new clause is mapped onto that cue.
MAP_COSINE = 0.75
# Agglomerative clustering keeps an n-by-n matrix; beyond this many distinct phrases the rest
# join the nearest cluster (or stay alone) instead.
MAX_CLUSTERED = 4000

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_FLAG_OPS = {Operator.IS_TRUE, Operator.IS_FALSE}


@dataclass(frozen=True)
class Phrase:
    """One condition as a master said it, with what the extractor made of it."""

    text: str
    variable: str | None = None
    operator: Operator | None = None
    value: Scalar | list[Scalar] | None = None
    unit: str | None = None
    rule_key: str | None = None
    master: str | None = None

    @classmethod
    def of(cls, clause: Clause, rule_key: str | None = None, master: str | None = None) -> Phrase:
        return cls(clause.text, clause.variable, clause.operator, clause.value, clause.unit, rule_key, master)


@dataclass
class CueProposal:
    name: str
    kind: str  # "number", "flag" or "category"
    unit: str | None
    values: list[str]
    aliases: list[str]
    phrases: list[Phrase] = field(default_factory=list)


def masked(text: str) -> str:
    """The phrase with its numbers replaced, so thresholds do not pull the same cue apart."""
    return _NUMBER.sub("#", text.strip().lower())


def clusters(vectors: npt.NDArray[np.float32], distance: float = CLUSTER_DISTANCE) -> npt.NDArray[np.int64]:
    """A cluster label per row: average-linkage agglomerative clustering on cosine distance."""
    n = len(vectors)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if n == 1:
        return np.zeros(1, dtype=np.int64)
    from sklearn.cluster import AgglomerativeClustering

    head = min(n, MAX_CLUSTERED)
    model = AgglomerativeClustering(n_clusters=None, distance_threshold=distance, metric="cosine", linkage="average")
    labels = np.full(n, -1, dtype=np.int64)
    labels[:head] = model.fit_predict(vectors[:head])
    if head < n:
        centroids = np.vstack([vectors[:head][labels[:head] == c].mean(axis=0) for c in range(labels[:head].max() + 1)])
        centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
        nxt = int(labels.max()) + 1
        for i in range(head, n):
            sims = centroids @ vectors[i]
            best = int(np.argmax(sims))
            if 1 - sims[best] < distance:
                labels[i] = best
            else:
                labels[i] = nxt
                nxt += 1
    return labels


def string_clusters(texts: Sequence[str], distance: float = STRING_DISTANCE) -> npt.NDArray[np.int64]:
    """The string-similarity baseline: the same clustering on character 3-gram TF-IDF vectors."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(texts) < 2:
        return np.zeros(len(texts), dtype=np.int64)
    grams = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3)).fit_transform([masked(t) for t in texts])
    return clusters(np.asarray(grams.toarray(), dtype=np.float32), distance)


def _kind(phrases: Sequence[Phrase]) -> str:
    ops = [p.operator for p in phrases if p.operator]
    if ops and all(op in _FLAG_OPS for op in ops):
        return "flag"
    numbers = sum(1 for p in phrases if _is_number(p.value))
    words = sum(1 for p in phrases if _words(p.value))
    if numbers and numbers >= words:
        return "number"
    return "category" if words else ("flag" if ops else "category")


def _is_number(value: object) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def _words(value: object) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [v.strip().lower() for v in values if isinstance(v, str) and v.strip()]


def _name(phrases: Sequence[Phrase], taken: set[str]) -> str:
    counts = Counter(p.variable for p in phrases if p.variable)
    for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0])):
        if name not in taken:
            return name
    words = Counter(w for p in phrases for w in re.findall(r"[a-z]{4,}", p.text.lower()))
    base = "_".join(w for w, _ in words.most_common(2)) or "cue"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name


def propose(
    phrases: Sequence[Phrase], vectors: npt.NDArray[np.float32], distance: float = CLUSTER_DISTANCE
) -> list[CueProposal]:
    """Proposed cue variables from phrases (row i of `vectors` embeds `masked(phrases[i].text)`),
    the most-said first."""
    labels = clusters(vectors, distance)
    groups: dict[int, list[Phrase]] = {}
    for label, phrase in zip(labels.tolist(), phrases, strict=True):
        groups.setdefault(label, []).append(phrase)
    taken: set[str] = set()
    out = []
    for members in sorted(groups.values(), key=lambda g: (-len(g), g[0].text)):
        name = _name(members, taken)
        taken.add(name)
        units = Counter(p.unit for p in members if p.unit)
        values = Counter(w for p in members for w in _words(p.value))
        aliases = sorted({p.variable for p in members if p.variable})
        kind = _kind(members)
        out.append(
            CueProposal(
                name=name,
                kind=kind,
                unit=units.most_common(1)[0][0] if units and kind == "number" else None,
                values=[w for w, _ in values.most_common()] if kind == "category" else [],
                aliases=aliases,
                phrases=list(members),
            )
        )
    return out


@dataclass(frozen=True)
class Cue:
    """A confirmed cue variable, as mapping needs it."""

    name: str
    kind: str
    aliases: frozenset[str]
    phrase_vectors: npt.NDArray[np.float32]  # one row per phrase the cue was confirmed with


def _fits(kind: str, clause: Clause) -> bool:
    if clause.operator in _FLAG_OPS:
        return kind == "flag"
    if _is_number(clause.value):
        return kind == "number"
    return kind == "category"


def map_clause(clause: Clause, cues: Sequence[Cue], vector: npt.NDArray[np.float32] | None) -> str | None:
    """The confirmed cue this clause speaks of, if any: by the extractor's name for it (an alias),
    else by meaning (cosine to one of the cue's phrases at least `MAP_COSINE`, same type)."""
    if not clause.variable:
        return None
    for cue in cues:
        if clause.variable == cue.name or clause.variable in cue.aliases:
            return cue.name if _fits(cue.kind, clause) else None
    if vector is None:
        return None
    best: tuple[float, str] | None = None
    for cue in cues:
        if not len(cue.phrase_vectors) or not _fits(cue.kind, clause):
            continue
        score = float(np.max(cue.phrase_vectors @ vector))
        if score >= MAP_COSINE and (best is None or score > best[0]):
            best = (score, cue.name)
    return best[1] if best else None


def renamed(rule: Rule, names: dict[str, str]) -> Rule:
    """The rule with its clauses' variables renamed (old name -> canonical name)."""

    def group(g: Group) -> Group:
        items: list[Clause | Group] = []
        for item in g.items:
            if isinstance(item, Group):
                items.append(group(item))
            elif item.variable in names:
                items.append(item.model_copy(update={"variable": names[item.variable]}))
            else:
                items.append(item)
        return g.model_copy(update={"items": items})

    exceptions = [
        c.model_copy(update={"variable": names[c.variable]}) if c.variable in names else c for c in rule.exceptions
    ]
    return rule.model_copy(update={"conditions": group(rule.conditions), "exceptions": exceptions})
