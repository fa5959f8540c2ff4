"""A learned trim of a proposal's span edges: which words at the start or end of a condition or
an action the masters cut when they correct a rule ("Right then, take them out" -> "take them
out", "yes, to about 120 degrees" -> "to about 120 degrees").

The examples come from corrected proposals whose final wording is the proposed wording with words
cut from its edges: each cut word is a "drop", the first word kept on that side a "keep". The
model is a logistic regression over the edge word, its side, the kind of span and the word inside
it, stored as JSON weights beside the proposal filter (`elicitation.learned`). Applied, it cuts
edge words while it is fairly sure a master would, at most `MAX_CUT` a side, never the last word
of a span, never a word with a digit (a threshold stays whole) and never a negation.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rules import Rule
from rules.language import is_hangul
from rules.morphology import kiwi

FORMAT = "myeongjang-span-trim/1"
MAX_CUT = 3
_WORD = re.compile(r"\S+")
_BARE = re.compile(r"^\W+|\W+$", re.UNICODE)


@dataclass(frozen=True)
class Edge:
    """One edge word of a proposed span and whether the master cut it."""

    features: tuple[str, ...]
    dropped: bool


_NEGATIONS = {"never", "not", "no", "nobody", "nothing", "none", "cannot", "without", "unless", "안", "못"}
_NEGATING = {("않", "VX"), ("없", "VA"), ("말", "VX"), ("말", "VV"), ("못", "MAG"), ("안", "MAG"), ("못하", "VX")}


def negation(word: str) -> bool:
    """Whether cutting the word could turn the rule's meaning round ("never", "don't", 마세요,
    하지 않으면; Korean read as morphemes, so 정말 and 말리고 are no negation)."""
    bare = _bare(word)
    if bare in _NEGATIONS or bare.endswith("n't"):
        return True
    return any(is_hangul(ch) for ch in bare) and _korean_negation(bare)


@functools.lru_cache(maxsize=4096)
def _korean_negation(word: str) -> bool:
    return any((t.form, t.tag.split("-")[0]) in _NEGATING for t in kiwi().tokenize(word))


def _bare(word: str) -> str:
    return _BARE.sub("", word.lower()) or word


def edge_features(words: Sequence[str], index: int, side: str, kind: str) -> tuple[str, ...]:
    """The features of `words[index]`, an edge word on `side` ("start" or "end") of a span."""
    word = words[index]
    inner = index + 1 if side == "start" else index - 1
    out = {
        "bias",
        f"{side}:{_bare(word)}",
        f"{side}:{kind}:{_bare(word)}",
    }
    if (len(words) - 1 - index if side == "start" else index) <= 2:
        # cutting it would leave a span of one or two words (named anew when its count was put
        # right, so a model trained on the old count gives it no weight)
        out.add(f"{side}:few-kept")
    if word[-1:] in ",;:" and side == "start":
        out.add("start:comma-after")
    if 0 <= inner < len(words):
        out.add(f"{side}:inner:{_bare(words[inner])}")
    return tuple(sorted(out))


def _spans(body: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(kind, text) of a body's conditions, exceptions and actions, in order."""
    out: list[tuple[str, str]] = []

    def walk(node: Mapping[str, Any]) -> None:
        if node.get("kind") == "clause":
            out.append(("condition", str(node.get("text", ""))))
        for item in node.get("items") or []:
            walk(item)

    walk(body.get("conditions") or {})
    out.extend(("exception", str(e.get("text", ""))) for e in body.get("exceptions") or [])
    out.extend(("action", str(a.get("text", ""))) for a in body.get("actions") or [])
    return out


def edges(proposed: Mapping[str, Any], final: Mapping[str, Any]) -> list[Edge]:
    """The labelled edges of a reviewed proposal: span by span of the same kind and place, where
    the final words are the proposed ones with words cut from the edges (other edits teach
    nothing about edges and are left out)."""
    out: list[Edge] = []
    before, after = _spans(proposed), _spans(final)
    for kind in ("condition", "exception", "action"):
        mine = [t for k, t in before if k == kind]
        theirs = [t for k, t in after if k == kind]
        if len(mine) != len(theirs):
            continue
        for said, kept in zip(mine, theirs, strict=True):
            out.extend(_edges_of(said.split(), kept.split(), kind))
    return out


def _edges_of(words: list[str], kept: list[str], kind: str) -> list[Edge]:
    if not words or not kept or len(kept) > len(words):
        return []
    bare, wanted = [_bare(w) for w in words], [_bare(w) for w in kept]
    at = next((i for i in range(len(words) - len(kept) + 1) if bare[i : i + len(kept)] == wanted), None)
    if at is None:
        return []
    end = at + len(kept)  # words[end:] were cut at the end
    out = [Edge(edge_features(words, i, "start", kind), True) for i in range(min(at, MAX_CUT))]
    out.append(Edge(edge_features(words, at, "start", kind), False))
    out.extend(
        Edge(edge_features(words, i, "end", kind), True)
        for i in range(len(words) - 1, max(end, len(words) - MAX_CUT) - 1, -1)
    )
    out.append(Edge(edge_features(words, end - 1, "end", kind), False))
    return out


@dataclass(frozen=True)
class SpanTrim:
    weights: Mapping[str, float]
    threshold: float = 0.5

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SpanTrim:
        if data.get("format") != FORMAT:
            raise ValueError(f"not a span trim: format {data.get('format')!r}")
        return cls({str(k): float(v) for k, v in dict(data["weights"]).items()}, float(data["threshold"]))

    def drop(self, words: Sequence[str], index: int, side: str, kind: str) -> float:
        z = sum(self.weights.get(f, 0.0) for f in edge_features(words, index, side, kind))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def trimmed(self, text: str, kind: str) -> tuple[int, int]:
        """How many characters to cut from the start and from the end of `text`."""
        found = list(_WORD.finditer(text))
        words = [m.group() for m in found]
        first, last = 0, len(words) - 1
        while first < last and first < MAX_CUT and self._cuts(words, first, "start", kind):
            first += 1
        while last > first and len(words) - 1 - last < MAX_CUT and self._cuts(words, last, "end", kind):
            last -= 1
        if not found:
            return 0, 0
        return found[first].start(), len(text) - found[last].end()

    def _cuts(self, words: Sequence[str], index: int, side: str, kind: str) -> bool:
        word = words[index]
        kept = any(ch.isdigit() for ch in word) or negation(word)
        return not kept and self.drop(words, index, side, kind) > self.threshold

    def apply(self, rules: Iterable[Rule]) -> list[Rule]:
        """The rules with their span edges trimmed (offsets moved to the words kept)."""
        return [self._rule(r) for r in rules]

    def _rule(self, rule: Rule) -> Rule:
        body = rule.model_dump(mode="json")

        def cut(item: dict[str, Any], kind: str) -> None:
            text = str(item.get("text", ""))
            head, tail = self.trimmed(text, kind)
            if head or tail:
                item["text"] = text[head : len(text) - tail]
                if item.get("start") is not None and item.get("end") is not None:
                    item["start"], item["end"] = item["start"] + head, item["end"] - tail

        def walk(node: dict[str, Any]) -> None:
            if node.get("kind") == "clause":
                cut(node, "condition")
            for child in node.get("items") or []:
                walk(child)

        walk(body["conditions"])
        for item in body.get("exceptions") or []:
            cut(item, "exception")
        for item in body.get("actions") or []:
            cut(item, "action")
        return Rule.model_validate(body)
