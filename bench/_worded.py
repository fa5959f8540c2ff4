"""Questions by kind over the gold rules of both languages, for bench/semantic.py.

A knowledge base holds every gold rule of the English and Korean annotated interviews (the
master's words as clauses, measurable where the gold says the value, as a master's confirmed rule
is) and both sentence models. Each question of a set is tagged with its kind: `en` (English about
an English rule), `ko` (Korean about a Korean rule), `en>ko` and `ko>en` (across languages), with
`+num` when it states a measured number. Two sets:

- bench/data/questions_dev.tsv: the development set the search is tuned on;
- bench/data/questions_blind.tsv: written by someone who had not seen a search result, scored once
  per change and never tuned on. Its figures are the ones to believe.

Per set and per group of kinds: recall@3 and MRR@10 of `KnowledgeBase.search`, and of BM25 alone
(the same index's lexical ranking) as the baseline in the same run.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from elicitation import evaluation
from knowledge_base import KnowledgeBase, search

Groups = dict[str, Callable[[str], bool]]
# Which kinds each reported group holds.
GROUPS: Groups = {
    "all": lambda k: True,
    "english": lambda k: k.split("+")[0] in ("en", "en>ko"),  # asked in English
    "korean": lambda k: k.split("+")[0] in ("ko", "ko>en"),  # asked in Korean
    "korean_about_korean": lambda k: k.split("+")[0] == "ko",
    "same_language": lambda k: ">" not in k,
    "crosslingual": lambda k: ">" in k,
    "with_numbers": lambda k: k.endswith("+num"),
}


@dataclass(frozen=True)
class Question:
    target: str
    kind: str
    text: str


def read_questions(path: Path, targets: dict[str, int]) -> list[Question]:
    """A set's questions (target, kind, question); a Korean rule may be named `ko_FILE#i` or
    `FILE#i` (its file's name already starts with ko_ or holds _ko_)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        target, kind, text = line.split("\t")
        if target == "target":
            continue
        if target not in targets and target.startswith("ko_") and target[3:] in targets:
            target = target[3:]
        if target not in targets:
            raise SystemExit(f"{path.name}: no gold rule {target!r}")
        out.append(Question(target, kind, text))
    return out


def mixed_kb(url: str, encoder: Any, multilingual: Any) -> tuple[KnowledgeBase, dict[str, int]]:
    from bench.semantic import gold_kb

    folders = (evaluation.GOLD_DIR, evaluation.GOLD_DIR_KO)
    return gold_kb(url, encoder, folders=folders, samples=False, multilingual=multilingual)


def _rank(found: Sequence[int], want: int) -> tuple[float, float]:
    """(in the top three, reciprocal rank within ten)."""
    top = list(found[:10])
    return (1.0 if want in top[:3] else 0.0, 1.0 / (top.index(want) + 1) if want in top else 0.0)


def scored(kb: KnowledgeBase, targets: dict[str, int], questions: Sequence[Question]) -> dict[str, Any]:
    """Recall@3 and MRR@10 per group of kinds, hybrid and BM25 alone; and the questions missed."""
    index, _ = search.rule_index(kb)
    allowed = index.allowed(index.ids.tolist())
    rows = []
    for q in questions:
        want = targets[q.target]
        hybrid = _rank([r.view.id for r in kb.search(q.text, limit=10, guidance=False)], want)
        lexical = _rank([i for i, _ in index.lexical(q.text, allowed, 10)], want)
        rows.append((q, hybrid, lexical))
    out: dict[str, Any] = {"questions": len(rows)}
    for group, belongs in GROUPS.items():
        chosen = [r for r in rows if belongs(r[0].kind)]
        if not chosen:
            continue
        out[f"{group}_questions"] = len(chosen)
        out[f"{group}_recall_at_3"] = round(statistics.mean(h[0] for _, h, _ in chosen), 3)
        out[f"{group}_mrr_at_10"] = round(statistics.mean(h[1] for _, h, _ in chosen), 3)
        out[f"{group}_recall_at_3_bm25"] = round(statistics.mean(x[0] for _, _, x in chosen), 3)
    out["missed"] = [f"{q.kind} {q.target}: {q.text}" for q, h, _ in rows if not h[0]]
    return out
