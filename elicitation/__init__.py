"""Transcripts in, candidate rules out."""

from elicitation.errors import TranscriptError
from elicitation.extraction import (
    RuleExtractor,
    extract_text,
    extract_texts,
    extract_transcript,
    load_pipeline,
)
from elicitation.transcripts import Transcript, Turn, decode, is_interviewer, parse_bytes, read_transcript

__all__ = [
    "RuleExtractor",
    "Transcript",
    "TranscriptError",
    "Turn",
    "decode",
    "extract_text",
    "extract_texts",
    "extract_transcript",
    "is_interviewer",
    "load_pipeline",
    "parse_bytes",
    "read_transcript",
]
