"""Can every confirmed rule guide a worker? Operational rules and right numbers, against a baseline.

Over the bundled gold interviews (English and Korean, every split), each interview is extracted,
its rules are matched to the gold ones, and every matched rule is confirmed. For each such rule a
worker's situation is built from the rule's own conditions, the way he would type it into `ask`:
a number just inside its threshold with the unit the rule shows, its category, "yes" for an
observation. The facts are read by the same parser as the command line, so a Hangul name or a
unit the parser cannot read fails here as it fails there. A rule is *operational* when it fires.

`values_correct` scores the numbers: for each threshold annotated in the gold files (`values`),
the matched rule's clause must have the gold operator, number and unit (a unit of the same
dimension counts after conversion; a tolerance "within 5 degC" counts as `<=` 5 degC). A gold
rule the extractor missed is not counted there (that is recall, scored by `bench/extraction.py`);
`values_found` counts it as a miss.

The same measure runs, in a separate process and in the same run, on the code at `--baseline`
(by default the last commit before this work), exported from git into a temporary folder.

Targets (issue 22): operational >= 0.95 and values >= 0.95 on every split.

    .venv/bin/python bench/guidance.py [--quick] [--baseline REF]
"""

from __future__ import annotations

import argparse
import functools
import json
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# The product before operational knowledge: conditions as dead text, Hangul fact names refused.
BASELINE_REF = "f0fe693"
QUICK_PER_SPLIT = 2  # interviews per language and split with --quick


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="two interviews per language and split")
    parser.add_argument("--baseline", default=BASELINE_REF, help="git ref of the baseline code")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # internal: the tree to measure
    args = parser.parse_args()
    if args.measure is not None:
        sys.path.insert(0, str(args.measure))
        print(json.dumps(measure(ROOT / "elicitation" / "gold", quick=args.quick)))
        return
    current = _run(ROOT, args.quick)
    with tempfile.TemporaryDirectory() as tmp:
        baseline = _run(_export(args.baseline, Path(tmp)), args.quick) if args.baseline else None
    _print(current, baseline)
    sys.path.insert(0, str(ROOT))
    from bench._record import record

    figures: dict[str, Any] = {"quick": args.quick, **_flat(current)}
    if baseline is not None:
        figures["baseline_ref"] = args.baseline
        figures.update({f"baseline_{k}": v for k, v in _flat(baseline).items()})
    record("guidance", figures)


def _export(ref: str, into: Path) -> Path:
    archive = into / "baseline.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", "-o", str(archive), ref], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "tree", filter="data")
    return into / "tree"


def _run(tree: Path, quick: bool) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--measure", str(tree), *(["--quick"] if quick else [])]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=tree)
    if done.returncode != 0:
        raise SystemExit(f"measuring {tree} failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _flat(result: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for split, figures in result["splits"].items():
        for name in ("operational_fraction", "values_correct", "values_found", "rules", "values"):
            out[f"{split}_{name}"] = figures[name]
    out["seconds"] = result["seconds"]
    return out


def _print(current: dict[str, Any], baseline: dict[str, Any] | None) -> None:
    print(f"{'split':<14}{'rules':>6}{'operational':>13}{'baseline':>10}{'values':>8}{'correct':>9}{'baseline':>10}")
    for split, now in current["splits"].items():
        before = baseline["splits"].get(split) if baseline else None
        print(
            f"{split:<14}{now['rules']:>6}{now['operational_fraction']:>13.3f}"
            f"{(before['operational_fraction'] if before else float('nan')):>10.3f}"
            f"{now['values']:>8}{now['values_correct']:>9.3f}"
            f"{(before['values_correct'] if before else float('nan')):>10.3f}"
        )
    for split, now in current["splits"].items():
        for why in now["not_operational"][:6]:
            print(f"  not operational ({split}): {why}")
        for why in now["wrong_values"][:6]:
            print(f"  wrong value ({split}): {why}")


# --- the measure, run inside the tree being measured ----------------------------------------------


def measure(gold_root: Path, *, quick: bool) -> dict[str, Any]:
    import time

    from elicitation import evaluation

    start = time.perf_counter()
    splits: dict[str, dict[str, Any]] = {}
    for language, folder in (("en", gold_root), ("ko", gold_root / "ko")):
        for split in ("dev", "holdout"):
            interviews = evaluation.read_gold_dir(folder, split)[: QUICK_PER_SPLIT if quick else None]
            splits[f"{language}_{split}"] = _measure_split(interviews)
    return {"splits": splits, "seconds": round(time.perf_counter() - start, 1)}


def _measure_split(interviews: Iterable[Any]) -> dict[str, Any]:
    from elicitation import evaluation
    from elicitation.pipeline import extract_transcript
    from rules.engine import Engine, KnownRule

    rules = fired = values = correct = found = 0
    not_operational: list[str] = []
    wrong: list[str] = []
    for interview in interviews:
        predicted = extract_transcript(interview.transcript)
        match = evaluation.match_rules(interview, predicted)
        annotated = _gold_values(interview.path)
        known = [KnownRule(f"{interview.path.name}:{pi}", predicted[pi]) for pi, _gi in match.pairs]
        engine = Engine(known)
        for (pi, _gi), k in zip(match.pairs, known, strict=True):
            rules += 1
            ok, why = _fires(engine, k)
            fired += ok
            if not ok:
                not_operational.append(f"{interview.path.name}: {predicted[pi].summary()[:120]} ({why})")
        matched_gold = {gi: pi for pi, gi in match.pairs}
        for gi, entries in annotated.items():
            for entry in entries:
                pi = matched_gold.get(gi)
                if pi is None:
                    continue  # the rule was not found: counted in values_found only
                values += 1
                right, got = _value_right(predicted[pi], entry)
                correct += right
                if not right:
                    wrong.append(f"{interview.path.name}: {entry['condition']!r} gold {_gold_text(entry)}, got {got}")
        found += sum(len(e) for e in annotated.values())
    return {
        "rules": rules,
        "operational_fraction": round(fired / rules, 3) if rules else 0.0,
        "values": values,
        "values_correct": round(correct / values, 3) if values else 0.0,
        "values_found": round(correct / found, 3) if found else 0.0,
        "not_operational": not_operational,
        "wrong_values": wrong,
    }


def _gold_values(path: Path) -> dict[int, list[dict[str, Any]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {i: list(rule["values"]) for i, rule in enumerate(data["rules"]) if rule.get("values")}


def _fires(engine: Any, known: Any) -> tuple[bool, str]:
    """Whether the rule fires for the situation a worker builds from its conditions."""
    from rules.facts import parse_facts
    from rules.model import clause_alternatives

    alternatives = clause_alternatives(known.rule.conditions)
    if not alternatives:
        dead = [c.text for c in known.rule.clauses() if not c.measurable]
        return False, f"no variable: {dead[0][:50]!r}" if dead else "no alternative"
    typed = [f"{c.variable}={_typed(c)}" for c in alternatives[0]]
    try:
        facts = parse_facts(typed)
        answer = engine.ask(facts)
    except Exception as exc:  # the command line shows this error to the worker instead of an answer
        return False, f"{'; '.join(typed)[:80]} -> {exc}"[:160]
    if any(f.known.key == known.key for f in answer.fired):
        return True, ""
    return False, f"{'; '.join(typed)[:80]} fires nothing"


def _typed(clause: Any) -> str:
    """What a worker types for a clause: a number just inside it, with its unit; its category; yes/no."""
    op = str(getattr(clause.operator, "value", clause.operator))
    value = clause.value
    unit = f" {clause.unit}" if clause.unit else ""
    if op == "is_true":
        return "yes"
    if op == "is_false":
        return "no"
    if op == "between":
        return f"{_number((float(value[0]) + float(value[1])) / 2)}{unit}"
    if op == "in":
        return str(value[0])
    if op == "==":
        return f"{_number(value) if _is_number(value) else value}{unit if _is_number(value) else ''}"
    if op == "!=":
        return "something else" if not _is_number(value) else f"{_number(float(value) + 1)}{unit}"
    number = float(value)
    step = max(abs(number) * 0.05, 0.5)
    inside = {">": number + step, ">=": number, "<": number - step, "<=": number}[op]
    return f"{_number(inside)}{unit}"


def _value_right(rule: Any, entry: dict[str, Any]) -> tuple[bool, str]:
    from elicitation.evaluation import overlap_f1

    clauses = [c for c in [*rule.clauses(), *rule.exceptions]]
    if not clauses:
        return False, "no clause"
    best = max(clauses, key=lambda c: overlap_f1(c.text, entry["condition"]))
    got = f"{best.variable} {getattr(best.operator, 'value', best.operator)} {best.value} {best.unit}"
    op = str(getattr(best.operator, "value", best.operator))
    want_op = "<=" if entry["operator"] == "within" else entry["operator"]
    if op != want_op and not (entry["operator"] == "within" and op == "<"):
        return False, got
    try:
        value = _in_unit(best.value, best.unit, entry.get("unit"))
    except Exception:
        return False, got
    want = entry["value"]
    if isinstance(want, list):
        return isinstance(value, list) and all(_close(a, b) for a, b in zip(value, want, strict=True)), got
    return (not isinstance(value, list)) and _close(value, want), got


def _in_unit(value: Any, unit: str | None, target: str | None) -> Any:
    if (unit or None) == (target or None):
        return value
    if unit is None or target is None:
        raise ValueError("unit missing")
    registry = _registry()
    if isinstance(value, list):
        return [float(registry.Quantity(float(v), unit).to(target).magnitude) for v in value]
    return float(registry.Quantity(float(value), unit).to(target).magnitude)


@functools.cache
def _registry() -> Any:
    import pint

    return pint.UnitRegistry(autoconvert_offset_to_baseunit=True)


def _close(a: Any, b: Any) -> bool:
    return _is_number(a) and abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(b)))


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _number(v: float) -> str:
    return f"{float(v):g}"


def _gold_text(entry: dict[str, Any]) -> str:
    return f"{entry['operator']} {entry['value']} {entry.get('unit')}"


if __name__ == "__main__":
    main()
