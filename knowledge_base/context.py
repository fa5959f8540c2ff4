"""What every context of the service layer works with: units of work acting as a user, the
sentence encoders of the semantic layer, and the caches the contexts share.

`KnowledgeBase` is one; a context takes it as its first argument (as argilla's contexts take the
session), so a test can call a context with anything that has these members.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from knowledge_base.errors import KnowledgeBaseError
from knowledge_base.readings import Reading
from knowledge_base.semantic import Encoder, IndexCache
from knowledge_base.unit_of_work import UnitOfWork
from rules import Engine, KnownRule

# Readings of the guidance rules kept (a few kinds of reader, the newest states).
GUIDANCE_KEPT = 16
# Rules' views kept for the next reading (above it, only the newest reading's are kept).
VIEWS_KEPT = 300_000


@dataclass
class Caches:
    """Shared by every user's view of one knowledge base (`KnowledgeBase.as_user` keeps them)."""

    semantic: IndexCache = field(default_factory=IndexCache)
    # compiled engines by (include_proposed, release, the rules' keys, versions and statuses)
    engines: dict[tuple[Any, ...], Engine] = field(default_factory=dict)
    engine_lock: threading.Lock = field(default_factory=threading.Lock)

    # (kind of reader, state, statuses, release) -> the rules guidance may use (`guidance_reading`)
    guidance: dict[tuple[Any, ...], Reading] = field(default_factory=dict)
    # (kind of reader, rule id, version shown, row version, master's name) -> the rule's view
    known: dict[tuple[Any, ...], KnownRule] = field(default_factory=dict)

    def keep_reading(self, key: tuple[Any, ...], reading: Reading, views: dict[tuple[Any, ...], KnownRule]) -> None:
        """Keep the latest few readings (of each kind of reader, at the newest states) and the
        views they were made of."""
        self.guidance[key] = reading
        while len(self.guidance) > GUIDANCE_KEPT:
            self.guidance.pop(next(iter(self.guidance)))
        if len(self.known) + len(views) > VIEWS_KEPT:
            self.known = {}
        self.known.update(views)

    def forget_engines(self) -> None:
        """After a write that changes what guides: the next question compiles afresh."""
        self.engines.clear()


class Context(Protocol):
    url: str
    user: str | None
    # a sentence encoder turns on the semantic layer (elicitation.embeddings)
    encoder: Encoder | None
    # a second, multilingual encoder (with a `scale` onto the first's cosines) ranks any pair of
    # question and rule in which Korean is spoken; English with English stays with `encoder`
    multilingual: Encoder | None
    caches: Caches

    def unit(self, *, write: bool = False, actor: str | None = None) -> AbstractContextManager[UnitOfWork]:
        """A unit of work acting as `actor`, or else as this knowledge base's user."""
        ...


def need_encoder(kb: Context) -> Encoder:
    """The sentence encoder; refused where the semantic layer is off."""
    if kb.encoder is None:
        raise KnowledgeBaseError(
            "the semantic layer needs a sentence encoder: KnowledgeBase(url, encoder=default_encoder())"
        )
    return kb.encoder
