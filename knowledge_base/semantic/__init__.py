"""The semantic layer's storage and search: cached sentence vectors (`vectors`), a BM25 index
(`lexical`), and the hybrid of the two that answers questions in plain words, in process
(`ranking`) or in PostgreSQL (`pgvector`).

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

The sizes re-exported here (`TWO_PASS_RULES`, `SHORTLIST`, `REDUCED_DIM`, ...) are read where they
are defined: to change one (a benchmark's quick run does), set it on `semantic.ranking`.
"""

from knowledge_base.semantic.lexical import Bm25, terms
from knowledge_base.semantic.pgvector import (
    FULL_INDEX,
    HALF_INDEX,
    VECTOR_DIM,
    half_index,
    has_rule_vectors,
    pg_semantic,
    sync_rule_vectors,
    vector_literal,
)
from knowledge_base.semantic.ranking import (
    DEPTH,
    EF_SEARCH,
    FACT_POOL,
    KOREAN_LEXICAL_WEIGHT,
    LEXICAL_WEIGHT,
    REDUCED_DIM,
    SHORTLIST,
    TURN_CHARS,
    TWO_PASS_RULES,
    Hit,
    IndexCache,
    RuleIndex,
    by_facts,
    combine,
    document,
    principal_basis,
    summary_document,
    top,
)
from knowledge_base.semantic.vectors import Encoder, Vectors, cached_vectors, one_blas_thread, text_hash, to_primary

__all__ = [
    "DEPTH",
    "EF_SEARCH",
    "FACT_POOL",
    "FULL_INDEX",
    "HALF_INDEX",
    "KOREAN_LEXICAL_WEIGHT",
    "LEXICAL_WEIGHT",
    "REDUCED_DIM",
    "SHORTLIST",
    "TURN_CHARS",
    "TWO_PASS_RULES",
    "VECTOR_DIM",
    "Bm25",
    "Encoder",
    "Hit",
    "IndexCache",
    "RuleIndex",
    "Vectors",
    "by_facts",
    "cached_vectors",
    "combine",
    "document",
    "half_index",
    "has_rule_vectors",
    "one_blas_thread",
    "pg_semantic",
    "principal_basis",
    "summary_document",
    "sync_rule_vectors",
    "terms",
    "text_hash",
    "to_primary",
    "top",
    "vector_literal",
]
