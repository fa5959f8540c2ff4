"""Sentence vectors made before anyone asks: every live rule's search document and own text (and,
with a multilingual model, its summary) encoded in small batches, each its own short transaction,
so that no page ever encodes the whole knowledge base while a person waits.

The server does it once at start (`ui.serve`), an import does it for the rules it stored, and
anything written later costs one text at the next search. A batch already in the cache costs a
read; a crash loses at most the batch in flight.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from knowledge_base.context import Context, need_encoder
from knowledge_base.models import RuleRow, RuleVersion
from knowledge_base.policies import MERGEABLE
from knowledge_base.search import _documents, kept_vectors, rule_index
from knowledge_base.semantic import Encoder, cached_vectors, document, summary_document, text_hash
from knowledge_base.semantic.vectors import stored_hashes
from rules import Rule
from rules.units import known_unit

BATCH = 64  # texts a transaction encodes: about half a second on two cores, so writers never wait long


@dataclass
class Progress:
    """How far the warming has come; `done` once every text is in the cache."""

    total: int = 0
    encoded: int = 0
    done: bool = False
    error: str | None = None


@dataclass(frozen=True)
class Texts:
    """What the live rules (or the rules named) are encoded as."""

    documents: list[str]  # search documents (the rule and the master's words around it)
    own: list[str]  # the rules' own texts (merge candidates, duplicates)
    clauses: list[str]  # the clauses a question's facts are read against
    summaries: list[str]  # what the multilingual model ranks

    @classmethod
    def of(cls, kb: Context, rule_ids: Sequence[int] | None = None) -> Texts:
        with kb.unit() as uow:
            s = uow.session
            docs = [d for _, d in _documents(s, rule_ids)]
            q = select(RuleRow.summary, RuleRow.domain, RuleVersion.body).join(
                RuleVersion, (RuleVersion.rule_id == RuleRow.id) & (RuleVersion.number == RuleRow.current_version)
            )
            live = RuleRow.status.in_(MERGEABLE) if rule_ids is None else RuleRow.id.in_(list(rule_ids))
            rows = s.execute(q.where(live)).all()
        return cls(
            docs,
            [document(domain, summary, []) for summary, domain, _ in rows],
            list(dict.fromkeys(c for _, _, body in rows for c in _clause_texts(body))),
            [summary_document(domain, summary) for summary, domain, _ in rows],
        )

    def by_encoder(self, kb: Context) -> list[tuple[Encoder, list[str]]]:
        """(encoder, texts): the primary model's documents, own texts and clauses; the
        multilingual model's summaries and clauses (a question in Korean reads them by it)."""
        out = [(need_encoder(kb), list(dict.fromkeys([*self.documents, *self.own, *self.clauses])))]
        if kb.multilingual is not None:
            out.append((kb.multilingual, list(dict.fromkeys([*self.summaries, *self.clauses]))))
        return out


def texts_to_warm(kb: Context, rule_ids: Sequence[int] | None = None) -> list[tuple[Encoder, list[str]]]:
    """(encoder, texts) of the live rules (or of the rules named), as `Texts.by_encoder`."""
    return Texts.of(kb, rule_ids).by_encoder(kb)


def _clause_texts(body: dict[str, Any]) -> list[str]:
    """The words of a rule's clauses and exceptions that test a variable."""
    rule = Rule.model_validate(body)
    return [c.text for c in [*rule.clauses(), *rule.exceptions] if c.variable]


def warm_vectors(
    kb: Context,
    rule_ids: Sequence[int] | None = None,
    *,
    batch: int = BATCH,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
    texts: Texts | None = None,
) -> int:
    """Encode what the vector cache lacks for the live rules (or the rules named), `batch` texts
    per transaction; returns how many texts were encoded. `progress` is kept up to date for a
    page to show; `stop` ends it between batches."""
    progress = progress if progress is not None else Progress()
    plan = []
    for encoder, wanted in (texts or Texts.of(kb, rule_ids)).by_encoder(kb):
        with kb.unit() as uow:
            have = stored_hashes(uow.session, encoder, [text_hash(t) for t in wanted])
        plan.append((encoder, [t for t in wanted if text_hash(t) not in have]))
    progress.total = sum(len(t) for _, t in plan)
    for encoder, missing in plan:
        for i in range(0, len(missing), batch):
            if stop is not None and stop.is_set():
                return progress.encoded
            with kb.unit(write=True) as uow:
                cached_vectors(uow.session, encoder, missing[i : i + batch])
            progress.encoded += len(missing[i : i + batch])
    progress.done = True
    return progress.encoded


def warm(kb: Context, *, progress: Progress | None = None, stop: threading.Event | None = None) -> int:
    """`warm_vectors` for every live rule, then the search index of the current state and the
    clauses' vectors in the process's copy (what the first question would otherwise read), and
    the unit registry; the texts encoded."""
    texts = Texts.of(kb)
    encoded = warm_vectors(kb, progress=progress, stop=stop, texts=texts)
    if stop is None or not stop.is_set():
        rule_index(kb)
        kept_vectors(kb, need_encoder(kb), texts.clauses)
        known_unit("degC")  # the unit registry, which an answer's first conversion would load
    return encoded


def in_background(
    kb: Context, rule_ids: Sequence[int] | None = None, *, stop: threading.Event | None = None
) -> Progress:
    """`warm_vectors` in a daemon thread; its progress (with the error, if it failed)."""
    progress = Progress()

    def run() -> None:
        try:
            warm_vectors(kb, rule_ids, progress=progress, stop=stop)
        except Exception as exc:  # a background helper: its failure is shown, never raised into a page
            progress.error = f"{type(exc).__name__}: {exc}"

    threading.Thread(target=run, name="myeongjang-warm-vectors", daemon=True).start()
    return progress
