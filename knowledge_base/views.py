"""What the service layer hands out: plain, frozen views of masters, turns, rules, versions,
releases, transcripts and cues, never ORM objects; and how rule views are built from rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from knowledge_base.models import RuleEvidence, RuleRow, RuleVersion, TurnRow
from knowledge_base.semantic import Hit
from knowledge_base.versions import FieldChange
from rules import KnownRule, Rule


@dataclass(frozen=True)
class MasterView:
    id: int
    name: str
    craft: str | None
    organisation: str | None
    consent_scopes: list[str]


@dataclass(frozen=True)
class TurnView:
    id: int
    index: int
    speaker: str
    text: str
    is_interviewer: bool

    @classmethod
    def of(cls, row: TurnRow) -> TurnView:
        return cls(row.id, row.index, row.speaker, row.text, row.is_interviewer)


@dataclass(frozen=True)
class EvidenceView:
    turn: TurnView
    start: int
    end: int

    @property
    def quote(self) -> str:
        return self.turn.text[self.start : self.end]


@dataclass(frozen=True)
class RuleView:
    id: int
    version: int
    status: str
    master: str
    rule: Rule
    evidence: list[EvidenceView] = field(default_factory=list)
    transcript_id: int | None = None
    confidential: bool = False
    proposed_by: str | None = None  # the reader (and learned model version) that proposed it

    @property
    def quote(self) -> str:
        return " … ".join(e.quote for e in self.evidence)

    def known(self) -> KnownRule:
        """The rule as the engine, the checks and the interview guide take it."""
        return KnownRule(
            key=str(self.id),
            rule=self.rule,
            version=self.version,
            status=self.status,
            master=self.master,
            quote=self.quote or None,
        )


@dataclass(frozen=True)
class VersionView:
    number: int
    status: str
    author: str
    reason: str
    created_at: datetime
    rule: Rule

    def comparable(self) -> dict[str, Any]:
        """The version's status and rule as JSON, without its evidence: what a diff compares."""
        return {"status": self.status, **self.rule.model_dump(mode="json", exclude={"evidence"})}


@dataclass(frozen=True)
class ReleaseView:
    id: int
    name: str
    note: str | None
    created_by: str
    created_at: datetime
    rules: int


@dataclass(frozen=True)
class ReleaseDiff:
    added: list[int]
    removed: list[int]
    changed: dict[int, list[FieldChange]]


@dataclass(frozen=True)
class TranscriptSummary:
    id: int
    filename: str
    title: str
    master: str
    held_on: date | None
    encoding: str
    turns: int
    rules: int
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CueView:
    """A cue variable of the vocabulary, with the ways the masters said it."""

    id: int
    name: str
    kind: str
    unit: str | None
    values: list[str]
    aliases: list[str]
    status: str
    decided_by: str | None
    phrases: list[str]
    masters: list[str]
    rules: list[int]


@dataclass(frozen=True)
class SearchResult:
    """A rule a plain-words question found, and how: its score by meaning and by words."""

    view: RuleView
    hit: Hit


@dataclass(frozen=True)
class ImportResult:
    transcript_id: int
    turns: int
    encoding: str
    rule_ids: list[int]
    redactions: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # lines of the file kept as notes, not turns


def rule_view(s: Session, row: RuleRow, number: int | None = None) -> RuleView:
    """The rule at its current version, or at version `number`."""
    return rule_views(s, [row], {row.id: number} if number else None)[0]


def rule_views(s: Session, rows: Sequence[RuleRow], numbers: Mapping[int, int] | None = None) -> list[RuleView]:
    """Views of these rules at their current versions (or the given ones), in three queries."""
    if not rows:
        return []
    wanted = {r.id: (numbers or {}).get(r.id) or r.current_version for r in rows}
    # rule_id IN (...) uses the (rule_id, number) index on both engines; a row-value IN does not on SQLite
    versions = {
        v.rule_id: v
        for v in s.scalars(select(RuleVersion).where(RuleVersion.rule_id.in_(list(wanted))))
        if v.number == wanted[v.rule_id]
    }
    evidence: dict[int, list[EvidenceView]] = {}
    for e in s.scalars(
        select(RuleEvidence)
        .where(RuleEvidence.rule_id.in_(list(wanted)))
        .options(joinedload(RuleEvidence.turn))
        .order_by(RuleEvidence.id)
    ):
        evidence.setdefault(e.rule_id, []).append(EvidenceView(TurnView.of(e.turn), e.start, e.end))
    out = []
    for row in rows:
        version = versions[row.id]
        out.append(
            RuleView(
                row.id,
                wanted[row.id],
                version.status,
                row.master.name,
                Rule.model_validate(version.body),
                evidence.get(row.id, []),
                row.transcript_id,
                row.confidential,
                row.proposed_by,
            )
        )
    return out


@dataclass(frozen=True)
class MediaView:
    """A reference file as a page lists it; its bytes come from `media_data`."""

    id: int
    variable: str
    value: str | None
    kind: str
    mime: str
    filename: str
    caption: str | None
    size: int
    added_by: str
    added_at: datetime
