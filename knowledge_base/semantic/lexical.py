"""BM25 over the rules' words: the terms it counts (light English stems, Korean character pairs)
and Okapi BM25 as a sparse matrix."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
from scipy import sparse

from rules.language import is_hangul

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
