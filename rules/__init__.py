"""The rule as data and the engine that runs it; imports nothing from the other packages."""

from rules.engine import Answer, ClauseMatch, CompileError, Engine, Firing, KnownRule
from rules.facts import FactSyntaxError, check_name, clause_holds, parse_fact, parse_facts, parse_value
from rules.model import (
    Action,
    Certainty,
    Clause,
    Evidence,
    Group,
    Operator,
    ReviewStatus,
    Rule,
    Scalar,
    iter_clauses,
)

__all__ = [
    "Action",
    "Answer",
    "Certainty",
    "Clause",
    "ClauseMatch",
    "CompileError",
    "Engine",
    "Evidence",
    "FactSyntaxError",
    "Firing",
    "Group",
    "KnownRule",
    "Operator",
    "ReviewStatus",
    "Rule",
    "Scalar",
    "check_name",
    "clause_holds",
    "iter_clauses",
    "parse_fact",
    "parse_facts",
    "parse_value",
]
