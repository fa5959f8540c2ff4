"""A master's review of his rules: decisions, edits, restores, splits and merges, each a new
version with its author and reason (a stale concurrent edit fails and loses nothing); the rules
to merge with; and which rules are confidential."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select

from knowledge_base import policies, search
from knowledge_base.context import Context
from knowledge_base.errors import InvalidEdit, InvalidTransition, NotFound
from knowledge_base.models import Master, Review, RuleEvidence, RuleRow, RuleVersion
from knowledge_base.policies import MERGEABLE
from knowledge_base.redaction import scrub, scrub_rule
from knowledge_base.unit_of_work import UnitOfWork
from knowledge_base.versions import cite, new_rule, new_version, validated
from knowledge_base.views import RuleView, rule_view
from rules import ReviewStatus, Rule

_STOP = frozenset(
    [
        "if",
        "then",
        "and",
        "or",
        "the",
        "a",
        "an",
        "it",
        "is",
        "are",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "when",
        "i",
        "we",
        "you",
        "do",
    ]
)
# Merge candidates by shared words, where the semantic layer is off: at least this Jaccard overlap.
SIMILAR_WORDS = 0.15


@contextmanager
def _editing(kb: Context, rule_id: int, expected_version: int, actor: str | None) -> Iterator[UnitOfWork]:
    """A write unit that edits `rule_id` from `expected_version`; once committed, the engines
    compiled from the old rules are dropped."""
    with kb.unit(write=True, actor=actor) as uow:
        uow.edits(rule_id, expected_version)
        yield uow
    kb.caches.forget_engines()


def review(
    kb: Context,
    rule_id: int,
    decision: str,
    *,
    expected_version: int,
    comment: str | None = None,
    reviewer: str | None = None,
) -> RuleView:
    """Record a reviewer's decision as a new version with the new status."""
    try:
        target = ReviewStatus(decision).value
    except ValueError:
        raise InvalidTransition(
            "unknown decision {decision!r}; use one of {decisions}",
            decision=decision,
            decisions=", ".join(s.value for s in ReviewStatus),
        ) from None
    if target == "merged":
        raise InvalidTransition("a rule becomes merged only by merging it into another (merge_rules)")
    with _editing(kb, rule_id, expected_version, reviewer) as uow:
        s = uow.session
        who = uow.actor(action="review")
        row = policies.reviewable(s, rule_id, who, "review")
        policies.check_transition(row, target)
        current = rule_view(s, row).rule
        comment = scrub(comment, (row.master.name,))
        why = comment or f"review: {target}"
        row = new_version(s, rule_id, expected_version, current, target, who.username, why)
        s.add(
            Review(
                rule_id=rule_id,
                version_number=row.current_version,
                decision=target,
                reviewer=who.username,
                comment=comment,
            )
        )
        uow.audit(
            who.username, "review", "rule", rule_id, decision=target, version=row.current_version, comment=comment
        )
        s.flush()
        return rule_view(s, row)


def edit_rule(
    kb: Context,
    rule_id: int,
    new: Rule | dict[str, Any],
    *,
    reason: str,
    expected_version: int,
    author: str | None = None,
) -> RuleView:
    """Save an edited rule as a new version (status unchanged); invalid data is refused."""
    if not reason.strip():
        raise InvalidEdit("an edit needs a reason")
    rule = validated(new)
    with _editing(kb, rule_id, expected_version, author) as uow:
        s = uow.session
        who = uow.actor(action="review")
        row = policies.reviewable(s, rule_id, who, "edit")
        policies.check_editable(row)
        old = rule_view(s, row).rule
        keep = (row.master.name,)
        rule = validated(scrub_rule(rule.model_dump(mode="json"), old.model_dump(mode="json"), keep))
        kept = rule.model_copy(update={"evidence": rule.evidence or old.evidence})
        reason = scrub(reason, keep) or reason
        row = new_version(s, rule_id, expected_version, kept, row.status, who.username, reason)
        uow.audit(who.username, "edit", "rule", rule_id, version=row.current_version, reason=reason)
        s.flush()
        return rule_view(s, row)


def restore_version(
    kb: Context, rule_id: int, number: int, *, reason: str, expected_version: int, author: str | None = None
) -> RuleView:
    """Bring back an old version's content as a new version; the history keeps both."""
    with _editing(kb, rule_id, expected_version, author) as uow:
        s = uow.session
        who = uow.actor(action="review")
        row = policies.reviewable(s, rule_id, who, "restore")
        policies.check_editable(row)
        old = s.scalar(select(RuleVersion).where(RuleVersion.rule_id == rule_id, RuleVersion.number == number))
        if old is None:
            raise NotFound("rule {rule_id} has no version {number}", rule_id=rule_id, number=number)
        why = f"restored version {number}: {reason}" if reason.strip() else f"restored version {number}"
        body = Rule.model_validate(old.body)
        row = new_version(s, rule_id, expected_version, body, row.status, who.username, why)
        uow.audit(who.username, "restore", "rule", rule_id, version=row.current_version, restored=number)
        s.flush()
        return rule_view(s, row)


def split_rule(
    kb: Context,
    rule_id: int,
    parts: Sequence[Rule | dict[str, Any]],
    *,
    reason: str,
    expected_version: int,
    author: str | None = None,
) -> list[RuleView]:
    """Split a rule the extractor ran together into several: the first part becomes the
    rule's next version, each other part a new proposed rule citing the same words."""
    if len(parts) < 2:
        raise InvalidEdit("a split needs at least two parts")
    if not reason.strip():
        raise InvalidEdit("a split needs a reason")
    bodies = [validated(p) for p in parts]
    with _editing(kb, rule_id, expected_version, author) as uow:
        s = uow.session
        who = uow.actor(action="review")
        row = policies.reviewable(s, rule_id, who, "split")
        policies.check_live(row, "split")
        old = rule_view(s, row).rule
        first = bodies[0].model_copy(update={"evidence": bodies[0].evidence or old.evidence})
        row = new_version(s, rule_id, expected_version, first, row.status, who.username, reason)
        spans = [
            (e.turn_id, e.start, e.end) for e in s.scalars(select(RuleEvidence).where(RuleEvidence.rule_id == rule_id))
        ]
        out = [row]
        for body in bodies[1:]:
            body = body.model_copy(update={"evidence": body.evidence or old.evidence})
            made = new_rule(
                s,
                row.master_id,
                row.transcript_id,
                body,
                author=who.username,
                reason=f"split from rule {rule_id}: {reason}",
                evidence=spans,
                confidential=row.confidential,
            )
            out.append(made)
        s.flush()
        uow.audit(who.username, "split", "rule", rule_id, into=[r.id for r in out[1:]], reason=reason)
        return [rule_view(s, r) for r in out]


def merge_rules(
    kb: Context,
    keep: int,
    other: int,
    *,
    reason: str,
    expected_versions: tuple[int, int],
    body: Rule | dict[str, Any] | None = None,
    author: str | None = None,
) -> RuleView:
    """Fold rule `other` into rule `keep`: `keep` gets a new version (its own body, or the
    one given) and cites `other`'s words too; `other` becomes `merged`, its history kept.
    The reviewer must speak for both rules' masters."""
    if keep == other:
        raise InvalidEdit("a rule cannot be merged with itself")
    if not reason.strip():
        raise InvalidEdit("a merge needs a reason")
    merged_body = validated(body) if body is not None else None
    with _editing(kb, keep, expected_versions[0], author) as uow:
        s = uow.session
        who = uow.actor(action="review")
        kept_row = policies.reviewable(s, keep, who, "merge")
        other_row = policies.reviewable(s, other, who, "merge")
        for r in (kept_row, other_row):
            policies.check_live(r, "merge")
        current = merged_body or rule_view(s, kept_row).rule
        old_other = rule_view(s, other_row).rule
        joined = current.model_copy(update={"evidence": [*current.evidence, *old_other.evidence]})
        why = f"merged rule {other} into this one: {reason}"
        kept_row = new_version(s, keep, expected_versions[0], joined, kept_row.status, who.username, why)
        gone = f"merged into rule {keep}: {reason}"
        new_version(s, other, expected_versions[1], old_other, "merged", who.username, gone)
        have = {
            (e.turn_id, e.start, e.end) for e in s.scalars(select(RuleEvidence).where(RuleEvidence.rule_id == keep))
        }
        theirs = s.scalars(select(RuleEvidence).where(RuleEvidence.rule_id == other)).all()
        cite(s, keep, [(e.turn_id, e.start, e.end) for e in theirs if (e.turn_id, e.start, e.end) not in have])
        uow.audit(who.username, "merge", "rule", keep, merged=other, reason=reason)
        s.flush()
        return rule_view(s, kept_row)


def _words(text: str) -> set[str]:
    return {w for w in "".join(ch.lower() if ch.isalnum() else " " for ch in text).split() if w not in _STOP}


def similar_rules(
    kb: Context, rule_id: int, *, limit: int = 5, actor: str | None = None
) -> list[tuple[RuleView, float]]:
    """Live rules that say much the same, best first: the candidates for a merge. By the cosine
    of their sentence vectors (at least 0.6) where the semantic layer is on, else by shared
    words (Jaccard, at least 0.15)."""
    if kb.encoder is not None:
        return search.similar_by_meaning(kb, rule_id, limit=limit, actor=actor)
    with kb.unit(actor=actor) as uow:
        s = uow.session
        who = uow.actor(action="read")
        row = policies.readable(s, rule_id, who)
        words = _words(row.summary)
        q = (
            select(RuleRow.id, RuleRow.summary)
            .join(Master)
            .where(RuleRow.status.in_(MERGEABLE), RuleRow.id != rule_id, *policies.visible(who))
        )
        scored = []
        for other_id, summary in s.execute(q):
            theirs = _words(summary)
            union = len(words | theirs)
            score = len(words & theirs) / union if union else 0.0
            if score >= SIMILAR_WORDS:
                scored.append((score, other_id))
        scored.sort(key=lambda t: (-t[0], t[1]))
        return [(rule_view(s, s.get_one(RuleRow, i)), round(sc, 3)) for sc, i in scored[:limit]]


def set_confidential(kb: Context, rule_id: int, confidential: bool, *, actor: str | None = None) -> None:
    """Mark a rule confidential to its master's organisation (or share it again); admins only."""
    with kb.unit(write=True, actor=actor) as uow:
        who = uow.require("classify", entity="rule", entity_id=rule_id)
        row = uow.session.get(RuleRow, rule_id)
        if row is None:
            raise NotFound("no rule with id {rule_id}", rule_id=rule_id)
        row.confidential = confidential
        uow.audit(who.username, "classify", "rule", rule_id, confidential=confidential)
    kb.caches.forget_engines()
