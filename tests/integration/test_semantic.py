"""The semantic layer: cached vectors, plain-words search on every engine, the cue vocabulary,
and near duplicates and disagreements between masters."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import func, select, text

from elicitation import extract_transcript, parse_bytes
from elicitation.embeddings import SentenceEncoder
from knowledge_base import InvalidEdit, KnowledgeBase, PermissionDenied
from knowledge_base.database import downgrade, upgrade
from knowledge_base.models import Embedding
from knowledge_base.semantic import (
    HALF_INDEX,
    REDUCED_DIM,
    SHORTLIST,
    TWO_PASS_RULES,
    Bm25,
    RuleIndex,
    combine,
    document,
)
from rules import Action, Clause, Group, KnownRule, Operator, Rule
from rules.duplicates import near_duplicates
from rules.vocabulary import Cue, clusters, map_clause, masked, string_clusters

from ..conftest import SAMPLES, pgvector_url, postgres_url, reset_postgres

WELDING = (SAMPLES / "shipyard_welding.txt").read_bytes()

KIM = b"""Interviewer: What about the weather?
Kim: If the humidity is above 80 percent, add more filler. On wet days we always dry the rods first.
Interviewer: And thick plate?
Kim: For plates thicker than 25 mm, preheat the plate to 100 degrees.
"""
LEE = b"""Interviewer: Humidity?
Lee: When the air humidity goes over 85 percent, add more filler.
Interviewer: Thick plate?
Lee: When the plate is more than 25 mm thick, preheat the plate to 100 degrees.
"""


def master_with(kb: KnowledgeBase, name: str, raw: bytes, filename: str, craft: str = "welding") -> list[int]:
    master = kb.register_master(name, craft=craft)
    kb.record_consent(master, ["internal_guidance"])
    return kb.import_transcript(master, parse_bytes(raw, filename), raw, extract_transcript).rule_ids


def confirm_all(kb: KnowledgeBase) -> None:
    for view in kb.list_rules():
        if view.status == "proposed":
            kb.review(view.id, "confirmed", expected_version=view.version)


def embedding_rows(kb: KnowledgeBase) -> int:
    with kb.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Embedding)).scalar_one())


# --- vectors and their cache -----------------------------------------------------------------------


def test_the_packaged_model_gives_unit_vectors_keyed_by_name_and_version(encoder: SentenceEncoder) -> None:
    vectors = encoder.encode(["on rainy days", "when it rains", "the plate is thicker than 25 mm"])
    assert vectors.shape == (3, encoder.dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3
    assert encoder.key == "sentence-transformers/all-MiniLM-L6-v2@0.1.0"


def test_one_text_gets_the_vector_a_batch_gives_it(encoder: SentenceEncoder) -> None:
    texts = ["what do I do when welding in the rain?", "", "습도가 높을 때는 어떻게 해요?", "rain " * 400]
    batch = encoder.encode(texts)
    for value, row in zip(texts, batch, strict=True):
        one = encoder.encode([value])
        assert one.shape == (1, encoder.dim) and one.dtype == np.float32
        assert np.allclose(one[0], row, atol=1e-6)
    assert encoder._runtime  # by ONNX Runtime, from the graph exported into the cache folder


def test_a_torn_exported_graph_is_exported_again(tmp_path, encoder: SentenceEncoder) -> None:  # type: ignore[no-untyped-def]
    fresh = SentenceEncoder(cache_dir=tmp_path)
    graph = tmp_path / "sentence-transformers_all-MiniLM-L6-v2_0.1.0.onnx"
    graph.write_bytes(b"\x08\x07half a graph")
    fresh._model = encoder._load()  # the same weights, loaded once for the test run
    question = "how long do I preheat thick plate?"
    assert np.allclose(fresh.encode([question])[0], encoder.encode([question, "x"])[0], atol=1e-6)
    assert fresh._runtime and graph.stat().st_size > 1_000_000
    assert not list(tmp_path.glob("*.part"))


def test_without_onnx_runtime_one_text_is_encoded_by_torch_with_a_warning(
    tmp_path, encoder: SentenceEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import elicitation.embeddings as embeddings

    def broken(model: object, path: object) -> None:
        raise ImportError("No module named 'onnxruntime'")

    monkeypatch.setattr(embeddings, "onnx_session", broken)
    fresh = SentenceEncoder(cache_dir=tmp_path)
    fresh._model = encoder._load()
    question = "the arc crackles"
    with pytest.warns(RuntimeWarning, match="by torch, not ONNX Runtime: No module named 'onnxruntime'"):
        one = fresh.encode([question])
    assert fresh._runtime is False
    assert np.allclose(one[0], encoder.encode([question, "x"])[0], atol=1e-6)


def test_vectors_are_computed_once_and_again_only_when_a_rule_changes(skb: KnowledgeBase) -> None:
    ids = master_with(skb, "Park", WELDING, "shipyard_welding.txt")
    first = skb.rule_vectors(ids)
    stored = embedding_rows(skb)
    assert stored >= len(set(ids)) > 0
    again = skb.rule_vectors(ids)
    assert np.array_equal(first, again) and embedding_rows(skb) == stored  # served from the cache
    view = skb.get_rule(ids[0])
    edited = view.rule.model_copy(update={"actions": [Action(text="put up the screens and wait")]})
    skb.edit_rule(ids[0], edited, reason="clearer", expected_version=view.version)
    changed = skb.rule_vectors(ids)
    assert embedding_rows(skb) == stored + 1  # one new text, one new vector
    assert not np.array_equal(changed[0], first[0]) and np.array_equal(changed[1:], first[1:])


def test_backups_leave_the_derived_vectors_out(skb: KnowledgeBase) -> None:
    master_with(skb, "Park", WELDING, "shipyard_welding.txt")
    skb.search("rain", guidance=False)
    assert embedding_rows(skb) > 0
    assert "embeddings" not in skb.backup()["tables"]


# --- search ----------------------------------------------------------------------------------------


def test_a_question_in_other_words_finds_the_masters_rule(skb: KnowledgeBase) -> None:
    master_with(skb, "Park", WELDING, "shipyard_welding.txt")
    confirm_all(skb)
    [best, *_] = skb.search("what do I do in wet weather?")
    assert any(c.variable == "weather" for c in best.view.rule.clauses())
    assert best.hit.cosine > 0.3 and "meaning" in best.hit.why


def test_search_gives_sme_only_confirmed_rules_of_consenting_masters(skb: KnowledgeBase) -> None:
    ids = master_with(skb, "Park", WELDING, "shipyard_welding.txt")
    skb.add_user("sme", "sme")
    sme = skb.as_user("sme")
    assert sme.search("welding in the rain", include_proposed=True) == []  # nothing confirmed yet
    view = skb.get_rule(ids[0])
    skb.review(ids[0], "confirmed", expected_version=view.version)
    assert [r.view.id for r in sme.search("welding in the rain", include_proposed=True)] == [ids[0]]
    skb.withdraw_consent(skb.master_by_name("Park").id)
    assert sme.search("welding in the rain") == []


def test_bad_questions_are_refused_by_name(skb: KnowledgeBase) -> None:
    with pytest.raises(InvalidEdit, match="the question is empty"):
        skb.search("   ")
    with pytest.raises(InvalidEdit, match="at most 2000"):
        skb.search("rain " * 1000)


def test_the_engine_searches_vectors_where_it_can(skb: KnowledgeBase, semantic_url: str) -> None:
    master_with(skb, "Park", WELDING, "shipyard_welding.txt")
    expected = (
        "pgvector" if semantic_url == __import__("os").environ.get("MYEONGJANG_TEST_PGVECTOR_URL") else "in process"
    )
    assert skb.semantic_backend() == expected


@pytest.mark.postgres
def test_postgres_with_pgvector_returns_the_same_rules_as_sqlite(tmp_path, encoder: SentenceEncoder) -> None:  # type: ignore[no-untyped-def]
    questions = [
        "what do I do in wet weather?",
        "the wind is strong on the slipway",
        "how do I prepare thick steel?",
        "the weld puddle looks dull",
        "humid air and filler",
    ]
    urls = [f"sqlite:///{tmp_path / 'a.db'}", pgvector_url()]
    reset_postgres(urls[1])
    answers = []
    for url in urls:
        kb = KnowledgeBase(url, encoder=encoder)
        kb.add_user("admin", "admin")
        kb = kb.as_user("admin")
        master_with(kb, "Park", WELDING, "shipyard_welding.txt")
        master_with(kb, "Kim", KIM, "kim.txt")
        master_with(kb, "Lee", LEE, "lee.txt")
        answers.append([[(r.view.id, r.hit.score) for r in kb.search(q, guidance=False)] for q in questions])
        kb.engine.dispose()
    assert answers[0] == answers[1]
    assert postgres_url  # the Debian server's in-process path runs in the other tests


def exact_nearest(index: RuleIndex, query: np.ndarray, allowed: np.ndarray, also: list[int]) -> dict[int, float]:  # type: ignore[type-arg]
    every = index.cosines(query)
    found = dict(index.semantic(every, allowed))
    found.update(index.cosine_of(every, [rid for rid in also if rid not in found]))
    return found


def test_a_large_index_shortlists_by_its_principal_components_and_gives_the_exact_nearest() -> None:
    rng = np.random.default_rng(3)
    n, dim = TWO_PASS_RULES + 10_000, 384
    # sentence vectors live near a low-dimensional subspace; these do too, with a little noise
    basis = np.linalg.qr(rng.standard_normal((dim, 40)))[0]
    vectors = rng.standard_normal((n, 40)) @ basis.T + 0.02 * rng.standard_normal((n, dim))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    ids = list(range(7, 7 + n))
    index = RuleIndex(1, ids, ["rule"] * n, vectors)
    assert index.reduced is not None and index.reduced.shape == (n, REDUCED_DIM)
    small = RuleIndex(1, ids[:500], ["rule"] * 500, vectors[:500])
    assert small.reduced is None  # a small index ranks exactly in one pass
    everyone = np.ones(n, dtype=np.bool_)
    few = np.zeros(n, dtype=np.bool_)
    few[rng.choice(n, SHORTLIST // 2, replace=False)] = True  # fewer readable rules than the shortlist
    for _ in range(12):
        query = vectors[rng.integers(n)] + 0.3 * rng.standard_normal(dim).astype(np.float32) / np.sqrt(dim)
        query = (query / np.linalg.norm(query)).astype(np.float32)
        also = [int(x) for x in rng.choice(ids, 5)]  # word matches anywhere in the index
        for allowed in (everyone, few, ~everyone):
            found = index.nearest(query, allowed, also=also)
            assert found == exact_nearest(index, query, allowed, also)
            assert set(also) <= set(found)
        assert len(index.nearest(query, everyone)) == 100
        assert not index.nearest(query, ~everyone)


@pytest.mark.postgres
def test_pgvector_ranks_in_half_precision_and_migrates_both_ways(encoder: SentenceEncoder) -> None:
    url = pgvector_url()
    reset_postgres(url)
    kb = KnowledgeBase(url, encoder=encoder)
    kb.add_user("admin", "admin")
    kb = kb.as_user("admin")
    master_with(kb, "Park", WELDING, "shipyard_welding.txt")
    with kb.engine.connect() as conn:
        indexes = {
            r[0] for r in conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'rule_vectors'"))
        }
    assert HALF_INDEX in indexes and "ix_rule_vectors_hnsw" not in indexes
    found = [r.view.id for r in kb.search("what do I do in wet weather?", guidance=False)]
    assert kb.caches.semantic.half and found
    with kb.engine.connect() as conn:  # the ranking query is the one the index serves
        conn.execute(text("SET enable_seqscan = off"))
        plan = " ".join(
            r[0]
            for r in conn.execute(
                text(
                    "EXPLAIN SELECT rule_id FROM rule_vectors "
                    "ORDER BY vec::halfvec(384) <=> (SELECT vec::halfvec(384) FROM rule_vectors LIMIT 1) LIMIT 5"
                )
            )
        )
    assert HALF_INDEX in plan
    with kb.engine.connect() as conn:  # a prepared search is planned for its own vector, every time
        assert conn.execute(text("SHOW plan_cache_mode")).scalar() == "force_custom_plan"
    downgrade(kb.engine, "0004")
    with kb.engine.connect() as conn:
        indexes = {
            r[0] for r in conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'rule_vectors'"))
        }
    assert "ix_rule_vectors_hnsw" in indexes and HALF_INDEX not in indexes
    upgrade(kb.engine)
    again = KnowledgeBase(url, encoder=encoder).as_user("admin")
    assert [r.view.id for r in again.search("what do I do in wet weather?", guidance=False)] == found
    kb.engine.dispose()
    again.engine.dispose()


def test_bm25_ranks_the_rare_word_higher_and_ignores_stop_words() -> None:
    index = Bm25(["add filler when it rains", "preheat the plate", "the plate rains sparks"])
    scores = index.scores("when does the filler go in")
    assert scores[0] > 0 and scores[1] == 0 == scores[2]
    assert index.scores("raining")[0] > 0  # light stemming meets "rains"
    assert not index.scores("the when").any()


def test_scores_combine_meaning_with_a_little_of_the_words() -> None:
    hits = combine([(2, 8.0), (3, 4.0)], {1: 0.70, 2: 0.62, 3: 0.61}, limit=3)
    assert [h.rule_id for h in hits] == [2, 1, 3]  # 0.72 > 0.70 > 0.66
    assert hits[0].lexical == 1.0 and hits[1].lexical == 0.0


def test_a_rule_document_reads_as_a_sentence_with_the_masters_words() -> None:
    doc = document(
        "welding", "IF it rains THEN put up the screens UNLESS the job is indoors", ["Park: If it rains, ..."]
    )
    assert doc == "welding: when it rains: put up the screens unless the job is indoors — Park: If it rains, ..."
    assert document(None, "IF (always) THEN wear gloves", []) == "wear gloves"


# --- the cue vocabulary ----------------------------------------------------------------------------


def test_clustering_groups_cues_said_differently_and_beats_string_similarity(encoder: SentenceEncoder) -> None:
    phrases = [
        ("rain", "it rains"), ("rain", "on rainy days"), ("rain", "in wet weather"), ("rain", "during a downpour"),
        ("plate", "the plate is thicker than 25 mm"), ("plate", "for plates over an inch thick"),
        ("plate", "on heavy gauge material"), ("plate", "when the steel is heavier than 40 millimetres"),
        ("flame", "the flame turns white"), ("flame", "the fire looks bright orange"), ("flame", "the blaze goes pale"),
    ]  # fmt: skip
    from sklearn.metrics import adjusted_rand_score

    labels = clusters(encoder.encode([masked(p) for _, p in phrases]))
    assert len({labels[0], labels[1], labels[2], labels[3]}) == 1  # rain, however it is said
    gold = [c for c, _ in phrases]
    assert adjusted_rand_score(gold, labels) > adjusted_rand_score(gold, string_clusters([p for _, p in phrases]))


def test_masking_numbers_lets_thresholds_meet() -> None:
    assert masked("Humidity above 80.5 %") == masked("humidity above 85 %") == "humidity above # %"


def test_vocabulary_is_proposed_confirmed_renamed_and_new_clauses_map_onto_it(skb: KnowledgeBase) -> None:
    master_with(skb, "Kim", KIM, "kim.txt")
    master_with(skb, "Lee", LEE, "lee.txt")
    cues = skb.propose_vocabulary()
    humidity = next(c for c in cues if {"humidity", "air_humidity"} <= set(c.aliases))
    assert humidity.kind == "number" and humidity.unit == "%" and humidity.status == "proposed"
    assert set(humidity.masters) == {"Kim", "Lee"} and len(humidity.rules) == 2
    confirmed = skb.confirm_cue(humidity.id, name="relative_humidity")
    assert confirmed.status == "confirmed" and confirmed.decided_by == "admin"
    assert humidity.name in confirmed.aliases
    # existing rules take the canonical name, as new versions that say why
    changed = skb.apply_vocabulary()
    assert len(changed) == 2
    for rule_id in changed:
        assert any(c.variable == "relative_humidity" for c in skb.get_rule(rule_id).rule.clauses())
        assert "cue vocabulary" in skb.history(rule_id)[-1].reason
    # a new interview's clause about the same cue, named another way, maps on import
    raw = b"Interviewer: Damp days?\nPark: When the moisture in the air is over 90 percent, stop welding.\n"
    [new] = master_with(skb, "Park", raw, "park.txt")
    assert [c.variable for c in skb.get_rule(new).rule.clauses()] == ["relative_humidity"]
    # proposing again keeps the confirmed cue and its name
    again = skb.propose_vocabulary()
    assert [c.name for c in again if c.status == "confirmed"] == ["relative_humidity"]


def test_a_confirmed_cues_names_bridge_a_question_in_the_plants_own_words(skb: KnowledgeBase) -> None:
    master_with(skb, "Kim", KIM, "kim.txt")
    master_with(skb, "Lee", LEE, "lee.txt")
    humid = {v.id for v in skb.list_rules() if "humidity" in v.rule.summary()}
    question = "후텁지근한 날은 어떻게 해요?"  # muggy: in no glossary row
    before = [r.view.id for r in skb.search(question, guidance=False)]
    assert not humid & set(before[:1])
    cue = next(c for c in skb.propose_vocabulary() if "humidity" in c.aliases)
    skb.confirm_cue(cue.id, name="후텁지근")  # named as the plant says it; humidity stays an alias
    after = [r.view.id for r in skb.search(question, guidance=False)]
    assert after[0] in humid


def test_invalid_or_clashing_cue_names_and_outsiders_are_refused(skb: KnowledgeBase) -> None:
    master_with(skb, "Kim", KIM, "kim.txt")
    master_with(skb, "Lee", LEE, "lee.txt")
    cues = skb.propose_vocabulary()
    assert len(cues) >= 2
    with pytest.raises(InvalidEdit, match="invalid cue name"):
        skb.confirm_cue(cues[0].id, name="rain; DROP TABLE rules")
    skb.confirm_cue(cues[0].id, name="weather_now")
    with pytest.raises(InvalidEdit, match="already called 'weather_now'"):
        skb.confirm_cue(cues[1].id, name="weather_now")
    with pytest.raises(InvalidEdit, match="number, a flag or a category"):
        skb.confirm_cue(cues[1].id, kind="colour")
    assert skb.vocabulary()[1].status == "proposed"  # nothing half-written
    skb.add_user("sme", "sme")
    with pytest.raises(PermissionDenied, match="may not curate"):
        skb.as_user("sme").propose_vocabulary()


def test_mapping_respects_the_cue_type(encoder: SentenceEncoder) -> None:
    rain = Cue("weather", "category", frozenset({"rain"}), encoder.encode([masked("it rains"), masked("on wet days")]))
    wet = Clause(text="in wet weather", variable="wetness", operator=Operator.EQ, value="wet")
    hot = Clause(text="the plate is above 100 degrees", variable="plate_temp", operator=Operator.GT, value=100.0)
    assert map_clause(wet, [rain], encoder.encode([masked(wet.text)])[0]) == "weather"
    assert map_clause(hot, [rain], encoder.encode([masked(hot.text)])[0]) is None


# --- near duplicates and disagreements ------------------------------------------------------------


def known(key: str, master: str, clause: Clause, action: str) -> KnownRule:
    rule = Rule(conditions=Group(items=[clause]), actions=[Action(text=action, verb=action.split()[0])])
    return KnownRule(key=key, rule=rule, version=1, status="confirmed", master=master)


def test_same_rule_with_other_numbers_is_a_disagreement_and_restatement_a_near_duplicate(
    encoder: SentenceEncoder,
) -> None:
    rules = [
        known("1", "Kim", Clause(text="humidity is above 80 percent", variable="humidity", operator=">", value=80.0, unit="%"), "add more filler"),
        known("2", "Lee", Clause(text="the air humidity goes over 85 percent", variable="air_humidity", operator=">", value=85.0, unit="%"), "add more filler"),
        known("3", "Kim", Clause(text="it rains", variable="weather", operator="==", value="rain"), "put up the screens"),
        known("4", "Lee", Clause(text="on rainy days", variable="rainy", operator="is_true"), "put the screens up"),
        known("5", "Lee", Clause(text="the flame turns white", variable="flame", operator="==", value="white"), "stop the oxygen"),
    ]  # fmt: skip
    vectors = encoder.encode([k.rule.summary() for k in rules])
    found = near_duplicates(rules, vectors, threshold=0.6)
    kinds = {f.rules: f.kind for f in found}
    assert kinds[("1", "2")] == "disagreement"
    assert kinds[("3", "4")] == "near_duplicate"
    assert not any("5" in f.rules for f in found)
    disagreement = next(f for f in found if f.kind == "disagreement")
    assert "80 percent" in disagreement.detail and "85 percent" in disagreement.detail
    assert disagreement.scope == "between masters" and "Which holds" in disagreement.question


def test_findings_and_merge_candidates_come_from_meaning(skb: KnowledgeBase) -> None:
    kim = master_with(skb, "Kim", KIM, "kim.txt")
    lee = master_with(skb, "Lee", LEE, "lee.txt")
    found = skb.findings()
    pairs = {frozenset(f.rules): f.kind for f in found if f.kind in ("disagreement", "near_duplicate")}
    humid_kim, humid_lee = kim[0], lee[0]
    assert pairs[frozenset((str(humid_kim), str(humid_lee)))] == "disagreement"
    similar = skb.similar_rules(humid_kim)
    assert similar[0][0].id == humid_lee and similar[0][1] >= 0.6
    merged = skb.merge_rules(kim[2] if len(kim) > 2 else kim[-1], lee[-1], reason="same rule", expected_versions=(1, 1))
    assert {e.turn.speaker for e in merged.evidence} == {"Kim", "Lee"}  # both sources kept


def test_turns_are_searched_by_meaning_for_interviewers_only(skb: KnowledgeBase) -> None:
    master_with(skb, "Park", WELDING, "shipyard_welding.txt")
    [(turn, filename, cosine), *_] = skb.search_turns("what do they do about the weather outdoors?")
    assert not turn.is_interviewer and filename == "shipyard_welding.txt" and cosine > 0.2
    assert "rain" in turn.text.lower() or "wind" in turn.text.lower()
    skb.add_user("sme", "sme")
    with pytest.raises(PermissionDenied, match="may not import"):
        skb.as_user("sme").search_turns("rain")


def test_vocabulary_keeps_confidential_phrases_in_their_organisation_and_drops_withdrawn_masters(
    skb: KnowledgeBase,
) -> None:
    kim = skb.register_master("Kim", craft="welding", organisation="Hanbit")
    skb.record_consent(kim, ["internal_guidance"])
    skb.import_transcript(kim, parse_bytes(KIM, "kim.txt"), KIM, extract_transcript, confidential=True)
    master_with(skb, "Lee", LEE, "lee.txt")
    humidity = next(c for c in skb.propose_vocabulary() if "air_humidity" in c.aliases)
    assert set(humidity.masters) == {"Kim", "Lee"}  # the admin reads everything
    skb.add_user("outsider", "interviewer", organisation="Other Yard")
    seen = next(c for c in skb.as_user("outsider").vocabulary() if c.id == humidity.id)
    assert seen.masters == ["Lee"] and not any("80 percent" in p for p in seen.phrases)
    skb.withdraw_consent(skb.master_by_name("Lee").id)
    after = next(c for c in skb.vocabulary() if c.id == humidity.id)
    assert after.masters == ["Kim"]
    assert all(t.speaker != "Lee" for t, _, _ in skb.search_turns("humidity and filler"))


# --- Korean and across languages ------------------------------------------------------------------

PARK_KO = """면담자: 비 오는 날에는 어떻게 하세요?
박명장: 비가 오면 용접봉을 건조로에 두 시간 넣어 둬요.
면담자: 판이 두꺼우면요?
박명장: 두께가 25밀리 이상인 경우에는 반드시 예열을 해야 돼요.
""".encode("cp949")


def test_a_korean_question_finds_the_english_rule_and_an_english_question_the_korean_one(mkb: KnowledgeBase) -> None:
    english = master_with(mkb, "Kim", KIM, "kim.txt")
    korean = master_with(mkb, "박명장", PARK_KO, "park.txt", craft="용접")
    confirm_all(mkb)
    preheat_en = next(i for i in english if "preheat" in mkb.get_rule(i).rule.summary())
    dry_ko = next(i for i in korean if "용접봉" in mkb.get_rule(i).rule.summary())
    found = [r.view.id for r in mkb.search("두꺼운 판은 예열을 해야 하나요?")]
    assert preheat_en in found[:3]
    found = [r.view.id for r in mkb.search("What do I do with the welding rods when it rains?")]
    assert dry_ko in found[:3]


def test_english_search_is_unchanged_when_the_knowledge_base_holds_no_korean(
    semantic_url: str, encoder: SentenceEncoder, multilingual: object
) -> None:
    both = KnowledgeBase(semantic_url, encoder=encoder, multilingual=multilingual)
    both.add_user("admin", "admin")
    kb = both.as_user("admin")
    master_with(kb, "Kim", KIM, "kim.txt")
    master_with(kb, "Lee", LEE, "lee.txt")
    confirm_all(kb)
    alone = kb.as_user("admin")
    alone.multilingual = None
    for question in ("what if the air is very humid?", "thick steel plate"):
        assert [r.hit for r in kb.search(question)] == [r.hit for r in alone.search(question)]
    both.engine.dispose()


def test_without_the_multilingual_model_a_korean_question_finds_an_english_rule_only_by_the_glossary(
    skb: KnowledgeBase,
) -> None:
    english = master_with(skb, "Kim", KIM, "kim.txt")
    confirm_all(skb)
    preheat_en = next(i for i in english if "preheat" in skb.get_rule(i).rule.summary())
    found = skb.search("두꺼운 판은 예열을 해야 하나요?")  # 예열 is "preheat" in the glossary
    assert found[0].view.id == preheat_en and found[0].hit.lexical == 1.0
    assert preheat_en not in [r.view.id for r in skb.search("이건 언제 그렇게 해요?")][:3]


def test_korean_words_meet_whatever_particle_follows_them() -> None:
    index = Bm25(["습도가 팔십 퍼센트를 넘으면 예열하세요", "비가 오면 용접봉을 말리세요"])
    scores = index.scores("습도는 얼마예요?")
    assert scores[0] > 0 and scores[1] == 0


def test_a_korean_question_reads_its_facts(mkb: KnowledgeBase) -> None:
    master_with(mkb, "박명장", PARK_KO, "park.txt", craft="용접")
    confirm_all(mkb)
    facts, _ = mkb.facts_from_question("두께가 30밀리인데 어떻게 해요?")
    assert facts["두께"] == 30 or getattr(facts["두께"], "value", None) == 30
    facts, _ = mkb.facts_from_question("비가 안 올 때는요?")
    assert facts.get("비") is False


def test_the_masters_korean_turns_are_searchable_in_both_languages(mkb: KnowledgeBase) -> None:
    master_with(mkb, "박명장", PARK_KO, "park.txt", craft="용접")
    said = mkb.search_turns("drying welding rods in wet weather")
    assert said and "용접봉" in said[0][0].text
    said = mkb.search_turns("비 올 때 용접봉")
    assert said and "용접봉" in said[0][0].text
