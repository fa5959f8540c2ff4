"""Rules that should not be there: an action that is a question ("do you change anything at
night?", an interviewer's words read as the master's), or a condition that is a bare marker
("넘으면": exceeds what?; "in that case") that names nothing a worker could check.

Such a rule, once confirmed, comes first for questions about its few words and can never guide
anyone. The extractor leaves them out (`elicitation.pipeline`); the review page shows the doubt
beside any that reaches a master (from another reader, an import or an edit).
"""

from __future__ import annotations

import re

from rules.language import is_hangul
from rules.messages import Message
from rules.model import Action, Clause, Rule

_ASKING_EN = re.compile(
    r"^\s*(?:(?:what|how|why|which|who|when|where)\s+(?:do|does|did|should|shall|can|could|would|will|is|are|was)\b|"
    r"(?:do|did|does|can|could|would|will|should|shall)\s+(?:you|we|i|they)\b|(?:is|are)\s+(?:it|there|you)\b|"
    r"have\s+you\b)",
    re.IGNORECASE,
)
# A Korean question: a question word standing alone (not 언제든, 어떻게든, 얼마간) and a question's
# ending (나요, 까요, 습니까, 니, 냐), not the 요 or 세요 every polite statement ends with.
_ASKING_KO_WORD = re.compile(r"(?:^|\s)(?:뭐|뭘|무엇을?|무슨|어떻게|어떤|왜|언제|어디|얼마나|얼마)(?![든나간가])")
_ASKING_KO_END = re.compile(r"(?:나요|까요|습니까|ㅂ니까|니|냐|는지요)\s*[.!]*$")
# English words that frame or compare but name nothing: a condition of only these is a bare marker.
_MARKERS_EN = frozenset({
    "if", "when", "whenever", "then", "so", "that", "this", "it", "its", "it's", "in", "case", "happens",
    "happen", "the", "a", "an", "and", "or", "but", "once", "after", "before", "is", "are", "was", "be",
    "gets", "get", "goes", "go", "over", "above", "under", "below", "more", "less", "than", "too", "much",
    "higher", "lower", "exceeds", "exceed", "drops", "drop", "rises", "rise", "past", "reaches", "reach",
})  # fmt: skip
# Korean stems that compare or point back but name nothing (넘으면: exceeds what? 그러면: then).
_MARKER_STEMS_KO = frozenset(
    {"넘", "지나", "그렇", "이렇", "저렇", "그러", "이러", "떨어지", "오르", "올라가", "내려가", "모자라"}
)
_NAMING_TAGS = ("NNG", "NNP", "NR", "XR", "SL", "SH", "SN")
# Nouns that frame a condition rather than name one (그럴 때, 그런 경우).
_FRAMING_KO = frozenset({"때", "경우", "것", "거", "수", "정도", "상황", "다음", "후", "전"})


def asks(action: Action) -> bool:
    """Whether the action reads as a question rather than something to do."""
    text = action.text.strip()
    if text.endswith("?") or text.endswith("？"):
        return True
    if any(is_hangul(ch) for ch in text):
        return bool(_ASKING_KO_WORD.search(text) and _ASKING_KO_END.search(text))
    return bool(_ASKING_EN.search(text))


def bare(clause: Clause) -> bool:
    """Whether the condition names nothing a worker could check: only markers and comparisons.
    A measurable clause names its variable, and an observation its cue, so neither is bare."""
    if clause.variable:
        return False
    text = clause.text.strip()
    if any(is_hangul(ch) for ch in text):
        from rules.morphology import kiwi

        tokens = kiwi().tokenize(text)
        if any(token.tag in _NAMING_TAGS and token.form not in _FRAMING_KO for token in tokens):
            return False
        stems = [token.form for token in tokens if token.tag.startswith(("VV", "VA"))]
        return all(stem in _MARKER_STEMS_KO for stem in stems)
    words = re.findall(r"[a-z']+|\d+", text.lower())
    return all(w in _MARKERS_EN for w in words)


def doubts(rule: Rule) -> list[Message]:
    """Why the rule may not be a rule: each action that is a question, each bare condition."""
    out = [
        Message("the action “{words}” is a question, not something to do: was it the interviewer's?", words=a.text)
        for a in rule.actions
        if asks(a)
    ]
    out.extend(
        Message("the condition “{words}” names nothing a worker could check", words=c.text)
        for c in [*rule.clauses(), *rule.exceptions]
        if bare(c)
    )
    return out
