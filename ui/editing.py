"""The review page's structured editor: a rule as table rows and back, a split into parts, and
version differences in words. Every edit is validated by the rule model, never evaluated."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from knowledge_base import InvalidEdit
from knowledge_base.versions import FieldChange
from rules import Action, Clause, Group, Quantity, Rule
from rules import parse_value as _parse
from rules.messages import Cause
from ui.i18n import t, word

_TICKS = {"observed", "negated"}  # checkbox columns
CLAUSE_COLUMNS = ["text", "variable", "operator", "value", "unit", "scale", "observed"]
ACTION_COLUMNS = ["text", "instruction", "verb", "object", "amount", "unit", "negated", "sets", "to"]


def parse_value(raw: str) -> Any:
    """A clause value from the form: the unit has its own column, so `5 mm` keeps only the 5."""
    value = _parse(raw)
    return value.value if isinstance(value, Quantity) else value


def _value(raw: str, operator: str) -> Any:
    raw = raw.strip()
    if not raw or operator in ("is_true", "is_false"):
        return None
    if operator in ("in", "between"):
        return [parse_value(p) for p in raw.strip("[]").split(",") if p.strip()]
    return parse_value(raw)


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def columns(rows: list[dict[str, Any]], names: list[str]) -> dict[str, list[Any]]:
    """Rows as a table of columns for an editor; no rows gives one empty row (skipped when read
    back), so the columns keep their text type."""
    rows = rows or [{name: False if name in _TICKS else "" for name in names}]
    return {name: [r.get(name, "") for r in rows] for name in names}


def clause_rows(clauses: list[Clause]) -> list[dict[str, Any]]:
    return [
        {
            "text": c.text,
            "variable": c.variable or "",
            "operator": c.operator.value if c.operator else "",
            "value": _show(c.value),
            "unit": c.unit or "",
            "scale": " < ".join(c.scale) if c.scale else "",
            "observed": c.observed,
        }
        for c in clauses
    ]


def action_rows(actions: list[Action]) -> list[dict[str, Any]]:
    return [
        {
            "text": a.text,
            "instruction": a.instruction or "",
            "verb": a.verb or "",
            "object": a.object or "",
            "amount": "" if a.amount is None else str(a.amount),
            "unit": a.unit or "",
            "negated": a.negated,
            "sets": a.variable or "",
            "to": _show(a.value),
        }
        for a in actions
    ]


def _records(rows: Any) -> list[dict[str, Any]]:
    if isinstance(rows, dict):  # a table of columns
        names = list(rows)
        records = [dict(zip(names, values, strict=True)) for values in zip(*rows.values(), strict=True)]
    else:
        records = rows.to_dict("records") if hasattr(rows, "to_dict") else list(rows)
    return [{k: ("" if v is None or v != v else v) for k, v in r.items()} for r in records]  # NaN → ""


def _text(row: dict[str, Any], key: str) -> str:
    return str(row.get(key) or "").strip()


def _ticked(row: dict[str, Any], key: str) -> bool:
    return bool(row.get(key)) and str(row.get(key)).lower() not in ("false", "0")


def _spans(rows: Sequence[tuple[str, str | None]], previous: Sequence[Clause | Action]) -> list[dict[str, int | None]]:
    """Where the master said each row's words (a row: its text and variable): the span of the
    earlier clause or action with the same words, else of the one in the same row when it tests
    the same variable (a reworded condition). A row with new words and a new variable has none."""
    found: list[int | None] = [None] * len(rows)
    used: set[int] = set()
    for n, (text, _variable) in enumerate(rows):  # the same words first, wherever they moved
        k = next((i for i, p in enumerate(previous) if i not in used and p.text == text), None)
        if k is not None:
            found[n] = k
            used.add(k)
    for n, (_text, variable) in enumerate(rows):
        same = n < len(previous) and n not in used and getattr(previous[n], "variable", None) == variable
        if found[n] is None and same:
            found[n] = n
            used.add(n)
    return [
        {"start": None, "end": None} if k is None else {"start": previous[k].start, "end": previous[k].end}
        for k in found
    ]


def _said(row: dict[str, Any]) -> str:
    return _text(row, "text") or " ".join(_text(row, k) for k in ("variable", "operator", "value", "unit")).strip()


def clauses_from_rows(rows: Any, what: str = "condition", previous: Sequence[Clause] = ()) -> list[Clause]:
    """Clauses from editor rows; an empty row is skipped, a bad one named by its number. Each keeps
    the evidence span of the clause it was (see `_spans`)."""
    kept = [
        (n, row)
        for n, row in enumerate(_records(rows), start=1)
        if any(_text(row, k) for k in CLAUSE_COLUMNS if k != "observed")
    ]
    spans = _spans([(_said(row), _text(row, "variable") or None) for _, row in kept], previous)
    out = []
    for (n, row), span in zip(kept, spans, strict=True):
        operator = _text(row, "operator")
        try:
            out.append(
                Clause(
                    text=_said(row),
                    variable=_text(row, "variable") or None,
                    operator=operator or None,  # type: ignore[arg-type]
                    value=_value(_text(row, "value"), operator),
                    unit=_text(row, "unit") or None,
                    scale=_scale(_text(row, "scale")),
                    observed=_ticked(row, "observed"),
                    **span,  # type: ignore[arg-type]
                )
            )
        except (ValidationError, ValueError) as exc:
            raise InvalidEdit(
                "invalid rule edit: {what} {number}: {problem}", what=what, number=n, problem=Cause(exc, _message(exc))
            ) from None
    return out


def _scale(raw: str) -> list[str] | None:
    """A scale as the master types it, lowest first: "dull red < orange < white" (or with commas)."""
    steps = [s.strip() for s in raw.replace("<", ",").split(",") if s.strip()]
    return steps or None


def actions_from_rows(rows: Any, previous: Sequence[Action] = ()) -> list[Action]:
    kept = []
    for n, row in enumerate(_records(rows), start=1):
        if not _text(row, "text"):
            if any(_text(row, k) for k in ACTION_COLUMNS if k != "negated"):
                raise InvalidEdit("invalid rule edit: action {number} needs its words (the text column)", number=n)
            continue
        kept.append((n, row))
    spans = _spans([(_text(row, "text"), _text(row, "sets") or None) for _, row in kept], previous)
    out = []
    for (n, row), span in zip(kept, spans, strict=True):
        amount = _text(row, "amount")
        try:
            out.append(
                Action(
                    text=_text(row, "text"),
                    verb=_text(row, "verb") or None,
                    object=_text(row, "object") or None,
                    amount=float(amount) if amount else None,
                    unit=_text(row, "unit") or None,
                    negated=_ticked(row, "negated"),
                    variable=_text(row, "sets") or None,
                    value=parse_value(_text(row, "to")) if _text(row, "to") else None,
                    instruction=_text(row, "instruction") or None,
                    **span,
                )
            )
        except (ValidationError, ValueError) as exc:
            raise InvalidEdit(
                "invalid rule edit: action {number}: {problem}", number=n, problem=Cause(exc, _message(exc))
            ) from None
    return out


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        return f"{field + ': ' if field else ''}{first['msg']}"
    return str(exc)


def rule_from_editor(
    old: Rule,
    *,
    join: str,
    conditions: Any,
    actions: Any,
    exceptions: Any,
    certainty: str,
    rationale: str = "",
    domain: str = "",
    process_step: str = "",
) -> Rule:
    """The edited rule from the structured editor's parts; raises InvalidEdit naming the row.
    The extractor's confidence and the evidence stay as they were."""
    data = old.model_dump()
    data.update(
        conditions=Group(join=join, items=clauses_from_rows(conditions, previous=old.clauses())).model_dump(),  # type: ignore[arg-type]
        actions=[a.model_dump() for a in actions_from_rows(actions, old.actions)],
        exceptions=[c.model_dump() for c in clauses_from_rows(exceptions, "exception", old.exceptions)],
        certainty=certainty,
        rationale=rationale.strip() or None,
        domain=domain.strip() or None,
        process_step=process_step.strip() or None,
    )
    if not data["actions"]:
        raise InvalidEdit("invalid rule edit: a rule needs at least one action")
    try:
        return Rule.model_validate(data)
    except ValidationError as exc:
        raise InvalidEdit("invalid rule edit: {problem}", problem=Cause(exc, _message(exc))) from None


def split(rule: Rule, moved_actions: list[int], moved_conditions: list[int] | None = None) -> list[Rule]:
    """Two rules from one: the chosen actions move to a new rule with the chosen conditions
    (all of them by default); the rest stay. Each part needs an action."""
    if not moved_actions:
        raise InvalidEdit("choose the action(s) that make the new rule")
    keep = [a for i, a in enumerate(rule.actions) if i not in moved_actions]
    move = [a for i, a in enumerate(rule.actions) if i in moved_actions]
    if not keep:
        raise InvalidEdit("leave at least one action in this rule; a split makes two rules")
    clauses = rule.clauses()
    chosen = range(len(clauses)) if moved_conditions is None else moved_conditions
    conditions = Group(join=rule.conditions.join, items=[c for i, c in enumerate(clauses) if i in chosen])
    first = rule.model_copy(update={"actions": keep})
    second = rule.model_copy(update={"actions": move, "conditions": conditions})
    return [first, second]


_PARTS = {"conditions": "condition", "actions": "action", "exceptions": "exception"}


def readable(change: FieldChange) -> str:
    """One changed field in words: `conditions.items.0.value: 80 -> 85` becomes
    `condition 1 value: 80 → 85`."""
    parts = change.path.split(".")
    words: list[str] = []
    i = 0
    while i < len(parts):
        p = parts[i]
        if p in _PARTS and i + 1 < len(parts):
            nxt = parts[i + 1]
            if nxt == "items" and i + 2 < len(parts) and parts[i + 2].isdigit():
                words.append(f"{word(_PARTS[p])} {int(parts[i + 2]) + 1}")
                i += 3
                continue
            if nxt.isdigit():
                words.append(f"{word(_PARTS[p])} {int(nxt) + 1}")
                i += 2
                continue
        words.append(word(p))
        i += 1
    before = t("(none)") if change.before in (None, "") else _show(change.before)
    after = t("(none)") if change.after in (None, "") else _show(change.after)
    return f"{' '.join(words)}: {before} → {after}"
