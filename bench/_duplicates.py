"""Near-duplicate precision per pair of languages, for bench/semantic.py.

Labelled pairs: bench/data/restatements.tsv restates 100 gold rules as a second master would say
them (30 English and 30 Korean in their own language, 20 each in the other), written by a helper
that saw no duplicate finding. A rule and its restatement is a true pair; every other pair among
the 556 gold rules and the restatements is counted as false (the gold interviews hold no
restatement, so a flagged gold pair is at worst a related rule of one craft). The thresholds were
chosen on the restatements whose target hashes into the development half; the held-out half is
the figure to believe. Baseline in the same run: one scale for all, MiniLM at 0.9 for every pair,
as the findings judged before. The numbers each rule states are read from its words as a
question's are (`rules.stated.quantities`), since the restatements are text only.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

from elicitation import evaluation
from knowledge_base.semantic import document
from rules.duplicates import similarities
from rules.language import KOREAN, language_of
from rules.stated import quantities
from rules.units import measured


def _summary(conditions: list[str], actions: list[str]) -> str:
    return f"IF {' and '.join(conditions) or '(always)'} THEN {'; '.join(actions)}"


def labelled(path: Any) -> tuple[list[str], list[tuple[int, int]], list[bool]]:
    """Every rule's text (gold first, then restatements), the true pairs, and for each
    restatement whether it is in the development half."""
    texts: list[str] = []
    where: dict[str, tuple[int, str]] = {}
    for folder in (evaluation.GOLD_DIR, evaluation.GOLD_DIR_KO):
        for interview in evaluation.read_gold_dir(folder):
            name = interview.path.name.split(".")[0]
            for i, rule in enumerate(interview.rules):
                where[f"{name}#{i}"] = (len(texts), interview.craft)
                texts.append(document(interview.craft, _summary(rule.conditions, rule.actions), []))
    pairs, dev = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("target\t"):
            continue
        target, _language, conditions, actions = line.split("\t")
        at, craft = where[target]
        pairs.append((at, len(texts)))
        texts.append(document(craft, _summary(conditions.split(" ; "), actions.split(" ; ")), []))
        dev.append(hashlib.sha256(target.encode()).digest()[0] % 2 == 0)
    return texts, pairs, dev


def precision(path: Any, encoder: Any, multilingual: Any) -> dict[str, Any]:
    """Flagged pairs, right ones and restatements found, per pair of languages, on the held-out
    half (pairs of gold rules count in both halves), by the product's judging and the baseline."""
    texts, pairs, dev = labelled(path)
    primary, multi = encoder.encode(texts), multilingual.encode(texts)
    korean = np.array([language_of(t) == KOREAN for t in texts])
    gold = len(texts) - len(pairs)
    held = np.ones(len(texts), dtype=np.bool_)
    held[gold:] = ~np.asarray(dev)
    truth = np.zeros((len(texts), len(texts)), dtype=np.bool_)
    for a, b in pairs:
        truth[a, b] = truth[b, a] = True
    upper = np.triu(np.ones_like(truth), k=1) & held[:, None] & held[None, :]
    upper[gold:, gold:] = False  # two restatements of different rules are not a pair anyone labelled
    kinds = korean[:, None].astype(int) + korean[None, :].astype(int)
    numbers = [frozenset(measured(q.value, q.unit) for q in quantities(t)) for t in texts]
    judged = {"ours": similarities(primary, list(korean), multi, numbers), "one_scale": (primary @ primary.T, None)}
    out: dict[str, Any] = {}
    for name, (sims, limits) in judged.items():
        flagged = sims >= (limits if limits is not None else 0.9)
        for kind, label in ((0, "en_en"), (1, "en_ko"), (2, "ko_ko")):
            mask = upper & (kinds == kind)
            hits, right = int((flagged & mask).sum()), int((flagged & mask & truth).sum())
            out[f"{name}_{label}_flagged"] = hits
            out[f"{name}_{label}_precision"] = round(right / hits, 3) if hits else None
            out[f"{name}_{label}_recall"] = round(right / max(1, int((mask & truth).sum())), 3)
    return out
