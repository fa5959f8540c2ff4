"""The masters' reviews as training data, and the learned reader models trained from them.

The knowledge base keeps the extractor's proposal (a rule's version 1, by "extractor") apart from
every decision after it, so each decided rule is a labelled example: the words it cites, what the
reader proposed, and what the master made of it (accepted as proposed, corrected, rejected, split
into parts, merged into another rule). Only masters whose consent in force covers training give
examples, and a withdrawal takes them out of the next training at once. Confidential rules and
interviews never do: a model's weights are read by every organisation.

Models are stored as opaque JSON (`elicitation.learned` owns the format), versioned per language,
with the fingerprint of the examples they learned from; the newest of a language is in use.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from knowledge_base.context import Context
from knowledge_base.errors import KnowledgeBaseError
from knowledge_base.models import (
    AuditEvent,
    Consent,
    ReaderModel,
    RuleEvidence,
    RuleRow,
    RuleVersion,
    TranscriptRow,
    TurnRow,
)
from rules.language import language_of

DECISIONS = ("accepted", "corrected", "rejected", "split", "merged")
# What a correction changes: the rule's reading, not its confidence or where it was said.
_READING = ("conditions", "actions", "exceptions", "certainty", "rationale")


@dataclass(frozen=True)
class Example:
    """One decided proposal: the cited words (`sentence`, in the turn's own text), the reader's
    proposal, and the master's decision with the bodies it left (`final`: the corrected or
    accepted rule, or every part of a split; empty for a rejection)."""

    rule_id: int
    master_id: int
    language: str
    sentence: str
    decision: str
    proposed: dict[str, Any]
    final: list[dict[str, Any]] = field(default_factory=list)
    proposed_by: str | None = None

    @property
    def is_rule(self) -> bool:
        """The label of "rule or not": everything but a rejection said a rule."""
        return self.decision != "rejected"


def _consenting_to_training() -> Any:
    return select(Consent.master_id).where(Consent.withdrawn_at.is_(None), Consent.scope == "training")


def _sentences(s: Session, rule_ids: Sequence[int]) -> dict[int, str]:
    """The words each rule cites, turn by turn in order, for all the rules in one query."""
    q = (
        select(RuleEvidence.rule_id, TurnRow.text, RuleEvidence.start, RuleEvidence.end)
        .join(TurnRow, TurnRow.id == RuleEvidence.turn_id)
        .where(RuleEvidence.rule_id.in_(rule_ids))
        .order_by(RuleEvidence.rule_id, TurnRow.index, RuleEvidence.start)
    )
    parts: dict[int, list[str]] = {}
    for rule_id, text, start, end in s.execute(q):
        parts.setdefault(rule_id, []).append(text[start:end].strip())
    return {rule_id: " ".join(words) for rule_id, words in parts.items()}


def _reading(body: dict[str, Any]) -> dict[str, Any]:
    return {k: body.get(k) for k in _READING}


def _splits(s: Session) -> dict[int, list[int]]:
    """Rule -> the rules split off it, from the audit trail."""
    out: dict[int, list[int]] = {}
    for entity_id, detail in s.execute(
        select(AuditEvent.entity_id, AuditEvent.detail).where(AuditEvent.action == "split", AuditEvent.entity == "rule")
    ):
        out.setdefault(int(entity_id), []).extend(int(i) for i in (detail or {}).get("into", []))
    return out


def _decision(row: RuleRow, first: dict[str, Any], current: dict[str, Any], split: bool) -> str | None:
    if split:
        return "split"
    if row.status == "rejected":
        return "rejected"
    if row.status == "merged":
        return "merged"
    if row.status in ("confirmed", "retired"):
        return "accepted" if _reading(first) == _reading(current) else "corrected"
    return None  # not decided yet


def examples(kb: Context, *, language: str | None = None, actor: str | None = None) -> list[Example]:
    """The labelled examples of the reviews on record (admins only), in rule order."""
    with kb.unit(actor=actor) as uow:
        uow.require("train", entity="rules")
        s = uow.session
        splits = _splits(s)
        parts = {p for ps in splits.values() for p in ps}
        q = (
            select(RuleRow)
            .outerjoin(TranscriptRow, TranscriptRow.id == RuleRow.transcript_id)
            .where(
                RuleRow.master_id.in_(_consenting_to_training()),
                RuleRow.confidential.is_(False),
                TranscriptRow.confidential.is_not(True),
            )
            .order_by(RuleRow.id)
            .options(selectinload(RuleRow.versions))
        )
        decided = []
        for row in s.scalars(q):
            if row.id in parts:
                continue  # a part is in its split's example
            versions = row.versions
            if not versions or versions[0].author != "extractor":
                continue  # not the reader's proposal
            first, current = versions[0].body, versions[-1].body
            decision = _decision(row, first, current, row.id in splits)
            if decision is not None:
                decided.append((row, first, current, decision))
        cited = _sentences(s, [row.id for row, *_ in decided])
        out = []
        for row, first, current, decision in decided:
            sentence = cited.get(row.id, "")
            lang = language_of(sentence)
            if language is not None and lang != language:
                continue
            final = _final(s, decision, current, splits.get(row.id, []))
            out.append(Example(row.id, row.master_id, lang, sentence, decision, first, final, row.proposed_by))
        return out


def _final(s: Session, decision: str, current: dict[str, Any], split_into: list[int]) -> list[dict[str, Any]]:
    if decision == "rejected":
        return []
    if decision != "split":
        return [current]
    bodies = [current]
    for rule_id in split_into:
        last = s.scalar(
            select(RuleVersion.body).where(RuleVersion.rule_id == rule_id).order_by(RuleVersion.number.desc()).limit(1)
        )
        if last is not None:
            bodies.append(last)
    return bodies


def fingerprint(items: Sequence[Example]) -> str:
    """SHA-256 of the examples as canonical JSON: the same reviews give the same fingerprint."""
    digest = hashlib.sha256()
    for e in items:
        digest.update(json.dumps(asdict(e), sort_keys=True, ensure_ascii=False, default=str).encode())
        digest.update(b"\n")
    return digest.hexdigest()


@dataclass(frozen=True)
class ModelView:
    language: str
    version: int
    label: str
    fingerprint: str
    examples: int
    figures: dict[str, Any]
    trained_by: str
    created_at: str
    weights: dict[str, Any] = field(repr=False, default_factory=dict)


def _view(row: ReaderModel) -> ModelView:
    return ModelView(
        row.language,
        row.version,
        row.label,
        row.fingerprint,
        row.examples,
        dict(row.figures),
        row.trained_by,
        row.created_at.isoformat(timespec="seconds"),
        dict(row.weights),
    )


def current_model(kb: Context, language: str) -> ModelView | None:
    """The model in use for a language: the newest stored; None while there is none."""
    with kb.unit() as uow:
        uow.actor(action="read")
        row = uow.session.scalar(
            select(ReaderModel).where(ReaderModel.language == language).order_by(ReaderModel.version.desc()).limit(1)
        )
        return _view(row) if row is not None else None


def models(kb: Context, *, actor: str | None = None) -> list[ModelView]:
    """Every model stored, oldest first: the learning curve of the reader on this knowledge base."""
    with kb.unit(actor=actor) as uow:
        uow.actor(action="read")
        rows = uow.session.scalars(select(ReaderModel).order_by(ReaderModel.language, ReaderModel.version))
        return [_view(r) for r in rows]


def store_model(
    kb: Context,
    language: str,
    weights: dict[str, Any],
    *,
    fingerprint: str,
    examples: int,
    figures: dict[str, Any],
    actor: str | None = None,
) -> ModelView:
    """Store an accepted model as the language's next version (admins only)."""
    if language not in ("en", "ko"):
        raise KnowledgeBaseError("no reader for language {language!r}; use en or ko", language=language)
    with kb.unit(write=True, actor=actor) as uow:
        who = uow.require("train", entity="reader_model")
        s = uow.session
        last = s.scalar(select(func.max(ReaderModel.version)).where(ReaderModel.language == language)) or 0
        row = ReaderModel(
            language=language,
            version=int(last) + 1,
            fingerprint=fingerprint,
            examples=examples,
            weights=weights,
            figures=figures,
            trained_by=who.username,
        )
        s.add(row)
        s.flush()
        uow.audit(
            who.username,
            "train",
            "reader_model",
            row.id,
            label=row.label,
            fingerprint=fingerprint,
            examples=examples,
            figures=figures,
        )
        return _view(row)
