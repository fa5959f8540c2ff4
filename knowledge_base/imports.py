"""Interviews in: a parsed transcript redacted, its rules extracted and stored as proposals with
their turns, all or nothing; and the imported interviews read back."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge_base import policies, vocabulary
from knowledge_base.context import Context
from knowledge_base.errors import ConsentRequired, DuplicateImport, NotFound
from knowledge_base.models import InterviewSession, Master, RuleRow, TranscriptRow, TurnRow, User
from knowledge_base.redaction import RedactionPolicy, Redactor
from knowledge_base.versions import new_rule
from knowledge_base.views import ImportResult, RuleView, TranscriptSummary, TurnView, rule_views
from rules import Rule


def import_transcript(
    kb: Context,
    master_id: int,
    transcript: Any,
    raw: bytes,
    extract: Callable[[Any], Sequence[Rule]],
    *,
    actor: str | None = None,
    title: str | None = None,
    held_on: date | None = None,
    confidential: bool = False,
    redaction: RedactionPolicy | None = None,
    proposed_by: str = "reader",
) -> ImportResult:
    """Redact, extract and store a parsed transcript with its turns and proposed rules.

    Refused without the master's consent on record, and for a file already imported. PII is
    replaced by typed placeholders before extraction, so neither the turns nor the rules ever
    hold it. Rules without a domain take the master's craft as theirs; each records `proposed_by`,
    the reader and model version `extract` reads with. All or nothing: a failure (or a killed
    process) leaves the knowledge base as it was.
    """
    digest = hashlib.sha256(raw).hexdigest()
    with kb.unit(actor=actor) as uow:
        who = uow.require("import", entity="master", entity_id=master_id)
        master_name = _check_importable(uow.session, master_id, digest, transcript.name)
        display = uow.session.scalar(select(User.display_name).where(User.username == who.username))
    # The master (credited under his consent) and the interviewer importing keep their names;
    # everyone else's name, in a turn, a speaker label, the title or the file name, goes.
    redactor = Redactor(redaction, keep_names=(master_name, who.username, display or ""))
    labels = {speaker: redactor.label(speaker) for speaker in transcript.speakers}
    turns = [replace(t, text=redactor.redact(t.text, t.index)) for t in transcript.turns]
    asking = [t.is_interviewer for t in transcript.turns]
    notes = [redactor.redact(n, -1) for n in getattr(transcript, "notes", [])]
    title = redactor.redact(title or transcript.name, -1)
    filename = _redacted_name(redactor, transcript.name)
    # Extraction reads the labels as said (who asks, who answers); what is stored, the redacted.
    rules = [_relabelled(r, labels) for r in extract(replace(transcript, turns=turns))]
    turns = [replace(t, speaker=labels[t.speaker]) for t in turns]
    report = redactor.report.as_dict()
    with kb.unit(write=True, actor=actor) as uow:
        s = uow.session
        _check_importable(s, master_id, digest, transcript.name)
        session = InterviewSession(master_id=master_id, interviewer=who.username, held_on=held_on, title=title)
        s.add(session)
        s.flush()
        row = TranscriptRow(
            session_id=session.id,
            filename=filename,
            format=transcript.format,
            encoding=transcript.encoding,
            sha256=digest,
            redactions=report,
            confidential=confidential,
            notes=notes or None,
        )
        s.add(row)
        s.flush()
        turn_ids = _store_turns(s, row.id, turns, asking)
        rules, mapped = vocabulary.canonical(kb, s, _with_craft(s, master_id, rules))
        rule_ids = [_store_rule(s, master_id, row.id, rule, turn_ids, confidential, proposed_by) for rule in rules]
        counts = {"turns": len(turns), "rules": len(rule_ids), "redactions": report["counts"], "vocabulary": mapped}
        read = {"filename": filename, "encoding": transcript.encoding, "proposed_by": proposed_by}
        uow.audit(who.username, "import", "transcript", row.id, **read, **counts)
        return ImportResult(
            row.id,
            len(turns),
            transcript.encoding,
            rule_ids,
            dict(report["counts"]),
            list(getattr(transcript, "warnings", [])),
        )


def _check_importable(s: Session, master_id: int, digest: str, name: str) -> str:
    """The master's name, if he has consent on record and this file is not imported yet."""
    master = s.get(Master, master_id)
    if master is None:
        raise NotFound("no master with id {master_id}", master_id=master_id)
    if not any(c.withdrawn_at is None for c in master.consents):
        raise ConsentRequired(
            "no consent on record for {name}; record consent before importing an interview", name=master.name
        )
    dup = s.scalar(select(TranscriptRow).where(TranscriptRow.sha256 == digest))
    if dup is not None:
        raise DuplicateImport("{name}: already imported as transcript {transcript_id}", name=name, transcript_id=dup.id)
    return master.name


def _redacted_name(redactor: Redactor, name: str) -> str:
    """A file name with the personal data in it redacted ("kim_010-1234-5678.txt")."""
    path = Path(name)
    spaced = path.stem.replace("_", " ")
    redacted = redactor.redact(spaced, -1)
    return name if redacted == spaced else redacted.replace(" ", "_") + path.suffix


def _relabelled(rule: Rule, labels: dict[str, str]) -> Rule:
    """The rule citing the speakers by their redacted labels."""
    evidence = [e.model_copy(update={"speaker": labels.get(e.speaker, e.speaker)}) for e in rule.evidence]
    return rule.model_copy(update={"evidence": evidence})


def _store_turns(s: Session, transcript_id: int, turns: Sequence[Any], asking: Sequence[bool]) -> dict[int, int]:
    """The transcript's (redacted) turns, and which the interviewer said; each one's id by its index."""
    turn_rows = [
        TurnRow(
            transcript_id=transcript_id,
            index=t.index,
            speaker=t.speaker,
            is_interviewer=interviewer,
            text=t.text,
            start_time=t.start_time,
            end_time=t.end_time,
        )
        for t, interviewer in zip(turns, asking, strict=True)
    ]
    s.add_all(turn_rows)
    s.flush()
    return {t.index: t.id for t in turn_rows}


def _with_craft(s: Session, master_id: int, rules: list[Rule]) -> list[Rule]:
    """Rules without a domain take the master's craft as theirs."""
    craft = (s.get_one(Master, master_id).craft or "").strip().lower() or None
    return [r if r.domain or not craft else r.model_copy(update={"domain": craft}) for r in rules]


def _store_rule(
    s: Session,
    master_id: int,
    transcript_id: int,
    rule: Rule,
    turn_ids: dict[int, int],
    confidential: bool,
    proposed_by: str,
) -> int:
    evidence = [(turn_ids[ev.turn], ev.start, ev.end) for ev in rule.evidence if ev.turn in turn_ids]
    row = new_rule(
        s,
        master_id,
        transcript_id,
        rule,
        author="extractor",
        reason=f"extracted from transcript {transcript_id} by {proposed_by}",
        evidence=evidence,
        confidential=confidential,
        proposed_by=proposed_by,
    )
    return row.id


def transcripts(kb: Context, *, actor: str | None = None) -> list[TranscriptSummary]:
    """The imported interviews, newest first, for those who import them."""
    with kb.unit(actor=actor) as uow:
        who = uow.require("import", entity="transcript")
        s = uow.session
        turns = dict(s.execute(select(TurnRow.transcript_id, func.count()).group_by(TurnRow.transcript_id)).all())
        rules = dict(s.execute(select(RuleRow.transcript_id, func.count()).group_by(RuleRow.transcript_id)).all())
        q = (
            select(TranscriptRow, InterviewSession, Master)
            .join(InterviewSession, TranscriptRow.session_id == InterviewSession.id)
            .join(Master, InterviewSession.master_id == Master.id)
            .where(*policies.visible_transcripts(who))
            .order_by(TranscriptRow.id.desc())
        )
        return [
            TranscriptSummary(
                t.id,
                t.filename,
                sess.title,
                m.name,
                sess.held_on,
                t.encoding,
                turns.get(t.id, 0),
                rules.get(t.id, 0),
                list(t.notes or []),
            )
            for t, sess, m in s.execute(q)
        ]


def transcript(kb: Context, transcript_id: int, *, actor: str | None = None) -> tuple[list[TurnView], list[RuleView]]:
    """One interview's turns and the rules it yielded that the user may read (merged ones left out)."""
    with kb.unit(actor=actor) as uow:
        who = uow.require("import", entity="transcript", entity_id=transcript_id)
        s = uow.session
        policies.readable_transcript(s, transcript_id, who)
        turns = [
            TurnView.of(t)
            for t in s.scalars(select(TurnRow).where(TurnRow.transcript_id == transcript_id).order_by(TurnRow.index))
        ]
        q = (
            select(RuleRow)
            .join(Master)
            .where(RuleRow.transcript_id == transcript_id, RuleRow.status != "merged", *policies.visible(who))
            .order_by(RuleRow.confidence.desc(), RuleRow.id)
        )
        return turns, rule_views(s, s.scalars(q).all())
