"""Objects the pages share: the knowledge base (one per process) and small rendering helpers."""

from __future__ import annotations

import html
import os

import streamlit as st

from knowledge_base import KnowledgeBase, RuleView, default_url


@st.cache_resource
def _knowledge_base_at(url: str) -> KnowledgeBase:
    return KnowledgeBase(url)


def knowledge_base() -> KnowledgeBase:
    """The knowledge base at MYEONGJANG_DATABASE_URL (or the default SQLite file), one per URL,
    acting as the user named in the sidebar."""
    return _knowledge_base_at(default_url()).as_user(actor())


def highlighted_turn(view: RuleView) -> str:
    """The source turn(s) as safe HTML, the rule's words marked; all text is escaped."""
    parts = []
    for ev in view.evidence:
        text = ev.turn.text
        parts.append(
            f"<p><b>{html.escape(ev.turn.speaker)}</b>: {html.escape(text[: ev.start])}"
            f"<mark>{html.escape(text[ev.start : ev.end])}</mark>{html.escape(text[ev.end :])}</p>"
        )
    return "".join(parts) or "<p><i>no source turn recorded</i></p>"


def actor() -> str:
    """The user working, from the sidebar (MYEONGJANG_USER by default); the service layer
    checks every action against that user's role. Password sign-in comes with the UI work."""
    return str(st.session_state.get("actor") or os.environ.get("MYEONGJANG_USER") or "admin")
