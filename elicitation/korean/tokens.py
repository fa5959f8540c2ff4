"""A Korean spaCy pipeline on the Kiwi morphological analyser (kiwipiepy and its model package,
loaded from disk), whose tokens are morphemes aligned with the text.

Kiwi analyses a word into morphemes that need not be substrings of it: 해야 is 하/VV + 어야/EC,
both spanning the same two characters, and the copula in 거예요 has no characters at all. The
tokenizer merges morphemes whose characters overlap (or that have none) into one token, so every
token is a slice of the text and offsets stay exact. Each token keeps its analysis:

- `token.tag_` the morpheme tags joined by "+" ("VV+EC" for 해야), for `Matcher` patterns such as
  `{"TAG": {"REGEX": "EC$"}}`;
- `token._.morphs` the analysis as text ("하/VV+어야/EC"), for patterns on forms and tags together;
- `token.lemma_` the dictionary form of the first morpheme (하다), `token.pos_` its UD tag.

Adjacent numeral morphemes (천/NR 이/NR 백/NR) are one token (천이백), as they are one number.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.util import registry
from spacy.vocab import Vocab

from rules.morphology import kiwi

if not Token.has_extension("morphs"):
    Token.set_extension("morphs", default="")

# Kiwi's tags (Sejong tag set) as Universal Dependencies parts of speech.
_UPOS = {
    "NNG": "NOUN", "NNB": "NOUN", "NNP": "PROPN", "NP": "PRON", "NR": "NUM", "SN": "NUM",
    "VV": "VERB", "VA": "ADJ", "VX": "AUX", "VCP": "AUX", "VCN": "ADJ", "MM": "DET", "MAG": "ADV",
    "MAJ": "CCONJ", "IC": "INTJ", "XR": "NOUN", "SL": "X", "SH": "X", "SW": "SYM", "SF": "PUNCT",
    "SP": "PUNCT", "SS": "PUNCT", "SSO": "PUNCT", "SSC": "PUNCT", "SE": "PUNCT", "SO": "PUNCT", "SB": "PUNCT",
}  # fmt: skip


@dataclass(frozen=True)
class Morph:
    form: str
    tag: str  # without Kiwi's regular/irregular suffix (VA-I -> VA)
    lemma: str

    @property
    def text(self) -> str:
        return f"{self.form}/{self.tag}"


def upos(tag: str) -> str:
    if tag in _UPOS:
        return _UPOS[tag]
    if tag.startswith("J"):
        return "ADP"
    if tag.startswith(("E", "XS", "XP")):
        return "PART"
    if tag.startswith("W_"):
        return "X"
    return "X"


def _groups(text: str, tokens: Iterable[Any]) -> list[tuple[int, int, list[Morph]]]:
    """Kiwi's morphemes grouped into (start, end, morphemes) slices of the text that do not overlap."""
    groups: list[tuple[int, int, list[Morph]]] = []
    pending: list[Morph] = []  # morphemes of no characters, joined to the next group
    for tok in tokens:
        tag = (
            tok.tag.split("-")[0]
            if tok.tag not in ("W_URL", "W_EMAIL", "W_HASHTAG", "W_MENTION", "W_SERIAL")
            else tok.tag
        )
        morph = Morph(tok.form, tag, getattr(tok, "lemma", tok.form) or tok.form)
        start, end = tok.start, tok.start + tok.len
        if end <= start:
            pending.append(morph)
            continue
        if groups and start < groups[-1][1]:
            g_start, g_end, morphs = groups[-1]
            groups[-1] = (g_start, max(g_end, end), [*morphs, *pending, morph])
        elif groups and start == groups[-1][1] and tag == "NR" and groups[-1][2][-1].tag == "NR" and not pending:
            g_start, _, morphs = groups[-1]
            groups[-1] = (g_start, end, [*morphs, morph])  # 천/NR 이/NR 백/NR: one number
        else:
            groups.append((start, end, [*pending, morph]))
        pending = []
    if pending and groups:
        g_start, g_end, morphs = groups[-1]
        groups[-1] = (g_start, g_end, [*morphs, *pending])
    return groups


class KiwiTokenizer:
    """Text to a `Doc` of morpheme tokens (see the module's docstring)."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        groups = _groups(text, kiwi().tokenize(text)) if text.strip() else []
        words: list[str] = []
        spaces: list[bool] = []
        analyses: list[list[Morph]] = []
        at = 0
        for start, end, morphs in groups:
            if start < at:  # never expected; keep the text exact whatever Kiwi returns
                continue
            if start > at:
                gap = text[at:start]
                if gap == " " and words:
                    spaces[-1] = True
                else:
                    words.append(gap)
                    spaces.append(False)
                    analyses.append([])
            words.append(text[start:end])
            spaces.append(False)
            analyses.append(morphs)
            at = end
        if at < len(text):
            tail = text[at:]
            if tail == " " and words:
                spaces[-1] = True
            else:
                words.append(tail)
                spaces.append(False)
                analyses.append([])
        doc = Doc(self.vocab, words=words, spaces=spaces)
        for token, morphs in zip(doc, analyses, strict=True):
            if not morphs:
                token.tag_ = "_SP" if token.is_space else "SW"
                token.pos_ = "SPACE" if token.is_space else "SYM"
                continue
            token.tag_ = "+".join(m.tag for m in morphs)
            token.pos_ = upos(morphs[0].tag)
            token.lemma_ = morphs[0].lemma
            token._.morphs = "+".join(m.text for m in morphs)
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 64) -> Iterable[Doc]:
        for text in texts:
            yield self(text)

    # spaCy serialises tokenizers with the pipeline; this one has no state of its own.
    def to_bytes(self, **kwargs: Any) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs: Any) -> KiwiTokenizer:
        return self

    def to_disk(self, path: Any, **kwargs: Any) -> None:
        return None

    def from_disk(self, path: Any, **kwargs: Any) -> KiwiTokenizer:
        return self


@registry.tokenizers("myeongjang.KiwiTokenizer.v1")  # type: ignore[untyped-decorator]
def create_kiwi_tokenizer() -> Any:
    def make(nlp: Language) -> KiwiTokenizer:
        return KiwiTokenizer(nlp.vocab)

    return make


def morphs(token: Token) -> list[tuple[str, str]]:
    """A token's morphemes as (form, tag) pairs."""
    out = []
    for part in str(token._.morphs).split("+"):
        form, _, tag = part.rpartition("/")
        if tag:
            out.append((form, tag))
    return out


_SENTENCE_ENDS = {"SF"}


@Language.component("myeongjang_korean_sentences")
def korean_sentences(doc: Doc) -> Doc:
    """Sentence starts: after . ? ! and after a final ending (EF) that no punctuation follows, as
    spoken Korean often runs one sentence into the next ("...넣어요 그리고 ...")."""
    for i, tok in enumerate(doc):
        tok.is_sent_start = i == 0
    for i, tok in enumerate(doc[:-1]):
        nxt = doc[i + 1]
        tags = tok.tag_.split("+")
        if tags[-1] in _SENTENCE_ENDS and not (nxt.tag_.startswith("SF") or nxt.text in ("'", '"', "”", "’", ")")):
            doc[i + 1].is_sent_start = True
        elif tags[-1] == "EF":
            k = i + 1
            while k < len(doc) - 1 and doc[k].is_space:
                k += 1
            if not doc[k].tag_.startswith(("SF", "SP", "SS", "SE", "SO", "J")) and not doc[k].is_space:
                doc[k].is_sent_start = True
    return doc


def blank_korean() -> Language:
    """spaCy's Korean language with the Kiwi tokenizer (spaCy's own Korean tokenizer needs MeCab)."""
    return spacy.blank("ko", config={"nlp": {"tokenizer": {"@tokenizers": "myeongjang.KiwiTokenizer.v1"}}})
