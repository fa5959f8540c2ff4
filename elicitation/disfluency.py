"""Spoken-language clean-up before parsing: fillers ("uh", "you know"), repairs ("I mean, the,
the flame") and stutters are dropped, and every character of the cleaned text remembers where it
came from, so offsets found on the clean text map back into the original turn.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

# Filler words and phrases, removed with the comma that follows them. Hedges ("kind of",
# "maybe") are not fillers: they set a rule's certainty and stay.
_FILLER = re.compile(
    r"""(?ix)
    (?:(?<=^)|(?<=[\s,.;!?]))
    (?: u+h+m* | u+m+ | e+r+m+ | h+m+ | a+h+ | e+h+ )
    (?=[\s,.;!?]|$) ,?
    """
)
# Parenthetical discourse markers, only where commas or the turn start set them off.
_DISCOURSE = re.compile(
    r"(?i)(?:(?<=^)|(?<=[,.;!?]\s)|(?<=, ))(?:you know|i mean|you see|like i said|well|okay|ok|so yeah|right)\s*,\s*"
)
# Frames a speaker puts before the point: "The rule is, when you hear it bubbling, it's working."
_FRAME = re.compile(
    r"(?i)(?:(?<=^)|(?<=[.;!?]\s))(?:the (?:rule|trick|thing|secret) is|my rule is|what i do is|i'd say|i always say)\s*,\s*"
)
_MID_DISCOURSE = re.compile(r"(?i),\s*(?:you know|i mean|you see)\s*(?=,)")
# A word or two said again ("the, the flame", "I I add", "the plate the plate"), or cut off with a
# dash ("the fil-- the filler").
_REPEAT = re.compile(r"(?i)\b(\w+(?:\s+\w+){0,2})(?:\s*(?:,|--|—)\s*|\s+)(?=\1\b)")
_REPEAT_TIGHT = re.compile(r"(?i)\b(\w+),\s*(?=\1\b)")
_CUTOFF = re.compile(r"(?i)\b\w+(?:--|—)\s*")
# Korean fillers and discourse words said on their own: 어, 음, 아, 저기, 있잖아요, 그러니까 ...
# (뭐, 막, 이제 only before a comma, since they are also words: 뭐 해요? = what do you do?)
_KOREAN_FILLER = re.compile(
    r"(?:(?<=^)|(?<=[\s,.;!?]))"
    r"(?:(?:어+|으+음|음+|에+|아+|저기|있잖아요?|뭐랄까|뭐냐면?|말하자면|그러니까|그니까)(?=[\s,.;!?]|$)|(?:뭐|막|이제|그)(?=,))"
    r",?"
)


@dataclass(frozen=True)
class Cleaned:
    """Cleaned text plus, for each of its characters, the offset it had in the original."""

    original: str
    text: str
    positions: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the clean text to the original text."""
        if not self.text:
            return 0, 0
        start = min(max(start, 0), len(self.text) - 1)
        end = min(max(end, start + 1), len(self.text))
        return self.positions[start], self.positions[end - 1] + 1

    def from_original(self, start: int) -> int:
        """The clean offset of the first kept character at or after an original offset."""
        return bisect.bisect_left(self.positions, start)


def clean(text: str) -> Cleaned:
    """Drop fillers, parenthetical discourse markers, stutters and cut-off repairs."""
    dropped = [False] * len(text)
    view = text
    keep = list(range(len(text)))
    for pattern in (_FILLER, _KOREAN_FILLER, _MID_DISCOURSE, _DISCOURSE, _FRAME, _CUTOFF, _REPEAT_TIGHT, _REPEAT):
        found = list(pattern.finditer(view))
        if not found:
            continue
        for m in found:
            for k in range(m.start(), m.end()):
                dropped[keep[k]] = True
        # What the next pattern sees: the text with everything dropped so far left out.
        keep = [i for i in range(len(text)) if not dropped[i]]
        view = "".join(text[i] for i in keep)

    chars: list[str] = []
    positions: list[int] = []
    for i, ch in enumerate(text):
        if dropped[i]:
            continue
        if ch.isspace() and (not chars or chars[-1] == " "):
            continue  # collapse the gaps that removals leave
        if ch in ",." and chars and chars[-1] == " " and len(chars) >= 2 and chars[-2] in ",.":
            continue
        if ch.isspace():
            ch = " "
        chars.append(ch)
        positions.append(i)
    # ", ," and " ," left behind by removals
    out: list[str] = []
    out_pos: list[int] = []
    for ch, pos in zip(chars, positions, strict=True):
        if ch == "," and out and (out[-1] == "," or (out[-1] == " " and len(out) >= 2 and out[-2] == ",")):
            continue
        if ch == "," and not out:
            continue
        if ch in ",." and out and out[-1] == " ":
            out.pop()
            out_pos.pop()
        out.append(ch)
        out_pos.append(pos)
    while out and out[-1] == " ":
        out.pop()
        out_pos.pop()
    if out and out[0].islower() and out_pos[0] > 0:
        out[0] = out[0].upper()
    return Cleaned(original=text, text="".join(out), positions=tuple(out_pos))
