"""Vector search inside PostgreSQL with pgvector: the `rule_vectors` table kept in step with the
live rules, its HNSW index (half precision where the server has halfvec), and the nearest rules a
user may read, found in one round trip."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
from sqlalchemy.orm import Session
from sqlalchemy.types import UserDefinedType

from knowledge_base.models import Master, RuleRow
from knowledge_base.semantic.ranking import DEPTH, EF_SEARCH
from knowledge_base.semantic.vectors import Encoder, Vectors, cached_vectors, text_hash


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
