"""Words joined by a hyphen kept as one token: "re-tighten", "power-trowel", "start-up".

The tokenizer cuts them at the hyphen, and the parser then reads the halves as two words ("we power
- trowel" as a noun, "re" hung on the condition), which splits a verb between a rule's condition
and its action. Merged before tagging, the whole word is tagged and parsed as one. Numbers are
left alone ("3-4 mm" is a range)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

NAME = "myeongjang_hyphens"


@Language.component(NAME)
def merge_hyphenated(doc: Doc) -> Doc:
    spans: list[tuple[int, int]] = []
    i = 1
    while i < len(doc) - 1:
        before, hyphen, after = doc[i - 1], doc[i], doc[i + 1]
        if (
            hyphen.text == "-"
            and not before.whitespace_
            and not hyphen.whitespace_
            and before.is_alpha
            and after.is_alpha
            and (not spans or spans[-1][1] < i - 1)
        ):
            spans.append((i - 1, i + 2))
            i += 2
        else:
            i += 1
    if spans:
        with doc.retokenize() as retokenizer:
            for start, end in spans:
                retokenizer.merge(doc[start:end])
    return doc
