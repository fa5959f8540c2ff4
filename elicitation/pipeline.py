"""Which reader reads a text or an interview: the one place that chooses the language and knows
both readers, English ("myeongjang_rules") and Korean ("myeongjang_rules_ko")."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from spacy.language import Language

from elicitation.english import load_pipeline, read_english_interview
from elicitation.korean import load_korean_pipeline, read_korean_interview
from elicitation.learned import LearnedModel
from elicitation.limits import budgeted
from elicitation.merging import merge_same_variable
from elicitation.references import resolve_references
from elicitation.scales import apply_scales
from elicitation.transcripts import Transcript
from rules import Evidence, Rule
from rules.doubts import asks, bare, doubts
from rules.language import KOREAN, language_of, language_of_texts


def pipeline_for(text: str) -> Language:
    """The pipeline that reads this text: the Korean one for Korean, else the English one."""
    if language_of(text) == KOREAN:
        return load_korean_pipeline()
    return load_pipeline()


def extract_text(text: str) -> list[Rule]:
    """Rules in a plain text (English or Korean), offsets into that text."""
    return merge_same_variable(apply_scales(pipeline_for(text)(text)._.rules, [text]))


def extract_texts(texts: Iterable[str], batch_size: int = 64) -> Iterator[list[Rule]]:
    """Rules in each text, in order; each batch is read by language, each language in one pipe."""
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) >= batch_size:
            yield from _extract_batch(batch, batch_size)
            batch = []
    if batch:
        yield from _extract_batch(batch, batch_size)


def _extract_batch(batch: list[str], batch_size: int) -> Iterator[list[Rule]]:
    by_pipe: dict[int, tuple[Language, list[int]]] = {}
    for i, text in enumerate(batch):
        nlp = pipeline_for(text)
        by_pipe.setdefault(id(nlp), (nlp, []))[1].append(i)
    out: list[list[Rule]] = [[] for _ in batch]
    for nlp, indexes in by_pipe.values():
        for i, doc in zip(indexes, nlp.pipe((batch[i] for i in indexes), batch_size=batch_size), strict=True):
            out[i] = merge_same_variable(apply_scales(doc._.rules, [doc.text]))
    yield from out


@dataclass(frozen=True)
class PossibleRule:
    """A sentence the detector takes for a rule that the reader could not structure: worth
    asking the master to say again, with the condition and the action plainly."""

    evidence: Evidence
    text: str
    score: float


@dataclass(frozen=True)
class Reading:
    rules: list[Rule]
    possible: list[PossibleRule]


@dataclass(frozen=True)
class Pipelines:
    """The pipelines an interview is read with, one per language, for a caller that reads with its
    own instances (`build_pipeline(calibrate=False)` for the reader's raw scores, say)."""

    english: Language
    korean: Language


def extract_transcript(
    transcript: Transcript,
    progress: Callable[[int, int], None] | None = None,
    *,
    models: Mapping[str, LearnedModel] | None = None,
) -> list[Rule]:
    """Rules from the master's turns, each citing its turn and the character offsets of the
    sentence it was said in; a condition the interviewer asked about ("And what if it rains?")
    joins the answer's rule, which then cites the question's turn too.

    Sorted by confidence, highest first, as the review queue shows them. `progress(done, total)`
    is called as turns are read, for a progress bar. `models` are the learned models in use, by
    language (`elicitation.learned`): they rescore the reader's rules and drop the sure misses.
    """
    return read_interview(transcript, progress, models=models).rules


def read_interview(
    transcript: Transcript,
    progress: Callable[[int, int], None] | None = None,
    *,
    pipelines: Pipelines | None = None,
    models: Mapping[str, LearnedModel] | None = None,
) -> Reading:
    """The rules of `extract_transcript`, and the master's sentences that look like rules but
    could not be read as one; read with `pipelines`, by default the process's calibrated ones,
    and the learned model of the interview's language in `models`, if any.
    The reading stops, refused, once it runs past the time budget (`limits.budgeted`)."""
    progress = budgeted(progress, transcript.name or "the interview")
    asking = interviewer_speakers(transcript)
    language = language_of_texts(t.text for t in transcript.turns)
    model = (models or {}).get(language)
    if language == KOREAN:
        korean = pipelines.korean if pipelines is not None else load_korean_pipeline()
        rules = read_korean_interview(transcript, asking, korean, progress)
        return Reading(_finished(rules, transcript, model), [])
    english = pipelines.english if pipelines is not None else load_pipeline()
    rules, possible = read_english_interview(transcript, asking, english, progress)
    return Reading(
        _finished(rules, transcript, model),
        [PossibleRule(where, text, score) for where, text, score in possible],
    )


def _finished(rules: list[Rule], transcript: Transcript, model: LearnedModel | None = None) -> list[Rule]:
    """The rules read turn by turn, completed from the whole interview: numbers pointed back to,
    cues put on the master's scales, clauses on one variable made consistent, and none whose
    action is a question or whose condition names nothing (`rules.doubts`); then rescored by the
    learned model, if there is one."""
    resolved = resolve_references(rules, transcript)
    finished = merge_same_variable(apply_scales(resolved, (t.text for t in transcript.turns)))
    finished = [kept for r in finished if (kept := without_doubts(r)) is not None]
    if model is None:
        return finished
    return model.apply(finished, {t.index: t.text for t in transcript.turns})


def without_doubts(rule: Rule) -> Rule | None:
    """The rule without its actions that are questions and its exceptions that name nothing
    (`rules.doubts`); None when no action is left or a condition names nothing."""
    if not doubts(rule):
        return rule
    if any(bare(c) for c in rule.clauses()):
        return None
    actions = [a for a in rule.actions if not asks(a)]
    if not actions:
        return None
    return rule.model_copy(update={"actions": actions, "exceptions": [e for e in rule.exceptions if not bare(e)]})


def interviewer_speakers(transcript: Transcript) -> set[str]:
    """Who asks: speakers labelled as the interviewer, or else (for diarised transcripts with
    labels like SPEAKER_00) the one speaker whose turns are mostly questions."""
    named = {t.speaker for t in transcript.turns if t.is_interviewer}
    speakers = transcript.speakers
    if named or len(speakers) < 2:
        return named
    share = {}
    for speaker in speakers:
        own = [t for t in transcript.turns if t.speaker == speaker]
        share[speaker] = sum(t.text.rstrip().endswith("?") for t in own) / len(own)
    best = max(speakers, key=lambda s: share[s])
    ranked = sorted(share.values(), reverse=True)
    return {best} if share[best] >= 0.5 and ranked[1] < share[best] / 2 else set()
