"""English numbers as masters say them: digits ("1,600", "2.5") and words ("eighty",
"twenty-five", "one hundred and fifty", "one and a half", "three quarters of an inch",
"one point five"). Shared by the extractor and the plain-words question reader.
"""

from __future__ import annotations

import re

_SMALL = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "a": 1,
    "an": 1,
    "half": 0.5,
}
_SCALE = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_NUMBER_WORD = "|".join(sorted(list(_SMALL) + list(_SCALE) + ["point", "nought", "oh"], key=len, reverse=True))
# "and" only inside a number that has a hundred or a thousand in it ("one hundred and fifty"), so
# "between fifty and fifty-five" is two numbers; "one and a half" is one and a half.
_AND = r"(?:(?<=hundred)|(?<=thousand)|(?<=million))\s+and\s+|\s+and\s+(?=a\s+half\b)"
# "a tenth of a millimetre", "three quarters of an inch": a fraction of the unit said after it
_FRACTIONS = {"half": 0.5, "third": 1 / 3, "quarter": 0.25, "eighth": 0.125, "tenth": 0.1, "sixteenth": 0.0625,
              "hundredth": 0.01, "thousandth": 0.001}  # fmt: skip
_FRACTION_COUNTS = "a|an|one|two|three|four|five|six|seven|eight|nine"
_FRACTION = re.compile(rf"^(?P<count>{_FRACTION_COUNTS})\s+(?P<part>{'|'.join(_FRACTIONS)})s?\s+of\s+an?$")
# The most words after the first that a number is read in ("one hundred and twenty-five thousand
# three hundred" is seven more): unbounded, a run of "one one one ..." made the pattern try every
# split of it.
MAX_WORDS = 9
NUMBER = (
    rf"(?:\b(?:{_FRACTION_COUNTS})\s+(?:{'|'.join(_FRACTIONS)})s?\s+of\s+an?(?=\s)|"
    r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[+-]?\d+(?:\.\d+)?|"
    rf"(?:(?:minus\s+|negative\s+)?\b(?:{_NUMBER_WORD})\b(?:(?:{_AND}|[\s-]+)(?:{_NUMBER_WORD})\b){{0,{MAX_WORDS}}}))"
)

__all__ = ["NUMBER", "words_to_number"]


def words_to_number(text: str) -> float | None:
    """`1,600` -> 1600, `eighty` -> 80, `twenty-five` -> 25, `one hundred and fifty` -> 150."""
    raw = text.strip().lower()
    digits = raw.replace(",", "")
    try:
        return float(digits)
    except ValueError:
        pass
    sign = 1.0
    for prefix in ("minus ", "negative "):
        if raw.startswith(prefix):
            sign, raw = -1.0, raw[len(prefix) :].strip()
    fraction = _FRACTION.match(raw)
    if fraction is not None:
        count = 1 if fraction.group("count") in ("a", "an") else _SMALL[fraction.group("count")]
        return round(count * _FRACTIONS[fraction.group("part")], 6)
    raw = re.sub(
        r"\bhalf\s+an?\b", "half", re.sub(r"\s+and\s+a\s+half\b", " half", raw)
    )  # "half a percent": a half, not a half and one
    whole, _, decimals = raw.partition(" point ")
    value = _words_value(whole)
    if value is None:
        return None
    if decimals:  # "one point five", "nought point two five"
        places = [_SMALL.get(w, 0 if w in ("oh", "nought") else -1) for w in re.split(r"[\s-]+", decimals.strip())]
        if not places or any(not (isinstance(d, int) and 0 <= d <= 9) for d in places):
            return None
        value += float("0." + "".join(str(d) for d in places))
    return sign * value


def _words_value(raw: str) -> float | None:
    if raw in ("nought", "oh"):
        return 0.0
    total = 0.0
    current = 0.0
    seen = False
    for word in re.split(r"[\s-]+", raw):
        if word == "and" or not word:
            continue
        if word in _SMALL:
            current += _SMALL[word]
            seen = True
        elif word in _SCALE:
            scale = _SCALE[word]
            current = (current or 1) * scale
            if scale >= 1000:
                total += current
                current = 0
            seen = True
        else:
            return None
    if not seen or raw in ("a", "an", "and"):
        return None
    return total + current
