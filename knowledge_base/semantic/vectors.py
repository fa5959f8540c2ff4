"""Sentence vectors for the semantic layer: what an encoder must offer, and the cache of its
vectors in the knowledge base, keyed by model and text hash, so a text is encoded once per model."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from knowledge_base.models import Embedding

Vectors = npt.NDArray[np.float32]


class Encoder(Protocol):
    """What the knowledge base needs of a sentence encoder."""

    key: str
    dim: int

    def encode(self, texts: Sequence[str]) -> Vectors: ...


def text_hash(value: str) -> str:
    """The cache key of a text (md5: the same in Python and in PostgreSQL's md5())."""
    return hashlib.md5(value.encode("utf-8"), usedforsecurity=False).hexdigest()


def stored_vectors(s: Session, encoder: Encoder, hashes: Sequence[str]) -> dict[str, Vectors]:
    """The cached vectors of these text hashes, by hash (those the cache lacks are left out)."""
    found: dict[str, Vectors] = {}
    unique = list(dict.fromkeys(hashes))
    postgres = s.get_bind().dialect.name == "postgresql"
    for i in range(0, len(unique), 500):
        chunk = unique[i : i + 500]
        if postgres:  # by hash only: a person's role may not list the cache (knowledge_base.db_roles)
            rows = s.execute(
                text("SELECT text_hash, vector FROM myeongjang_vectors(:model, :hashes)"),
                {"model": encoder.key, "hashes": chunk},
            )
        else:
            rows = s.execute(
                select(Embedding.text_hash, Embedding.vector).where(
                    Embedding.model == encoder.key, Embedding.text_hash.in_(chunk)
                )
            )
        for h, blob in rows:
            found[h] = np.frombuffer(blob, dtype="<f4")
    return found


def stored_hashes(s: Session, encoder: Encoder, hashes: Sequence[str]) -> set[str]:
    """Which of these text hashes the cache holds a vector for (the vectors themselves are not read)."""
    found: set[str] = set()
    unique = list(dict.fromkeys(hashes))
    postgres = s.get_bind().dialect.name == "postgresql"
    for i in range(0, len(unique), 500):
        chunk = unique[i : i + 500]
        if postgres:
            q: Any = text("SELECT text_hash FROM myeongjang_vectors(:model, :hashes)")
            found.update(s.scalars(q, {"model": encoder.key, "hashes": chunk}))
        else:
            q = select(Embedding.text_hash).where(Embedding.model == encoder.key, Embedding.text_hash.in_(chunk))
            found.update(s.scalars(q))
    return found


def cached_vectors(s: Session, encoder: Encoder, texts: Sequence[str]) -> Vectors:
    """One vector per text, from the cache where it holds the text, else encoded and stored."""
    hashes = [text_hash(t) for t in texts]
    found = stored_vectors(s, encoder, hashes)
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


def to_primary(cosines: Vectors, scale: tuple[float, float]) -> Vectors:
    """Multilingual cosines on the primary model's scale (a + b x), rounded as cosines are."""
    return np.round(scale[0] + scale[1] * cosines, 5).astype(np.float32)
