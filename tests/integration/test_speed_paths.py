"""What keeps every action quick at the size of a real programme (bench/ui.py measures it in the
browser): guidance reads its rules in a few queries, once per state, and a sign-in is no new state;
sentence vectors are made before anyone asks, in batches, and kept in process; the review page
reads merge candidates only on the Merge tab; the situation form asks about what matters."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from sqlalchemy import event

from elicitation.transcripts import parse_bytes
from knowledge_base import KnowledgeBase
from knowledge_base.warming import Progress, texts_to_warm
from rules import Rule
from rules.synthetic import knowledge_base as synthetic
from ui import warmup

from ..conftest import run_app

RAW = b"Interviewer: Anything else?\nKang: That is all I do, every day.\n"


def store(kb: KnowledgeBase, rules: Sequence[Rule], name: str = "Kang Ho-jin", *, confirm: bool = True) -> list[int]:
    """The rules imported for a consenting master (and confirmed), as an interview's would be."""
    known = [m.id for m in kb.masters() if m.name == name]
    master_id = known[0] if known else kb.register_master(name, craft="welding")
    kb.record_consent(master_id, ["internal_guidance"])
    raw = RAW + f"Kang: {len(kb.list_rules())} rules so far.\n".encode()
    ids = kb.import_transcript(master_id, parse_bytes(raw, f"{len(raw)}.txt"), raw, lambda t: list(rules)).rule_ids
    if confirm:
        for rule_id in ids:
            kb.review(rule_id, "confirmed", expected_version=1)
    return ids


def generated(n: int, variables: int = 12, seed: int = 7) -> list[Rule]:
    return [k.rule for k in synthetic(n, variables, seed=seed)[0]]


@contextmanager
def counted(kb: KnowledgeBase) -> Iterator[list[str]]:
    """The SQL statements the knowledge base runs inside the block."""
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(kb.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(kb.engine, "before_cursor_execute", note)


class Counting:
    """A real encoder that counts the texts it is asked to encode."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.key, self.dim = inner, inner.key, inner.dim
        self.texts = 0

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.texts += len(texts)
        return np.asarray(self.inner.encode(texts), dtype=np.float32)


def test_guidance_reads_its_rules_in_a_few_queries_whatever_their_number(kb: KnowledgeBase) -> None:
    store(kb, generated(10))
    with counted(kb) as few:
        assert len(kb.guidance_rules()) == 10
    store(kb, generated(120, seed=8))
    with counted(kb) as many:
        assert len(kb.guidance_rules()) == 130
    assert len(many) == len(few)  # not two per rule
    before = kb.guidance_rules()
    with counted(kb) as again:  # the same state: the copy already read
        assert [k.key for k in kb.guidance_rules()] == [k.key for k in before]
    assert len(again) < len(few)


def test_a_write_is_a_new_state_and_a_sign_in_is_not(kb: KnowledgeBase) -> None:
    first = store(kb, generated(3))[0]
    kb.set_password("admin", "a long enough password")
    before = kb.state_token()
    kept = kb.guidance_rules()
    assert kb.sign_in("admin", "a long enough password")
    assert not kb.sign_in("admin", "wrong password")
    assert kb.state_token() == before
    rule = kb.get_rule(first)
    kb.edit_rule(first, rule.rule.model_copy(update={"rationale": "said so"}), reason="x", expected_version=2)
    assert kb.state_token() > before
    fresh = {k.key: k for k in kb.guidance_rules()}
    assert fresh[str(first)].rule.rationale == "said so" and fresh[str(first)].version == 3
    assert [k.version for k in kept if k.key == str(first)] == [2]


def test_vectors_are_made_before_anyone_asks_and_only_once(semantic_url: str, encoder: Any) -> None:
    counting = Counting(encoder)
    base = KnowledgeBase(semantic_url, encoder=counting)
    base.add_user("admin", "admin")
    kb = base.as_user("admin")
    try:
        ids = store(kb, generated(40))
        wanted = sum(len(texts) for _, texts in texts_to_warm(kb))
        progress = Progress()
        assert kb.warm(progress=progress) == wanted == progress.total == progress.encoded and progress.done
        assert kb.warm() == 0
        made = counting.texts
        assert kb.search("what do I do when v3 is 40 degC?")  # the question alone is encoded
        assert counting.texts == made + 1
        kb.similar_rules(ids[0])
        kb.similar_rules(ids[1])
        assert counting.texts == made + 1  # every rule's own vector was made, and is kept in process
    finally:
        base.engine.dispose()


def test_warming_goes_in_batches_and_stops_between_them(skb: KnowledgeBase) -> None:
    import threading

    store(skb, generated(30))
    stop = threading.Event()
    stop.set()
    progress = Progress()
    assert skb.warm(progress=progress, stop=stop) == 0 and not progress.done and progress.total > 0
    assert skb.warm(progress=progress) == progress.total
    progress = skb.warm_in_background()
    for _ in range(200):
        if progress.done or progress.error:
            break
        threading.Event().wait(0.05)
    assert progress.done and progress.encoded == 0 and progress.error is None


# --- the pages ------------------------------------------------------------------------------


@pytest.fixture
def many(sqlite_env: str) -> KnowledgeBase:
    """120 confirmed rules over 40 variables and 10 proposed ones, an SME and the master's account."""
    kb = KnowledgeBase(sqlite_env)
    kb.add_user("admin", "admin")
    kb = kb.as_user("admin")
    store(kb, generated(120, variables=40))
    store(kb, generated(10, variables=40, seed=9), confirm=False)
    kb.add_user("sme", "sme")
    kb.add_user("kang", "master", master="Kang Ho-jin")
    return kb


def fields(at: Any) -> list[str]:
    """The situation form's inputs, by variable."""
    return [w.key.split("_")[1] for w in [*at.number_input, *at.selectbox] if (w.key or "").startswith("fact_")]


def test_the_situation_form_asks_about_what_matters_and_finds_the_rest(many: KnowledgeBase) -> None:
    at = run_app("sme", "guidance")
    shown = fields(at)
    catalogue = at.multiselect(key="situation_more").options
    assert len(catalogue) == 40 and 0 < len(shown) <= 9
    other = next(name for name in catalogue if name not in shown)
    at.multiselect(key="situation_more").select(other).run()
    assert other in fields(at) and not at.exception
    step = at.selectbox(key="situation_step")
    step.select(step.options[1]).run()
    assert len(fields(at)) > len(shown)
    asked = next(name for name in catalogue if name not in fields(at))
    at.text_input(key="question").input(f"what do I do when {asked} is 40?").run()
    assert asked in fields(at) and not at.exception


def test_review_reads_merge_candidates_only_on_the_merge_tab(many: KnowledgeBase, monkeypatch: Any) -> None:
    asked: list[int] = []
    real = KnowledgeBase.similar_rules

    def spy(self: KnowledgeBase, rule_id: int, **kw: Any) -> Any:
        asked.append(rule_id)
        return real(self, rule_id, **kw)

    monkeypatch.setattr(KnowledgeBase, "similar_rules", spy)
    at = run_app("kang", "review")
    at.run()
    assert asked == []
    at.session_state["review_tab"] = "Merge"
    at.run()
    assert len(asked) == 1 and not at.exception
    assert at.radio or any("No similar rule" in i.value for i in at.info)


def test_the_sign_in_page_says_what_is_still_starting(sqlite_env: str, monkeypatch: Any) -> None:
    monkeypatch.setattr(warmup, "STARTUP", warmup.Startup(phase="vectors", progress=Progress(total=400, encoded=64)))
    at = run_app(None)
    assert any("64 of 400" in i.value for i in at.info)
    monkeypatch.setattr(warmup, "STARTUP", warmup.Startup(phase="ready"))
    assert not run_app(None).info


def test_the_server_start_loads_the_models_and_makes_the_vectors(many: KnowledgeBase, monkeypatch: Any) -> None:
    monkeypatch.setattr(warmup, "STARTUP", warmup.Startup(phase="models"))
    warmup._run(many.url)
    assert warmup.STARTUP.phase == "ready", warmup.STARTUP.error
    assert warmup.STARTUP.progress.done and warmup.STARTUP.progress.total > 0
    assert warmup.knowledge_base_at(many.url).warm() == 0


def test_readers_alike_share_one_reading_which_the_start_primes(kb: KnowledgeBase) -> None:
    store(kb, generated(30))
    kb.add_user("sme1", "sme")
    kb.add_user("sme2", "sme")
    kb.add_user("outside", "sme", organisation="another yard")
    assert kb.prime_guidance() == 3  # the admin, the SMEs of no organisation, the other yard's
    for name in ("sme1", "sme2", "outside", "admin"):
        with counted(kb) as seen:
            assert len(kb.as_user(name).guidance_rules()) == 30
        assert not any("rule_versions" in q for q in seen), name  # read already, at the start


def same(rules: Sequence[Any]) -> list[tuple[Any, ...]]:
    return [(k.key, k.version, k.status, k.master, k.quote, k.rule) for k in rules]


def test_after_a_write_only_the_changed_rules_are_read_again(kb: KnowledgeBase) -> None:
    ids = store(kb, generated(40))
    extra = store(kb, generated(3, seed=9), confirm=False)
    before = kb.guidance_rules()
    assert kb.guidance_variables() == kb.guidance_variables()  # one catalogue per reading
    kb.review(extra[0], "confirmed", expected_version=1)
    rule = kb.get_rule(ids[5])
    kb.edit_rule(ids[5], rule.rule.model_copy(update={"rationale": "edited"}), reason="x", expected_version=2)
    with counted(kb) as seen:
        after = kb.guidance_rules()
    read_again = [q for q in seen if "FROM rule_versions" in q]
    assert len(read_again) == 1 and read_again[0].count("?") + read_again[0].count("%(") <= 2  # two rules
    kept = {k.key: k for k in before}
    assert sum(k is kept.get(k.key) for k in after) == 39  # the other 39 are the views already read
    assert same(after) == same(KnowledgeBase(kb.url).as_user("admin").guidance_rules())  # as a fresh reading
    kb.withdraw_consent(kb.masters()[0].id)
    assert kb.guidance_rules() == []


def test_a_question_finds_the_clauses_vectors_made_at_the_start(skb: KnowledgeBase, monkeypatch: Any) -> None:
    from knowledge_base import search

    store(skb, generated(30))
    question = "what do I do when the first variable is 40?"
    asked = skb.facts_from_question(question)
    skb.caches.guidance.clear()  # as a fresh server: the start reads and prepares again
    skb.prime_guidance()
    monkeypatch.setattr(search, "kept_vectors", lambda *a, **k: pytest.fail("the clauses' vectors read per question"))
    assert skb.facts_from_question(question) == asked
    assert skb.facts_from_question(question) == asked
