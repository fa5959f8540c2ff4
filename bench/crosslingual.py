"""Cross-lingual retrieval: Korean questions find English masters' rules, and English questions
Korean masters' rules.

    .venv/bin/python bench/crosslingual.py [--fit] [--quick]

`--quick` asks every cross-lingual question but, of the English ones, only the 43 held out.

A knowledge base holds every gold rule of the bundled annotated interviews in both languages
(elicitation/gold and elicitation/gold/ko, the master's words as clauses). Each question of
bench/data/questions_crosslingual.tsv (Korean about English rules, English about Korean rules) is
asked through `KnowledgeBase.search`, and recall@3 counts its target in the top three. A fixed,
hash-chosen half of the questions is the development half (the one `--fit` fits on); the other
half is held out. In the same run, for comparison:

- the English-only model (all-MiniLM-L6-v2), as the semantic layer was before: the baseline;
- BM25 alone over the same knowledge base;
- the English questions of bench/data/questions.tsv and questions_holdout.tsv on this mixed
  knowledge base, with and without the multilingual model: adding Korean rules and the second
  model must not cost the English search its recall.

`--fit` fits the linear map from the multilingual model's cosines onto MiniLM's on the
development half (the mean cosine of a question to its target and to the other rules, matched
between the two models) and writes elicitation/crosslingual.json, then measures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench._record import record  # noqa: E402
from bench.semantic import DATA, gold_kb, read_tsv  # noqa: E402
from elicitation import evaluation  # noqa: E402
from elicitation.embeddings import CROSSLINGUAL, MultilingualEncoder, default_encoder  # noqa: E402
from knowledge_base import KnowledgeBase, search  # noqa: E402
from rules.language import KOREAN, language_of  # noqa: E402


def dev(question: str) -> bool:
    """The development half: chosen by a hash of the question, fixed once and for all."""
    return hashlib.sha256(question.encode("utf-8")).digest()[0] % 2 == 0


def mixed_kb(url: str, encoder: Any, multilingual: Any) -> tuple[KnowledgeBase, dict[str, int]]:
    """Every gold rule of both languages (no samples); target name ("NAME#i") -> rule id."""
    folders = (evaluation.GOLD_DIR, evaluation.GOLD_DIR_KO)
    return gold_kb(url, encoder, folders=folders, samples=False, multilingual=multilingual)


_FOUND: dict[tuple[int, str, str], bool] = {}  # (knowledge base, target, question) -> in the top three


def recall(kb: KnowledgeBase, targets: dict[str, int], questions: list[tuple[str, str]]) -> float:
    """Recall@3 of these questions; each question is searched once per knowledge base, so the dev and
    held-out totals reuse the searches of their parts."""
    for t, q in questions:
        if (id(kb), t, q) not in _FOUND:
            _FOUND[(id(kb), t, q)] = targets[t] in [r.view.id for r in kb.search(q, limit=3, guidance=False)]
    hits = [_FOUND[(id(kb), t, q)] for t, q in questions]
    return round(statistics.mean(hits), 3) if hits else 0.0


def bm25_recall(kb: KnowledgeBase, targets: dict[str, int], questions: list[tuple[str, str]]) -> float:
    index, _ = search.rule_index(kb)
    allowed = index.allowed(index.ids.tolist())
    hits = [targets[t] in [i for i, _ in index.lexical(q, allowed, 3)] for t, q in questions]
    return round(statistics.mean(hits), 3) if hits else 0.0


def fit_scale(kb: KnowledgeBase, targets: dict[str, int], multilingual: MultilingualEncoder) -> dict[str, Any]:
    """The map a + b x from multilingual cosines onto MiniLM's that ranks best on the development
    questions: the English ones (questions.tsv) against the mixed knowledge base, and the
    development half of the cross-lingual ones, equally weighted. Each question's cosines under both
    models and its BM25 scores are computed once; the search's scoring (cosine + 0.1 x relative
    BM25, a Korean side scored by the mapped multilingual cosine) is then replayed for each (a, b)."""
    from knowledge_base.semantic import LEXICAL_WEIGHT

    assert kb.encoder is not None
    index, _ = search.rule_index(kb)
    english = read_tsv(DATA / "questions.tsv")
    crossing = [(t, q) for t, q in read_tsv(DATA / "questions_crosslingual.tsv") if dev(q)]
    saved = multilingual.scale
    multilingual.scale = (0.0, 1.0)
    cases = []
    try:
        for t, q in [*english, *crossing]:
            bm25 = index.bm25.scores(q)
            best = float(bm25.max()) or 1.0
            raw = search.crosslingual(kb, index, q)
            korean_question = language_of(q) == KOREAN
            primary = None if korean_question else index.cosines(kb.encoder.encode([q])[0])
            cases.append((index.position[targets[t]], bm25 / best, raw, primary, (t, q) in crossing))
    finally:
        multilingual.scale = saved

    def score(a: float, b: float) -> float:
        hits: dict[bool, list[bool]] = {True: [], False: []}
        for at, lexical, raw, primary, cross in cases:
            mapped = a + b * raw if raw is not None else None
            cos = _mixed(primary, mapped, index.korean)
            total = cos + LEXICAL_WEIGHT * lexical
            hits[cross].append(at in np.argsort(-total)[:3])
        return float(np.mean(hits[True])) + float(np.mean(hits[False]))

    grid = [(round(a, 3), round(b, 3)) for a in np.arange(-0.6, 0.31, 0.05) for b in np.arange(0.5, 3.01, 0.25)]
    best_a, best_b = max(grid, key=lambda ab: (score(*ab), -abs(ab[1] - 1)))
    return {
        "intercept": best_a,
        "slope": best_b,
        "fitted_on": (
            f"recall@3 on {len(crossing)} development cross-lingual questions and {len(english)} English "
            f"questions, over a {len(grid)}-point grid"
        ),
        "dev_objective": round(score(best_a, best_b), 4),
    }


def _mixed(primary: Any, mapped: Any, korean: Any) -> Any:
    """The search's cosines: MiniLM's for English with English, the mapped multilingual ones where
    Korean is spoken (all rules for a Korean question, which has no MiniLM cosines)."""
    if primary is None:
        return mapped
    return primary if mapped is None else np.where(korean, mapped, primary)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fit", action="store_true", help="refit elicitation/crosslingual.json on the dev half")
    parser.add_argument(
        "--quick", action="store_true", help="every cross-lingual question; of the English ones only the 43 held out"
    )
    args = parser.parse_args()
    encoder = default_encoder()
    multilingual = MultilingualEncoder()
    questions = read_tsv(DATA / "questions_crosslingual.tsv")
    english = read_tsv(DATA / "questions_holdout.tsv")
    if not args.quick:
        english = read_tsv(DATA / "questions.tsv") + english
    figures: dict[str, Any] = {"model": encoder.key, "multilingual": multilingual.key, "quick": args.quick}
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        kb, targets = mixed_kb(f"sqlite:///{tmp}/mixed.db", encoder, multilingual)
        if args.fit:
            fitted = fit_scale(kb, targets, multilingual)
            CROSSLINGUAL.write_text(json.dumps(fitted, indent=2) + "\n", encoding="utf-8")
            multilingual.scale = (fitted["intercept"], fitted["slope"])
            print(f"wrote {CROSSLINGUAL}: {fitted['intercept']} + {fitted['slope']} x")
        figures["scale"] = list(multilingual.scale)
        index, _ = search.rule_index(kb)
        figures["rules"] = len(index.ids)
        figures["korean_rules"] = int(index.korean.sum())
        baseline = kb.as_user("admin")
        baseline.multilingual = None  # the same knowledge base, searched as before: MiniLM alone
        rows = []
        for label, part in (("dev", True), ("holdout", False)):
            for direction in ("ko->en", "en->ko"):
                asked = [
                    (t, q)
                    for t, q in questions
                    if dev(q) == part and (language_of(q) == KOREAN) == (direction == "ko->en")
                ]
                key = f"{label}_{direction.replace('->', '_to_')}"
                figures[f"{key}_questions"] = len(asked)
                figures[f"{key}_recall_at_3"] = recall(kb, targets, asked)
                figures[f"{key}_recall_at_3_minilm"] = recall(baseline, targets, asked)
                figures[f"{key}_recall_at_3_bm25"] = bm25_recall(kb, targets, asked)
                rows.append((key, len(asked), *(figures[f"{key}_recall_at_3{s}"] for s in ("", "_minilm", "_bm25"))))
        for label, part in (("dev", True), ("holdout", False)):
            asked = [(t, q) for t, q in questions if dev(q) == part]
            figures[f"{label}_recall_at_3"] = recall(kb, targets, asked)
            figures[f"{label}_recall_at_3_minilm"] = recall(baseline, targets, asked)
        figures["english_questions"] = len(english)
        figures["english_recall_at_3_mixed_kb"] = recall(kb, targets, english)
        figures["english_recall_at_3_mixed_kb_minilm"] = recall(baseline, targets, english)
        figures["seconds"] = round(time.perf_counter() - started, 1)
        kb.engine.dispose()
    print(f"{'questions':32} {'n':>4} {'ours':>6} {'MiniLM':>7} {'BM25':>6}")
    for key, n, ours, mini, bm25 in rows:
        print(f"{key:32} {n:>4} {ours:>6} {mini:>7} {bm25:>6}")
    print(
        f"English questions on the mixed knowledge base: recall@3 {figures['english_recall_at_3_mixed_kb']} "
        f"(MiniLM alone {figures['english_recall_at_3_mixed_kb_minilm']})"
    )
    record("crosslingual", figures)


if __name__ == "__main__":
    main()
