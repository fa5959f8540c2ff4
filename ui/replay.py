"""The learning curve: the bundled gold interviews replayed as if a master reviewed them one by
one. Interview k is imported with the models trained on the reviews of interviews 1..k-1, its
proposals are reviewed as the gold says (a proposal matching a gold rule is confirmed, corrected
to the gold's words first where they differ; any other is rejected), and the reader is retrained
through the product's own path (`learning.train`, with its held-out gate). After each step the
held-out interviews are scored with the models in use, beside the hand-built reader alone.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from elicitation import evaluation
from elicitation.errors import ModelRefused
from elicitation.learned import LearnedModel
from elicitation.pipeline import extract_transcript
from elicitation.training import learner
from knowledge_base import KnowledgeBase
from rules import Rule
from ui import learning

EXACT = 0.999  # a proposal this close to its gold rule is accepted as it stands


@dataclass
class Step:
    interview: str
    proposals: int
    kept: int  # confirmed (as proposed or corrected)
    rejected: int
    seen_f1: float  # this interview, read before its reviews were learned
    held_out: dict[str, Any]
    model: str  # the model in use after the step
    refused: str | None = None


@dataclass
class Replay:
    language: str
    reader_alone: dict[str, Any]
    steps: list[Step] = field(default_factory=list)
    model: LearnedModel | None = None  # the model in use at the end, if one was accepted

    @property
    def final(self) -> dict[str, Any]:
        return self.steps[-1].held_out if self.steps else self.reader_alone

    def as_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "reader_alone": self.reader_alone,
            "final": self.final,
            "steps": [s.__dict__ for s in self.steps],
        }


def replay(language: str, *, limit: int | None = None, progress: Callable[[str], None] | None = None) -> Replay:
    """Replay the language's development interviews (the first `limit` of them) in a throwaway
    SQLite knowledge base; the held-out ones are only ever scored."""
    folder = evaluation.GOLD_DIR_KO if language == "ko" else evaluation.GOLD_DIR
    interviews = evaluation.read_gold_dir(folder, "dev")[:limit]
    held = learner.held_out(language)
    out = Replay(language, held.score(None))
    with tempfile.TemporaryDirectory(prefix="myeongjang-replay-") as tmp:
        kb = KnowledgeBase(f"sqlite:///{Path(tmp) / 'replay.db'}")
        kb.add_user("replay", "admin", display_name="Replay")
        kb = kb.as_user("replay")
        master = kb.register_master("Replay master", craft="replay", organisation="replay")
        kb.record_consent(master, ["internal_guidance", "training"])
        for interview in interviews:
            out.steps.append(_step(kb, master, interview, held))
            if progress is not None:
                progress(interview.path.name)
        out.model = learning.models_in_use(kb).get(language)
        kb.engine.dispose()
    return out


def _step(kb: KnowledgeBase, master: int, interview: evaluation.GoldInterview, held: learner.HeldOutReading) -> Step:
    models = learning.models_in_use(kb)
    seen: list[Rule] = []

    def extract(transcript: Any) -> list[Rule]:
        seen.extend(extract_transcript(transcript, models=models))
        return seen

    path = interview.path.parent / Path(interview.transcript.name).name
    result = kb.import_transcript(
        master,
        interview.transcript,
        path.read_bytes(),
        extract,
        proposed_by=learning.proposed_by(models, interview.language),
    )
    match = evaluation.match_rules(interview, seen)
    kept = _review(kb, interview, match, result.rule_ids)
    refused = None
    try:
        learning.train(kb, interview.language)
    except ModelRefused as exc:
        refused = str(exc)
    now = learning.models_in_use(kb).get(interview.language)
    return Step(
        interview.path.name,
        len(seen),
        kept,
        len(seen) - kept,
        match.score.f1,
        held.score(now),
        now.label if now else "reader",
        refused,
    )


def _review(kb: KnowledgeBase, interview: evaluation.GoldInterview, match: evaluation.RuleMatch, ids: list[int]) -> int:
    """Review the imported proposals as the gold says; the number confirmed."""
    gold_of = dict(match.pairs)
    for index, rule_id in enumerate(ids):
        view = kb.get_rule(rule_id)
        if index not in gold_of:
            kb.review(rule_id, "rejected", expected_version=view.version, comment="not a rule (replay)")
            continue
        gold = interview.rules[gold_of[index]]
        version = view.version
        if (evaluation.pair_score(view.rule, gold) or 0.0) < 2 * EXACT:
            corrected = _as_gold(view.rule, gold)
            version = kb.edit_rule(
                rule_id, corrected, reason="the master's words (replay)", expected_version=version
            ).version
        kb.review(rule_id, "confirmed", expected_version=version)
    return len(gold_of)


def _as_gold(rule: Rule, gold: evaluation.GoldRule) -> dict[str, Any]:
    """The proposal with its clauses and actions in the gold's words."""
    body = rule.model_dump(mode="json")
    body["conditions"] = {
        "kind": "group",
        "join": "all",
        "items": [{"kind": "clause", "text": t} for t in gold.conditions],
    }
    body["exceptions"] = [{"kind": "clause", "text": t} for t in gold.exceptions]
    body["actions"] = [{"text": t} for t in gold.actions]
    return body
