"""The server process's start: the sentence models load, and the knowledge base's missing sentence
vectors are made, in a background thread as the server starts (`ui.serve`), not in a person's
first request. The sign-in page shows how far it has come; until it is done everything works,
only a first question may wait for what is still loading.

The knowledge base itself is one per process and URL (`knowledge_base_at`), shared by this thread
and every page, so the models, the vectors read and the search index are loaded once.
"""

from __future__ import annotations

import functools
import gc
import threading
import time
from dataclasses import dataclass, field

from knowledge_base import DatabaseFailure, KnowledgeBase, database_unusable, default_url
from knowledge_base.warming import Progress


@dataclass
class Startup:
    """Where the start stands: "models", then "vectors", then "ready" (or "failed", with why)."""

    phase: str = "not started"
    began: float = field(default_factory=time.monotonic)
    progress: Progress = field(default_factory=Progress)
    error: str | None = None

    @property
    def ready(self) -> bool:
        return self.phase in ("ready", "failed", "not started")


STARTUP = Startup()
_started = threading.Lock()


@functools.cache
def knowledge_base_at(url: str) -> KnowledgeBase:
    """The process's knowledge base at `url`, with the packaged sentence models."""
    from elicitation.embeddings import default_encoder, multilingual_encoder

    return KnowledgeBase(url, encoder=default_encoder(), multilingual=multilingual_encoder())


def start(url: str | None = None, *, freeze: bool = True) -> Startup:
    """Begin the start in a daemon thread (once per process); its state. `freeze`: what the start
    loaded is moved out of the garbage collector's sight once loaded (the server's models,
    readers and rules live as long as it), so no later collection walks them."""
    if not _started.acquire(blocking=False):
        return STARTUP
    STARTUP.phase = "models"
    threading.Thread(target=_run, args=(url or default_url(), freeze), name="myeongjang-start", daemon=True).start()
    return STARTUP


def _run(url: str, freeze: bool = False) -> None:
    try:
        from elicitation.embeddings import PROBE

        kb = knowledge_base_at(url)
        for encoder in (kb.encoder, kb.multilingual):
            if encoder is not None:
                encoder.encode([PROBE])  # loads the weights (and the fast path for one text)
                encoder.encode([PROBE, PROBE])
        import elicitation  # noqa: F401  (the readers, which an import needs: spaCy and Kiwi)
        from knowledge_base.redaction import Redactor

        Redactor().redact(PROBE)  # the PII analyser, which an import and a master's first edit need
        from knowledge_base.semantic.bridge import glossary

        glossary()  # the Korean-English words a first question is bridged by (Kiwi reads them)

        STARTUP.phase = "vectors"
        kb.warm(progress=STARTUP.progress)
        kb.prime_guidance()  # each kind of reader's rules read and the engine compiled, before the first question
        if freeze:
            gc.collect()
            gc.freeze()
        STARTUP.phase = "ready"
    except DatabaseFailure as exc:  # a damaged file, a server gone: the same line each page shows
        STARTUP.error = str(database_unusable(exc))
        STARTUP.phase = "failed"
    except Exception as exc:  # shown on the sign-in page; the app works on, paying as it goes
        STARTUP.error = f"{type(exc).__name__}: {exc}"
        STARTUP.phase = "failed"
