"""Guidance engine: compile time and per-situation latency on a generated knowledge base.

A generated knowledge base (default 10,000 confirmed rules over 200 variables, numeric ones in
units, some clauses in another unit of the same dimension, `any` groups and exceptions) is
compiled to durable_rules rulesets; 1,000 random situations are asked one at a time. The same
situations run, in the same process, on zen-engine with the exported GoRules JDM, and on a plain
Python loop over the rule data (every rule's condition tree tested against the facts). All three
must fire the same rules; the figures are compared as ratios measured in this one run.

Targets (issue 5): compile <= 10 s, p99 <= 10 ms per situation, within 5x of zen-engine.

    python bench/engine.py            # full size
    python bench/engine.py --quick    # 2,000 rules, 200 situations: under a minute on 2 cores
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import zen

from bench._record import record
from rules.durable_core import CoreProcess
from rules.engine import Engine, group_holds
from rules.exports import to_jdm
from rules.facts import clause_holds
from rules.synthetic import knowledge_base, situation


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed_each(
    fn: Callable[[dict[str, Any]], set[str]], situations: list[dict[str, Any]]
) -> tuple[list[float], list[set[str]]]:
    times, answers = [], []
    for facts in situations:
        start = time.perf_counter()
        answers.append(fn(facts))
        times.append((time.perf_counter() - start) * 1000)
    return times, answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rules", type=int, default=10_000)
    parser.add_argument("--variables", type=int, default=200)
    parser.add_argument("--situations", type=int, default=1_000)
    parser.add_argument("--facts", type=int, default=10, help="facts per situation (an SME states a handful)")
    parser.add_argument("--quick", action="store_true", help="2,000 rules and 200 situations")
    args = parser.parse_args()
    if args.quick:
        args.rules, args.situations = 2_000, 200

    rules, pool = knowledge_base(args.rules, args.variables, seed=7)
    rng = random.Random(2026)
    situations = [situation(pool, args.facts, rng) for _ in range(args.situations)]

    core = CoreProcess()
    start = time.perf_counter()
    core.raw("ping")
    core_start_s = time.perf_counter() - start
    start = time.perf_counter()
    engine = Engine(rules, core=core)
    compile_s = time.perf_counter() - start
    for facts in situations[:20]:  # warm both sides the same way
        engine.ask(facts)
    ours_ms, ours = timed_each(lambda f: {x.known.key for x in engine.ask(f).fired}, situations)

    start = time.perf_counter()
    jdm = json.dumps(to_jdm(rules))
    decision = zen.ZenEngine().create_decision(jdm)
    zen_compile_s = time.perf_counter() - start
    for facts in situations[:20]:
        decision.evaluate(facts)

    def ask_zen(facts: dict[str, Any]) -> set[str]:
        result = decision.evaluate(facts)["result"]
        return {row["rule_id"] for rows in result.values() for row in rows}

    zen_ms, theirs = timed_each(ask_zen, situations)

    compiled = list(engine._compiled.values())

    def plain_loop(facts: dict[str, Any]) -> set[str]:
        state = engine.normalize(facts)
        return {
            c.known.key
            for c in compiled
            if group_holds(c.conditions, state) and not any(clause_holds(e, state) for e in c.exceptions)
        }

    loop_ms, looped = timed_each(plain_loop, situations)
    core.close()

    disagree_zen = sum(a != b for a, b in zip(ours, theirs, strict=True))
    disagree_loop = sum(a != b for a, b in zip(ours, looped, strict=True))
    fired = statistics.mean(len(a) for a in ours)
    figures = {
        "rules": args.rules,
        "variables": args.variables,
        "situations": args.situations,
        "facts_per_situation": args.facts,
        "durable_rulesets": len(engine._rulesets),
        "mean_rules_fired": round(fired, 1),
        "compile_s": round(compile_s, 3),
        "core_start_s": round(core_start_s, 3),
        "median_ms": round(statistics.median(ours_ms), 3),
        "p99_ms": round(percentile(ours_ms, 0.99), 3),
        "zen_compile_s": round(zen_compile_s, 3),
        "zen_median_ms": round(statistics.median(zen_ms), 3),
        "zen_p99_ms": round(percentile(zen_ms, 0.99), 3),
        "loop_median_ms": round(statistics.median(loop_ms), 3),
        "loop_p99_ms": round(percentile(loop_ms, 0.99), 3),
        "ratio_vs_zen": round(statistics.median(ours_ms) / statistics.median(zen_ms), 3),
        "ratio_vs_loop": round(statistics.median(ours_ms) / statistics.median(loop_ms), 3),
        "disagreements_vs_zen": disagree_zen,
        "disagreements_vs_loop": disagree_loop,
        "quick": args.quick,
    }
    print(f"{args.rules:,} rules over {args.variables} variables; {args.situations:,} situations of {args.facts} facts")
    print(f"{'':24}{'compile s':>12}{'median ms':>12}{'p99 ms':>10}")
    print(
        f"{'ours (durable_rules)':24}{compile_s:12.2f}{statistics.median(ours_ms):12.3f}{percentile(ours_ms, 0.99):10.3f}"
    )
    print(
        f"{'zen-engine (JDM)':24}{zen_compile_s:12.2f}{statistics.median(zen_ms):12.3f}{percentile(zen_ms, 0.99):10.3f}"
    )
    print(f"{'plain Python loop':24}{'-':>12}{statistics.median(loop_ms):12.3f}{percentile(loop_ms, 0.99):10.3f}")
    print(f"ours / zen (median): {figures['ratio_vs_zen']}x; ours / loop: {figures['ratio_vs_loop']}x")
    print(f"mean rules fired per situation: {fired:.1f}; disagreements: zen {disagree_zen}, loop {disagree_loop}")
    record("engine", figures)


if __name__ == "__main__":
    main()
