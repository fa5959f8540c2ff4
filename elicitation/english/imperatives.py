"""Instructions the tagger misreads: a sentence that opens with a verb also spelt as an adjective,
adverb or noun ("Lower the heat a little", "Back the depth off straight away", "Face the end
first") comes out with no verb at all, its first word tagged JJR, RB or NN. With nothing to do
in it, the rule it states is lost, or a step is left out of the rule before.

After parsing, such a sentence's root is retagged as the base form of a verb when it opens the
sentence (or the clause after a fronted phrase and a comma) and a determiner or pronoun follows
it: the parse keeps its shape (the object stays the object), only the verb is named."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

NAME = "myeongjang_imperatives"
_MISREAD = {"JJ", "JJR", "RB", "RBR", "NN", "NNP"}
_OBJECT_LEADS = {"DT", "PRP$", "PRP"}


def misread_imperative(sent: Span) -> Token | None:
    """The sentence's root when it is an instruction's verb that the tagger misread, else None."""
    root = sent.root
    if root.tag_ not in _MISREAD or root.i + 1 >= sent.end or root.doc[root.i + 1].tag_ not in _OBJECT_LEADS:
        return None
    before = [t for t in sent if t.i < root.i and not t.is_space]
    opens = not before or (before[-1].text == "," and len(before) <= 6)
    if not opens or any(t.pos_ in ("VERB", "AUX") for t in sent):
        return None
    return root


@Language.component(NAME)
def retag_imperatives(doc: Doc) -> Doc:
    for sent in doc.sents:
        verb = misread_imperative(sent)
        if verb is not None:
            verb.tag_, verb.pos_, verb.lemma_ = "VB", "VERB", verb.lower_
    return doc
