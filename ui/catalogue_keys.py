"""Every text the UI may show that needs a translation: the `t(...)`/`say(...)`/`md(...)` texts of the UI,
the templates of the errors and messages the other packages raise or build, and the words of the
data. `tests/test_i18n.py` checks that `ui/locales/ko.json` has each one."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_CALLERS = {"t", "say", "md"}


# Keyword arguments that take a catalogue text, as `show_error(exc, not_done="Not saved: {problem}")`.
_TEXT_KEYWORDS = {"not_done"}


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value else None


def _calls(path: Path, names: set[str], keywords: frozenset[str] = frozenset()) -> Iterator[str]:
    """The literal first arguments of calls to `names`, and the literal `keywords` of any call."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for kw in node.keywords:
            text = _literal(kw.value) if kw.arg in keywords else None
            if text:
                yield text
        if not node.args:
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        first = _literal(node.args[0])
        if name in names and first:
            yield first


def _explained_classes() -> set[str]:
    """Names of every error class that carries a template (rules.messages.Explained) and Message."""
    import elicitation.errors
    import knowledge_base.errors
    import rules.engine
    import rules.model
    from rules.messages import Explained

    found = {"Message", "__init__"}  # and the templates errors pass to their base class
    for module in (knowledge_base.errors, elicitation.errors, rules.engine, rules.model):
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, Explained):
                found.add(name)
    return found


def ui_texts() -> set[str]:
    return {text for path in (ROOT / "ui").rglob("*.py") for text in _calls(path, _CALLERS, frozenset(_TEXT_KEYWORDS))}


def message_templates() -> set[str]:
    names = _explained_classes()
    out: set[str] = set()
    for package in ("knowledge_base", "elicitation", "rules", "ui"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            out.update(_calls(path, names))
    return out


def data_words() -> set[str]:
    """Words of the data that pages show through `word(...)` or as table columns."""
    from elicitation.guide import SECTIONS
    from knowledge_base import CONSENT_SCOPES, ROLES
    from knowledge_base.redaction import ENTITIES
    from rules import Certainty, ReviewStatus
    from ui.i18n import _PYDANTIC_MESSAGES, LANGUAGES

    words = {s.value for s in ReviewStatus} | {c.value for c in Certainty} | set(ROLES) | set(CONSENT_SCOPES)
    words |= set(ENTITIES) | set(LANGUAGES) | set(_PYDANTIC_MESSAGES.values()) | {h for _, h in SECTIONS}
    words |= {"number", "flag", "category", "conflict", "duplicate", "subsumed", "gap", "disagreement"}
    words |= {"near_duplicate", "one master", "between masters", "confidential", "shared", "the working state"}
    words |= {"(all)", "condition", "action", "exception", "named in the question", "all", "any"}
    # columns of the admin tables (user list, audit trail) and the fields a version difference names
    words |= {"username", "role", "display_name", "organisation", "master", "created_at", "id", "at", "actor"}
    words |= {"entity", "entity_id", "detail", "text", "variable", "operator", "value", "unit", "verb", "object"}
    words |= {"amount", "negated", "certainty", "rationale", "domain", "process step", "process_step", "join"}
    words |= {"exceptions", "actions", "conditions", "confidence", "status", "evidence", "items", "kind"}
    return words


def all_keys() -> set[str]:
    return ui_texts() | message_templates() | data_words()
