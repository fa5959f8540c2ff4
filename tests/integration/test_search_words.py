"""A worker's own words in a plain-words search, on every engine: the numbers he read rank the
rules they meet above those they rule out (and the answer says which met which), and Korean
questions meet English rules through the glossary."""

from __future__ import annotations

from elicitation import parse_bytes
from knowledge_base import KnowledgeBase
from rules import Action, Clause, Group, Rule

VACUUM = b"""Interviewer: And the vacuum furnace?
Oh: If the chamber stays above 2 Pa after pumping, look for a leak at the door seal.
Oh: When a charge has been in the furnace for more than 90 minutes, pull it and check the colour.
"""


def _rules(_transcript: object) -> list[Rule]:
    leak = Clause(text="the chamber stays above 2 Pa after pumping", variable="chamber_pressure", operator=">",
                  value=2, unit="Pa")  # fmt: skip
    long = Clause(text="a charge has been in the furnace for more than 90 minutes", variable="time_in_furnace",
                  operator=">", value=90, unit="min")  # fmt: skip
    return [
        Rule(conditions=Group(items=[leak]), actions=[Action(text="look for a leak at the door seal")]),
        Rule(conditions=Group(items=[long]), actions=[Action(text="pull it and check the colour")]),
    ]


def _confirmed(kb: KnowledgeBase) -> tuple[int, int]:
    master = kb.register_master("Oh", craft="heat treatment")
    kb.record_consent(master, ["internal_guidance"])
    ids = kb.import_transcript(master, parse_bytes(VACUUM, "oh.txt"), VACUUM, _rules).rule_ids
    for view in kb.list_rules():
        kb.review(view.id, "confirmed", expected_version=view.version)
    return ids[0], ids[1]


def test_the_numbers_a_worker_read_rank_the_rule_they_meet_first_and_say_why(skb: KnowledgeBase) -> None:
    leak, furnace = _confirmed(skb)
    found = skb.search("I pumped for an hour and the chamber still reads 3 Pa")
    assert found[0].view.id == leak
    assert [(m.words, m.holds) for m in found[0].hit.facts] == [("3 Pa", True)]
    assert "3 Pa meets “the chamber stays above 2 Pa after pumping”" in found[0].hit.why
    for other in found[1:]:  # an hour in the furnace is not more than 90 minutes
        assert other.view.id == furnace and [(m.words, m.holds) for m in other.hit.facts] == [("an hour", False)]
    longer = skb.search("the charge has been in there for two hours, what now?")
    assert longer[0].view.id == furnace and longer[0].hit.facts[0].holds
    plain = skb.search("the chamber pressure will not come down")
    assert all(not r.hit.facts for r in plain)  # no number said: ranked by meaning and words alone


def test_a_korean_question_meets_the_english_rule_by_its_numbers_and_the_glossary(mkb: KnowledgeBase) -> None:
    leak, _furnace = _confirmed(mkb)
    found = mkb.search("펌핑을 했는데도 챔버 압력이 3 Pa에서 안 내려가요")
    assert found[0].view.id == leak
    assert [(m.words, m.holds) for m in found[0].hit.facts] == [("3 Pa", True)]
