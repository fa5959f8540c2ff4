"""The semantic layer's storage and search: cached sentence vectors, a BM25 index, and the
hybrid of the two that answers questions in plain words.

Vectors are cached in `embeddings` by (model key, md5 of the text), so a text is encoded once per
model and a rule is re-encoded only when its words change. The encoder itself comes from outside
(`elicitation.embeddings.SentenceEncoder`); this module only needs something with `key`, `dim`
and `encode`.

Search reads two rankings of the live rules, BM25 over each rule's document (its craft, the rule as
a sentence, the master's words around it) and the cosine of the document's vector to the
question's, and scores their union by cosine plus a small weight of relative BM25. The vector
ranking is exact in process (a matrix product; above TWO_PASS_RULES a shortlist from the vectors'
principal components, rescored exactly); on PostgreSQL with pgvector the database ranks instead
(HNSW over `rule_vectors`, in half precision, rescored exactly). Both give the same rules for the
same knowledge base: on the bundled gold set for every benchmark question; at 100,000 rules HNSW
is approximate and the top three agreed for 94 to 97% of them (bench/semantic.py).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sqlalchemy import (
    Column,
    ColumnElement,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    any_,
    bindparam,
    cast,
    literal,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.types import UserDefinedType

from knowledge_base.models import Embedding, Master, RuleRow
from rules.language import KOREAN, is_hangul, language_of

Vectors = npt.NDArray[np.float32]

# A rule's score is its cosine to the question plus this weight times its BM25 score relative to
# the best BM25 score among the candidates. Reciprocal-rank fusion was tried first and lost (recall@3
# 0.84 against 0.89 on bench/data/questions.tsv): it lets a weak word match outvote meaning.
LEXICAL_WEIGHT = 0.1
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


class Encoder(Protocol):
    """What the knowledge base needs of a sentence encoder."""

    key: str
    dim: int

    def encode(self, texts: Sequence[str]) -> Vectors: ...


def text_hash(value: str) -> str:
    """The cache key of a text (md5: the same in Python and in PostgreSQL's md5())."""
    return hashlib.md5(value.encode("utf-8"), usedforsecurity=False).hexdigest()


# --- the vector cache ------------------------------------------------------------------------------


def cached_vectors(s: Session, encoder: Encoder, texts: Sequence[str]) -> Vectors:
    """One vector per text, from the cache where it holds the text, else encoded and stored."""
    hashes = [text_hash(t) for t in texts]
    found: dict[str, Vectors] = {}
    unique = list(dict.fromkeys(hashes))
    for i in range(0, len(unique), 500):
        chunk = unique[i : i + 500]
        rows = s.execute(
            select(Embedding.text_hash, Embedding.vector).where(
                Embedding.model == encoder.key, Embedding.text_hash.in_(chunk)
            )
        )
        for h, blob in rows:
            found[h] = np.frombuffer(blob, dtype="<f4")
    missing = {h: t for h, t in zip(hashes, texts, strict=True) if h not in found}
    if missing:
        fresh = encoder.encode(list(missing.values()))
        rows_in = [
            {"model": encoder.key, "text_hash": h, "dim": encoder.dim, "vector": v.astype("<f4").tobytes()}
            for h, v in zip(missing, fresh, strict=True)
        ]
        insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
        for i in range(0, len(rows_in), 1000):
            s.execute(insert(Embedding).values(rows_in[i : i + 1000]).on_conflict_do_nothing())
        found.update(zip(missing, fresh, strict=True))
    if not texts:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    return np.vstack([found[h] for h in hashes]).astype(np.float32)


# --- BM25 --------------------------------------------------------------------------------------------

_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "if",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "so",
        "that",
        "the",
        "then",
        "there",
        "this",
        "to",
        "up",
        "we",
        "what",
        "when",
        "where",
        "which",
        "while",
        "with",
        "you",
        "your",
        "should",
        "would",
        "can",
        "could",
        "will",
        "shall",
        "am",
        "was",
        "were",
        "been",
        "being",
        "have",
        "has",
        "had",
        "not",
        "no",
    ]
)
_WORD = re.compile(r"[^\W_]+")


def _stem(word: str) -> str:
    """A light English suffix strip, so "rains", "rained" and "raining" meet "rain"."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word


def _hangul_bigrams(word: str) -> list[str]:
    """A Korean word as its character pairs: particles and endings attach to Korean words, so
    습도가 and 습도는 share no word but share 습도 (the usual way to index Korean without a parser)."""
    return [word] if len(word) < 2 else [word[i : i + 2] for i in range(len(word) - 1)]


def terms(value: str) -> list[str]:
    """The words BM25 counts: lower-cased, stop words dropped, lightly stemmed; Korean words as
    their character pairs."""
    out: list[str] = []
    for w in _WORD.findall(value.lower()):
        if w in _STOP or w in ("if", "then", "unless"):
            continue
        if any(is_hangul(ch) for ch in w):
            out.extend(_hangul_bigrams(w))
        else:
            out.append(_stem(w))
    return out


class Bm25:
    """Okapi BM25 (k1 = 1.2, b = 0.75) over a fixed list of documents, as a sparse matrix whose
    columns are terms, so a query is a sum of a few columns."""

    def __init__(self, documents: Iterable[str], k1: float = 1.2, b: float = 0.75) -> None:
        vocabulary: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        tfs: list[float] = []
        lengths: list[int] = []
        for i, doc in enumerate(documents):
            counts = Counter(terms(doc))
            lengths.append(sum(counts.values()))
            for term, tf in counts.items():
                rows.append(i)
                cols.append(vocabulary.setdefault(term, len(vocabulary)))
                tfs.append(float(tf))
        n = len(lengths)
        self.vocabulary = vocabulary
        self.size = n
        if not n or not vocabulary:
            self.matrix = sparse.csc_matrix((n, 0), dtype=np.float32)
            return
        freq = np.asarray(tfs, dtype=np.float64)
        r = np.asarray(rows)
        c = np.asarray(cols)
        df = np.bincount(c, minlength=len(vocabulary))
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
        dl = np.asarray(lengths, dtype=np.float64)
        avgdl = dl.mean() or 1.0
        weights = idf[c] * freq * (k1 + 1) / (freq + k1 * (1 - b + b * dl[r] / avgdl))
        self.matrix = sparse.csc_matrix((weights.astype(np.float32), (r, c)), shape=(n, len(vocabulary)))

    def scores(self, query: str) -> npt.NDArray[np.float32]:
        """Each document's BM25 score for the query (zeros where no term is shared)."""
        columns = [self.vocabulary[t] for t in dict.fromkeys(terms(query)) if t in self.vocabulary]
        if not columns:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self.matrix[:, columns].sum(axis=1), dtype=np.float32).ravel()


# --- ranking and fusion ---

_blas: Any = None


def one_blas_thread() -> Any:
    """A context in which numpy's BLAS uses one thread. A matrix-vector product gains nothing from
    more, and OpenBLAS threads left spinning after it slow the next sentence encoding (torch)
    about threefold on two cores (measured: search p50 51 ms -> 20 ms at 2,000 rules)."""
    global _blas
    if _blas is None:
        from threadpoolctl import ThreadpoolController

        _blas = ThreadpoolController()
    return _blas.limit(limits=1, user_api="blas")


# ------------------------------------------------------------------------------------------------


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

    @property
    def why(self) -> str:
        words = f", words {self.lexical:.2f}" if self.lexical else ""
        return f"meaning {self.cosine:.2f}{words}"


def combine(lexical: Sequence[tuple[int, float]], cosines: dict[int, float], limit: int) -> list[Hit]:
    """The best `limit` candidates by cosine + LEXICAL_WEIGHT x relative BM25; ties by rule id."""
    best = max((score for _, score in lexical), default=0.0) or 1.0
    words = {rid: score / best for rid, score in lexical}
    hits = [
        Hit(rid, round(cos + LEXICAL_WEIGHT * words.get(rid, 0.0), 5), round(cos, 5), round(words.get(rid, 0.0), 3))
        for rid, cos in cosines.items()
    ]
    hits.sort(key=lambda h: (-h.score, h.rule_id))
    return hits[:limit]


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


def to_primary(cosines: Vectors, scale: tuple[float, float]) -> Vectors:
    """Multilingual cosines on the primary model's scale (a + b x), rounded as cosines are."""
    return np.round(scale[0] + scale[1] * cosines, 5).astype(np.float32)


# --- the in-process index of live rules ---------------------------------------------------------


class RuleIndex:
    """The live rules' documents (BM25) and vectors (one matrix), for one knowledge-base state.

    Rebuilt when the state changes; vectors of unchanged documents are reused from the previous
    index, so only new or edited rules cost an encoding.
    """

    def __init__(self, token: int, ids: Sequence[int], documents: Sequence[str], vectors: Vectors | None) -> None:
        self.token = token
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
        with one_blas_thread():
            return top(self.bm25.scores(question), self.ids, allowed, k)

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


# --- pgvector ---------------------------------------------------------------------------------------


def vector_literal(v: Vectors) -> str:
    """pgvector's text form of a vector ('[0.1,0.2,...]'): numbers only, so nothing to escape."""
    return "[" + ",".join(f"{float(x):.7g}" for x in v) + "]"


def has_rule_vectors(s: Session) -> bool:
    """Whether this database searches vectors itself (PostgreSQL with pgvector and migration 0004)."""
    if s.get_bind().dialect.name != "postgresql":
        return False
    return bool(s.execute(text("SELECT to_regclass('rule_vectors') IS NOT NULL")).scalar())


# pgvector's HNSW index over the rules' vectors. Where the server has halfvec (pgvector 0.7 and
# later; migration 0005) it ranks them in half precision, which reads half the bytes per distance:
# 8.6 -> 5.7 ms for the 200 nearest of 100,000 rules on this machine, at the same recall of the
# exact 100 nearest (0.89 against 0.90). The rules it ranks are then scored on their full vectors.
VECTOR_DIM = 384  # rule_vectors.vec, the packaged MiniLM model's width
HALF_INDEX = "ix_rule_vectors_half"
FULL_INDEX = "ix_rule_vectors_hnsw"


def half_index(s: Session) -> bool:
    """Whether rule_vectors' HNSW index ranks in half precision (else in full)."""
    return bool(s.execute(text("SELECT to_regclass(:n) IS NOT NULL"), {"n": HALF_INDEX}).scalar())


def _create_index(s: Session, half: bool) -> None:
    if half:
        s.execute(
            text(
                f"CREATE INDEX {HALF_INDEX} ON rule_vectors "
                f"USING hnsw ((vec::halfvec({VECTOR_DIM})) halfvec_cosine_ops)"
            )
        )
    else:
        s.execute(text(f"CREATE INDEX {FULL_INDEX} ON rule_vectors USING hnsw (vec vector_cosine_ops)"))


def sync_rule_vectors(s: Session, encoder: Encoder, live: Sequence[tuple[int, str]], *, half: bool) -> int:
    """Make `rule_vectors` hold exactly the live rules' current vectors, given (rule id, document)
    pairs; returns the rows written. `half`: the HNSW index is HALF_INDEX (`half_index`)."""
    have: dict[int, str] = dict(
        s.execute(text("SELECT rule_id, text_hash FROM rule_vectors WHERE model = :m"), {"m": encoder.key}).all()
    )
    wanted = {rid: (doc, text_hash(doc)) for rid, doc in live}
    gone = [rid for rid in have if rid not in wanted]
    stale = [(rid, summary, h) for rid, (summary, h) in wanted.items() if have.get(rid) != h]
    if gone:
        for i in range(0, len(gone), 1000):
            s.execute(text("DELETE FROM rule_vectors WHERE rule_id = ANY(:ids)"), {"ids": gone[i : i + 1000]})
    s.execute(text("DELETE FROM rule_vectors WHERE model <> :m"), {"m": encoder.key})
    rebuild = len(stale) > 5000  # a bulk load: building the HNSW index once beats growing it row by row
    if rebuild:
        s.execute(text(f"DROP INDEX IF EXISTS {HALF_INDEX if half else FULL_INDEX}"))
    for i in range(0, len(stale), 1000):
        chunk = stale[i : i + 1000]
        vectors = cached_vectors(s, encoder, [summary for _, summary, _ in chunk])
        s.execute(
            text(
                "INSERT INTO rule_vectors (rule_id, model, text_hash, vec) VALUES (:r, :m, :h, CAST(:v AS vector)) "
                "ON CONFLICT (rule_id) DO UPDATE SET model = EXCLUDED.model, text_hash = EXCLUDED.text_hash, "
                "vec = EXCLUDED.vec"
            ),
            [
                {"r": rid, "m": encoder.key, "h": h, "v": vector_literal(v)}
                for (rid, _, h), v in zip(chunk, vectors, strict=True)
            ],
        )
    if rebuild:
        _create_index(s, half)
        s.execute(text("ANALYZE rule_vectors"))
    return len(stale) + len(gone)


class _Vector(UserDefinedType[str]):
    """pgvector's column type, for casting a bound '[...]' text to it."""

    cache_ok = True

    def get_col_spec(self, **kw: object) -> str:
        return "vector"


class _HalfVector(UserDefinedType[str]):
    """pgvector's half-precision type at the rules' width, as HALF_INDEX casts to it."""

    cache_ok = True

    def get_col_spec(self, **kw: object) -> str:
        return f"halfvec({VECTOR_DIM})"


_RULE_VECTORS = Table(
    "rule_vectors",
    MetaData(),
    Column("rule_id", Integer, primary_key=True),
    Column("model", String(200)),
    Column("text_hash", String(32)),
    Column("vec", _Vector()),
)


def _query_vector(literal_text: str, kind: UserDefinedType[str]) -> Any:
    """The query vector (its `vector_literal`) as a one-row subquery: PostgreSQL then parses the
    '[...]' text once, where a bare cast of a bound text is parsed again for every row compared
    (50 ms at 2,000 rules)."""
    return select(cast(literal(literal_text), kind)).scalar_subquery()


def pg_semantic(
    s: Session,
    encoder: Encoder,
    query: Vectors,
    conditions: Sequence[ColumnElement[bool]],
    k: int = DEPTH,
    visible: int | None = None,
    also: Sequence[int] = (),
    half: bool = False,
) -> dict[int, float]:
    """The cosines of the k rules nearest the query that meet `conditions` (status, visibility),
    and of the rules in `also`, computed by PostgreSQL in one round trip. Fast path: pgvector's
    HNSW index gives the 2k nearest of all rules (ranked in half precision where `half`, the
    index being HALF_INDEX), and the conditions filter those, by exact cosine. Where fewer than k
    (or the `visible` count, if smaller) pass, because the user may read only a small part of the
    knowledge base, an exact scan of the rules they may read answers instead."""
    rv = _RULE_VECTORS.c
    said = vector_literal(query)
    distance = rv.vec.op("<=>", return_type=Float())(_query_vector(said, _Vector()))
    ranking = (
        cast(rv.vec, _HalfVector()).op("<=>", return_type=Float())(_query_vector(said, _HalfVector()))
        if half
        else distance
    )
    if 2 * k > EF_SEARCH:
        s.execute(text(f"SET LOCAL hnsw.ef_search = {2 * k}"))
    # MATERIALIZED: the nearest are found once, then joined. Left to itself, with statistics that
    # lag a bulk import, the planner ran them again for every readable rule (120 ms at 2,000).
    near = (
        select(rv.rule_id, distance.label("d"))
        .where(rv.model == encoder.key)
        .order_by(ranking)
        .limit(2 * k)
        .cte("near")
        .prefix_with("MATERIALIZED")
    )
    fast = (
        select(near.c.rule_id, near.c.d, literal(True).label("ranked"))
        .join(RuleRow, RuleRow.id == near.c.rule_id)
        .join(Master, Master.id == RuleRow.master_id)
        .where(*conditions)
        .order_by(near.c.d, near.c.rule_id)
        .limit(k)
        .subquery()
    )
    # one array parameter, not one per id: the statement's text is then the same for every
    # question, so psycopg parses it once and prepares it (each execution is still planned for
    # its own vector: knowledge_base.database sets plan_cache_mode)
    also_ids = bindparam("also", list(also), type_=ARRAY(Integer))
    extra = select(rv.rule_id, distance, literal(False)).where(rv.model == encoder.key, rv.rule_id == any_(also_ids))
    rows = list(s.execute(select(fast.c.rule_id, fast.c.d, fast.c.ranked).union_all(extra)).all())
    if sum(1 for r in rows if r[2]) < min(k, visible if visible is not None else k):
        exact = (
            select(rv.rule_id, distance, literal(True))
            .join(RuleRow, RuleRow.id == rv.rule_id)
            .join(Master, Master.id == RuleRow.master_id)
            .where(rv.model == encoder.key, *conditions)
            .order_by(distance, rv.rule_id)
            .limit(k)
        )
        rows = [*s.execute(exact).all(), *(r for r in rows if not r[2])]
    return {int(rid): round(1.0 - float(d), 5) for rid, d, _ in rows}
