"""The reader learning from the masters' reviews: training a model on the knowledge base's
examples, and reading interviews with the models in use. Shared by the CLI and the admin page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from elicitation.learned import LearnedModel
from elicitation.training import learner
from knowledge_base import KnowledgeBase
from knowledge_base.training import ModelView, fingerprint
from rules.language import ENGLISH, KOREAN

LANGUAGES = (ENGLISH, KOREAN)


def models_in_use(kb: KnowledgeBase) -> dict[str, LearnedModel]:
    """The newest model of each language that has one, ready to read with."""
    out = {}
    for language in LANGUAGES:
        view = kb.reader_model(language)
        if view is not None:
            out[language] = LearnedModel.from_json(view.weights, view.label)
    return out


def proposed_by(models: dict[str, LearnedModel], language: str) -> str:
    """What an import records on each rule: the reader, and the model version it read with."""
    model = models.get(language)
    return "reader" if model is None else f"reader+{model.label}"


@dataclass(frozen=True)
class Trained:
    """A model trained and accepted: its stored view and the figures it was judged on."""

    model: ModelView
    figures: dict[str, Any]


def train(kb: KnowledgeBase, language: str) -> Trained:
    """Train the language's model on the reviews on record and store it as the next version, if
    it scores at least as well on the held-out gold as the model in use (else `ModelRefused`)."""
    examples = kb.training_examples(language=language)
    items = [learner.Labelled(e.proposed, e.sentence, e.is_rule, tuple(e.final)) for e in examples]
    candidate = learner.fit(items, language)
    view = kb.reader_model(language)
    current = LearnedModel.from_json(view.weights, view.label) if view is not None else None
    candidate, figures = learner.best_part(candidate, current, learner.held_out(language))
    figures["decisions"] = {d: sum(e.decision == d for e in examples) for d in sorted({e.decision for e in examples})}
    stored = kb.store_reader_model(
        language, candidate, fingerprint=fingerprint(examples), examples=len(examples), figures=figures
    )
    return Trained(stored, figures)
