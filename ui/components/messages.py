"""How a page tells the user something went wrong (one line naming the problem, in the user's
language, never a traceback), and messages shown once after a rerun. Both are Markdown: the
problem is escaped, since errors quote what the user typed."""

from __future__ import annotations

import streamlit as st

from ui.components.plain import md, md_error
from ui.i18n import error_text


def show_error(exc: BaseException, *, not_done: str | None = None) -> None:
    """The problem in one line. `not_done` says what did not happen, as a catalogue text with a
    {problem} placeholder ("Not saved: {problem}")."""
    st.error(md(not_done, problem=error_text(exc)) if not_done else md_error(exc))


def flash(message: str, kind: str = "success") -> None:
    """A message shown once, after the rerun a button's callback causes. It is Markdown: made with
    `md()` (or `md_error()`), so that the data in it is escaped."""
    st.session_state.setdefault("_flash", []).append((kind, message))


def show_flash() -> None:
    for kind, message in st.session_state.pop("_flash", []):
        getattr(st, kind)(message)
