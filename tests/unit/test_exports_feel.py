"""The DMN export run by a third party: bpmn.io's dmn-moddle reads it and feelin evaluates it
(Node.js, installed by scripts/setup.sh into tests/feel), and they must fire exactly the rules
`ask` fires, Korean variable names, observations and words in another case included."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from rules import Action, Clause, Engine, Group, KnownRule, Rule
from rules.exports import to_dmn
from rules.synthetic import knowledge_base, situation

FEEL = Path(__file__).resolve().parents[1] / "feel"


def third_party(dmn: bytes, situations: list[dict[str, Any]]) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None or not (FEEL / "node_modules" / "feelin").is_dir():
        pytest.skip("Node.js or tests/feel/node_modules missing (scripts/setup.sh installs them where npm is)")
    done = subprocess.run(
        [node, str(FEEL / "evaluate.mjs")],
        input=json.dumps({"dmn": dmn.decode("utf-8"), "situations": situations}),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def mixed_case(facts: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    return {k: (v.title() if isinstance(v, str) and rng.random() < 0.5 else v) for k, v in facts.items()}


def test_feelin_fires_exactly_our_rules_on_random_situations() -> None:
    rules, pool = knowledge_base(300, 20, seed=5)
    rules = [k for k in rules if not any(a.variable for a in k.rule.actions)]  # DMN tables do not chain
    ours = Engine(rules)
    rng = random.Random(17)
    situations = [mixed_case(situation(pool, rng.randrange(3, 15), rng), rng) for _ in range(200)]
    expected = [sorted({f.known.key for f in ours.ask(s).fired}) for s in situations]
    result = third_party(to_dmn(rules), situations)
    assert result["warnings"] == []
    mismatches = [(s, e, g) for s, e, g in zip(situations, expected, result["fired"], strict=True) if e != g]
    assert mismatches == []
    assert sum(len(e) for e in expected) > 200  # the situations exercise the rules


def test_korean_names_observations_and_exceptions_run_the_same_in_feelin() -> None:
    cold = Clause(text="작업장 온도가 5도 밑이면", variable="작업장_온도", operator="<", value=5, unit="degC")
    pops = Clause(text="아크가 터지는 소리가 나면", variable="아크_소리", operator="is_true", observed=True)
    rain = Clause(text="비가 오면", variable="날씨", operator="==", value="비")
    dry = Clause(text="건조로가 고장 나면", variable="건조로_고장", operator="is_true")
    rules = [
        KnownRule("1", Rule(conditions=Group(items=[cold, pops]), actions=[Action(text="토치로 데우세요")])),
        KnownRule("2", Rule(conditions=Group(items=[rain]), exceptions=[dry], actions=[Action(text="말리세요")])),
        KnownRule("3", Rule(conditions=Group(items=[Clause(text="뭔가 이상하면")]), actions=[Action(text="멈추세요")])),
    ]
    situations: list[dict[str, Any]] = [
        {"작업장_온도": 3.0, "아크_소리": True},
        {"작업장_온도": 3.0, "아크_소리": False},
        {"날씨": "비"},
        {"날씨": "비", "건조로_고장": True},
        {"날씨": "비", "건조로_고장": False, "작업장_온도": 9.0},
    ]
    engine = Engine(rules)
    expected = [sorted(f.known.key for f in engine.ask(s).fired) for s in situations]
    assert expected == [["1"], [], ["2"], [], ["2"]]
    result = third_party(to_dmn(rules), situations)
    assert result["warnings"] == [] and result["fired"] == expected
