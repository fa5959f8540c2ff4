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


class Cause:
    """An error given as a value inside another error's message ("invalid rule edit: condition 2:
    {problem}"): it reads as `text` in English, and a translator can word `error` instead."""

    def __init__(self, error: BaseException, text: str) -> None:
        self.error = error
        self.text = text

    def __str__(self) -> str:
        return self.text

    def __format__(self, spec: str) -> str:
        return format(self.text, spec)


class Message(str):
    """Text made from a template and its values: it is the English sentence (a `str`, so it prints,
    compares and serialises as before), and it keeps `template` and `params` for translation."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, /, **params: Any) -> Message:
        made = super().__new__(cls, template.format(**params) if params else template)
        made.template = template
        made.params = params
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (_message, (self.template, self.params))


def _message(template: str, params: dict[str, Any]) -> Message:
    return Message(template, **params)


class Shown:
    """A value inside a message, with the English text it is shown as (a rule as its IF … THEN …
    summary): a translator may show the value its own way."""

    def __init__(self, value: Any, text: str) -> None:
        self.value = value
        self.text = text

    def __str__(self) -> str:
        return self.text

    def __format__(self, spec: str) -> str:
        return format(self.text, spec)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Shown) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


def said(rule: Any) -> Shown:
    """A rule inside a message, shown as its summary."""
    return Shown(rule, rule.summary())
