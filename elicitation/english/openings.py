"""Context phrases a sentence opens with: "For plates thicker than 25 mm", "In winter", "Over 20 mm
you preheat", "Anything under five degrees". What the rest of the sentence says to do applies in
that context (see `fronted` and `sentences`)."""

from __future__ import annotations

from spacy.tokens import Token

from elicitation.english import patterns
from elicitation.english.tokens import text_of, trim
from elicitation.values import UNITS, find_measure

_COMPARING = {"under", "over", "above", "below", "less", "more", "thicker", "thinner", "colder", "hotter", "longer"}
_MORE_COMPARING = {"older", "newer", "bigger", "smaller", "deeper", "wider", "heavier", "higher", "lower", "warmer", "cooler"}  # fmt: skip
THRESHOLDS = {"above", "below", "over", "under", "beyond"}


FRONTED = {"for", "with", "in", "on", "during", "at", "between", *THRESHOLDS}


def _threshold_phrase(tokens: list[Token]) -> list[Token]:
    """A threshold that opens a sentence with no comma after it ("Over 20 mm you preheat",
    "More than 60 bar and the walls spring"): the tokens of its comparison, when a subject or
    "and" follows them at once."""
    if not tokens:
        return []
    start = tokens[0].idx
    measure = find_measure(text_of(tokens[: min(len(tokens), 10)]))
    if measure is None or measure.start != 0:
        return []
    end = next((n for n, t in enumerate(tokens) if t.idx - start >= measure.end), None)
    if end is None or end < 2:
        return []
    after = tokens[end]
    starts_clause = after.lower_ in ("and", ",") or after.lower_ in patterns.FIRST_PERSON or after.lower_ in (
        "the", "it", "that", "this",
    )  # fmt: skip
    return tokens[:end] if starts_clause else []


def fronted_tokens(tokens: list[Token]) -> list[Token]:
    """A context phrase that opens a sentence: "For plates thicker than 25 mm", "In winter",
    "Anything under five degrees", "Over 20 mm you preheat"."""
    lead_words = [t.lower_ for t in tokens[:2]]
    if lead_words[:1] and (
        lead_words[0] in THRESHOLDS or lead_words == ["more", "than"] or lead_words == ["less", "than"]
    ):
        comma = next((n for n, t in enumerate(tokens) if t.text == ","), None)
        if comma is None or comma > 10:
            phrase = _threshold_phrase(tokens)
            if phrase:
                return phrase
    if [t.lower_ for t in tokens[:3]] in (["each", "time", ","], ["every", "time", ","]) and len(tokens) > 4:
        return tokens[:2]  # "Each time, lower the heat a little"
    counted = _counted_phrase(tokens) or _pointed_threshold(tokens)
    if counted:
        return counted
    anything = _anything_phrase(tokens)
    if anything:
        return anything
    lead = next(
        (
            n
            for n, t in enumerate(tokens[:8])
            if t.lower_ in FRONTED
            and (t.dep_ == "prep" or (t.lower_ in THRESHOLDS and t.dep_ in ("advmod", "quantmod")))
            and (n == 0 or tokens[n - 1].text == "," or tokens[n - 1].lower_ in ("but", "and", "so"))
        ),
        None,
    )
    if lead is None:
        return _topic_phrase(tokens)
    tokens = tokens[lead:]
    first = tokens[0]
    words = {t.lower_ for t in tokens[:6]}
    if first.lower_ in ("in", "on", "during", "at") and not (
        words & patterns.CONTEXT_NOUNS or any(w in patterns.WEATHER_ADJECTIVES for w in words)
    ):
        return []
    if first.lower_ in THRESHOLDS:
        # "Above three mites per hundred bees, treat the hive": a threshold, up to the comma.
        comma = next((n for n, t in enumerate(tokens) if t.text == ","), None)
        if comma is None or comma > 10 or find_measure(text_of(tokens[:comma])) is None:
            return []
        return tokens[:comma]
    end = len(tokens)
    for n, tok in enumerate(tokens[1:], start=1):
        if (
            tok.text == ","
            or tok.lower_ in patterns.FIRST_PERSON
            or tok.lower_ in ("my", "your", "our", "his", "her", "their")
            or (tok.lower_ in ("the", "a") and n > 1)
        ):
            end = n
            break
        in_relative = tok.dep_ in ("aux", "auxpass", "neg") and tok.head.dep_ in ("relcl", "acl")
        if (
            tok.pos_ in ("VERB", "AUX")
            and tok.tag_ != "VBG"
            and tok.dep_ not in ("amod", "relcl", "acl")
            and not in_relative
        ):
            end = n
            break
    phrase = trim(tokens[:end])
    if any(t.lower_ in ("that", "which", "this") and t.tag_ != "WDT" for t in phrase):
        return []  # "in that case" points back; see back_reference_rule
    if len(phrase) < 2 or len(phrase) > 12 or not any(t.pos_ in ("NOUN", "PROPN") for t in phrase):
        return []
    return phrase


_POINTED = ("that", "this", "it", "those")


def _pointed_threshold(tokens: list[Token]) -> list[Token]:
    """A threshold that points back to a number said before, then a comma or "and": "More than
    that, I change the depth", "A bit hotter than that and the glaze runs", "Past that, stop"."""
    words = [t.lower_ for t in tokens[:7]]
    start = 2 if words[:2] in (["a", "bit"], ["a", "lot"], ["a", "little"]) else int(words[:1] in (["any"], ["much"]))
    compared = _COMPARING | _MORE_COMPARING
    if words[start : start + 1] and words[start] in compared and words[start + 1 : start + 2] == ["than"]:
        end = start + 3
    elif words[:1] and words[0] in ("past", "beyond"):  # "Over that, I lay a cloth" is a place
        end = 2
    else:
        return []
    if words[end - 1 : end] and words[end - 1] in _POINTED and words[end : end + 1] in ([","], ["and"]):
        return tokens[:end] if len(tokens) > end + 2 else []
    return []


def _counted_phrase(tokens: list[Token]) -> list[Token]:
    """A count and what is counted, then "and" and what follows: "Two rejects in a row and we
    stop the line", "One more drop of hardener and the resin cooks". The phrase before "and"."""
    if len(tokens) < 5:
        return []
    first, second = tokens[0].lower_, tokens[1].lower_
    if not (tokens[0].like_num or first == "another" or (first == "one" and second == "more")):
        return []
    joint = next((n for n, t in enumerate(tokens[:12]) if t.lower_ == "and"), None)
    if joint is None or joint < 2 or any(t.pos_ in ("VERB", "AUX") for t in tokens[:joint]):
        return []
    after = tokens[joint + 1 :]
    if not any(t.dep_ in ("nsubj", "nsubjpass") for t in after[:4]):
        return []
    return tokens[:joint]


_DISCOURSE = {"yes", "no", "well", "oh", "okay", "ok", "so", "now", "then", "and", "but", "sometimes", "usually",
              "good", "right", "fine", "great", "sure", "true", "exactly", "alright", "lovely", "nice"}  # fmt: skip
DOERS = {"i", "we", "you"}


def _topic_phrase(tokens: list[Token]) -> list[Token]:
    """What a sentence is about, named first with no verb of its own, then a comma and what one
    does with it: "Stainless, I overbend by two degrees", "Raw-milk wheels, I don't sell one
    unless ...", "Any tank that arrives warmer than six degrees, I won't take it". Not "Cold oil,
    the angles drift" (no one acts) unless the topic states a measure."""
    comma = next((n for n, t in enumerate(tokens) if t.text == ","), None)
    if comma is None or comma < 1 or comma > 10 or comma + 2 >= len(tokens):
        return []
    head = tokens[:comma]
    if head[0].lower_ in _DISCOURSE or head[0].pos_ not in ("NOUN", "PROPN", "ADJ", "DET", "NUM"):
        return []
    own_verb = any(
        t.pos_ in ("VERB", "AUX")
        and t.tag_ not in ("VBG", "VBN")
        and t.dep_ not in ("amod", "relcl", "acl", "compound")
        and t.head.dep_ not in ("relcl", "acl")
        for t in head
    )
    if own_verb or not any(t.pos_ in ("NOUN", "PROPN", "ADJ") for t in head):
        return []
    if any(t.lower_.rstrip(".") in ("mister", "mr", "mrs", "ms", "miss", "sir") for t in head):
        return []  # "Mister Park, you should see ...": someone addressed
    rest = [t for t in tokens[comma + 1 :] if t.lower_ != "then"]
    acts = rest[0].lower_ in DOERS or (rest[0].tag_ == "VB" and rest[0].dep_ == "ROOT")
    back = any(t.lower_ in ("it", "one", "them", "those") for t in rest)  # "Stainless, I overbend it"
    # "Stainless, I overbend by two degrees": a material named alone, then how much one does
    material = (
        len(head) <= 3
        and head[-1].pos_ in ("NOUN", "PROPN", "ADJ")
        and not {t.lower_ for t in head} & _NOT_MATERIAL
        and _measured(rest)
    )
    return head if (acts and (back or material)) or find_measure(text_of(head)) is not None else []


_NOT_MATERIAL = {
    "mate",
    "lad",
    "love",
    "son",
    "boss",
    "sir",
    "thing",
    "first",
    "weekends",
    "mornings",
    "days",
    "nights",
}


def _measured(tokens: list[Token]) -> bool:
    return any(t.like_num for t in tokens) and any(t.lower_ in UNITS for t in tokens)


def threshold_subject(tokens: list[Token]) -> list[Token]:
    """A threshold said as the subject of what happens to it: "Any wheel over ten kilos gets
    turned every day", "Anything thinner than 2 mm goes back to the mill"."""
    if not tokens or tokens[0].lower_ not in ("any", "anything", "every", "each", "everything"):
        return []
    root = tokens[0].sent.root
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.left_edge.i != tokens[0].i or subject.right_edge.i + 1 >= root.sent.end:
        return []
    phrase = [t for t in tokens if t.i <= subject.right_edge.i]
    return phrase if len(phrase) >= 3 and find_measure(text_of(phrase)) is not None else []


def _anything_phrase(tokens: list[Token]) -> list[Token]:
    """ "Anything older than seven years by the DOT code, ...", "Any injury bigger than 10 mm, ...",
    "Any more than that and ...", "Any wheel over ten kilos gets turned ..."."""
    compared = _COMPARING | _MORE_COMPARING
    if len(tokens) <= 3 or tokens[0].lower_ not in ("anything", "everything", "any", "every"):
        return []
    comma = next((n for n, t in enumerate(tokens) if t.text == ","), None)
    if comma is not None and comma <= 12 and tokens[1].pos_ == "NOUN" and find_measure(text_of(tokens[:comma])):
        return tokens[:comma]  # "Any tube that's lost more than 20% of its wall, it gets cut out"
    if not (tokens[1].lower_ in compared or (tokens[1].pos_ == "NOUN" and tokens[2].lower_ in compared)):
        return []
    if comma is not None and comma <= 12 and find_measure(text_of(tokens[:comma])):
        return tokens[:comma]
    joint = next((n for n, t in enumerate(tokens[:6]) if t.lower_ == "and"), None)
    if joint is not None and any(t.lower_ == "than" for t in tokens[:joint]):
        return tokens[:joint]  # "Any more than that and the burr goes on the inside"
    return threshold_subject(tokens)
