"""The English reader: the spaCy component "myeongjang_rules" on the packaged English pipeline,
sentence reading by construction, and interviews read as conversations."""

from elicitation.english.back_references import BACK_REFERENCES, back_reference_rule
from elicitation.english.component import (
    PIPELINE,
    RuleExtractor,
    build_pipeline,
    load_pipeline,
    read_sentence,
    split_at_semicolons,
)
from elicitation.english.interview import read_english_interview
from elicitation.english.patterns import MARKERS, Marker
from elicitation.english.questions import Question, answer_rules, read_question
from elicitation.english.sentences import sentence_rule
from elicitation.english.shapes import sentence_actions

__all__ = [
    "BACK_REFERENCES",
    "MARKERS",
    "PIPELINE",
    "Marker",
    "Question",
    "RuleExtractor",
    "answer_rules",
    "back_reference_rule",
    "build_pipeline",
    "load_pipeline",
    "read_english_interview",
    "read_question",
    "read_sentence",
    "sentence_actions",
    "sentence_rule",
    "split_at_semicolons",
]
