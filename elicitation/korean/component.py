"""The Korean rule reader as a registered spaCy component, `nlp.add_pipe("myeongjang_rules_ko")`.

On the Korean pipeline (`load_korean_pipeline`) it sets `doc._.rules`, with character offsets into
`doc.text`, as the English component does.
"""

from __future__ import annotations

import functools

from spacy.language import Language
from spacy.tokens import Doc, Span

from elicitation import calibration
from elicitation.citing import register_extensions
from elicitation.korean.sentences import (
    SentenceReading,
    certainty_of,
    continues,
    contrasted,
    halves,
    opposite,
    read_sentence,
)
from elicitation.korean.tokens import blank_korean
from rules import Certainty, Group, Rule

register_extensions()


@Language.factory("myeongjang_rules_ko", default_config={"min_confidence": 0.3, "calibrate": True})
def make_korean_reader(nlp: Language, name: str, min_confidence: float, calibrate: bool) -> KoreanRuleReader:
    return KoreanRuleReader(nlp, name, min_confidence=min_confidence, calibrate=calibrate)


class KoreanRuleReader:
    """Reads each sentence of a Korean doc and stores its rules on `doc._.rules`."""

    def __init__(
        self, nlp: Language, name: str = "myeongjang_rules_ko", min_confidence: float = 0.3, calibrate: bool = True
    ) -> None:
        self.nlp = nlp
        self.name = name
        self.min_confidence = min_confidence
        self.calibrate = calibrate

    def confidence(self, raw: float) -> float:
        return calibration.apply(raw, calibration.load(calibration.WEIGHTS_KO) if self.calibrate else None)

    @staticmethod
    def _in_context(
        reading: SentenceReading, sent: Span, previous: SentenceReading | None, found: list[Rule]
    ) -> SentenceReading | None:
        """The sentence read with the one before: a reason or a further step is folded into the
        rule before (None is returned), a back reference (그러면, 아니면) takes its conditions."""
        if (
            previous is not None
            and previous.cases
            and reading.back == "same"
            and reading.rule is None
            and reading.actions
        ):
            # "원단이 꼬이는 경우가 있어요. 그럴 때는 바로 세우고 노즐 압력부터 봐요."
            return SentenceReading(
                rule=Rule(
                    conditions=Group(join="all", items=list(previous.cases)),
                    actions=reading.actions,
                    certainty=certainty_of(list(sent)),
                    confidence=0.6,
                ),
                kind=reading.kind,
            )
        before = previous.rule if previous is not None and found else None
        if before is None or previous is None:
            if reading.back == "same" and reading.rule is None:
                # "그럼 다음 배치 넣기 전에 ..." with no rule before to lean on: its own case
                alone = read_sentence(sent, leaning=False)
                return alone if alone.rule is not None else reading
            return reading
        remedy = _steps(reading) or (reading.back == "same" and reading.kind in ("instruction", "habit"))
        if previous.kind in _EXPLAINED and reading.rule is None and reading.actions and remedy:
            # "붉게 나오면 빨강이 많이 들어간 거예요. 블루를 조금 추가해서 다시 돌려요.": the steps
            # answer the diagnosis; it becomes their reason
            said = "; ".join(a.text for a in found[-1].actions)
            remedied = found[-1].model_copy(
                update={"actions": reading.actions, "rationale": found[-1].rationale or said}
            )
            if previous.kind == "consequence":
                # "물이 너무 차가우면 날이 갈라져요. 그러니까 미지근한 물을 쓰세요.": the warning is a
                # rule of its own, and the remedy one more under the same condition
                found.append(remedied)
            else:
                found[-1] = remedied
            previous.rule, previous.kind = found[-1], reading.kind
            return None
        if reading.rationale:
            if found[-1].rationale is None:
                found[-1] = found[-1].model_copy(update={"rationale": reading.rationale})
            return None
        if reading.kind == "verdict":
            if reading.certainty not in (None, Certainty.ALWAYS):
                found[-1] = found[-1].model_copy(update={"certainty": reading.certainty})
                previous.rule = found[-1]
            return None
        if reading.rule is None and reading.actions and _instead(sent):
            # "비가 오면 대패질은 안 해요. 대신 먹줄 놓는 일을 하죠.": the other work belongs to the rule
            found[-1] = found[-1].model_copy(update={"actions": [*found[-1].actions, *reading.actions]})
            previous.rule = found[-1]
            return None
        if reading.rule is not None or not reading.actions:
            return reading
        if continues(sent) or (reading.back == "same" and previous.kind == "diagnosis"):
            # "...마세요. 바로 마른 걸로 바꿔 끼고요." / "...식은 거예요. 그러면 다시 화덕에 넣어야 돼요."
            found[-1] = found[-1].model_copy(update={"actions": [*found[-1].actions, *reading.actions]})
            previous.rule = found[-1]
            return None
        if reading.back is None:
            return reading
        clauses = before.clauses()
        if reading.back == "opposite":
            clauses = [opposite(c) for c in clauses]
        rule = Rule(
            conditions=Group(join="all", items=list(clauses)),
            actions=reading.actions,
            certainty=certainty_of(list(sent)),
            confidence=0.55,
        )
        return SentenceReading(rule=rule, kind=reading.kind)

    def __call__(self, doc: Doc) -> Doc:
        if doc.user_data.get("myeongjang_question"):
            return doc
        self.set_annotations(doc, self.read(doc))
        return doc

    def read(self, doc: Doc) -> list[Rule]:
        """The doc's rules, calibrated, each sentence read with the one before."""
        found: list[Rule] = []
        previous: SentenceReading | None = None
        for sent in (piece for whole in doc.sents for piece in halves(whole)):
            contrast = contrasted(sent)
            if contrast:
                found.extend(self.calibrated(r) for r in contrast if r.confidence >= self.min_confidence)
                previous = SentenceReading(rule=contrast[-1], kind="instruction")
                continue
            reading = self._in_context(read_sentence(sent), sent, previous, found)
            if reading is None:
                continue  # it changed the rule before (a reason, a step more)
            if reading.rule is not None and reading.rule.confidence >= self.min_confidence:
                found.append(self.calibrated(reading.rule))
            if sent.text.strip():
                previous = reading
        return found

    def set_annotations(self, doc: Doc, found: list[Rule]) -> None:
        doc._.rules = found
        doc._.possible_rules = []

    def calibrated(self, rule: Rule) -> Rule:
        return rule.model_copy(update={"confidence": self.confidence(rule.confidence)})


# what a cue means or does, for the steps said next to answer: "...넘으면 슬래그가 많이 나와요. 생석회를 더 넣어요."
_EXPLAINED = ("diagnosis", "consequence")


def _steps(reading: SentenceReading) -> bool:
    """Whether a sentence with no condition of its own tells what to do (not a story, a remark)."""
    return reading.kind in ("instruction", "prohibition", "habit") and reading.back is None


def _instead(sent: Span) -> bool:
    words = [t.text for t in sent if not (t.is_space or t.is_punct)]
    return bool(words) and (words[0] == "대신" or words[:2] == ["그", "대신"] or words[0] == "대신에")


def build_korean_pipeline(calibrate: bool = True) -> Language:
    """A new Korean pipeline: Kiwi morphemes, sentences, and the rule reader, its confidences
    calibrated unless `calibrate` is False (the reader's raw score, for fitting)."""
    nlp = blank_korean()
    nlp.add_pipe("myeongjang_korean_sentences")
    nlp.add_pipe("myeongjang_rules_ko", config={"calibrate": calibrate})
    return nlp


@functools.lru_cache(maxsize=1)
def load_korean_pipeline() -> Language:
    """The Korean pipeline: Kiwi morphemes, sentences, and the rule reader (one per process)."""
    return build_korean_pipeline()
