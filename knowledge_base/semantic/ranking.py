"""The in-process ranking of the live rules: BM25 and cosine candidates fused into hits, the text
a rule is found by, and the index of one knowledge-base state (with a principal-component
shortlist above TWO_PASS_RULES)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from knowledge_base.semantic.bridge import Bridge, glossary, merged
from knowledge_base.semantic.lexical import Bm25, terms
from knowledge_base.semantic.vectors import Vectors, one_blas_thread, text_hash
from rules.language import KOREAN, language_of
from rules.model import Rule
from rules.stated import Met, Said, meets

# A rule's score is its cosine to the question plus this weight times its BM25 score relative to
# the best BM25 score among the candidates. Reciprocal-rank fusion was tried first and lost (recall@3
# 0.84 against 0.89 on bench/data/questions.tsv): it lets a weak word match outvote meaning.
LEXICAL_WEIGHT = 0.1
# The same weight wherever the multilingual model scores the pair (a Korean question, or a Korean
# rule): its sense of meaning is coarser than MiniLM's in English, and Kiwi's morphemes and the
# glossary's words sharper. On bench/data/questions_dev.tsv, 0.1 -> 0.7 took Korean questions about
# Korean rules from 0.74 to 0.94 and all 80 from 0.75 to 0.86; at 1.0 English questions lost 0.03.
KOREAN_LEXICAL_WEIGHT = 0.7
# A rule whose conditions the question's numbers meet ("still reads 3 Pa" against "above 2 Pa")
# gains this much; one they rule out loses it. Only the FACT_POOL best candidates are compared:
# a number alone says nothing of what a rule is about, and many rules measure a temperature.
FACT_WEIGHT = 0.15
FACT_POOL = 20
# How deep each ranking is read; the candidates are the union of both.
DEPTH = 100
# pgvector's HNSW candidate list: the 2 x DEPTH nearest. Set on every PostgreSQL connection
# (knowledge_base.database), which saves a round trip per question.
EF_SEARCH = 2 * DEPTH
# A turn's words beyond this add little to a 256-token model and only cost encoding time.
TURN_CHARS = 1000
# Above this many rules the in-process vector ranking takes two passes: every rule scored on its
# vector's REDUCED_DIM leading principal components, then the SHORTLIST best rescored exactly. The
# full product reads the whole matrix (154 MB at 100,000 rules, 18 ms on one core of this machine);
# the reduced one a quarter of it (2 to 4 ms). At 100,000 rules (bench/semantic.py's) the two passes
# gave the exact pass's 100 nearest for 181 of the 183 benchmark questions, and the other two
# differed only in the 100th, between rules of equal cosine. Below this size one pass is cheap.
TWO_PASS_RULES = 20_000
REDUCED_DIM = 96
SHORTLIST = 2_000


def top(
    scores: npt.NDArray[np.float32], ids: npt.NDArray[np.int64], allowed: npt.NDArray[np.bool_], k: int
) -> list[tuple[int, float]]:
    """The k best (id, score) among the allowed positions with a positive score; ties by id."""
    masked = np.where(allowed & (scores > 0), scores, -np.inf)
    k = min(k, int(np.isfinite(masked).sum()))
    if k <= 0:
        return []
    best = np.argpartition(-masked, k - 1)[:k]
    order = sorted(best.tolist(), key=lambda i: (-float(masked[i]), int(ids[i])))
    return [(int(ids[i]), float(masked[i])) for i in order]


@dataclass(frozen=True)
class Hit:
    """One rule a question found: its score, its cosine to the question, and its BM25 score
    relative to the best candidate's (0 when it shares no word with the question)."""

    rule_id: int
    score: float
    cosine: float
    lexical: float
    facts: tuple[Met, ...] = ()  # the question's numbers against the rule's conditions

    @property
    def why(self) -> str:
        words = f", words {self.lexical:.2f}" if self.lexical else ""
        said = "".join(f"; {m.words} {'meets' if m.holds else 'misses'} “{m.clause}”" for m in self.facts)
        return f"meaning {self.cosine:.2f}{words}{said}"


def combine(
    lexical: Sequence[tuple[int, float]],
    cosines: dict[int, float],
    limit: int,
    weight: float = LEXICAL_WEIGHT,
    korean: frozenset[int] = frozenset(),
) -> list[Hit]:
    """The best `limit` candidates by cosine + `weight` x relative BM25 (KOREAN_LEXICAL_WEIGHT
    for the rules in `korean`, which the multilingual model scored); ties by rule id."""
    best = max((score for _, score in lexical), default=0.0) or 1.0
    words = {rid: score / best for rid, score in lexical}
    hits = [
        Hit(
            rid,
            round(cos + (KOREAN_LEXICAL_WEIGHT if rid in korean else weight) * words.get(rid, 0.0), 5),
            round(cos, 5),
            round(words.get(rid, 0.0), 3),
        )
        for rid, cos in cosines.items()
    ]
    hits.sort(key=lambda h: (-h.score, h.rule_id))
    return hits[:limit]


def by_facts(hits: Sequence[Hit], rules: Mapping[int, Rule], said: Sequence[Said]) -> list[Hit]:
    """The candidates re-ranked by the question's numbers: each rule of `rules` (the first
    FACT_POOL candidates' current texts) gains FACT_WEIGHT where the numbers meet its conditions
    and loses it where they rule it out; ties by rule id, as in `combine`."""
    out = []
    for hit in hits:
        rule = rules.get(hit.rule_id)
        meeting = meets(rule, said) if rule is not None else None
        if meeting is None or not meeting.met:
            out.append(hit)
            continue
        score = round(hit.score + FACT_WEIGHT * meeting.fit, 5)
        out.append(replace(hit, score=score, facts=meeting.met))
    out.sort(key=lambda h: (-h.score, h.rule_id))
    return out


def document(domain: str | None, summary: str, turns: Sequence[str]) -> str:
    """The text a rule is found by: its craft, the rule as a sentence, and the master's words in
    the turns it was said in (which carry what the rule's own words leave implicit: "it sounds
    dull" is about a loaf only in its turn)."""
    sentence = summary
    if sentence.startswith("IF (always) THEN "):
        sentence = sentence[len("IF (always) THEN ") :]
    elif sentence.startswith("IF "):
        sentence = "when " + sentence[3:].replace(" THEN ", ": ", 1)
    sentence = sentence.replace(" UNLESS ", " unless ", 1)
    said = " ".join(t[:TURN_CHARS] for t in dict.fromkeys(turns))
    return f"{domain + ': ' if domain else ''}{sentence}" + (f" — {said}" if said else "")


def summary_document(domain: str | None, summary: str) -> str:
    """The short text the multilingual model reads a rule by: its craft and the rule as a sentence
    (that model matches across languages better on the rule alone than with the turns around it:
    recall@3 0.53 against 0.46 on bench/data/questions_crosslingual.tsv)."""
    return document(domain, summary, [])


class RuleIndex:
    """The live rules' documents (BM25) and vectors (one matrix), for one knowledge-base state.

    Rebuilt when the state changes; vectors of unchanged documents are reused from the previous
    index, so only new or edited rules cost an encoding.
    """

    def __init__(
        self,
        token: int,
        ids: Sequence[int],
        documents: Sequence[str],
        vectors: Vectors | None,
        cues: Bridge | None = None,
    ) -> None:
        self.token = token
        self.cues = cues  # the confirmed cue vocabulary's names, a bridge of the plant's own words
        self.ids = np.asarray(ids, dtype=np.int64)
        self.hashes = [text_hash(x) for x in documents]
        self.position = {int(r): i for i, r in enumerate(self.ids)}
        self.bm25 = Bm25(documents)
        self.vectors = vectors  # None where the database ranks by vector (pgvector)
        # a large index's first pass: a basis of the vectors' leading components, and the vectors in it
        self.basis: Vectors | None = None
        self.reduced: Vectors | None = None
        if vectors is not None and len(vectors) > TWO_PASS_RULES:
            self.basis = principal_basis(vectors, REDUCED_DIM)
            with one_blas_thread():
                self.reduced = np.ascontiguousarray(vectors @ self.basis)
        # which rules are said in Korean; their vectors from the multilingual model, made on first need
        self.korean = np.fromiter((language_of(d) == KOREAN for d in documents), dtype=np.bool_, count=len(documents))
        self.korean_ids = frozenset(self.ids[self.korean].tolist())
        self.multi: Vectors | None = None

    def by_hash(self) -> dict[str, Vectors]:
        if self.vectors is None:
            return {}
        return {h: self.vectors[i] for i, h in enumerate(self.hashes)}

    def allowed(self, visible: Iterable[int]) -> npt.NDArray[np.bool_]:
        """A mask over the index's rules: which of them are in `visible`."""
        wanted = np.fromiter(visible, dtype=np.int64)
        return np.isin(self.ids, wanted)

    def lexical(self, question: str, allowed: npt.NDArray[np.bool_], k: int = DEPTH) -> list[tuple[int, float]]:
        """The k allowed rules best by BM25, the question's words also counted in their other
        language and as their synonyms (`bridge`)."""
        said = terms(question)
        extra = glossary().expand(said)
        if self.cues:
            extra = merged(extra, self.cues.expand(said))
        with one_blas_thread():
            return top(self.bm25.scores(question, extra), self.ids, allowed, k)

    def cosines(self, query: Vectors) -> npt.NDArray[np.float32]:
        """The query's cosine to every rule (rounded as pg_semantic rounds, so ties fall alike)."""
        assert self.vectors is not None
        with one_blas_thread():
            return np.round(self.vectors @ query.astype(np.float32), 5)

    def semantic(
        self, cosines: npt.NDArray[np.float32], allowed: npt.NDArray[np.bool_], k: int = DEPTH
    ) -> list[tuple[int, float]]:
        """The k allowed rules nearest by cosine (from `cosines`), however far."""
        if not len(self.ids):
            return []
        # shifted so that no allowed rule is dropped as "no score"
        return [(rid, round(score - 2.0, 5)) for rid, score in top(cosines + 2.0, self.ids, allowed, k)]

    def cosine_of(self, cosines: npt.NDArray[np.float32], rule_ids: Iterable[int]) -> dict[int, float]:
        return {rid: float(cosines[self.position[rid]]) for rid in rule_ids if rid in self.position}

    def nearest(
        self, query: Vectors, allowed: npt.NDArray[np.bool_], k: int = DEPTH, also: Iterable[int] = ()
    ) -> dict[int, float]:
        """The cosines of the k allowed rules nearest the query, and of the rules in `also` (the
        word matches), each exact. A large index shortlists by its reduced vectors first."""
        if self.reduced is None or self.basis is None:
            every = self.cosines(query)
            found = dict(self.semantic(every, allowed, k))
            found.update(self.cosine_of(every, [rid for rid in also if rid not in found]))
            return found
        assert self.vectors is not None
        q = query.astype(np.float32)
        with one_blas_thread():
            rough = self.reduced @ (self.basis.T @ q)
        rough = np.where(allowed, rough, -np.inf)
        n = min(max(SHORTLIST, 2 * k), int(allowed.sum()))
        if 0 < n < len(rough):
            shortlist = np.argpartition(rough, len(rough) - n)[len(rough) - n :]
        else:  # the user may read no more rules than the shortlist holds: all of them
            shortlist = np.flatnonzero(allowed)
        extra = [self.position[rid] for rid in also if rid in self.position]
        rows = np.concatenate([shortlist, np.asarray(extra, dtype=np.int64)])
        with one_blas_thread():
            exact = np.round(self.vectors[rows] @ q, 5)
        ranked = np.arange(len(rows)) < len(shortlist)  # the word matches are scored, not ranked
        found = {rid: round(score - 2.0, 5) for rid, score in top(exact + 2.0, self.ids[rows], ranked, k)}
        for i, row in enumerate(extra, start=len(shortlist)):
            found.setdefault(int(self.ids[row]), float(exact[i]))
        return found


def principal_basis(vectors: Vectors, dim: int, sample: int = 20_000) -> Vectors:
    """The `dim` directions that keep most of the vectors' inner products (the leading eigenvectors
    of their second-moment matrix, from a fixed sample of rows), as columns."""
    rows = vectors
    if len(vectors) > sample:
        rows = vectors[np.random.default_rng(0).choice(len(vectors), sample, replace=False)]
    with one_blas_thread():
        moment = rows.T.astype(np.float64) @ rows.astype(np.float64)
    _, eigenvectors = np.linalg.eigh(moment)
    return np.ascontiguousarray(eigenvectors[:, ::-1][:, :dim]).astype(np.float32)


class IndexCache:
    """One `RuleIndex` per knowledge base, rebuilt under a lock when its state token moves on."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.index: RuleIndex | None = None
        self.in_db: bool | None = None  # whether PostgreSQL ranks the vectors (pgvector), once known
        self.half = False  # and whether its index ranks them in half precision (HALF_INDEX)
        # (user, state) -> the user as an Actor; any change of role or delegation is a new state
        self.actors: dict[tuple[str | None, int], Any] = {}
        # (user, state, statuses) -> the rules that user may get back, as a mask over the index
        self.visible: dict[tuple[str, int, tuple[str, ...]], npt.NDArray[np.bool_]] = {}
        # (model key, text hash) -> a vector read or made before (`search.kept_vectors`), across states
        self.kept: dict[tuple[str, str], Vectors] = {}
        self.kept_lock = threading.Lock()  # not `lock`, which an index rebuild holds for long
