"""A reading of the rules guidance may use (one kind of reader, one knowledge-base state), and
what every question derives from it, made once per reading (`guidance_reading` makes them)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from rules import Clause, KnownRule, Variable, catalogue
from rules.language import KOREAN, language_of


@dataclass(frozen=True)
class Reading:
    """The rules one kind of reader may be guided by at one state; derived sets made on first use."""

    rules: tuple[KnownRule, ...]
    # what the knowledge base derives on first use: the clauses' vectors by each model's key
    derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @functools.cached_property
    def variables(self) -> list[Variable]:
        """Every variable the rules test, most used first (`rules.catalogue`)."""
        return catalogue(k.rule for k in self.rules)

    @functools.cached_property
    def clauses(self) -> list[Clause]:
        """The measurable clauses (and exceptions), one per variable and wording."""
        return list(
            {
                (c.variable, c.text): c
                for k in self.rules
                for c in [*k.rule.clauses(), *k.rule.exceptions]
                if c.variable
            }.values()
        )

    @functools.cached_property
    def korean(self) -> bool:
        """Whether any clause is spoken in Korean (then questions compare with the multilingual model)."""
        return any(language_of(c.text) == KOREAN for c in self.clauses)

    def prepare(self) -> None:
        """Make the variables, the clauses and their language now, not on the first question."""
        for name in ("variables", "clauses", "korean"):
            getattr(self, name)
