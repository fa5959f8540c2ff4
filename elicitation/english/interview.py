"""An English interview read as a conversation: the master's turns through the rule reader, each
answer completed by the interviewer's question before it, every rule citing its turns."""

from __future__ import annotations

from collections.abc import Callable

from spacy.language import Language
from spacy.tokens import Doc

from elicitation.citing import made
from elicitation.disfluency import Cleaned, clean
from elicitation.english.component import RuleExtractor
from elicitation.english.questions import Question, answer_rules, read_question
from elicitation.transcripts import Transcript, Turn
from rules import Evidence, Rule

# A master's sentence that looks like a rule but could not be read as one: where, what, how sure.
Possible = tuple[Evidence, str, float]


def read_english_interview(
    transcript: Transcript, asking: set[str], nlp: Language, progress: Callable[[int, int], None] | None = None
) -> tuple[list[Rule], list[Possible]]:
    """The interview's rules, sorted by confidence, highest first, and the possible rules, read
    with `nlp` (a pipeline with the "myeongjang_rules" component); `asking` are the interviewer's
    speakers, `progress(done, total)` is called as turns are read."""
    reader = nlp.get_pipe("myeongjang_rules")
    assert isinstance(reader, RuleExtractor)
    turns = list(transcript.turns)
    cleaned = [clean(t.text) for t in turns]
    found: list[Rule] = []
    possible: list[Possible] = []
    question: Question | None = None
    docs = nlp.pipe(made(nlp, c.text, question=t.speaker in asking) for t, c in zip(turns, cleaned, strict=True))
    for done, (turn, spoken, doc) in enumerate(zip(turns, cleaned, docs, strict=True), start=1):
        if progress is not None:
            progress(done, len(turns))
        if turn.speaker in asking:
            question = read_question(doc, turn, spoken)
            continue
        rules = answer_rules(question, doc, turn, spoken, reader.confidence)
        found.extend(rules)
        question = None
        possible.extend(_possible(rules, doc, turn, spoken))
    found.sort(key=lambda r: -r.confidence)
    return found, possible


def _possible(rules: list[Rule], doc: Doc, turn: Turn, spoken: Cleaned) -> list[Possible]:
    """The turn's possible rules, in the spoken turn, but for those inside a sentence a rule cites."""
    cited = [(e.start, e.end) for r in rules for e in r.evidence if e.turn == turn.index]
    out: list[Possible] = []
    for start, end, score in doc._.possible_rules:
        start, end = spoken.to_original(start, end)
        if not any(a < end and start < b for a, b in cited):
            where = Evidence(turn=turn.index, speaker=turn.speaker, start=start, end=end)
            out.append((where, turn.text[start:end], score))
    return out
