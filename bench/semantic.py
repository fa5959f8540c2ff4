"""Semantic-layer benchmark: retrieval quality, search latency at 100,000 rules, cue clustering.

    .venv/bin/python bench/semantic.py [--rules 100000] [--queries 300] [--postgres URL] [--quick]

1. Retrieval. A knowledge base holds every gold rule of the bundled annotated interviews
   (elicitation/gold, stored through the service with the master's words as its clauses) and the
   rules extracted from the sample interviews. Each question of bench/data/questions.tsv (140,
   on which the search design was chosen) and bench/data/questions_holdout.tsv (43, written after
   and never tuned on), worded away from its target rule, is asked through
   `KnowledgeBase.search`; recall@3 counts the target in the top three. Baselines in the same run:
   BM25 alone (the same index's lexical ranking) and the sentence vectors alone.
2. Latency. A knowledge base of N generated rules (cue phrases x actions from the gold set, with
   numbers, so every text differs) is searched with the questions, on SQLite (vectors ranked in
   process) and on PostgreSQL when --postgres or MYEONGJANG_TEST_PGVECTOR_URL names a server with
   pgvector (ranked by the database; its public schema is wiped). p50/p95/p99 of a whole search
   call (question encoding, BM25, vector ranking, fusion, loading the five rules), after the index
   is built; the first call's build time is reported apart. The agreement of the two engines'
   top-3 is reported too. Baselines in the same run, each question asked in turn by each: the
   question encoded by torch (as before ONNX Runtime), and in process also ranked in one pass
   (the full matrix product, as before the principal-component shortlist); p99 ratios to them.
3. Clustering. The cue-vocabulary clustering of bench/data/cue_phrases.tsv (234 phrases, 29 cues)
   scored by the adjusted Rand index, against the string-similarity baseline (the same clustering
   on character 3-gram TF-IDF); each method's threshold was chosen on the dev half, so the test
   half is the figure to believe.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from sklearn.metrics import adjusted_rand_score  # noqa: E402
from sqlalchemy import create_engine, insert, text  # noqa: E402

from bench._record import record  # noqa: E402
from elicitation import evaluation, extract_transcript  # noqa: E402
from elicitation.embeddings import SentenceEncoder, default_encoder  # noqa: E402
from elicitation.transcripts import parse_bytes  # noqa: E402
from knowledge_base import KnowledgeBase, search  # noqa: E402
from knowledge_base.models import Embedding, Master, RuleRow, RuleVersion  # noqa: E402
from knowledge_base.semantic import document, ranking, text_hash  # noqa: E402
from rules import Action, Clause, Evidence, Group, Rule  # noqa: E402
from rules.vocabulary import CLUSTER_DISTANCE, STRING_DISTANCE, clusters, masked, string_clusters  # noqa: E402

DATA = ROOT / "bench" / "data"
SAMPLES = ROOT / "elicitation" / "samples"


def read_tsv(path: Path) -> list[tuple[str, str]]:
    rows = [line.rstrip("\n").split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if r and not r[0].startswith("#")][1:]
    return [(a, b) for a, b in rows]


def fresh(url: str) -> str:
    if url.startswith("postgresql"):
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    elif url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url[len("sqlite:///") :] + suffix).unlink(missing_ok=True)
    return url


def gold_clause(text: str, rule: evaluation.GoldRule) -> Clause:
    """A gold condition as a confirmed rule holds it: measurable where the gold says its value
    (a tolerance, `within`, as at most), in the master's words otherwise."""
    value = next((v for v in rule.values if v.condition == text and v.unit), None)
    if value is None:
        return Clause(text=text)
    operator = "<=" if value.operator == "within" else value.operator
    bound = list(value.value) if isinstance(value.value, tuple) else value.value
    return Clause(text=text, variable=value.variable, operator=operator, value=bound, unit=value.unit)


def gold_rule(rule: evaluation.GoldRule, interview: evaluation.GoldInterview) -> Rule:
    turns = interview.transcript.turns
    return Rule(
        conditions=Group(join="all", items=[gold_clause(c, rule) for c in rule.conditions]),
        exceptions=[gold_clause(e, rule) for e in rule.exceptions],
        actions=[Action(text=a) for a in rule.actions],
        evidence=[
            Evidence(turn=turns[i].index, speaker=turns[i].speaker, start=0, end=len(turns[i].text))
            for i in sorted(rule.turns)
        ],
    )


def gold_kb(
    url: str,
    encoder: Any,
    *,
    folders: Sequence[Path] = (evaluation.GOLD_DIR,),
    samples: bool = True,
    multilingual: Any = None,
) -> tuple[KnowledgeBase, dict[str, int]]:
    """A knowledge base of every gold rule of these folders (and the samples' extracted rules);
    target ("NAME#i") -> rule id."""
    kb = KnowledgeBase(fresh(url), encoder=encoder, multilingual=multilingual)
    kb.add_user("admin", "admin")
    kb = kb.as_user("admin")
    targets: dict[str, int] = {}
    for interview in (i for folder in folders for i in evaluation.read_gold_dir(folder)):
        name = interview.path.name.split(".")[0]
        master = kb.register_master(f"Master of {name}", craft=interview.craft)
        kb.record_consent(master, ["internal_guidance"])
        rules = [gold_rule(r, interview) for r in interview.rules]
        raw = interview.transcript.name.encode() + interview.path.read_bytes()
        result = kb.import_transcript(master, interview.transcript, raw, lambda _t, rules=rules: rules)
        for i, rule_id in enumerate(result.rule_ids):
            targets[f"{name}#{i}"] = rule_id
    for path in sorted(SAMPLES.glob("*.*")) if samples else []:
        if path.suffix not in (".txt", ".vtt"):
            continue
        master = kb.register_master(f"Sample {path.stem}", craft=path.stem.split("_")[-1])
        kb.record_consent(master, ["internal_guidance"])
        raw = path.read_bytes()
        kb.import_transcript(master, parse_bytes(raw, path.name), raw, extract_transcript)
    return kb, targets


def recall_at(ranked: Sequence[int], target: int, k: int = 3) -> float:
    return 1.0 if target in ranked[:k] else 0.0


def retrieval(url: str, encoder: SentenceEncoder) -> tuple[dict[str, Any], dict[str, list[int]]]:
    """Recall@3 of the search and of its two halves alone, on the questions the search design was
    chosen on and on the held-out ones written after."""
    kb, targets = gold_kb(url, encoder)
    index, in_db = search.rule_index(kb)
    allowed = index.allowed(index.ids.tolist())
    figures: dict[str, Any] = {"rules": len(index.ids)}
    top3: dict[str, list[int]] = {}
    every_hybrid: list[float] = []
    every_lexical: list[float] = []
    for name, prefix in (("questions.tsv", ""), ("questions_holdout.tsv", "holdout_")):
        questions = read_tsv(DATA / name)
        hybrid, lexical, vector, mrr = [], [], [], []
        for target, question in questions:
            want = targets[target]
            found = [r.view.id for r in kb.search(question, limit=10, guidance=False)]
            top3[question] = found[:3]
            hybrid.append(recall_at(found, want))
            mrr.append(1.0 / (found.index(want) + 1) if want in found else 0.0)
            lexical.append(recall_at([i for i, _ in index.lexical(question, allowed, 3)], want))
            if not in_db:
                query = encoder.encode([question])[0]
                vector.append(recall_at([i for i, _ in index.semantic(index.cosines(query), allowed, 3)], want))
        figures[f"{prefix}questions"] = len(questions)
        figures[f"{prefix}recall_at_3_hybrid"] = round(statistics.mean(hybrid), 3)
        figures[f"{prefix}recall_at_3_bm25"] = round(statistics.mean(lexical), 3)
        figures[f"{prefix}mrr_at_10_hybrid"] = round(statistics.mean(mrr), 3)
        if vector:
            figures[f"{prefix}recall_at_3_vectors"] = round(statistics.mean(vector), 3)
        every_hybrid.extend(hybrid)
        every_lexical.extend(lexical)
    figures["all_questions"] = len(every_hybrid)
    figures["all_recall_at_3_hybrid"] = round(statistics.mean(every_hybrid), 3)
    figures["all_recall_at_3_bm25"] = round(statistics.mean(every_lexical), 3)
    return figures, top3


# --- latency at scale ------------------------------------------------------------------------------


def generated_rules(n: int, seed: int = 7) -> list[Rule]:
    rng = random.Random(seed)
    cues = [p for _, p in read_tsv(DATA / "cue_phrases.tsv")]
    actions = sorted({a for i in evaluation.read_gold_dir(evaluation.GOLD_DIR) for r in i.rules for a in r.actions})
    out = []
    for i in range(n):
        conds = [Clause(text=f"{rng.choice(cues)}") for _ in range(rng.choice((1, 1, 2)))]
        act = rng.choice(actions)
        out.append(
            Rule(
                conditions=Group(join="all", items=conds),
                actions=[Action(text=f"{act} (step {i % 997})")],
                rationale=f"batch {i // 1000}, line {i % 1000}",
            )
        )
    return out


def vectors_for(texts: list[str], encoder: SentenceEncoder, cache: Path) -> np.ndarray:  # type: ignore[type-arg]
    """Encodings of the generated texts, kept in a file so a second run does not pay again."""
    if cache.exists():
        arr = np.load(cache)
        if len(arr) == len(texts):
            return arr
    started = time.perf_counter()
    arr = encoder.encode(texts)
    print(f"  encoded {len(texts):,} rule texts in {time.perf_counter() - started:.0f} s")
    np.save(cache, arr)
    return arr


def fill(url: str, rules: list[Rule], vectors: np.ndarray, encoder: SentenceEncoder) -> KnowledgeBase:  # type: ignore[type-arg]
    """Bulk-load rules (one version each, confirmed, two consenting masters) and their cached vectors."""
    kb = KnowledgeBase(fresh(url), encoder=encoder)
    kb.add_user("admin", "admin")
    kb = kb.as_user("admin")
    masters = [kb.register_master(f"Master {i}", craft="welding") for i in range(2)]
    for m in masters:
        kb.record_consent(m, ["internal_guidance"])
    now = datetime.now(UTC)
    summaries = [r.search_text() for r in rules]
    documents = [document(None, x, []) for x in summaries]
    with kb.engine.begin() as conn:
        for start in range(0, len(rules), 5000):
            chunk = range(start, min(start + 5000, len(rules)))
            conn.execute(
                insert(RuleRow),
                [
                    {
                        "id": i + 1,
                        "master_id": masters[i % 2],
                        "status": "confirmed",
                        "current_version": 1,
                        "confidence": 0.8,
                        "row_version": 1,
                        "confidential": False,
                        "summary": summaries[i],
                        "created_at": now,
                    }
                    for i in chunk
                ],
            )
            conn.execute(
                insert(RuleVersion),
                [
                    {
                        "rule_id": i + 1,
                        "number": 1,
                        "body": rules[i].model_dump(mode="json"),
                        "status": "confirmed",
                        "author": "bench",
                        "reason": "generated",
                        "created_at": now,
                    }
                    for i in chunk
                ],
            )
        seen: set[str] = set()
        rows = []
        for doc, v in zip(documents, vectors, strict=True):
            h = text_hash(doc)
            if h not in seen:
                seen.add(h)
                rows.append(
                    {
                        "model": encoder.key,
                        "text_hash": h,
                        "dim": encoder.dim,
                        "vector": v.astype("<f4").tobytes(),
                        "created_at": now,
                    }
                )
        for start in range(0, len(rows), 5000):
            conn.execute(insert(Embedding), rows[start : start + 5000])
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT setval(pg_get_serial_sequence('rules', 'id'), (SELECT max(id) FROM rules))"))
    kb.add_user("sme", "sme")  # a write, so the state token moves on
    assert Master  # the masters exist; imported for the reader
    return kb


@contextmanager
def torch_questions(kb: KnowledgeBase) -> Iterator[None]:
    """The baseline encoding: the question by torch, as before ONNX Runtime."""
    encoder: Any = kb.encoder
    saved, encoder._runtime = encoder._runtime, False
    try:
        yield
    finally:
        encoder._runtime = saved


@contextmanager
def one_pass(kb: KnowledgeBase) -> Iterator[None]:
    """The baseline in-process ranking: the full matrix product for every question."""
    index = kb.caches.semantic.index
    assert index is not None
    saved, index.reduced = index.reduced, None
    try:
        yield
    finally:
        index.reduced = saved


def latency(kb: KnowledgeBase, questions: list[str], queries: int) -> tuple[dict[str, Any], dict[str, list[int]]]:
    """Percentiles of whole searches, and in the same run (each question asked in turn by each) of
    the baselines: the question encoded by torch, and in process the one-pass ranking too."""
    started = time.perf_counter()
    kb.search(questions[0], guidance=True)
    build = time.perf_counter() - started
    in_db = kb.semantic_backend() == "pgvector"
    configs: dict[str, Callable[[], Any]] = {"ours": nullcontext, "torch_question": lambda: torch_questions(kb)}
    if not in_db:
        configs["torch_question_one_pass"] = lambda: _both(kb)
    for q in questions[:5]:  # warm-up
        for make in configs.values():
            with make():
                kb.search(q)
    times: dict[str, list[float]] = {name: [] for name in configs}
    top3: dict[str, list[int]] = {}
    for i in range(queries):
        q = questions[i % len(questions)]
        for name, make in configs.items():
            with make():
                t = time.perf_counter()
                found = kb.search(q, limit=5)
                times[name].append((time.perf_counter() - t) * 1000)
            if name == "ours":
                top3.setdefault(q, [r.view.id for r in found[:3]])

    def pct(name: str, p: float) -> float:
        ordered = sorted(times[name])
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)

    out: dict[str, Any] = {
        "backend": kb.semantic_backend(),
        "index_build_s": round(build, 2),
        "p50_ms": pct("ours", 0.5),
        "p95_ms": pct("ours", 0.95),
        "p99_ms": pct("ours", 0.99),
    }
    for name in configs:
        if name != "ours":
            out[f"baseline_{name}"] = {"p50_ms": pct(name, 0.5), "p99_ms": pct(name, 0.99)}
            out[f"p99_ratio_to_{name}"] = round(pct("ours", 0.99) / pct(name, 0.99), 3)
    return out, top3


@contextmanager
def _both(kb: KnowledgeBase) -> Iterator[None]:
    with torch_questions(kb), one_pass(kb):
        yield


def agreement(a: dict[str, list[int]], b: dict[str, list[int]]) -> float:
    shared = [q for q in a if q in b]
    return round(sum(a[q] == b[q] for q in shared) / len(shared), 3) if shared else 0.0


# --- clustering ------------------------------------------------------------------------------------


def clustering(encoder: SentenceEncoder) -> dict[str, Any]:
    rows = read_tsv(DATA / "cue_phrases.tsv")
    labels = [cue for cue, _ in rows]
    texts = [p for _, p in rows]
    vectors = encoder.encode([masked(t) for t in texts])
    out: dict[str, Any] = {"phrases": len(rows), "cues": len(set(labels))}
    for half, name in ((None, "all"), (0, "dev"), (1, "test")):
        idx = [i for i in range(len(rows)) if half is None or i % 2 == half]
        gold = [labels[i] for i in idx]
        out[f"ari_{name}"] = round(adjusted_rand_score(gold, clusters(vectors[idx], CLUSTER_DISTANCE)), 3)
        out[f"ari_{name}_string"] = round(
            adjusted_rand_score(gold, string_clusters([texts[i] for i in idx], STRING_DISTANCE)), 3
        )
    return out


def worded(url_path: str, encoder: SentenceEncoder) -> dict[str, Any]:
    """Each question set by kind (bench/_worded.py); the held-out set's figures are the headline."""
    from bench import _worded
    from elicitation.embeddings import multilingual_encoder

    kb, targets = _worded.mixed_kb(f"sqlite:///{url_path}", encoder, multilingual_encoder())
    out: dict[str, Any] = {}
    for name, key in (("questions_dev.tsv", "worded_dev"), ("questions_blind.tsv", "worded_blind")):
        questions = _worded.read_questions(DATA / name, targets)
        found = _worded.scored(kb, targets, questions)
        missed = found.pop("missed")
        for line in missed if key == "worded_dev" else ():  # the held-out set's misses are not read
            print(f"    missed ({name}) {line}")
        for k, v in found.items():
            print(f"  {key} {k:34} {v}")
        out[key] = found
    from bench import _duplicates

    out["near_duplicates"] = _duplicates.precision(DATA / "restatements.tsv", encoder, multilingual_encoder())
    for k, v in out["near_duplicates"].items():
        print(f"  near duplicates {k:34} {v}")
    for pair in ("en_en", "en_ko", "ko_ko"):
        out[f"near_duplicate_precision_{pair}"] = out["near_duplicates"][f"ours_{pair}_precision"]
    blind = out["worded_blind"]
    for group in ("korean", "crosslingual", "with_numbers"):
        out[f"recall_at_3_{group}"] = blind[f"{group}_recall_at_3"]
        out[f"recall_at_3_{group}_bm25"] = blind[f"{group}_recall_at_3_bm25"]
    kb.engine.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rules", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--postgres", default=os.environ.get("MYEONGJANG_TEST_PGVECTOR_URL"))
    parser.add_argument(
        "--quick", action="store_true", help="2,000 rules, 60 queries, two passes above 1,000; retrieval on SQLite only"
    )
    args = parser.parse_args()
    if args.quick:
        args.rules, args.queries = 2_000, 60
        # the same code paths at the small size: the in-process ranking's two passes too
        ranking.TWO_PASS_RULES = args.rules // 2
    encoder = default_encoder()
    figures: dict[str, Any] = {"model": encoder.key}

    with tempfile.TemporaryDirectory() as tmp:
        print("retrieval (gold rules, paraphrased questions)")
        found, top_sqlite = retrieval(f"sqlite:///{tmp}/gold.db", encoder)
        for k, v in found.items():
            print(f"  {k:24} {v}")
        figures["retrieval"] = found
        if args.postgres and not args.quick:  # quick: PostgreSQL's search is timed below
            pg_found, top_pg = retrieval(args.postgres, encoder)
            figures["retrieval_postgres"] = pg_found
            figures["retrieval_same_top3"] = agreement(top_sqlite, top_pg)
            print(
                f"  postgres recall@3 {pg_found['recall_at_3_hybrid']}, same top 3 as SQLite: {figures['retrieval_same_top3']}"
            )

        print(f"latency ({args.rules:,} rules, {args.queries} searches)")
        rules = generated_rules(args.rules)
        texts = [document(None, r.search_text(), []) for r in rules]
        vectors = vectors_for(
            texts, encoder, Path(tempfile.gettempdir()) / f"myeongjang-bench-vectors-{args.rules}.npy"
        )
        questions = [q for _, q in read_tsv(DATA / "questions.tsv")]
        engines = [("sqlite", f"sqlite:///{tmp}/scale.db")]
        if args.postgres:
            engines.append(("postgres", args.postgres))
        tops = {}
        for name, url in engines:
            kb = fill(url, rules, vectors, encoder)
            lat, tops[name] = latency(kb, questions, args.queries)
            kb.engine.dispose()
            figures[f"latency_{name}"] = lat
            print(f"  {name:9} {lat}")
        if len(tops) == 2:
            figures["latency_same_top3"] = agreement(tops["sqlite"], tops["postgres"])
            print(f"  same top 3 on both engines: {figures['latency_same_top3']}")
        figures["rules"] = args.rules
        figures["queries"] = args.queries

    print("retrieval by kind of question, and near duplicates per pair of languages")
    figures.update(worded(f"{tempfile.gettempdir()}/myeongjang-bench-worded.db", encoder))

    print("clustering (cue vocabulary)")
    figures["clustering"] = clustering(encoder)
    for k, v in figures["clustering"].items():
        print(f"  {k:24} {v}")
    record("semantic", figures)


if __name__ == "__main__":
    main()
