"""Field-level differences between two rule versions (or two releases' copies of a rule)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldChange:
    """One changed field, by its dotted path (`conditions.items.0.value`)."""

    path: str
    before: Any
    after: Any

    def __str__(self) -> str:
        return f"{self.path}: {self.before!r} -> {self.after!r}"


_MISSING = object()


def field_diff(before: Any, after: Any, path: str = "") -> list[FieldChange]:
    """Walk two JSON-like values together and list every leaf that differs."""
    if isinstance(before, dict) and isinstance(after, dict):
        out: list[FieldChange] = []
        for key in sorted(set(before) | set(after), key=str):
            sub = f"{path}.{key}" if path else str(key)
            out.extend(field_diff(before.get(key, _MISSING), after.get(key, _MISSING), sub))
        return out
    if isinstance(before, list) and isinstance(after, list):
        out = []
        for i in range(max(len(before), len(after))):
            out.extend(
                field_diff(
                    before[i] if i < len(before) else _MISSING, after[i] if i < len(after) else _MISSING, f"{path}.{i}"
                )
            )
        return out
    if before == after:
        return []
    return [FieldChange(path, None if before is _MISSING else before, None if after is _MISSING else after)]
