"""Errors whose message is a template and its values, so that a user interface can say it in the
user's language: `str(error)` is the English sentence; `error.template` and `error.params` are
what a translation catalogue needs."""

from __future__ import annotations

from typing import Any


class Explained(Exception):
    """An error with a message template ("no rule with id {rule_id}") and the values to fill it."""

    def __init__(self, template: str = "", /, **params: Any) -> None:
        self.template = template
        self.params = params
        super().__init__(template.format(**params) if params else template)
