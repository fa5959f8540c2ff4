"""The cue vocabulary: one canonical variable for the many ways masters name a cue, proposed by
clustering the rules' conditions, confirmed (renamed, retyped) by people, and applied to the rules.

Each user sees only phrases of rules he may read, and none of a master who withdrew consent.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from knowledge_base import policies
from knowledge_base.context import Context, need_encoder
from knowledge_base.errors import InvalidEdit, NotFound
from knowledge_base.models import CuePhrase, CueVariable, Master, RuleRow
from knowledge_base.policies import MERGEABLE
from knowledge_base.semantic import Encoder, Vectors, cached_vectors
from knowledge_base.versions import new_version
from knowledge_base.views import CueView, rule_view
from rules import Clause, Rule
from rules.facts import FactSyntaxError, check_name
from rules.vocabulary import Cue, CueProposal, Phrase, map_clause, masked, propose, renamed

# A phrase of a rule's condition, with the rule and master it came from.
Said = tuple[Phrase, int, int]


def _cue_view(s: Session, cue: CueVariable, readable: frozenset[int] | None = None) -> CueView:
    """The cue as a user sees it: only phrases from rules that user may read (`readable`)."""
    phrases = [p for p in cue.phrases if readable is None or p.rule_id is None or p.rule_id in readable]
    masters = sorted(
        set(s.scalars(select(Master.name).where(Master.id.in_([p.master_id for p in phrases if p.master_id]))))
    )
    return CueView(
        cue.id,
        cue.name,
        cue.kind,
        cue.unit,
        list(cue.allowed_values or []),
        list(cue.aliases or []),
        cue.status,
        cue.decided_by,
        list(dict.fromkeys(p.text for p in phrases)),
        masters,
        sorted({p.rule_id for p in phrases if p.rule_id}),
    )


def vocabulary(kb: Context, *, actor: str | None = None) -> list[CueView]:
    """The cue vocabulary: confirmed cues first, then proposals, most-said first. Each cue
    shows only what the user may read: phrases of confidential rules stay in their
    organisation, and a master who withdrew consent is no longer quoted."""
    with kb.unit(actor=actor) as uow:
        s = uow.session
        who = uow.actor(action="read")
        readable = frozenset(
            s.scalars(
                select(RuleRow.id)
                .join(Master)
                .where(*policies.visible(who), RuleRow.master_id.in_(policies.consenting()))
            )
        )
        cues = s.scalars(select(CueVariable).options(selectinload(CueVariable.phrases))).all()
        views = [_cue_view(s, c, readable) for c in cues]
    return sorted(views, key=lambda v: (v.status != "confirmed", -len(v.phrases), v.name))


def confirmed_cues(s: Session, encoder: Encoder) -> list[Cue]:
    cues = s.scalars(
        select(CueVariable).where(CueVariable.status == "confirmed").options(selectinload(CueVariable.phrases))
    ).all()
    out = []
    for c in cues:
        texts = [masked(p.text) for p in c.phrases]
        vectors = cached_vectors(s, encoder, texts) if texts else np.zeros((0, encoder.dim), dtype=np.float32)
        out.append(Cue(c.name, c.kind, frozenset(c.aliases or []), vectors))
    return out


def propose_vocabulary(kb: Context, *, actor: str | None = None) -> list[CueView]:
    """Cluster the conditions of every live rule the user may read (of masters whose consent
    stands) into proposed cue variables.

    Confirmed cues stay as they are and take the new phrases that map onto them; earlier
    proposals nobody confirmed are replaced. Clusters of one phrase are not proposed."""
    encoder = need_encoder(kb)
    with kb.unit(write=True, actor=actor) as uow:
        s = uow.session
        who = uow.require("curate", entity="vocabulary")
        phrases = _phrases(s, who)
        cue_rows = {c.name: c for c in s.scalars(select(CueVariable)).all()}
        rest, rest_vectors = _place_on_confirmed(s, encoder, phrases, cue_rows)
        for old in [c for c in cue_rows.values() if c.status == "proposed"]:
            s.delete(old)
        s.flush()
        taken = {c.name for c in cue_rows.values() if c.status == "confirmed"}
        proposals: list[CueProposal] = propose([p for p, _, _ in rest], np.vstack(rest_vectors)) if rest else []
        made = _store_proposals(s, proposals, rest, taken)
        uow.audit(who.username, "propose_vocabulary", "vocabulary", None, proposed=made, phrases=len(phrases))
    return vocabulary(kb, actor=actor)


def _phrases(s: Session, who: policies.Actor) -> list[Said]:
    """The conditions and exceptions of every live rule the user may read, of consenting masters."""
    rows = s.scalars(
        select(RuleRow)
        .join(Master)
        .where(RuleRow.status.in_(MERGEABLE), *policies.visible(who), RuleRow.master_id.in_(policies.consenting()))
        .order_by(RuleRow.id)
    ).all()
    phrases: list[Said] = []
    for row in rows:
        rule = rule_view(s, row).rule
        for clause in [*rule.clauses(), *rule.exceptions]:
            if clause.text.strip():
                phrases.append((Phrase.of(clause, str(row.id)), row.id, row.master_id))
    return phrases


def _place_on_confirmed(
    s: Session, encoder: Encoder, phrases: list[Said], cue_rows: dict[str, CueVariable]
) -> tuple[list[Said], list[Vectors]]:
    """Phrases that map onto a confirmed cue join it; the others (and their vectors) are returned."""
    confirmed = confirmed_cues(s, encoder)
    placed = {(p.text, p.rule_id) for c in cue_rows.values() if c.status == "confirmed" for p in c.phrases}
    vectors = cached_vectors(s, encoder, [masked(p.text) for p, _, _ in phrases])
    rest: list[Said] = []
    rest_vectors = []
    for (phrase, rule_id, master_id), vector in zip(phrases, vectors, strict=True):
        if (phrase.text, rule_id) in placed:
            continue
        clause = Clause(
            text=phrase.text, variable=phrase.variable, operator=phrase.operator, value=phrase.value, unit=phrase.unit
        )
        target = map_clause(clause, confirmed, vector)
        if target is not None:
            s.add(
                CuePhrase(
                    cue_id=cue_rows[target].id,
                    text=phrase.text,
                    variable=phrase.variable,
                    rule_id=rule_id,
                    master_id=master_id,
                )
            )
        else:
            rest.append((phrase, rule_id, master_id))
            rest_vectors.append(vector)
    return rest, rest_vectors


def _store_proposals(s: Session, proposals: Sequence[CueProposal], rest: list[Said], taken: set[str]) -> int:
    """Store the proposed cues of two phrases or more, under names no cue has yet; how many."""
    origin = {id(p): (rule_id, master_id) for p, rule_id, master_id in rest}
    made = 0
    for proposal in proposals:
        if len(proposal.phrases) < 2:
            continue
        name = proposal.name
        n = 2
        while name in taken:
            name, n = f"{proposal.name}_{n}", n + 1
        taken.add(name)
        cue = CueVariable(
            name=name,
            kind=proposal.kind,
            unit=proposal.unit,
            allowed_values=proposal.values,
            aliases=proposal.aliases,
            status="proposed",
        )
        s.add(cue)
        s.flush()
        for p in proposal.phrases:
            rule_id, master_id = origin[id(p)]
            s.add(CuePhrase(cue_id=cue.id, text=p.text, variable=p.variable, rule_id=rule_id, master_id=master_id))
        made += 1
    return made


def confirm_cue(
    kb: Context,
    cue_id: int,
    *,
    name: str | None = None,
    kind: str | None = None,
    unit: str | None = None,
    values: Sequence[str] | None = None,
    actor: str | None = None,
) -> CueView:
    """Confirm a cue variable, perhaps renamed or retyped; its old name stays an alias, so
    clauses the extractor names that way map onto it."""
    if kind is not None and kind not in ("number", "flag", "category"):
        raise InvalidEdit("a cue is a number, a flag or a category, not {kind!r}", kind=kind)
    if name is not None:
        try:
            name = check_name(name.strip())  # "two words" is two_words, as a fact name is
        except FactSyntaxError:
            raise InvalidEdit(
                "invalid cue name {name!r}: start with a letter, then letters, digits and _ only", name=name
            ) from None
    with kb.unit(write=True, actor=actor) as uow:
        s = uow.session
        who = uow.require("curate", entity="cue", entity_id=cue_id)
        cue = s.get(CueVariable, cue_id)
        if cue is None:
            raise NotFound("no cue variable with id {cue_id}", cue_id=cue_id)
        new_name = name.strip() if name else cue.name
        clash = s.scalar(select(CueVariable).where(CueVariable.name == new_name, CueVariable.id != cue_id))
        if clash is not None:
            raise InvalidEdit(
                "another cue is already called {new_name!r} (cue {cue_id})", new_name=new_name, cue_id=clash.id
            )
        old = cue.name
        aliases = list(dict.fromkeys([*(cue.aliases or []), *([old] if new_name != old else [])]))
        cue.name = new_name
        cue.aliases = [a for a in aliases if a != new_name]
        cue.kind = kind or cue.kind
        cue.unit = unit if unit is not None else cue.unit
        if values is not None:
            cue.allowed_values = [v.strip() for v in values if v.strip()]
        cue.status = "confirmed"
        cue.decided_by = who.username
        uow.audit(who.username, "confirm_cue", "cue", cue_id, name=new_name, was=old, kind=cue.kind)
    return next(v for v in vocabulary(kb, actor=actor) if v.id == cue_id)


def drop_cue(kb: Context, cue_id: int, *, actor: str | None = None) -> None:
    """Reject a proposed cue (or retract a confirmed one); rules keep their own names."""
    with kb.unit(write=True, actor=actor) as uow:
        who = uow.require("curate", entity="cue", entity_id=cue_id)
        cue = uow.session.get(CueVariable, cue_id)
        if cue is None:
            raise NotFound("no cue variable with id {cue_id}", cue_id=cue_id)
        uow.audit(who.username, "drop_cue", "cue", cue_id, name=cue.name, status=cue.status)
        uow.session.delete(cue)


def canonical(
    kb: Context, s: Session, rules: Sequence[Rule], cues: Sequence[Cue] | None = None
) -> tuple[list[Rule], dict[str, str]]:
    """The rules with their clauses' variables mapped onto the confirmed cue vocabulary, and the
    names mapped; unchanged where the semantic layer is off or no cue is confirmed."""
    if kb.encoder is None:
        return list(rules), {}
    if cues is None:
        cues = confirmed_cues(s, kb.encoder)
    if not cues:
        return list(rules), {}
    clauses = [c for r in rules for c in [*r.clauses(), *r.exceptions] if c.variable]
    vectors = cached_vectors(s, kb.encoder, [masked(c.text) for c in clauses])
    names: dict[str, str] = {}
    for clause, vector in zip(clauses, vectors, strict=True):
        target = map_clause(clause, cues, vector)
        if target and clause.variable and target != clause.variable:
            names[clause.variable] = target
    return [renamed(r, names) for r in rules], names


def apply_vocabulary(kb: Context, *, actor: str | None = None) -> list[int]:
    """Rename the variables of every live rule onto the confirmed cues, one new version per
    changed rule (the master's words are untouched; only the variable names change)."""
    encoder = need_encoder(kb)
    changed: list[int] = []
    with kb.unit(write=True, actor=actor) as uow:
        s = uow.session
        who = uow.require("curate", entity="vocabulary")
        cues = confirmed_cues(s, encoder)
        rows = s.scalars(select(RuleRow).where(RuleRow.status.in_(MERGEABLE)).order_by(RuleRow.id)).all()
        for row in rows:
            rule = rule_view(s, row).rule
            (new,), names = canonical(kb, s, [rule], cues)
            if not names or new == rule:
                continue
            why = "cue vocabulary: " + ", ".join(f"{a} → {b}" for a, b in sorted(names.items()))
            new_version(s, row.id, row.current_version, new, row.status, who.username, why)
            changed.append(row.id)
        uow.audit(who.username, "apply_vocabulary", "vocabulary", None, rules=changed)
    return changed
