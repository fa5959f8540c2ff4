"""Rules that should not be there: an action that is a question, a condition that names nothing."""

from __future__ import annotations

import pytest

from rules import Action, Clause, Group, Rule
from rules.doubts import asks, bare, doubts


@pytest.mark.parametrize(
    ("action", "question"),
    [
        ("do you change anything", True),  # "At night, do you change anything?", read as a rule
        ("remove anything loose from the bench", False),
        ("How long you wait depends on the humidity", False),
        ("언제든 다시 용접해요", False),  # 언제든: whenever, not when?
        ("왜 그런지 기록해 두세요", False),
        ("뭘 더 넣나요", True),
        ("Do you preheat the plate?", True),
        ("어떻게 하세요?", True),
        ("왜 그렇게 해요?", True),
        ("add more filler", False),
        ("I don't do anything precise", False),
        ("look for a leak at the door seal", False),
        ("보일러를 좀 올려요", False),
        ("아예 안 열어요", False),
    ],
)
def test_an_action_that_asks_is_told_from_one_that_tells(action: str, question: bool) -> None:
    assert asks(Action(text=action)) is question


@pytest.mark.parametrize(
    ("condition", "empty"),
    [
        ("넘으면", True),  # exceeds what?
        ("그러면", True),
        ("그럴 때", True),
        ("then", True),
        ("잘 될 때는", False),  # when it goes well: the master then says how that sounds
        ("in that case", True),
        ("if it goes over", True),
        ("비가 오면", False),
        ("추우면", False),  # cold is a condition a worker feels
        ("발효실 온도가 떨어지면", False),
        ("at night", False),
        ("when it rains", False),
    ],
)
def test_a_condition_of_markers_alone_is_bare(condition: str, empty: bool) -> None:
    assert bare(Clause(text=condition)) is empty


def test_a_doubtful_rule_says_each_reason_and_a_measured_clause_is_never_bare() -> None:
    rule = Rule(
        conditions=Group(
            items=[Clause(text="넘으면"), Clause(text="over", variable="pressure", operator=">", value=2)]
        ),
        actions=[Action(text="what do you do then?"), Action(text="open the valve")],
    )
    assert [m.template.split("“")[0] for m in doubts(rule)] == ["the action ", "the condition "]
    assert doubts(Rule(conditions=Group(items=[Clause(text="비가 오면")]), actions=[Action(text="덮어요")])) == []


def test_the_extractor_drops_the_asking_action_and_keeps_the_rest_of_the_rule() -> None:
    from elicitation.pipeline import without_doubts

    rule = Rule(
        conditions=Group(items=[Clause(text="it rains")]),
        exceptions=[Clause(text="then")],
        actions=[Action(text="do you cover them?"), Action(text="cover the plates")],
    )
    kept = without_doubts(rule)
    assert kept is not None and [a.text for a in kept.actions] == ["cover the plates"] and not kept.exceptions
    assert without_doubts(rule.model_copy(update={"actions": rule.actions[:1]})) is None
    bare_condition = rule.model_copy(update={"conditions": Group(items=[Clause(text="넘으면")])})
    assert without_doubts(bare_condition) is None


def test_the_extractor_does_not_propose_a_question_as_a_rule() -> None:
    from elicitation import extract_transcript, parse_bytes

    raw = b"Interviewer: And at night?\nPark: At night, do you change anything? Not much. If it rains, cover the plates.\n"
    rules = extract_transcript(parse_bytes(raw, "night.txt"))
    assert not any("change anything" in a.text for r in rules for a in r.actions)
    assert any("cover the plates" in a.text for r in rules for a in r.actions)
