"""A Korean action as an instruction to the worker, in plain polite imperative (-세요): "용접봉을
건조로에 두 시간 넣어 둬요" is "용접봉을 건조로에 두 시간 넣어 두세요", "예열을 해야 돼요" is "예열을
하세요", "칠하면 안 돼요" is "칠하지 마세요". The master's own words stay beside it as the quote.

The imperative is built from morphemes by Kiwi (`join`), so irregular verbs come out right (듣다:
들으세요). A consequence or a diagnosis ("금이 가요") has no instruction.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Token

from elicitation.korean.markers import last_ending, pairs_of
from rules.morphology import kiwi

_PREDICATE = ("VV", "VA", "VX", "XSV", "XSA")
_ALREADY = ("세요", "십시오", "으세요", "시오", "라", "어라", "아라", "자")
_SPEAKERS = {"저는", "제가", "저도", "우리는", "우리가", "저희는", "저희가", "나는", "내가"}
_HEDGES = {"보통", "대개", "대체로", "주로", "웬만하면", "일단", "가끔", "때때로", "간혹", "종종", "일반적으로"}


def instruction_of(tokens: Sequence[Token], kind: str) -> str | None:
    """The action as an imperative, or None for what is not an instruction, a prohibition or a habit."""
    if kind not in ("instruction", "prohibition", "habit") or not tokens:
        return None
    words = [t for t in tokens if not t.is_space]
    tags = {tag for t in words for _, tag in pairs_of(t)}
    if kind == "habit" and not tags & {"JKO", "JKB", "XSV"}:
        return None  # "휘어요", "금이 가요": something happens; nobody is told to do it
    final = next((f for t in reversed(words) for f, tag in reversed(pairs_of(t)) if tag == "EF"), None)
    if final is not None and final.endswith(_ALREADY):
        return _text(words, len(words), "")
    verb_at = _main_verb(words)
    if verb_at is None:
        return None
    stem = [(f, tag) for f, tag in pairs_of(words[verb_at]) if tag in _PREDICATE or tag in ("NNG", "XR", "EP")]
    stem = [(f, tag) for f, tag in stem if tag != "EP" or f == "시"]
    if not stem or not any(tag in _PREDICATE for _, tag in stem):
        return None
    if [tag for _, tag in stem if tag in _PREDICATE][-1] in ("VA", "XSA"):
        return None  # "충분하고요": an adjective says how things are, it tells no one to act
    upto = verb_at
    if verb_at > 0 and words[verb_at - 1].text in ("안", "못"):
        kind, upto = "prohibition", verb_at - 1  # "안 넣어요": do not put it in
    ending = [("지", "EC"), ("말", "VX"), ("세요", "EF")] if kind == "prohibition" else [("세요", "EF")]
    joined = kiwi().join([*stem, *ending])
    return _text(words, upto, joined)


def _main_verb(words: Sequence[Token]) -> int | None:
    """The token of the verb the instruction turns on: the last predicate, but the verb before
    -어야 하다/되다, -면 되다 and -면 안 되다, and not the 말다 of -지 말다."""
    last = None
    for k in range(len(words) - 1, -1, -1):
        pairs = pairs_of(words[k])
        if not pairs or not any(tag in _PREDICATE for _, tag in pairs):
            continue
        forms = [f for f, _ in pairs]
        before = last_ending(words[k - 1]) if k > 0 else None
        if k > 1 and words[k - 1].text in ("안", "못"):
            before = last_ending(words[k - 2])  # "칠하면 안 돼요"
        light = forms[0] in ("하", "되") and before is not None and before[0] in ("어야", "아야", "면", "으면", "지")
        if last is None and (light or forms[0] in ("안", "않", "말")) and k > 0:
            last = k
            continue  # the 하다/되다 of "-어야 돼요", look for the verb before it
        return k
    return last


def _text(words: Sequence[Token], upto: int, tail: str) -> str:
    """The words before `upto` (without the speaker and the hedges) and the new ending."""
    kept = []
    speaker = False  # the token before was the master's "저" of "저는", whose particle goes too
    for tok in words[:upto]:
        tags = [tag for _, tag in pairs_of(tok)]
        if tok.text in _SPEAKERS or _speaker(tok):
            speaker = True
            continue
        if speaker and tags[:1] in (["JX"], ["JKS"]):
            speaker = False
            continue
        speaker = False
        if tok.text not in _HEDGES:
            kept.append(tok)
    doc = words[0].doc
    if not kept:
        return tail
    start = kept[0].idx
    pieces = []
    for tok in kept:
        if tok.idx < start:
            continue
        pieces.append(doc.text[tok.idx : tok.idx + len(tok.text)] + tok.whitespace_)
    text = "".join(pieces)
    if tail:
        text = text.rstrip() + (" " if (text and text[-1] == " ") or _spaced(kept, words, upto) else "") + tail
    return text.strip()


def _speaker(tok: Token) -> bool:
    """A pronoun for the master himself (저, 제, 우리, 저희): the instruction speaks to the worker."""
    pairs = pairs_of(tok)
    return bool(pairs) and pairs[0][1] == "NP" and pairs[0][0] in ("저", "제", "나", "내", "우리", "저희")


def _spaced(kept: Sequence[Token], words: Sequence[Token], upto: int) -> bool:
    """Whether the verb at `upto` stood apart from the word before it."""
    return bool(kept) and upto < len(words) and kept[-1].i + 1 == words[upto].i and bool(kept[-1].whitespace_)
