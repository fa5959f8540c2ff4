"""Conflicts, redundancy, subsumption and gaps, each a follow-up question for the interviewer."""

from __future__ import annotations

import pytest

from rules import Action, Clause, Group, KnownRule, Rule
from rules.checks import Finding, check


def rule(key: str, clauses: list[Clause], action: str, master: str = "Park", **extra: object) -> KnownRule:
    actions = [Action(text=action, **extra)]  # type: ignore[arg-type]
    return KnownRule(key=key, rule=Rule(conditions=Group(items=list(clauses)), actions=actions), master=master)


def temp(op: str, value: object, unit: str = "degC") -> Clause:
    return Clause(text=f"steel {op} {value}", variable="steel_temperature", operator=op, value=value, unit=unit)  # type: ignore[arg-type]


RAIN = Clause(text="it rains", variable="weather", operator="==", value="rain")
DRY = Clause(text="it is dry", variable="weather", operator="==", value="dry")


def kinds(findings: list[Finding]) -> list[tuple[str, tuple[str, ...]]]:
    return [(f.kind, f.rules) for f in findings]


@pytest.mark.parametrize(
    "first,second",
    [
        ("increase the preheat", "decrease the preheat"),
        ("add more filler", "use less filler"),
        ("add filler", "never add filler"),
    ],
)
def test_overlapping_rules_with_contradicting_actions_conflict(first: str, second: str) -> None:
    a = rule("1", [RAIN], first)
    b = rule("2", [temp("<", 5)], second)
    [finding] = [f for f in check([a, b]) if f.kind == "conflict"]
    assert finding.rules == ("1", "2") and finding.scope == "one master"
    assert "which is right" in finding.question


def test_rules_that_cannot_apply_together_do_not_conflict() -> None:
    a = rule("1", [RAIN], "increase the preheat")
    b = rule("2", [DRY], "decrease the preheat")
    assert kinds(check([a, b])) == []


def test_conflict_between_masters_in_different_units() -> None:
    a = rule("1", [temp("<", 5)], "increase the preheat", master="Park")
    b = rule("2", [temp("<", 50, "degF")], "decrease the preheat", master="Kim")  # 10 degC: they overlap
    [finding] = [f for f in check([a, b]) if f.kind == "conflict"]
    assert finding.scope == "between masters" and finding.masters == ("Park", "Kim")


def test_derived_facts_set_to_two_values_conflict() -> None:
    a = rule("1", [RAIN], "treat it as wet", variable="surface", value="wet")
    b = rule("2", [temp(">", 0)], "treat it as dry", variable="surface", value="dry")
    assert ("conflict", ("1", "2")) in kinds(check([a, b]))


def test_same_conditions_and_action_is_a_duplicate() -> None:
    a = rule("1", [RAIN, temp("<", 5)], "preheat the plate")
    b = rule("2", [temp("<", 5), RAIN], "Preheat the plate.", master="Kim")
    assert kinds(check([a, b])) == [("duplicate", ("1", "2"))]


def test_a_narrower_rule_with_the_same_action_is_subsumed() -> None:
    general = rule("1", [RAIN], "preheat the plate")
    special = rule("2", [RAIN, temp("<", 5)], "preheat the plate")
    [finding] = check([general, special])
    assert (finding.kind, finding.rules) == ("subsumed", ("2", "1"))
    assert "special case of rule #1" in finding.detail


def test_a_range_no_rule_covers_is_a_gap_with_a_question() -> None:
    cold = rule("1", [temp("<", 5)], "preheat to 100 degrees")
    warm = rule("2", [temp(">", 10)], "weld without preheat")
    gaps = [f for f in check([cold, warm]) if f.kind == "gap"]
    assert [g.question for g in gaps] == ["What do you do when steel temperature is between 5 and 10 degC?"]
    assert gaps[0].rules == ("1", "2")


def test_adjacent_ranges_leave_no_gap() -> None:
    cold = rule("1", [temp("<", 5)], "preheat to 100 degrees")
    mild = rule("2", [temp("between", [5, 10])], "preheat to 50 degrees")
    warm = rule("3", [temp(">", 10)], "weld without preheat")
    assert [f for f in check([cold, mild, warm]) if f.kind == "gap"] == []


def test_gaps_are_found_per_master_and_closed_by_another() -> None:
    cold = rule("1", [temp("<", 5)], "preheat to 100 degrees", master="Park")
    warm = rule("2", [temp(">", 10)], "weld without preheat", master="Park")
    kim = rule("3", [temp("between", [4, 12])], "preheat to 50 degrees", master="Kim")
    gaps = [f for f in check([cold, warm, kim]) if f.kind == "gap"]
    assert [(g.detail.split(" say")[0], g.scope) for g in gaps] == [("Park's rules", "one master")]
