"""Questions in plain words: the rules closest to a question by meaning and by words, the masters'
turns that speak of something, and the rules' own vectors that duplicates and merges are judged by.

The live rules' index (`semantic.RuleIndex`) is rebuilt only after a write. On PostgreSQL with
pgvector the database ranks the vectors; elsewhere a matrix product in process does. Where Korean
is spoken, on either side, the multilingual model scores the pair on the primary model's scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from knowledge_base import policies
from knowledge_base.audit import latest_event, state_token
from knowledge_base.context import Context, need_encoder
from knowledge_base.errors import InvalidEdit, NotFound
from knowledge_base.models import (
    CueVariable,
    InterviewSession,
    Master,
    RuleEvidence,
    RuleRow,
    RuleVersion,
    TranscriptRow,
    TurnRow,
)
from knowledge_base.policies import MERGEABLE, Actor
from knowledge_base.semantic import (
    FACT_POOL,
    KOREAN_LEXICAL_WEIGHT,
    Encoder,
    Hit,
    RuleIndex,
    Vectors,
    by_facts,
    cached_vectors,
    combine,
    document,
    half_index,
    has_rule_vectors,
    one_blas_thread,
    pg_semantic,
    summary_document,
    sync_rule_vectors,
    text_hash,
    to_primary,
)
from knowledge_base.semantic.bridge import cue_bridge
from knowledge_base.views import RuleView, SearchResult, TurnView, rule_views
from rules.language import KOREAN, language_of
from rules.model import Rule
from rules.stated import Said, quantities

# A search hit that shares no word with the question must at least be this close in meaning.
MIN_COSINE = 0.2
# The same floor for the multilingual model's cosines, on its own scale: across languages a rule that
# answers the question often scores 0.15 to 0.3 (bench/crosslingual.py), so its floor is lower.
MIN_COSINE_MULTILINGUAL = 0.1
# The multilingual model scores a pair in one language higher than a pair across languages that
# means as much: a Korean question's Korean look-alike beat the English rule it asked about. These
# are added to the cosines across languages, per direction (tuned on bench/data/questions_dev.tsv
# and the development half of questions_crosslingual.tsv: 0.1 took the latter from 0.67 to 0.72
# and left the former as it was; English to Korean lost English questions their English rules).
KOREAN_TO_ENGLISH = 0.1
ENGLISH_TO_KOREAN = 0.0
# Merge candidates: rules at least this close in meaning.
SIMILAR_COSINE = 0.6
# Vectors kept in process (rules' own texts, their clauses); past this many, the copy starts afresh.
VECTORS_KEPT = 400_000
# The longest question a search reads (the refusal's template says the number: change both).
MAX_QUESTION = 2000


def semantic_backend(kb: Context) -> str:
    """Where vectors are searched: "pgvector" (in PostgreSQL), "in process", or "off"."""
    if kb.encoder is None:
        return "off"
    return "pgvector" if rule_index(kb)[1] else "in process"


def _documents(s: Session, rule_ids: Sequence[int] | None = None) -> list[tuple[int, str]]:
    """(rule id, search document) of the live rules, or of the rules named: see
    `semantic.document` for what a document holds."""
    q = select(RuleRow.id, RuleRow.summary, RuleRow.domain).order_by(RuleRow.id)
    q = q.where(RuleRow.status.in_(MERGEABLE)) if rule_ids is None else q.where(RuleRow.id.in_(list(rule_ids)))
    rows = s.execute(q).all()
    said: dict[int, list[str]] = {}
    ev = (
        select(RuleEvidence.rule_id, TurnRow.text)
        .join(TurnRow, TurnRow.id == RuleEvidence.turn_id)
        .order_by(RuleEvidence.rule_id, TurnRow.index)
    )
    ev = (
        ev.join(RuleRow, RuleRow.id == RuleEvidence.rule_id).where(RuleRow.status.in_(MERGEABLE))
        if rule_ids is None
        else ev.where(RuleEvidence.rule_id.in_(list(rule_ids)))
    )
    for rule_id, turn_text in s.execute(ev):
        said.setdefault(rule_id, []).append(turn_text)
    return [(r.id, document(r.domain, r.summary, said.get(r.id, []))) for r in rows]


def rule_index(kb: Context, token: int | None = None) -> tuple[RuleIndex, bool]:
    """The live rules' search index for the state `token` (by default the current one), and
    whether PostgreSQL ranks the vectors. Rebuilt only after a write; unchanged documents keep
    their vectors."""
    encoder = need_encoder(kb)
    token = state_token(kb) if token is None else token
    cache = kb.caches.semantic
    with cache.lock:
        index = cache.index
        if cache.in_db is None:  # the schema changes only by migration, which runs on opening
            with kb.unit() as uow:
                cache.in_db = has_rule_vectors(uow.session)
                cache.half = cache.in_db and half_index(uow.session)
        in_db = cache.in_db
        if index is not None and index.token == token and (index.vectors is None) == in_db:
            return index, in_db
        with kb.unit(write=True) as uow:
            s = uow.session
            docs = _documents(s)
            texts = [d for _, d in docs]
            vectors = None
            if in_db:
                sync_rule_vectors(s, encoder, docs, half=cache.half)
            else:
                known = index.by_hash() if index is not None else {}
                missing = [t for t in texts if text_hash(t) not in known]
                if missing:
                    fresh = cached_vectors(s, encoder, missing)
                    known.update(zip((text_hash(t) for t in missing), fresh, strict=True))
                vectors = (
                    np.vstack([known[text_hash(t)] for t in texts])
                    if texts
                    else np.zeros((0, encoder.dim), dtype=np.float32)
                )
            cues = cue_bridge(
                s.execute(select(CueVariable.name, CueVariable.aliases).where(CueVariable.status == "confirmed"))
                .tuples()
                .all()
            )
        index = RuleIndex(token, [i for i, _ in docs], texts, vectors, cues)
        cache.index = index
        cache.visible.clear()
        cache.actors.clear()
        return index, in_db


def _checked_question(question: str) -> str:
    question = question.strip()
    if not question:
        raise InvalidEdit("the question is empty")
    if len(question) > MAX_QUESTION:
        raise InvalidEdit("the question is {length} characters long; ask in at most 2000", length=len(question))
    return question


def _allowed(
    kb: Context, s: Session, index: RuleIndex, who: Actor, statuses: list[str], guidance: bool
) -> tuple[npt.NDArray[np.bool_], list[Any]]:
    """The rules of the index this user may get back, as a mask (cached per state), and the SQL
    filters that say the same."""
    where = policies.searchable(who, statuses, guidance=guidance)
    key = (who.username, index.token, (*statuses, "g" if guidance else "-"))
    allowed = kb.caches.semantic.visible.get(key)
    if allowed is None:
        allowed = index.allowed(s.scalars(select(RuleRow.id).join(Master).where(*where)))
        kb.caches.semantic.visible[key] = allowed
    return allowed, where


def search(
    kb: Context,
    question: str,
    *,
    limit: int = 5,
    include_proposed: bool = False,
    guidance: bool = True,
    actor: str | None = None,
) -> list[SearchResult]:
    """The rules that best answer a question in plain words: the cosine of the question's
    sentence vector to each rule's, plus a little of BM25 over the rules' words (see
    `semantic`). For guidance (the default)
    only confirmed rules, or proposed ones too on request (never for an SME), of consenting
    masters; otherwise every live rule the user may read."""
    question = _checked_question(question)
    encoder = need_encoder(kb)
    with kb.unit(actor=actor) as uow:
        s = uow.session
        token = latest_event(s)
        index, in_db = rule_index(kb, token)
        actors = kb.caches.semantic.actors
        who = actors.get((uow.user, token)) or uow.actor(action="ask")
        actors[(who.username, token)] = who
        if guidance:
            statuses = ["confirmed", "proposed"] if include_proposed and who.role != "sme" else ["confirmed"]
        else:
            statuses = list(MERGEABLE)
        allowed, where = _allowed(kb, s, index, who, statuses, guidance)
        lexical = index.lexical(question, allowed)
        crossing = crosslingual(kb, index, question)
        floor = _multilingual_floor(kb)
        if crossing is not None and language_of(question) == KOREAN:
            # a Korean question: the multilingual model ranks every rule, English or Korean
            cosines = dict(index.semantic(crossing, allowed))
            cosines.update(index.cosine_of(crossing, [rid for rid, _ in lexical if rid not in cosines]))
            pool = combine(lexical, cosines, max(limit, FACT_POOL), weight=KOREAN_LEXICAL_WEIGHT)
            hits = [h for h in pool if h.lexical or h.cosine >= floor]
            return _results(s, _by_numbers(s, question, hits)[:limit])
        query = encoder.encode([question])[0]
        also = [rid for rid, _ in lexical]
        if in_db:  # the database ranks by meaning, and scores the word matches it did not rank
            visible = int(allowed.sum())
            cosines = pg_semantic(s, encoder, query, where, visible=visible, also=also, half=kb.caches.semantic.half)
        else:
            cosines = index.nearest(query, allowed, also=also)
        korean: frozenset[int] = frozenset()
        if crossing is not None:  # an English question, and rules said in Korean: those by the multilingual model
            korean = index.korean_ids
            cosines = {rid: c for rid, c in cosines.items() if rid not in korean}
            cosines.update(index.semantic(crossing, allowed & index.korean))
            cosines.update(index.cosine_of(crossing, [rid for rid, _ in lexical if rid in korean]))
        hits = [
            h
            for h in combine(lexical, cosines, max(limit, FACT_POOL), korean=korean)
            if h.lexical or h.cosine >= (floor if h.rule_id in korean else MIN_COSINE)
        ]
        return _results(s, _by_numbers(s, question, hits)[:limit])


def _by_numbers(s: Session, question: str, hits: Sequence[Hit]) -> list[Hit]:
    """The candidates re-ranked by the numbers the question states (`semantic.by_facts`); as
    they were when it states none."""
    said: list[Said] = quantities(question)
    if not said or not hits:
        return list(hits)
    pool = [h.rule_id for h in hits[:FACT_POOL]]
    bodies = s.execute(
        select(RuleVersion.rule_id, RuleVersion.body)
        .join(RuleRow, (RuleRow.id == RuleVersion.rule_id) & (RuleRow.current_version == RuleVersion.number))
        .where(RuleRow.id.in_(pool))
    )
    rules = {rule_id: Rule.model_validate(body) for rule_id, body in bodies}
    ranked = [*by_facts(hits[:FACT_POOL], rules, said), *hits[FACT_POOL:]]
    return sorted(ranked, key=lambda h: (-h.score, h.rule_id))


def _results(s: Session, hits: Sequence[Hit]) -> list[SearchResult]:
    rows = {
        r.id: r
        for r in s.scalars(
            select(RuleRow).options(joinedload(RuleRow.master)).where(RuleRow.id.in_([h.rule_id for h in hits]))
        )
    }
    views = rule_views(s, [rows[h.rule_id] for h in hits])
    return [SearchResult(v, h) for v, h in zip(views, hits, strict=True)]


def _multilingual_floor(kb: Context) -> float:
    """MIN_COSINE_MULTILINGUAL on the primary model's scale, where mapped cosines are compared."""
    a, b = getattr(kb.multilingual, "scale", (0.0, 1.0))
    return round(a + b * MIN_COSINE_MULTILINGUAL, 5)


def crosslingual(kb: Context, index: RuleIndex, question: str) -> Vectors | None:
    """The question's cosine to every rule of the index by the multilingual model, on the primary
    model's scale, where Korean is spoken on either side; None where English meets English only
    (or no multilingual model is set), which the primary model ranks alone, as before."""
    multilingual = kb.multilingual
    if multilingual is None or not len(index.ids):
        return None
    if language_of(question) != KOREAN and not index.korean.any():
        return None
    with kb.caches.semantic.lock:
        if index.multi is None:
            with kb.unit(write=True) as uow:
                docs = {
                    r.id: summary_document(r.domain, r.summary)
                    for r in uow.session.execute(
                        select(RuleRow.id, RuleRow.summary, RuleRow.domain).where(RuleRow.id.in_(index.ids.tolist()))
                    )
                }
                index.multi = cached_vectors(uow.session, multilingual, [docs[int(i)] for i in index.ids])
        multi = index.multi
    query = multilingual.encode([question])[0]
    with one_blas_thread():
        mapped = to_primary(multi @ query.astype(np.float32), getattr(multilingual, "scale", (0.0, 1.0)))
    asked_korean = language_of(question) == KOREAN
    other = ~index.korean if asked_korean else index.korean  # the rules said in the question's other language
    return np.where(other, mapped + (KOREAN_TO_ENGLISH if asked_korean else ENGLISH_TO_KOREAN), mapped)


def search_turns(
    kb: Context, question: str, *, limit: int = 5, actor: str | None = None
) -> list[tuple[TurnView, str, float]]:
    """Where in the interviews the masters spoke of something, by meaning: their turns (not the
    interviewers') closest to the question, with the transcript's name and the cosine. For
    those who import interviews; finds what no rule was extracted from yet. Masters who
    withdrew consent are not searched."""
    question = question.strip()
    if not question:
        raise InvalidEdit("the question is empty")
    need_encoder(kb)
    with kb.unit(write=True, actor=actor) as uow:
        who = uow.require("import", entity="transcript")
        s = uow.session
        rows = s.execute(
            select(TurnRow, TranscriptRow.filename)
            .join(TranscriptRow, TranscriptRow.id == TurnRow.transcript_id)
            .join(InterviewSession, InterviewSession.id == TranscriptRow.session_id)
            .join(Master, Master.id == InterviewSession.master_id)
            .where(
                TurnRow.is_interviewer.is_(False),
                InterviewSession.master_id.in_(policies.consenting()),
                *policies.visible_transcripts(who),
            )
            .order_by(TurnRow.id)
        ).all()
        if not rows:
            return []
        cos, crossed = _cosines(kb, s, question, [t.text for t, _ in rows])
        floor = np.where(crossed, _multilingual_floor(kb), MIN_COSINE)
        order = sorted(range(len(rows)), key=lambda i: (-float(cos[i]), rows[i][0].id))[:limit]
        return [(TurnView.of(t), name, float(cos[i])) for i in order for t, name in [rows[i]] if cos[i] >= floor[i]]


def _cosines(kb: Context, s: Session, question: str, texts: Sequence[str]) -> tuple[Vectors, npt.NDArray[np.bool_]]:
    """The question's cosine to each text: by the primary model where English meets English,
    by the multilingual one (on the primary's scale) wherever Korean is spoken; and which
    texts the multilingual model scored."""
    encoder = need_encoder(kb)
    korean = np.fromiter((language_of(t) == KOREAN for t in texts), dtype=np.bool_, count=len(texts))
    asked_korean = language_of(question) == KOREAN
    cross = kb.multilingual if kb.multilingual is not None and (asked_korean or korean.any()) else None
    out = np.zeros(len(texts), dtype=np.float32)
    primary = np.ones(len(texts), dtype=np.bool_) if cross is None else ~korean & (not asked_korean)
    if primary.any():
        chosen = [t for t, p in zip(texts, primary, strict=True) if p]
        out[primary] = cached_vectors(s, encoder, chosen) @ encoder.encode([question])[0]
    if cross is not None and (~primary).any():
        chosen = [t for t, p in zip(texts, primary, strict=True) if not p]
        raw = cached_vectors(s, cross, chosen) @ cross.encode([question])[0]
        out[~primary] = to_primary(raw, getattr(cross, "scale", (0.0, 1.0)))
    return np.round(out, 5), ~primary


def rule_vectors(kb: Context, keys: Sequence[int]) -> Vectors:
    """The sentence vectors of these rules' own texts (craft and rule as a sentence): what
    duplicates and merge candidates are judged by (`kept_vectors`)."""
    return kept_vectors(kb, need_encoder(kb), rule_texts(kb, keys))


def rule_texts(kb: Context, keys: Sequence[int]) -> list[str]:
    """These rules' own texts, the craft and the rule as a sentence, in the order of `keys`."""
    with kb.unit() as uow:
        rows = {
            r.id: document(r.domain, r.summary, [])
            for r in uow.session.execute(
                select(RuleRow.id, RuleRow.summary, RuleRow.domain).where(RuleRow.id.in_(list(keys)))
            )
        }
    missing = [k for k in keys if k not in rows]
    if missing:
        raise NotFound("no rule with id {rule_id}", rule_id=missing[0])
    return [rows[k] for k in keys]


def kept_vectors(kb: Context, encoder: Encoder, texts: Sequence[str]) -> Vectors:
    """One vector per text by `encoder`: from the process's copy where it has them, else from the
    knowledge base's cache, else encoded (and cached in both)."""
    hashes = [text_hash(t) for t in texts]
    kept = kb.caches.semantic.kept
    with kb.caches.semantic.kept_lock:
        known = {h: kept[(encoder.key, h)] for h in hashes if (encoder.key, h) in kept}
    absent = list(dict.fromkeys(t for t, h in zip(texts, hashes, strict=True) if h not in known))
    if absent:
        with kb.unit(write=True) as uow:
            fresh = cached_vectors(uow.session, encoder, absent)
        known.update(zip((text_hash(t) for t in absent), fresh, strict=True))
        with kb.caches.semantic.kept_lock:
            if len(kept) + len(absent) > VECTORS_KEPT:
                kept.clear()
            kept.update(((encoder.key, h), v) for h, v in known.items())
    if not texts:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    return np.vstack([known[h] for h in hashes]).astype(np.float32)


def similar_by_meaning(kb: Context, rule_id: int, *, limit: int, actor: str | None) -> list[tuple[RuleView, float]]:
    """Live rules close in meaning to this one, by the cosine of the rules' own texts (craft and
    rule, without the turns around them, which a rule shares with the others said in the same
    breath)."""
    with kb.unit(actor=actor) as uow:
        who = uow.actor(action="read")
        policies.readable(uow.session, rule_id, who)
        where = [*policies.searchable(who, MERGEABLE, guidance=False), RuleRow.id != rule_id]
        others = list(uow.session.scalars(select(RuleRow.id).join(Master).where(*where).order_by(RuleRow.id)))
    if not others:
        return []
    vectors = rule_vectors(kb, [rule_id, *others])
    cos = np.round(vectors[1:] @ vectors[0], 5)
    order = sorted(range(len(others)), key=lambda i: (-float(cos[i]), others[i]))[:limit]
    near = [(others[i], float(cos[i])) for i in order if cos[i] >= SIMILAR_COSINE]
    with kb.unit() as uow:
        rows = {r.id: r for r in uow.session.scalars(select(RuleRow).where(RuleRow.id.in_([i for i, _ in near])))}
        views = rule_views(uow.session, [rows[i] for i, _ in near])
    return [(v, round(c, 3)) for v, (_, c) in zip(views, near, strict=True)]
