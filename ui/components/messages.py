"""How a page tells the user something went wrong (one line naming the problem, in the user's
language, never a traceback), and messages shown once after a rerun."""

from __future__ import annotations

import streamlit as st

from ui.i18n import error_text, t


def show_error(exc: BaseException, *, not_done: str | None = None) -> None:
    """The problem in one line. `not_done` says what did not happen, as a catalogue text with a
    {problem} placeholder ("Not saved: {problem}")."""
    problem = error_text(exc)
    st.error(t(not_done, problem=problem) if not_done else problem)


def flash(message: str, kind: str = "success") -> None:
    """A message shown once, after the rerun a button's callback causes."""
    st.session_state.setdefault("_flash", []).append((kind, message))


def show_flash() -> None:
    for kind, message in st.session_state.pop("_flash", []):
        getattr(st, kind)(message)
