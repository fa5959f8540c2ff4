"""The engine at durable_rules 2.0.28's known limits, and a hang or crash of its C core."""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

import pytest

from rules import Action, Clause, Engine, Group, KnownRule, Rule
from rules.compiling import MAX_ALTERNATIVES
from rules.durable_core import CoreCrashed, CoreProcess, CoreTimeout
from rules.engine import PARTITION_SIZE


def rule(key: str, *clauses: Clause, join: str = "all") -> KnownRule:
    return KnownRule(
        key=key,
        rule=Rule(conditions=Group(join=join, items=list(clauses)), actions=[Action(text=f"do {key}")]),  # type: ignore[arg-type]
    )


def fired(engine: Engine, facts: dict[str, Any]) -> set[str]:
    return {f.known.key for f in engine.ask(facts).fired}


@pytest.fixture()
def core() -> Any:
    process = CoreProcess()
    yield process
    process.close()


def test_more_than_512_rules_testing_one_field_compile_and_answer(core: CoreProcess) -> None:
    # 513 alternatives in one node hang durable_rules' create_ruleset while holding the GIL
    rules = [rule(str(i), Clause(text=f"t > {i}", variable="t", operator=">", value=i)) for i in range(700)]
    engine = Engine(rules, core=core)
    assert len(engine._rulesets) >= 700 // PARTITION_SIZE
    assert all(len(body) <= PARTITION_SIZE for body in engine._rulesets.values())
    assert fired(engine, {"t": 300.5}) == {str(i) for i in range(301)}


def test_hundreds_of_rules_with_an_identical_first_condition(core: CoreProcess) -> None:
    # about 256 rules sharing their first condition fail with error 108 in one ruleset
    rain = Clause(text="it rains", variable="weather", operator="==", value="rain")
    engine = Engine([rule(str(i), rain) for i in range(600)], core=core)
    assert fired(engine, {"weather": "rain"}) == {str(i) for i in range(600)}
    assert fired(engine, {"weather": "dry"}) == set()


def test_more_than_4096_rules_in_one_knowledge_base(core: CoreProcess) -> None:
    rules = [
        rule(str(i), Clause(text=f"v{i % 97} is {i}", variable=f"v{i % 97}", operator="==", value=i))
        for i in range(5000)
    ]
    engine = Engine(rules, core=core)
    assert fired(engine, {"v3": 3.0, "v5": 1169.0}) == {"3", "1169"}


def test_an_in_list_of_600_values_is_spread_over_rulesets(core: CoreProcess) -> None:
    big = Clause(text="one of many", variable="code", operator="in", value=[f"c{i}" for i in range(600)])
    engine = Engine(
        [rule("big", big), rule("small", Clause(text="x", variable="code", operator="==", value="c7"))], core=core
    )
    assert fired(engine, {"code": "c599"}) == {"big"}
    assert fired(engine, {"code": "c7"}) == {"big", "small"}


def test_a_rule_that_expands_past_the_limit_is_skipped_with_a_reason_and_the_rest_work(core: CoreProcess) -> None:
    def choice(var: str) -> Clause:
        return Clause(text=var, variable=var, operator="in", value=[f"{var}{i}" for i in range(40)])

    huge = rule("huge", choice("a"), choice("b"))  # 40 x 40 = 1600 alternatives
    assert MAX_ALTERNATIVES < 40 * 40
    engine = Engine([huge, rule("ok", Clause(text="a", variable="a", operator="==", value="a1"))], core=core)
    assert "huge" in engine.skipped and "alternatives" in engine.skipped["huge"]
    assert fired(engine, {"a": "a1", "b": "b1"}) == {"ok"}


def test_many_knowledge_base_states_retire_old_rulesets_and_recycle_the_core(core: CoreProcess) -> None:
    core.recycle_after = 10
    rain = Clause(text="it rains", variable="weather", operator="==", value="rain")
    first_pid = core.pid or core.raw("ping")
    for version in range(30):  # each state a new ruleset; the old engine is dropped
        engine = Engine([rule(f"r{version}", rain)], core=core)
        assert fired(engine, {"weather": "rain"}) == {f"r{version}"}
        del engine
    assert core.pid != first_pid  # the child was replaced, freeing what durable_rules kept
    assert len(core.registered) <= 12


def test_a_hang_in_the_c_core_costs_the_child_not_us(core: CoreProcess) -> None:
    rain = Clause(text="it rains", variable="weather", operator="==", value="rain")
    engine = Engine([rule("a", rain)], core=core)
    hanging = {f"r{i}": {"all": [{"m": {"t": float(i)}}]} for i in range(513)}
    with pytest.raises(CoreTimeout, match="did not answer 'register' within 3 s"):
        core.raw("register", rulesets={"hang": hanging}, timeout=3)
    assert fired(engine, {"weather": "rain"}) == {"a"}  # a new child, the engine's rules registered again


def test_a_crash_of_the_c_core_is_an_error_and_the_next_question_is_answered(core: CoreProcess) -> None:
    rain = Clause(text="it rains", variable="weather", operator="==", value="rain")
    engine = Engine([rule("a", rain)], core=core)
    # durable_rules segfaults on delete_state after a partial match, but only for some heap layouts
    # of the child; a segfault delivered while it works on a slow request is the same crash, always.
    slow = {f"r{i}": {"all": [{"m": {"t": float(i)}}]} for i in range(513)}
    pid = core.pid
    assert pid is not None
    crash = threading.Timer(0.5, os.kill, (pid, signal.SIGSEGV))
    crash.start()
    try:
        with pytest.raises(CoreCrashed, match=r"signal 11 \(SIGSEGV\) during 'register'"):
            core.raw("register", rulesets={"slow": slow}, timeout=30)
    finally:
        crash.cancel()
    assert fired(engine, {"weather": "rain"}) == {"a"}


def test_a_killed_core_is_restarted_on_the_next_question(core: CoreProcess) -> None:
    rain = Clause(text="it rains", variable="weather", operator="==", value="rain")
    engine = Engine([rule("a", rain)], core=core)
    pid = core.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    assert fired(engine, {"weather": "rain"}) == {"a"}
    assert core.pid != pid
