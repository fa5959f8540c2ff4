"""The main clause of a Korean sentence: its last predicate, what kind of statement its ending
makes (an instruction, a prohibition, a habit, a consequence, a diagnosis), and its actions."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Token

from elicitation.korean.instructions import instruction_of
from elicitation.korean.markers import (
    BACK_OPPOSITE,
    BACK_SAME,
    DISCOURSE,
    PAST,
    ends_in,
    ends_in_myeon,
    has_morpheme,
    last_ending,
    pairs_of,
    tags_of,
)
from elicitation.korean.values import lemma_of, number_of, subject, unit_after
from rules import Action

_QUESTION_ENDINGS = {
    "나요",
    "까요",
    "ᆯ까요",
    "을까요",
    "니",
    "냐",
    "니까",
    "습니까",
    "ᆸ니까",
    "가요",
    "는가",
    "ᆫ가요",
    "는지",
}
_IMPERATIVE_ENDINGS = {
    "세요",
    "으세요",
    "십시오",
    "으십시오",
    "어라",
    "아라",
    "라",
    "으라",
    "자",
    "ᆸ시다",
    "읍시다",
    "시오",
    "오",
}


_PERSON_SUBJECTS = {"저", "제", "나", "내", "우리", "다들", "사람", "누구", "너", "자네", "여러분", "당신"}


_PREDICATE_TAGS = ("VV", "VA", "VX", "VCP", "VCN", "XSV", "XSA")


def final_predicate(words: Sequence[Token]) -> list[Token]:
    """The tokens of the sentence's last predicate: back from the end, through its endings and
    auxiliaries, up to the first token that ends a clause (-고, -는지, -ㄴ ...) before them."""
    out: list[Token] = []
    for k in range(len(words) - 1, -1, -1):
        tok = words[k]
        tags = tags_of(tok)
        if not tags:
            break
        ending = last_ending(tok)
        if out and ((ending is not None and ending[1] == "EC") or tags[-1] == "ETM"):
            break
        if tags[0] in _PREDICATE_TAGS or tags[0] in ("EF", "EP", "EC") or (out and tags[0] == "XSV"):
            out.insert(0, tok)
            if tags[0] in ("VV", "VA", "VCP", "VCN") and not (
                k > 0 and last_ending(words[k - 1]) in (("어", "EC"), ("아", "EC"), ("지", "EC"), ("게", "EC"))
            ):
                break
            continue
        if tags[0] in ("JX",) and not out:
            continue  # "끼고요": the polite 요 after the ending
        break
    return out


def main_kind(tokens: Sequence[Token]) -> str:
    """What the main clause says: instruction, prohibition, habit, consequence, diagnosis, or
    question / past (no rule) / none."""
    words = [t for t in tokens if not (t.is_space or t.is_punct)]
    if not words:
        return "none"
    if any(t.text == "?" for t in tokens) or any(ends_in(t, _QUESTION_ENDINGS, "EF") for t in words[-2:]):
        return "question"
    tail = final_predicate(words)
    if any(f in PAST and tag == "EP" for t in tail for f, tag in pairs_of(t)):
        return "past"
    if _talk(words):
        return "none"
    lemmas = [lemma_of(t) for t in words]
    lemmas[-1] = (
        next((lemma_of(t) for t in reversed(tail) if tags_of(t)[0] in _PREDICATE_TAGS), lemmas[-1])
        if tail
        else lemmas[-1]
    )
    texts = [t.text for t in words]
    all_pairs = [p for t in words for p in pairs_of(t)]
    forms = [f for f, _ in all_pairs]
    # -지 마세요 / -지 말고 / -면 안 돼요
    if any(f == "말" and tag == "VX" for f, tag in all_pairs) or (
        "안" in texts and lemmas[-1] == "되다" and any(ends_in_myeon(t) for t in words)
    ):
        return "prohibition"
    if any(f in ("어야", "아야") for f in forms) and lemmas[-1] in ("하다", "되다"):
        return "instruction"
    if any(ends_in_myeon(t) for t in words) and lemmas[-1] in ("되다", "좋다", "괜찮다"):
        return "instruction"
    final = next((f for f, tag in reversed(all_pairs) if tag == "EF"), None)
    if final in _IMPERATIVE_ENDINGS or (final and final.endswith(("세요", "십시오"))):
        return "instruction"
    if any(f in ("거", "것") for f, tag in all_pairs if tag == "NNB") and lemmas[-1] == "이다":
        return "diagnosis"
    if lemmas[-1] in ("좋다", "충분하다", "괜찮다", "되다", "맞다", "이다", "알맞다", "적당하다"):
        return "diagnosis"
    _, at = subject(words)
    if at <= 0:  # "바람 닿는 데가 말라요": a subject that is a bound noun ("where the wind reaches")
        at = next((k for k, t in enumerate(words) if k > 0 and ("가", "JKS") in pairs_of(t)), -1)
    said_subject = at >= 0 and words[at - 1].text not in _PERSON_SUBJECTS if at > 0 else False
    has_object = any(tag == "JKO" for _, tag in all_pairs)
    if said_subject and not has_object:
        return "consequence"
    if not has_object and lemmas[-1].endswith("지다") and lemmas[-1] != "가지다":
        return "consequence"  # "빨리 식히면 부러져요": something breaks, nobody acts
    return "habit"


def _talk(words: Sequence[Token]) -> bool:
    """ "문 닫고 얘기합시다" (let's talk): said to the company; "물이에요, 물." (a word said
    again): no clause that tells what to do."""
    final = [f for t in words[-1:] for f, tag in pairs_of(t) if tag == "EF"]
    if final and final[-1].endswith(("ᆸ시다", "ㅂ시다", "읍시다")):
        return not any(tag == "JKO" for t in words for _, tag in pairs_of(t))  # "불을 줄입시다" still says what
    tags = [tag for t in words for _, tag in pairs_of(t)]
    noun_final = bool(tags) and tags[-1].startswith("N")  # "물이에요, 물.": the word said again
    return noun_final and not any(tag.startswith(("VV", "VA", "VX", "XS")) for tag in tags)


_NOUNS = ("NNG", "NNP", "SL", "SN")


def main_actions(tokens: Sequence[Token], kind: str) -> list[Action]:
    """The main clause's actions: one per step ("걷어 내고 부어야 돼요", "긁지 말고 씻으세요") for
    instructions and habits; a consequence or diagnosis is one action."""
    words = stripped([t for t in tokens if not t.is_space])
    if not words:
        return []
    steps: list[list[Token]] = [[]]
    for k, tok in enumerate(words):
        steps[-1].append(tok)
        ending = last_ending(tok)
        if (
            kind not in ("instruction", "prohibition", "habit")
            or ending is None
            or ending[1] != "EC"
            or ending[0] != "고"
        ):
            continue
        rest = words[k + 1 :]
        if not rest or rest[0].is_punct or (rest[0].text in ("요",)):
            continue
        if has_morpheme(rest[0], "VX", ["있", "나", "싶", "보", "말"]):  # -고 있다, -고 나서, -고 싶다: one verb
            continue
        verb = tok if tok.text == "말고" else words[k - 1] if k > 0 and tok.text == "고" else None
        noun = words[k - 1] if tok.text == "말고" else words[k - 2] if k > 1 else None
        if verb is not None and lemma_of(verb) == "말다" and noun is not None and pairs_of(noun)[-1][1] in _NOUNS:
            continue  # "SC1 말고 SPM부터 돌려요": not this but that, one step
        steps.append([])
    return [a for a in (_action(stripped(s), kind) for s in steps if stripped(s)) if a is not None]


def stripped(tokens: Sequence[Token]) -> list[Token]:
    toks = list(tokens)
    while toks and (toks[0].is_punct or toks[0].is_space or toks[0].text in DISCOURSE | BACK_SAME | BACK_OPPOSITE):
        pointed = toks[0].text in ("그런", "이런")
        toks = toks[1:]
        if pointed and toks and toks[0].text in ("건", "거", "것", "거는", "것은"):
            toks = toks[1:]  # "그런 건 ...": such ones
            if toks and toks[0].text in ("는", "은"):
                toks = toks[1:]
    while toks and (toks[-1].is_punct or toks[-1].is_space):
        toks = toks[:-1]
    return toks


def _action(tokens: Sequence[Token], kind: str) -> Action | None:
    if not tokens:
        return None
    doc = tokens[0].doc
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    verb, obj = _verb_and_object(tokens)
    negated = any(
        (f in ("안", "못") and t == "MAG") or (f in ("않", "말") and t == "VX")
        for tok in tokens
        for f, t in pairs_of(tok)
    )
    amount, unit = None, None
    for k, tok in enumerate(tokens):
        number = number_of(tok)
        if number is not None:
            amount = number[0]
            unit, _ = unit_after(tokens, k)
            break
    return Action(
        text=doc.text[start:end],
        verb=verb,
        object=obj,
        amount=amount,
        unit=unit,
        negated=negated,
        start=start,
        end=end,
        instruction=instruction_of(tokens, kind),
    )


_LIGHT = {"되다", "하다", "좋다", "않다", "말다", "괜찮다"}


def _verb_and_object(tokens: Sequence[Token]) -> tuple[str | None, str | None]:
    """The action's main verb (the last full verb, not the 되다 of -아야 되다 / -면 되다; a noun
    with 하다 is one verb, 예열하다) and its object (the nouns before 을/를, 용접봉)."""
    verb = None
    at = -1
    for k in range(len(tokens) - 1, -1, -1):
        pairs = pairs_of(tokens[k])
        if not pairs:
            continue
        lemma = lemma_of(tokens[k])
        prev = last_ending(tokens[k - 1]) if k > 0 else None
        if pairs[0][1] == "XSV" or (len(pairs) > 1 and pairs[0][1] == "NNG" and pairs[1][1] == "XSV"):
            noun = (
                pairs[0][0]
                if pairs[0][1] == "NNG"
                else (tokens[k - 1].text if k > 0 and tags_of(tokens[k - 1])[:1] == ["NNG"] else "")
            )
            verb, at = (noun + "하다" if noun else "하다"), k
            break
        if pairs[0][1] in ("VV", "VA"):
            if lemma in _LIGHT and prev is not None and prev[0] in ("어야", "아야", "면", "으면", "지", "게", "도"):
                continue
            verb, at = lemma, k
            break
    obj = None
    for k in range(at - 1 if at >= 0 else len(tokens) - 1, -1, -1):
        if has_morpheme(tokens[k], "JKO") and k > 0:
            nouns: list[Token] = []
            j = k - 1
            while j >= 0 and tags_of(tokens[j])[:1] and tags_of(tokens[j])[0] in ("NNG", "NNP", "XR", "SL"):
                nouns.insert(0, tokens[j])
                if j == 0 or tokens[j - 1].whitespace_:
                    break
                j -= 1
            if nouns:
                obj = "".join(t.text for t in nouns)
            break
    return verb, obj
