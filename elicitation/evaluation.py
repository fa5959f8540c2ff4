"""Scoring the extractor against gold data: sentence detection, span overlap and whole rules.

Three kinds of gold, one `Score` each:

- **detection**: a CSV with a `Sentence` column and a 0/1 label column (CiRA's `Causal`). A
  sentence counts as detected when the extractor finds a rule in it.
- **spans**: CiRA-style JSON files (`{"sentence", "labels": [{"name": "Cause1", "begin", "end"}]}`).
  `Cause*` labels are conditions, `Effect*` labels actions; predicted and gold characters are
  compared (micro-averaged over all files).
- **rules**: interview transcripts with a `NAME.gold.json` beside each, the format described in
  `elicitation/gold/README.md`. A predicted rule matches a gold rule when it cites one of the gold
  rule's turns and its condition and action words each overlap the gold ones with F1 >= 0.5;
  matching is one-to-one, best pairs first.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from elicitation.english import load_pipeline
from elicitation.errors import TranscriptError
from elicitation.transcripts import Transcript, read_transcript
from rules import Clause, Rule
from rules.language import is_hangul, language_of_texts
from rules.morphology import kiwi

GOLD_DIR = Path(__file__).parent / "gold"
GOLD_DIR_KO = GOLD_DIR / "ko"  # the Korean interviews, scored apart
MATCH_THRESHOLD = 0.5
_STOP = {
    "a", "an", "the", "it", "its", "it's", "you", "we", "i", "to", "of", "and", "or", "that", "this",
    "is", "are", "be", "uh", "um", "then", "if", "when", "so", "at", "in", "on", "for", "with", "your",
}  # fmt: skip
_WORD = re.compile(r"[a-z0-9]+(?:[.,'][a-z0-9]+)*")


@dataclass
class Score:
    """Counts of true positives, false positives and false negatives, and what follows from them."""

    tp: float = 0.0
    fp: float = 0.0
    fn: float = 0.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def as_dict(self) -> dict[str, float]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


class GoldError(ValueError):
    """A gold file that cannot be scored against: named, with what is wrong."""


# --- (a) detection -----------------------------------------------------------------------------


def read_detection(path: Path, label: str = "Causal") -> list[tuple[str, bool]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            if reader.fieldnames is None or "Sentence" not in reader.fieldnames or label not in reader.fieldnames:
                raise GoldError(f"{path}: expected columns 'Sentence' and {label!r}, found {reader.fieldnames}")
            rows = []
            for n, row in enumerate(reader, start=2):
                value = (row[label] or "").strip()
                if value not in ("0", "1"):
                    raise GoldError(f"{path}, line {n}: {label} must be 0 or 1, not {value!r}")
                rows.append((row["Sentence"], value == "1"))
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"{path}: cannot read ({exc})") from None
    if not rows:
        raise GoldError(f"{path}: no rows")
    return rows


def in_holdout(text: str) -> bool:
    """A fixed quarter of the sentences, chosen by a hash of their text, that no tuning may use."""
    return hashlib.sha256(text.encode("utf-8")).digest()[0] % 4 == 0


def score_detection(rows: Sequence[tuple[str, bool]], predict: Callable[[list[str]], list[bool]]) -> Score:
    predicted = predict([s for s, _ in rows])
    score = Score()
    for (_, gold), guess in zip(rows, predicted, strict=True):
        score.tp += gold and guess
        score.fp += guess and not gold
        score.fn += gold and not guess
    return score


def _read(texts: list[str]) -> list[Any]:
    return list(load_pipeline().pipe(texts, batch_size=64))


def detect(texts: list[str]) -> list[bool]:
    """The product's answer to "is this a rule?": a structured rule, or a sentence the detector
    flags as a possible rule for the interviewer to ask about again."""
    return [bool(d._.rules or d._.possible_rules) for d in _read(texts)]


def detect_structured(texts: list[str]) -> list[bool]:
    """Only sentences the reader could turn into a structured rule."""
    return [bool(d._.rules) for d in _read(texts)]


def extract_sentences(texts: list[str]) -> list[list[Rule]]:
    return [list(d._.rules) for d in _read(texts)]


# --- (b) spans ---------------------------------------------------------------------------------


@dataclass
class SpanGold:
    name: str
    sentence: str
    conditions: list[tuple[int, int]]
    actions: list[tuple[int, int]]


def read_spans(directory: Path) -> list[SpanGold]:
    files = sorted(directory.glob("*.json"))
    if not files:
        raise GoldError(f"{directory}: no .json span files")
    out = []
    for f in files:
        data = _load_json(f)
        if not isinstance(data, dict) or not isinstance(data.get("sentence"), str):
            raise GoldError(f"{f}: expected an object with a 'sentence' string")
        conditions, actions = [], []
        for label in data.get("labels", []):
            span = (int(label["begin"]), int(label["end"]))
            if label["name"].startswith("Cause"):
                conditions.append(span)
            elif label["name"].startswith("Effect"):
                actions.append(span)
        out.append(SpanGold(f.name, data["sentence"], conditions, actions))
    return out


def _conditions(rule: Rule) -> list[Clause]:
    return [*rule.clauses(), *rule.exceptions]


def _chars(spans: Iterable[tuple[int, int]]) -> set[int]:
    return {i for a, b in spans for i in range(a, b)}


def score_spans(golds: Sequence[SpanGold], extract: Callable[[list[str]], list[list[Rule]]]) -> dict[str, Score]:
    """Character overlap of conditions (with exceptions) and of actions, and both together."""
    found = extract([g.sentence for g in golds])
    scores = {"conditions": Score(), "actions": Score(), "all": Score()}
    for gold, rules in zip(golds, found, strict=True):
        cond_pred = _chars(
            (c.start, c.end) for r in rules for c in _conditions(r) if c.start is not None and c.end is not None
        )
        act_pred = _chars(
            (a.start, a.end) for r in rules for a in r.actions if a.start is not None and a.end is not None
        )
        for key, pred, true in (
            ("conditions", cond_pred, _chars(gold.conditions)),
            ("actions", act_pred, _chars(gold.actions)),
        ):
            part = Score(len(pred & true), len(pred - true), len(true - pred))
            scores[key].add(part)
            scores["all"].add(part)
    return scores


# --- (c) whole rules in interviews -------------------------------------------------------------


VALUE_OPERATORS = ("==", "!=", "<", "<=", ">", ">=", "between", "within")


@dataclass(frozen=True)
class GoldValue:
    """A hand-checked threshold in one of a gold rule's conditions or exceptions: "the gap is
    bigger than 4 mm" is gap_width > 4 mm. `value` is a number, or [low, high] for `between`;
    for `within` (a tolerance, "within 5 degrees") it is the tolerance. `unit` is pint's spelling,
    None for a bare count."""

    condition: str
    variable: str
    operator: str
    value: float | tuple[float, float]
    unit: str | None


@dataclass
class GoldRule:
    conditions: list[str]
    actions: list[str]
    exceptions: list[str]
    turns: set[int]
    values: list[GoldValue] = field(default_factory=list)

    @property
    def cross_turn(self) -> bool:
        return len(self.turns) > 1


@dataclass
class GoldInterview:
    path: Path
    transcript: Transcript
    craft: str
    split: str
    rules: list[GoldRule] = field(default_factory=list)
    language: str = "en"


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"{path}: cannot read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise GoldError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None


def _squash(text: str) -> str:
    return " ".join(text.split())


def _is_number(value: Any) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _read_values(item: Any, clauses: list[str], where: str) -> list[GoldValue]:
    """A gold rule's optional `values`: each names one of its conditions or exceptions."""
    entries = item.get("values", [])
    if not isinstance(entries, list):
        raise GoldError(f"{where}: 'values' must be a list")
    out = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise GoldError(f"{where}: each of 'values' must be an object")
        condition, variable, op = entry.get("condition"), entry.get("variable"), entry.get("operator")
        value, unit = entry.get("value"), entry.get("unit")
        if condition not in clauses:
            raise GoldError(f"{where}: value condition {condition!r} is not one of the rule's conditions or exceptions")
        if not isinstance(variable, str) or not variable.strip():
            raise GoldError(f"{where}: value for {condition!r} needs a 'variable' name")
        if op not in VALUE_OPERATORS:
            raise GoldError(
                f"{where}: value for {condition!r} has operator {op!r}, not one of {', '.join(VALUE_OPERATORS)}"
            )
        if op == "between":
            if not (isinstance(value, list) and len(value) == 2 and all(_is_number(v) for v in value)):
                raise GoldError(f"{where}: value for {condition!r} must be [low, high] for 'between', not {value!r}")
            if value[0] > value[1]:
                raise GoldError(f"{where}: value for {condition!r} has low above high: {value!r}")
            number: float | tuple[float, float] = (value[0], value[1])
        elif _is_number(value):
            number = value
        else:
            raise GoldError(f"{where}: value for {condition!r} must be a number, not {value!r}")
        if unit is not None and (not isinstance(unit, str) or not unit.strip()):
            raise GoldError(f"{where}: value for {condition!r} has unit {unit!r}, not a unit name or null")
        out.append(GoldValue(condition, variable, op, number, unit))
    return out


def read_gold(path: Path) -> GoldInterview:
    """One `NAME.gold.json` and the transcript it names (a sibling file)."""
    data = _load_json(path)
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("transcript"), str)
        or not isinstance(data.get("rules"), list)
    ):
        raise GoldError(f"{path}: expected an object with 'transcript' (a file name) and 'rules' (a list)")
    try:
        transcript = read_transcript(path.parent / data["transcript"])
    except TranscriptError as exc:
        raise GoldError(f"{path}: {exc}") from None
    turns = [_squash(t.text) for t in transcript.turns]
    interview = GoldInterview(
        path,
        transcript,
        str(data.get("craft", "")),
        str(data.get("split", "dev")),
        language=str(data.get("language") or language_of_texts(t.text for t in transcript.turns)),
    )
    for n, item in enumerate(data["rules"], start=1):
        where = f"{path}, rule {n}"
        lists = {}
        for key in ("quotes", "conditions", "actions", "exceptions"):
            value = item.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise GoldError(f"{where}: {key!r} must be a list of non-empty strings")
            lists[key] = value
        if not lists["quotes"] or not lists["actions"] or not (lists["conditions"] or lists["exceptions"]):
            raise GoldError(f"{where}: needs quotes, actions, and conditions or exceptions")
        found: set[int] = set()
        for quote in lists["quotes"]:
            hits = [i for i, t in enumerate(turns) if _squash(quote) in t]
            if not hits:
                raise GoldError(f"{where}: quote {quote!r} is not in {data['transcript']}")
            found.add(hits[0])
        values = _read_values(item, [*lists["conditions"], *lists["exceptions"]], where)
        interview.rules.append(GoldRule(lists["conditions"], lists["actions"], lists["exceptions"], found, values))
    return interview


def read_gold_dir(directory: Path, split: str | None = None) -> list[GoldInterview]:
    files = sorted(directory.glob("*.gold.json"))
    if not files:
        raise GoldError(f"{directory}: no *.gold.json files")
    interviews = [read_gold(f) for f in files]
    return [i for i in interviews if split is None or i.split == split]


def words(text: str) -> list[str]:
    """The content words of a text: for English its words without the common function words; for
    Korean (any Hangul) the content morphemes' dictionary forms (nouns, verbs, adjectives, adverbs,
    numbers: "습도가 팔십 퍼센트를 넘으면" is 습도 팔십 퍼센트 넘다), since particles and endings
    attach to Korean words and two wordings of one clause rarely share a whole word."""
    if any(is_hangul(ch) for ch in text):
        return korean_words(text)
    return [w for w in _WORD.findall(text.lower().replace("n't", " not")) if w not in _STOP]


_KOREAN_CONTENT = ("NNG", "NNP", "NNB", "NR", "NP", "VV", "VA", "MAG", "SN", "SL", "XR", "MM")
_KOREAN_STOP = {"하다", "되다", "있다", "이다", "것", "거", "수", "좀", "그", "이", "저", "때", "면", "요"}


@functools.lru_cache(maxsize=4096)
def _korean_words(text: str) -> tuple[str, ...]:
    out = []
    for tok in kiwi().tokenize(text):
        tag = tok.tag.split("-")[0]
        if tag in _KOREAN_CONTENT:
            lemma = getattr(tok, "lemma", "") or tok.form
            word = lemma if tag in ("VV", "VA") else tok.form
            if word not in _KOREAN_STOP:
                out.append(word.lower())
    return tuple(out)


def korean_words(text: str) -> list[str]:
    return list(_korean_words(text))


def overlap_f1(predicted: str, gold: str) -> float:
    """Word-bag F1 of two texts, stop words left out."""
    p, g = words(predicted), words(gold)
    if not p or not g:
        return 1.0 if not p and not g else 0.0
    common = 0
    rest = list(g)
    for w in p:
        if w in rest:
            rest.remove(w)
            common += 1
    if not common:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def rule_turns(rule: Rule) -> set[int]:
    return {e.turn for e in rule.evidence if e.turn is not None}


def pair_score(predicted: Rule, gold: GoldRule) -> float | None:
    """How well a predicted rule matches a gold rule, or None when it does not."""
    if not rule_turns(predicted) & gold.turns:
        return None
    cond = overlap_f1(" ".join(c.text for c in _conditions(predicted)), " ".join([*gold.conditions, *gold.exceptions]))
    act = overlap_f1(" ".join(a.text for a in predicted.actions), " ".join(gold.actions))
    if cond < MATCH_THRESHOLD or act < MATCH_THRESHOLD:
        return None
    return cond + act


@dataclass
class RuleMatch:
    interview: str
    gold: list[GoldRule]
    predicted: list[Rule]
    pairs: list[tuple[int, int]]  # (predicted index, gold index)

    @property
    def score(self) -> Score:
        n = len(self.pairs)
        return Score(n, len(self.predicted) - n, len(self.gold) - n)

    def calibration(self) -> list[tuple[float, bool]]:
        """(confidence, was it right) for every predicted rule."""
        right = {p for p, _ in self.pairs}
        return [(r.confidence, i in right) for i, r in enumerate(self.predicted)]

    def cross_turn(self) -> Score:
        """Recall over the gold rules that span turns (precision is not defined for a subset)."""
        wanted = {i for i, g in enumerate(self.gold) if g.cross_turn}
        hit = {gi for _, gi in self.pairs if gi in wanted}
        return Score(len(hit), 0, len(wanted) - len(hit))


def match_rules(interview: GoldInterview, predicted: list[Rule]) -> RuleMatch:
    candidates = []
    for pi, p in enumerate(predicted):
        for gi, g in enumerate(interview.rules):
            s = pair_score(p, g)
            if s is not None:
                candidates.append((s, pi, gi))
    candidates.sort(key=lambda c: -c[0])
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _, pi, gi in candidates:
        if pi not in used_p and gi not in used_g:
            used_p.add(pi)
            used_g.add(gi)
            pairs.append((pi, gi))
    return RuleMatch(interview.path.name, interview.rules, predicted, pairs)


def score_rules(interviews: Sequence[GoldInterview], extract: Callable[[Transcript], list[Rule]]) -> list[RuleMatch]:
    return [match_rules(i, extract(i.transcript)) for i in interviews]


def total(scores: Iterable[Score]) -> Score:
    out = Score()
    for s in scores:
        out.add(s)
    return out


def calibration_error(points: Sequence[tuple[float, bool]], bins: int = 5) -> dict[str, float]:
    """Brier score and expected calibration error (equal-width bins) of confidences."""
    if not points:
        return {"brier": 0.0, "ece": 0.0, "rules": 0}
    brier = sum((c - float(y)) ** 2 for c, y in points) / len(points)
    ece = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(c, y) for c, y in points if lo <= c < hi or (b == bins - 1 and c == 1.0)]
        if inside:
            gap = abs(sum(c for c, _ in inside) / len(inside) - sum(y for _, y in inside) / len(inside))
            ece += gap * len(inside) / len(points)
    return {"brier": round(brier, 4), "ece": round(ece, 4), "rules": len(points)}
