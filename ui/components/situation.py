"""Which variables the situation form asks about: all of them while there are few; at the size of a
real programme (hundreds) the ones that matter for this question first (read from it, tested by
the rules it found, asked for by the last answer, of the process step chosen, picked by the
worker), and the rest behind a search, never hundreds of inputs at once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rules import KnownRule, Variable

ALL_UP_TO = 15  # a form this small shows every variable, as it always did
FIRST = 9  # with nothing to go on, the most used ones
PER_STEP = 12  # a process step brings its most used variables


def form_variables(
    catalogue: Sequence[Variable],
    *,
    named: Iterable[str] = (),
    step_rules: Iterable[KnownRule] = (),
    picked: Iterable[str] = (),
) -> list[Variable]:
    """The variables to show, in the catalogue's order (most used first) after those `named`
    (read from the question, tested by the rules it found, asked for by the answer, picked by
    the worker, in that order), then the most used of the chosen step's rules."""
    if len(catalogue) <= ALL_UP_TO:
        return list(catalogue)
    by_name = {v.name: v for v in catalogue}
    wanted = [n for n in dict.fromkeys([*named, *picked]) if n in by_name]
    counts: dict[str, int] = {}
    for known in step_rules:
        for c in [*known.rule.clauses(), *known.rule.exceptions]:
            if c.variable in by_name:
                counts[c.variable] = counts.get(c.variable, 0) + 1
    step = sorted(counts, key=lambda n: -counts[n])[:PER_STEP]
    wanted += [n for n in step if n not in wanted]
    if not wanted:
        return list(catalogue[:FIRST])
    return [by_name[n] for n in wanted]


def variables_of(rules: Iterable[KnownRule]) -> list[str]:
    """The variables these rules test, in their order."""
    return list(dict.fromkeys(c.variable for k in rules for c in k.rule.clauses() if c.variable))


def steps(rules: Iterable[KnownRule]) -> list[str]:
    """The process steps the rules name, sorted."""
    return sorted({k.rule.process_step for k in rules if k.rule.process_step})
