"""Which rules feed which: a rule whose action sets a fact (`weather = rain`) feeds every rule
with a clause on that variable. The knowledge-base page draws these links as a graph."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rules.engine import KnownRule
from rules.model import Scalar


@dataclass(frozen=True)
class Link:
    source: str  # the rule that sets the fact
    variable: str
    value: Scalar | None
    target: str  # a rule that tests it


def chaining_links(rules: Sequence[KnownRule]) -> list[Link]:
    """Every (setter, variable, tester) link among the rules, in key order."""
    testers: dict[str, list[str]] = {}
    for k in rules:
        for c in [*k.rule.clauses(), *k.rule.exceptions]:
            if c.variable and k.key not in testers.setdefault(c.variable, []):
                testers[c.variable].append(k.key)
    links: list[Link] = []
    for k in rules:
        for action in k.rule.actions:
            if action.variable:
                links.extend(
                    Link(k.key, action.variable, action.value, t)
                    for t in testers.get(action.variable, [])
                    if t != k.key
                )
    return links


def to_dot(rules: Sequence[KnownRule], links: Sequence[Link], *, limit: int = 300) -> str:
    """A Graphviz DOT graph of the links (at most `limit`), each rule labelled with its summary."""
    summaries = {k.key: k.rule.summary() for k in rules}

    def quote(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'

    lines = ["digraph chaining {", "  rankdir=LR;", "  node [shape=box, style=rounded, fontsize=10];"]
    shown = list(links)[:limit]
    for key in dict.fromkeys([x for link in shown for x in (link.source, link.target)]):
        text = summaries.get(key, "")
        lines.append(
            f"  {quote('r' + key)} [label={quote(f'#{key} ' + (text[:60] + '…' if len(text) > 60 else text))}];"
        )
    for link in shown:
        label = f"{link.variable} = {link.value}" if link.value is not None else link.variable
        lines.append(f"  {quote('r' + link.source)} -> {quote('r' + link.target)} [label={quote(label)}];")
    lines.append("}")
    return "\n".join(lines)
