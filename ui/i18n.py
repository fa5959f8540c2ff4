"""The UI in the user's language: English or Korean.

Every label, message and error a page shows goes through `t("English text {name}", name=...)`.
The English text is the key; `ui/locales/ko.json` holds its Korean wording with the same
`{placeholders}`. Errors are `rules.messages.Explained`: their template is looked up the same way
and filled with their values, so a refusal from the service layer reads in Korean too. Words from
the data (rule statuses, certainty, roles, consent scopes, operators) have entries of their own.
A test checks that every `t(...)` text in the UI and every error template has a Korean entry.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

LANGUAGES = {"en": "English", "ko": "한국어"}
DEFAULT = os.environ.get("MYEONGJANG_LANGUAGE", "en") if os.environ.get("MYEONGJANG_LANGUAGE") in LANGUAGES else "en"
KEY = "lang"
LOCALES = Path(__file__).parent / "locales"


@functools.lru_cache(maxsize=4)
def catalogue(language: str) -> dict[str, str]:
    if language == "en":
        return {}
    return dict(json.loads((LOCALES / f"{language}.json").read_text(encoding="utf-8")))


def language() -> str:
    """The session's language (the switch in the sidebar), else MYEONGJANG_LANGUAGE, else English."""
    try:
        import streamlit as st

        chosen = st.session_state.get(KEY, DEFAULT)
    except Exception:  # outside a Streamlit session
        chosen = DEFAULT
    return chosen if chosen in LANGUAGES else DEFAULT


def say(text: str, lang: str, /, **params: Any) -> str:
    """The text in `lang`, with its placeholders filled (values that are messages translated too)."""
    values = {k: translated_value(v, lang, k) for k, v in params.items()} if lang != "en" else params
    return filled(text, lang, values, params)


def filled(text: str, lang: str, values: dict[str, Any], fallback: dict[str, Any]) -> str:
    """`text`'s wording in `lang` with `values` in its placeholders; the English text with
    `fallback` where the wording is broken (a broken translation must never hide the message)."""
    template = catalogue(lang).get(text, text)
    if not values:
        return template
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return text.format(**fallback)


def t(text: str, /, **params: Any) -> str:
    """The text in the session's language, with its placeholders filled."""
    return say(text, language(), **params)


def message_text(value: Any, lang: str | None = None) -> str:
    """A `rules.messages.Message` (or plain text) in `lang` (default: the session's language)."""
    lang = lang or language()
    template = getattr(value, "template", None)
    if template is None:
        return catalogue(lang).get(str(value), str(value))
    return say(template, lang, **getattr(value, "params", {}))


def translator(lang: str) -> Any:
    """`message_text` fixed to one language, for documents written in the master's language."""
    return lambda value: message_text(value, lang)


def word(value: object) -> str:
    """A word from the data (a status, a certainty, a role, a scope) in the session's language."""
    text = str(value.value if hasattr(value, "value") else value)
    return catalogue(language()).get(text, text.replace("_", " "))


def error_text(exc: BaseException) -> str:
    """An error as the user should read it: translated from its template where there is one.
    Validation errors of the rule model are worded by their kind; the database's own errors as
    one line (`knowledge_base.database_unusable`)."""
    from knowledge_base.errors import DatabaseFailure, database_unusable

    if isinstance(exc, DatabaseFailure):
        exc = database_unusable(exc)
    template = getattr(exc, "template", None)
    params = getattr(exc, "params", None)
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        cause = (first.get("ctx") or {}).get("error")
        if isinstance(cause, BaseException) and getattr(cause, "template", None):
            said = error_text(cause)
        else:
            said = t(_PYDANTIC_MESSAGES.get(first["type"], first["msg"]))
        return (field + ": " if field else "") + said
    if not template or language() == "en":
        return str(exc)
    translated = catalogue(language()).get(template)
    if translated is None:
        return str(exc)
    values = {k: translated_value(v, language(), k) for k, v in (params or {}).items()}
    try:
        return translated.format(**values)
    except (KeyError, IndexError, ValueError):
        return str(exc)


# The values inside messages that are words of the data (a role, a status, an action), which are
# translated; every other value (a name, a file, a number) is shown as it is.
_WORD_PARAMS = {"role", "status", "target", "decision", "doing", "what", "action", "kind", "scope", "state", "who"}


def translated_value(value: Any, lang: str, name: str = "") -> Any:
    """A value inside a message: itself a message, an error, a rule, or a word of the data."""
    if getattr(value, "template", None) is not None and isinstance(value, str):  # rules.messages.Message
        return message_text(value, lang)
    if isinstance(value, str):
        return catalogue(lang).get(value, value) if name in _WORD_PARAMS else value
    if isinstance(getattr(value, "error", None), BaseException):  # rules.messages.Cause
        return error_text(value.error)
    shown = getattr(value, "value", None)
    if hasattr(value, "text") and shown is not None:  # rules.messages.Shown
        if hasattr(shown, "clauses"):
            return rule_summary(shown, lang)
        if isinstance(shown, list):
            return "; ".join(message_text(v, lang) for v in shown)
    return value


# pydantic's error kinds that a rule edit can hit, worded for people
_PYDANTIC_MESSAGES = {
    "missing": "a value is needed here",
    "float_parsing": "this must be a number",
    "int_parsing": "this must be a whole number",
    "bool_parsing": "this must be yes or no",
    "string_type": "this must be text",
    "enum": "this is not one of the allowed choices",
    "literal_error": "this is not one of the allowed choices",
    "extra_forbidden": "this field is not part of a rule",
    "greater_than_equal": "this number is too small",
    "less_than_equal": "this number is too large",
    "too_short": "at least one is needed",
}


def rule_summary(rule: Any, lang: str | None = None) -> str:
    """A rule in one line, in `lang` or the session's language (IF … THEN … UNLESS … in English)."""
    lang = lang or language()
    if lang == "en":
        return str(rule.summary())
    cond = say(" and ", lang).join(c.text for c in rule.clauses()) or say("(always)", lang)
    act = "; ".join(a.text for a in rule.actions)
    unless = say(" or ", lang).join(e.text for e in rule.exceptions)
    out = say("IF {conditions} THEN {actions}", lang, conditions=cond, actions=act)
    return out + (say(" UNLESS {exceptions}", lang, exceptions=unless) if unless else "")


def question_text(question: Any) -> str:
    """An engine question ("Is humidity above 80 %?") in the session's language, from its clause."""
    clause = getattr(question, "clause", None)
    if language() == "en" or clause is None:
        return str(question)
    from rules.units import show

    said = t(" (the master said: “{words}”)", words=clause.text)
    if clause.variable is None or clause.operator is None:
        return t("Does this hold: {words}?", words=clause.text.rstrip(".?!"))
    name = clause.variable.replace("_", " ")
    unit = f" {clause.unit}" if clause.unit else ""
    op = clause.operator.value
    value = clause.value
    if clause.observed and op in ("is_true", "is_false"):
        from rules.engine import cue_text

        return t("Do you see, hear or feel this now: {words}? (yes or no)", words=cue_text(clause.text))
        return t("Is it so: {name}?", name=name) + said
    if op == "is_false":
        return t("Is it not so: {name}?", name=name) + said
    if op == "between" and isinstance(value, list):
        return (
            t(
                "Is {name} between {low} and {high}{unit}?",
                name=name,
                low=show(value[0]),
                high=show(value[1]),
                unit=unit,
            )
            + said
        )
    if op == "in" and isinstance(value, list):
        return t("Is {name} one of {values}?", name=name, values=", ".join(show(v) for v in value)) + said
    values = {"name": name, "value": show(value), "unit": unit}
    if op == "<":
        return t("Is {name} below {value}{unit}?", **values) + said
    if op == "<=":
        return t("Is {name} at most {value}{unit}?", **values) + said
    if op == ">":
        return t("Is {name} above {value}{unit}?", **values) + said
    if op == ">=":
        return t("Is {name} at least {value}{unit}?", **values) + said
    if op == "!=":
        return t("Is {name} other than {value}{unit}?", **values) + said
    return t("Is {name} {value}{unit}?", **values) + said


WIDGET = "lang_switch"


def language_switch() -> None:
    """The language switch, shown in the sidebar on every page (sign-in included). The choice is
    kept under its own session key, not the widget's: Streamlit forgets a widget's state when the
    page changes, and page titles change with the language."""
    import streamlit as st

    st.session_state.setdefault(KEY, DEFAULT)

    def chosen() -> None:
        st.session_state[KEY] = st.session_state[WIDGET]

    st.sidebar.selectbox(
        "Language / 언어",
        list(LANGUAGES),
        index=list(LANGUAGES).index(language()),
        format_func=LANGUAGES.__getitem__,
        key=WIDGET,
        on_change=chosen,
    )


def choose(widget: Any, label: str, values: Sequence[Any], /, **kwargs: Any) -> Any:
    """A selectbox, radio or multiselect over words of the data, shown in the session's language:
    its options are the words as shown, and it gives back the values (a list for a multiselect).
    Options are the shown words, not values with a `format_func`, so that a widget's state is the
    text on screen (Streamlit's test harness replays widgets by what they show)."""
    shown = {word(v): v for v in values}
    if "default" in kwargs and kwargs["default"] is not None:
        kwargs["default"] = [word(v) for v in kwargs["default"]]
    if "index" not in kwargs and "default" not in kwargs and "value" in kwargs:
        kwargs["index"] = list(shown.values()).index(kwargs.pop("value"))
    picked = widget(label, list(shown), **kwargs)
    if isinstance(picked, list):
        return [shown[p] for p in picked if p in shown]
    return shown.get(picked) if picked is not None else None
