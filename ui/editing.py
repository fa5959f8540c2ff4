"""Turning the review page's edit form into a rule (validated by the rule model, never evaluated)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from knowledge_base import InvalidEdit
from rules import Action, Clause, Group, Quantity, Rule
from rules import parse_value as _parse


def parse_value(raw: str) -> Any:
    """A clause value from the form: the unit has its own column, so `5 mm` keeps only the 5."""
    value = _parse(raw)
    return value.value if isinstance(value, Quantity) else value


def _value(raw: str, operator: str) -> Any:
    raw = raw.strip()
    if not raw or operator in ("is_true", "is_false"):
        return None
    if operator in ("in", "between"):
        items = [parse_value(p) for p in raw.strip("[]").split(",") if p.strip()]
        return items
    return parse_value(raw)


def rule_from_form(old: Rule, rows: Any, actions_text: str, certainty: str) -> Rule:
    """Build the edited rule from the form's clause rows and action lines; raises InvalidEdit."""
    records = rows.to_dict("records") if hasattr(rows, "to_dict") else list(rows)
    try:
        clauses = []
        for row in records:
            text = str(row.get("text") or "").strip()
            if not text:
                continue
            operator = str(row.get("operator") or "").strip()
            variable = str(row.get("variable") or "").strip() or None
            clauses.append(
                Clause(
                    text=text,
                    variable=variable,
                    operator=operator or None,  # type: ignore[arg-type]
                    value=_value(str(row.get("value") or ""), operator),
                    unit=str(row.get("unit") or "").strip() or None,
                )
            )
        actions = [Action(text=line.strip()) for line in actions_text.splitlines() if line.strip()]
        data = old.model_dump()
        data.update(
            conditions=Group(join=old.conditions.join, items=clauses).model_dump(),  # type: ignore[arg-type]
            actions=[a.model_dump() for a in actions],
            certainty=certainty,
        )
        return Rule.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidEdit(f"invalid rule edit: {first['msg']}") from None
