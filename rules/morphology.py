"""The process's one Korean morphological analyser (Kiwi, from kiwipiepy and its model package,
loaded from disk on first use).

It lives here because the extractor (`elicitation`), the PII redactor (`knowledge_base`) and the
plain-words question reader all need it, and `rules` is the one package all of them may import.
One instance matters: Kiwi's model takes about 500 MB of memory.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _load() -> Any:
    from kiwipiepy import Kiwi

    return Kiwi()


def kiwi() -> Any:
    """The shared `kiwipiepy.Kiwi`; loading it takes about a second, once."""
    with _lock:
        return _load()
