"""Transcripts in, candidate rules out."""

from elicitation.english import RuleExtractor, load_pipeline
from elicitation.errors import TranscriptError
from elicitation.guide import GuideQuestion, coverage, guide_docx, guide_markdown, interview_guide
from elicitation.pipeline import (
    PossibleRule,
    Reading,
    extract_text,
    extract_texts,
    extract_transcript,
    read_interview,
)
from elicitation.transcripts import Transcript, Turn, decode, is_interviewer, parse_bytes, read_transcript

__all__ = [
    "GuideQuestion",
    "PossibleRule",
    "Reading",
    "RuleExtractor",
    "Transcript",
    "TranscriptError",
    "Turn",
    "coverage",
    "decode",
    "extract_text",
    "extract_texts",
    "extract_transcript",
    "guide_docx",
    "guide_markdown",
    "interview_guide",
    "is_interviewer",
    "load_pipeline",
    "parse_bytes",
    "read_interview",
    "read_transcript",
]
