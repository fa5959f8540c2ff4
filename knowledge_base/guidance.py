"""Guidance for a worker: the rules that may guide (confirmed, of masters consenting to it, that
the user may read), the facts a question in plain words states, the engine compiled from those
rules, its answers, and the conflicts and gaps among them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from knowledge_base import search
from knowledge_base.context import Context
from knowledge_base.guidance_reading import reading, sees
from knowledge_base.models import Delegation, User
from knowledge_base.policies import Actor
from knowledge_base.readings import Reading
from knowledge_base.semantic import Encoder
from rules import Answer, Engine, Fact, KnownRule, Variable, facts_from_text
from rules.checks import Finding
from rules.checks import check as check_rules
from rules.duplicates import near_duplicates
from rules.language import KOREAN, language_of
from rules.variables import facts_by_meaning, question_chunks

# Compiled engines kept per knowledge base (the working state and releases, as different users ask).
ENGINES_KEPT = 8


def guidance_rules(
    kb: Context, *, include_proposed: bool = False, release: str | None = None, actor: str | None = None
) -> list[KnownRule]:
    """The rules guidance may use: confirmed ones (or those frozen in a release; proposed ones
    too on request, never for an SME), of masters whose consent to internal guidance stands,
    and only those the user may read. Read once per knowledge-base state for all users who may
    read the same rules (after a change, only the changed rules are read again); the page, the question's
    facts and the engine share that copy."""
    return list(guidance_reading(kb, include_proposed=include_proposed, release=release, actor=actor).rules)


def guidance_variables(kb: Context, *, include_proposed: bool = False, actor: str | None = None) -> list[Variable]:
    """The variables the guidance rules test, most used first (once per reading)."""
    return guidance_reading(kb, include_proposed=include_proposed, actor=actor).variables


def guidance_reading(
    kb: Context, *, include_proposed: bool = False, release: str | None = None, actor: str | None = None
) -> Reading:
    """The reading behind `guidance_rules`, with what questions derive from it."""
    with kb.unit(actor=actor) as uow:
        return reading(kb, uow.session, uow.actor(action="ask"), include_proposed, release)


def prime(kb: Context) -> int:
    """Read the guidance rules once for every kind of reader among the accounts, compile the
    engine for each set, and make what a question derives from them (the variables, the clauses
    and their vectors): what a worker's first question would otherwise wait for (the server does
    it as it starts). The kinds of reader primed."""
    with kb.unit() as uow:
        s = uow.session
        delegated: dict[int, set[int]] = {}
        for user_id, master_id in s.execute(
            select(Delegation.user_id, Delegation.master_id).where(Delegation.revoked_at.is_(None))
        ):
            delegated.setdefault(user_id, set()).add(master_id)
        kinds: dict[tuple[Any, ...], Actor] = {}
        for u in s.scalars(select(User).order_by(User.id)):
            who = Actor(u.username, u.role, u.organisation, u.master_id, frozenset(delegated.get(u.id, ())))
            kinds.setdefault(sees(who), who)
        readings = [reading(kb, s, who, False, None) for who in kinds.values()]
    for read in readings:
        _engine(kb, list(read.rules), False, None)
        read.prepare()
        for model in (kb.encoder, kb.multilingual):
            if model is not None:
                _clause_vectors(kb, read, model)
    return len(kinds)


def findings(kb: Context, *, actor: str | None = None) -> list[Finding]:
    """Conflicts, duplicates, special cases and gaps among the confirmed and proposed rules the
    user may read, each with the question for the next interview."""
    rules = guidance_rules(kb, include_proposed=True, actor=actor)
    found = check_rules(rules)
    if kb.encoder is not None and len(rules) > 1:
        texts = search.rule_texts(kb, [int(k.key) for k in rules])
        vectors = search.kept_vectors(kb, kb.encoder, texts)
        korean = [language_of(t) == KOREAN for t in texts]  # judged by the multilingual model, per pair
        multi = search.kept_vectors(kb, kb.multilingual, texts) if kb.multilingual and any(korean) else None
        found.extend(near_duplicates(rules, vectors, known=found, korean=korean, multilingual=multi))
    return found


def engine_for(
    kb: Context, *, include_proposed: bool = False, release: str | None = None, actor: str | None = None
) -> Engine:
    """The compiled engine for the current state; recompiled only when the rules changed."""
    rules = guidance_rules(kb, include_proposed=include_proposed, release=release, actor=actor)
    return _engine(kb, rules, include_proposed, release)


def _engine(kb: Context, rules: list[KnownRule], include_proposed: bool, release: str | None) -> Engine:
    key = (include_proposed, release, tuple((k.key, k.version, k.status) for k in rules))
    caches = kb.caches
    with caches.engine_lock:
        engine = caches.engines.get(key)
        if engine is None:
            engine = Engine(rules)
            caches.engines[key] = engine
            while len(caches.engines) > ENGINES_KEPT:
                caches.engines.pop(next(iter(caches.engines)))
        return engine


def ask(
    kb: Context,
    facts: Mapping[str, Fact],
    *,
    include_proposed: bool = False,
    release: str | None = None,
    actor: str | None = None,
) -> Answer:
    """Guidance for the facts, from the working state or from a named release."""
    return engine_for(kb, include_proposed=include_proposed, release=release, actor=actor).ask(facts)


def facts_from_question(
    kb: Context, question: str, *, include_proposed: bool = False, actor: str | None = None
) -> tuple[dict[str, Fact], dict[str, str]]:
    """The facts a plain-words question states about the variables the guidance rules test:
    by their names and values first, then (with the semantic layer on) by meaning. Returns
    the facts and, for each, how it was read (the words or the master's phrase it matched)."""
    read = guidance_reading(kb, include_proposed=include_proposed, actor=actor)
    variables = read.variables
    facts = facts_from_text(question, variables)
    how = {name: "named in the question" for name in facts}
    if kb.encoder is None or not question.strip():
        return facts, how
    clauses = read.clauses
    chunks = question_chunks(question)
    if not clauses or not chunks:
        return facts, how
    # where Korean is spoken (in the question or the masters' clauses) the multilingual model compares
    korean = read.korean or language_of(question) == KOREAN
    model: Encoder = kb.multilingual if korean and kb.multilingual is not None else kb.encoder
    scale = getattr(model, "scale", (0.0, 1.0)) if model is kb.multilingual else (0.0, 1.0)
    clause_vectors = _clause_vectors(kb, read, model)
    found = facts_by_meaning(question, chunks, model.encode(chunks), clauses, clause_vectors, variables, scale=scale)
    for name, (fact, said) in found.items():
        if name not in facts:
            facts[name] = fact
            how[name] = f"read as the master's “{said}”"
    return facts, how


def _clause_vectors(kb: Context, read: Reading, model: Encoder) -> Any:
    """The reading's clauses' vectors by `model`, stacked once per reading (not per question)."""
    kept = read.derived.get(model.key)
    if kept is None:
        kept = read.derived[model.key] = search.kept_vectors(kb, model, [c.text for c in read.clauses])
    return kept
