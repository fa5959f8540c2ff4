"""A rule's compiled form is kept for the same rule in the same reference units (rules.compiling),
so a knowledge base that changed in one rule compiles that rule again, not all of them."""

from rules import Action, Clause, Engine, Group, KnownRule, Quantity, Rule
from rules.compiling import Compiled, compiled_rule


def plate(value: float, unit: str, key: str = "1") -> KnownRule:
    clause = Clause(text=f"plate over {value} {unit}", variable="thickness", operator=">", value=value, unit=unit)
    return KnownRule(key=key, rule=Rule(conditions=Group(items=[clause]), actions=[Action(text=f"preheat ({key})")]))


def test_the_same_rule_in_the_same_units_is_compiled_once() -> None:
    known = plate(25, "mm")
    first = compiled_rule(known.rule, {"thickness": "mm"})
    assert isinstance(first, Compiled) and compiled_rule(known.rule, {"thickness": "mm"}) is first
    again = compiled_rule(known.rule.model_copy(), {"thickness": "mm"})  # an equal rule, another object
    assert again is not first and isinstance(again, Compiled) and again.alternatives == first.alternatives


def test_other_reference_units_compile_the_rule_again() -> None:
    known = plate(25, "mm")
    in_mm = compiled_rule(known.rule, {"thickness": "mm"})
    in_cm = compiled_rule(known.rule, {"thickness": "cm"})
    assert isinstance(in_mm, Compiled) and isinstance(in_cm, Compiled)
    assert in_cm.clauses[0].value == 2.5 and in_cm.clauses[0].unit == "cm" and in_mm.clauses[0].value == 25


def test_engines_sharing_rules_answer_alike_whatever_was_kept() -> None:
    a, b = plate(25, "mm", "1"), plate(3, "cm", "2")
    alone = Engine([a])
    both = Engine([a, b, plate(40, "mm", "3")])  # mm stays the reference unit; b is read as 30 mm
    fired = {f.known.key for f in both.ask({"thickness": Quantity(35, "mm")}).fired}
    assert fired == {"1", "2"}
    assert {f.known.key for f in alone.ask({"thickness": Quantity(35, "mm")}).fired} == {"1"}
    assert both.skipped == {} and isinstance(compiled_rule(b.rule, both.units), Compiled)
