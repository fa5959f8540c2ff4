"""A rule's versions: a new rule with its version 1, a new version of a rule, and the field-level
differences between two versions (or two releases' copies of a rule).

Rules are never updated in place: every change is a new immutable version with its author and
reason, and the rule's row only points at the current one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from knowledge_base.errors import InvalidEdit, NotFound, StaleEdit
from knowledge_base.models import RuleEvidence, RuleRow, RuleVersion
from rules import Rule
from rules.messages import Cause

Span = tuple[int, int, int]  # (turn id, start, end): where in a turn a rule was said


def validated(new: Rule | dict[str, Any]) -> Rule:
    """The rule, or an edit's data as one; invalid data is refused with the field and the problem."""
    try:
        return new if isinstance(new, Rule) else Rule.model_validate(new)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidEdit(
            "invalid rule edit at {where}: {problem}", where=where or "rule", problem=Cause(exc, first["msg"])
        ) from None


def _index(row: RuleRow, rule: Rule) -> None:
    """Copy what search and filters look at from the rule's current version onto its row."""
    row.summary = rule.search_text()
    row.domain = rule.domain
    row.process_step = rule.process_step


def cite(s: Session, rule_id: int, spans: Iterable[Span]) -> None:
    """Add these spans of the masters' words to the rule's evidence."""
    s.add_all(RuleEvidence(rule_id=rule_id, turn_id=turn_id, start=start, end=end) for turn_id, start, end in spans)


def new_rule(
    s: Session,
    master_id: int,
    transcript_id: int | None,
    body: Rule,
    *,
    author: str,
    reason: str,
    evidence: Iterable[Span],
    confidential: bool = False,
    proposed_by: str | None = None,
) -> RuleRow:
    """A new proposed rule with its version 1 and the words it cites: for an import and a split.
    `proposed_by` names the reader (and model version) of an import."""
    row = RuleRow(
        master_id=master_id,
        transcript_id=transcript_id,
        status="proposed",
        current_version=1,
        confidence=body.confidence,
        confidential=confidential,
        proposed_by=proposed_by,
    )
    _index(row, body)
    s.add(row)
    s.flush()
    s.add(
        RuleVersion(
            rule_id=row.id,
            number=1,
            body=body.model_dump(mode="json"),
            status="proposed",
            author=author,
            reason=reason,
        )
    )
    cite(s, row.id, evidence)
    return row


def new_version(
    s: Session, rule_id: int, expected_version: int, body: Rule, status: str, author: str, reason: str
) -> RuleRow:
    """The rule's next version, if the rule is still at `expected_version` (else a `StaleEdit`)."""
    row = s.get(RuleRow, rule_id, with_for_update=True)
    if row is None:
        raise NotFound("no rule with id {rule_id}", rule_id=rule_id)
    if row.current_version != expected_version:
        raise StaleEdit(rule_id, expected_version, row.current_version)
    number = row.current_version + 1
    s.add(
        RuleVersion(
            rule_id=rule_id,
            number=number,
            body=body.model_dump(mode="json"),
            status=status,
            author=author,
            reason=reason,
        )
    )
    row.current_version = number
    row.status = status
    row.confidence = body.confidence
    _index(row, body)
    return row


@dataclass(frozen=True)
class FieldChange:
    """One changed field, by its dotted path (`conditions.items.0.value`)."""

    path: str
    before: Any
    after: Any

    def __str__(self) -> str:
        return f"{self.path}: {self.before!r} -> {self.after!r}"


_MISSING = object()


def field_diff(before: Any, after: Any, path: str = "") -> list[FieldChange]:
    """Walk two JSON-like values together and list every leaf that differs."""
    if isinstance(before, dict) and isinstance(after, dict):
        out: list[FieldChange] = []
        for key in sorted(set(before) | set(after), key=str):
            sub = f"{path}.{key}" if path else str(key)
            out.extend(field_diff(before.get(key, _MISSING), after.get(key, _MISSING), sub))
        return out
    if isinstance(before, list) and isinstance(after, list):
        out = []
        for i in range(max(len(before), len(after))):
            out.extend(
                field_diff(
                    before[i] if i < len(before) else _MISSING, after[i] if i < len(after) else _MISSING, f"{path}.{i}"
                )
            )
        return out
    if before == after:
        return []
    return [FieldChange(path, None if before is _MISSING else before, None if after is _MISSING else after)]
