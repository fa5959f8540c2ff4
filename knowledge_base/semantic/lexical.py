"""BM25 over the rules' words: the terms it counts (light English stems; Korean content morphemes
by Kiwi, particles and endings dropped) and Okapi BM25 as a sparse matrix."""

from __future__ import annotations

import hashlib
import re
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

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


# Kiwi's tags of the morphemes a Korean text is found by: nouns, roots, numbers, foreign words and
# the stems of verbs and adjectives. Particles, endings, suffixes, bound nouns (것, 때, 수) and
# adverbs (좀, 더) are dropped: they attach to every sentence and tell no rule from another.
_CONTENT = frozenset({"NNG", "NNP", "NR", "XR", "SL", "SH", "SN", "VV", "VA", "VV-I", "VA-I", "VV-R", "VA-R"})
# Stems as common as particles: 하다, 되다, 있다, 이다 and their kin.
_EMPTY_STEMS = frozenset({"하", "되", "있", "이", "아니", "그렇", "이렇", "어떻", "같", "싶", "보", "주"})
# Nouns that frame a sentence rather than say what it is about ("할 때", "그런 경우").
_EMPTY_NOUNS = frozenset(
    {"때", "경우", "것", "거", "정도", "뭐", "무엇", "어디", "언제", "얼마", "이거", "그거", "이번"}
)
# Korean texts' terms, by the digest of the text: a knowledge base rebuilds its index after every
# write, and Kiwi takes 1 to 2 ms a sentence. Past this many texts the copy starts afresh.
KOREAN_KEPT = 200_000
_korean_kept: dict[bytes, tuple[str, ...]] = {}
_korean_lock = threading.Lock()


def _korean_terms(text: str) -> tuple[str, ...]:
    """A text with Korean in it as Kiwi's content morphemes (발효실 온도가 떨어지면: 발효, 실,
    발효실, 온도, 떨어지); nouns written together are also counted as one word (발효실, 용접봉),
    and foreign words as the English terms are."""
    key = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
    with _korean_lock:
        kept = _korean_kept.get(key)
    if kept is not None:
        return kept
    from rules.morphology import kiwi

    out: list[str] = []
    compound: list[str] = []
    end = -1
    for form, tag, start, length in _codes_joined(kiwi().tokenize(text)):
        if tag in ("NNG", "NNP") and start == end and compound:
            compound.append(form)
        else:
            if len(compound) > 1:
                out.append("".join(compound))
            compound = [form] if tag in ("NNG", "NNP") else []
        end = start + length
        if tag not in _CONTENT:
            continue
        if tag in ("SL", "SN"):  # split and stemmed as an English text's words are (1,600: 1, 600)
            out.extend(_stem(w) for w in _WORD.findall(form.lower()) if w not in _STOP)
        elif form not in (_EMPTY_STEMS if tag.startswith("V") else _EMPTY_NOUNS):
            out.append(form)
    if len(compound) > 1:
        out.append("".join(compound))
    found = tuple(out)
    with _korean_lock:
        if len(_korean_kept) >= KOREAN_KEPT:
            _korean_kept.clear()
        _korean_kept[key] = found
    return found


def _codes_joined(tokens: Iterable[Any]) -> list[tuple[str, str, int, int]]:
    """Kiwi's tokens as (form, tag, start, length), with letters and digits written together
    joined back into one foreign word, as an English text's words are: Kiwi reads CO2, E7018 and
    M10 as letters and a number, so a Korean rule's "E7018 용접봉" would not meet "E7018 rods"."""
    out: list[tuple[str, str, int, int]] = []
    for token in tokens:
        form, tag, start, length = token.form, token.tag, token.start, token.len
        if out and tag in ("SL", "SN") and out[-1][1] in ("SL", "SN") and out[-1][2] + out[-1][3] == start:
            before = out.pop()
            joined_tag = "SL" if "SL" in (tag, before[1]) else "SN"
            form, tag, start, length = before[0] + form, joined_tag, before[2], before[3] + length
        out.append((form, tag, start, length))
    return out


def terms(value: str) -> list[str]:
    """The words BM25 counts: lower-cased, stop words dropped, lightly stemmed; a text with Korean
    in it as its content morphemes (`_korean_terms`)."""
    if any(is_hangul(ch) for ch in value):
        return list(_korean_terms(value))
    return [_stem(w) for w in _WORD.findall(value.lower()) if w not in _STOP and w not in ("if", "then", "unless")]


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

    def scores(self, query: str, bridged: Mapping[str, float] | None = None) -> npt.NDArray[np.float32]:
        """Each document's BM25 score for the query (zeros where no term is shared); `bridged`
        adds terms the question's words stand for (`bridge`), each at its weight."""
        weights = dict.fromkeys(terms(query), 1.0)
        for term, weight in (bridged or {}).items():
            weights.setdefault(term, weight)
        used = [(self.vocabulary[t], w) for t, w in weights.items() if t in self.vocabulary]
        if not used:
            return np.zeros(self.size, dtype=np.float32)
        columns = self.matrix[:, [c for c, _ in used]]
        return np.asarray(columns @ np.asarray([w for _, w in used], dtype=np.float32), dtype=np.float32).ravel()
