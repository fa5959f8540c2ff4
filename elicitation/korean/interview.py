"""A Korean interview read as a conversation: the conditions of the interviewer's question join
the answer's instructions or rule, every rule citing its turns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from elicitation.citing import cite, made, sentences
from elicitation.disfluency import Cleaned, clean
from elicitation.korean.component import KoreanRuleReader
from elicitation.korean.main_clause import final_predicate
from elicitation.korean.markers import PAST, pairs_of, split_clauses
from elicitation.korean.sentences import certainty_of, clauses_of, read_sentence
from elicitation.transcripts import Transcript, Turn
from rules import Action, Clause, Evidence, Group, Rule


def read_question_conditions(doc: Doc) -> tuple[list[Clause], Any, bool]:
    """The conditions an interviewer's Korean question sets up ("용접 비드가 검게 나오면 어떻게
    해요?", "가마를 열 때는요?"), the sentence they are in, and whether the question is only a
    condition ("~때는요?": what about when ...), which the answer's own condition completes."""
    sents = [s for s in doc.sents if s.text.strip()]
    asked = next((s for s in reversed(sents) if s.text.strip().endswith("?")), None)
    if asked is None:
        return [], None, False
    parts = split_clauses(asked)
    conditions = [p for p in parts[:-1] if p.marker and p.marker.role == "condition"]
    clauses = [c for p in conditions for c in clauses_of(p) if isinstance(c, Clause)]
    rest = [t for t in parts[-1].tokens if not (t.is_punct or t.is_space or t.text in ("요",))]
    if rest and any(f in PAST and tag == "EP" for t in final_predicate(rest) for f, tag in pairs_of(t)):
        return [], None, False  # "처음 배우실 때 힘드셨죠?" asks for a story, not a rule
    return clauses, asked, bool(clauses) and not rest


def read_korean_interview(
    transcript: Transcript, asking: set[str], nlp: Language, progress: Callable[[int, int], None] | None = None
) -> list[Rule]:
    """The rules of a Korean interview, each citing the turns it rests on, with offsets in the
    spoken turn. The conditions of an interviewer's question ("용접 비드가 검게 나오면 어떻게 해요?")
    join the instructions the answer opens with when they have no condition of their own, and a
    question that is only a condition ("가마를 열 때는요?") joins the rule the answer opens with.
    `nlp` is the pipeline read with (one with the "myeongjang_rules_ko" component)."""
    reader = nlp.get_pipe("myeongjang_rules_ko")
    assert isinstance(reader, KoreanRuleReader)
    turns = list(transcript.turns)
    cleaned = [clean(t.text) for t in turns]
    docs = nlp.pipe(made(nlp, c.text, question=t.speaker in asking) for t, c in zip(turns, cleaned, strict=True))
    found: list[Rule] = []
    question: tuple[list[Clause], Evidence, bool] | None = None
    for done, (turn, spoken, doc) in enumerate(zip(turns, cleaned, docs, strict=True), start=1):
        if progress is not None:
            progress(done, len(turns))
        if turn.speaker in asking:
            question = None
            clauses, asked, elliptical = read_question_conditions(doc)
            if clauses and asked is not None:
                start, end = spoken.to_original(asked.start_char, asked.start_char + len(asked.text.rstrip()))
                loose = [c.model_copy(update={"start": None, "end": None}) for c in clauses]
                question = (loose, Evidence(turn=turn.index, speaker=turn.speaker, start=start, end=end), elliptical)
            continue
        rules = [cite(r, doc, turn, spoken) for r in doc._.rules]
        if question is not None:
            rules = _answer(question, doc, turn, spoken, rules, reader)
        question = None
        found.extend(rules)
    found.sort(key=lambda r: -r.confidence)
    return found


def _answer(
    question: tuple[list[Clause], Evidence, bool],
    doc: Doc,
    turn: Turn,
    spoken: Cleaned,
    rules: list[Rule],
    reader: KoreanRuleReader,
) -> list[Rule]:
    clauses, asked, elliptical = question
    sents = [s for s in sentences(doc) if s.text.strip()][:3]
    if not sents:
        return rules

    def cites(rule: Rule, sent: Span) -> bool:
        a, b = spoken.to_original(sent.start_char, sent.end_char)
        return any(e.turn == turn.index and e.start < b and a < e.end for e in rule.evidence)

    owned = [next((i for i, r in enumerate(rules) if cites(r, s)), None) for s in sents]
    if owned[0] is not None:
        if not elliptical:
            return rules
        i = owned[0]
        rule = rules[i]
        joined = rule.model_copy(
            update={
                "conditions": Group(join="all", items=[*clauses, *rule.conditions.items]),
                "evidence": [*rule.evidence, asked],
            }
        )
        return [*rules[:i], joined, *rules[i + 1 :]]
    steps: list[Action] = []
    said: list[Span] = []
    for sent, own in zip(sents, owned, strict=True):
        if own is not None:
            break
        if not steps and _echo(sent):
            continue  # "문제가 생기나요?" "생기죠.": a yes, the answer follows
        reading = read_sentence(sent)
        # "덜 마른 나무를 쓰면요?" "나중에 틀어지고 갈라져요.": what follows answers a bare condition
        kinds = ("instruction", "prohibition", "habit", *(("consequence",) if elliptical else ()))
        if reading.actions and reading.kind in kinds:
            steps.extend(reading.actions)
            said.append(sent)
        elif steps:
            break
    if not steps:
        return rules
    rule = Rule(
        conditions=Group(join="all", items=list(clauses)),
        actions=steps,
        certainty=certainty_of(list(said[0])),
        confidence=reader.confidence(0.6),
    )
    cited = cite(rule, doc, turn, spoken)
    return [cited.model_copy(update={"evidence": [*cited.evidence, asked]}), *rules]


_ECHOED = {"있다", "없다", "그렇다", "맞다", "생기다", "많다"}


def _echo(sent: Span) -> bool:
    """An answer that only says yes to the question ("있죠, 비 많이 온 해에는 특히", "생기죠")."""
    pairs = [p for t in sent if not (t.is_punct or t.is_space) for p in pairs_of(t)]
    if len(pairs) < 2 or pairs[0][1] not in ("VV", "VA") or f"{pairs[0][0]}다" not in _ECHOED:
        return False
    return pairs[1][1] == "EF" or pairs[1] in (("죠", "EC"), ("지요", "EC"))  # "있죠, ...": a yes, ended at once
