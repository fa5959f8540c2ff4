"""What the pages share: the signed-in user's knowledge base, and cached results keyed on the
knowledge base's state (pieces of pages live in `ui.components`)."""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from knowledge_base import KnowledgeBase, MasterView, default_url
from rules import KnownRule, Variable
from rules.checks import Finding
from ui import warmup
from ui.i18n import KEY, t, word

USER_KEY = "user"


def _knowledge_base_at(url: str) -> KnowledgeBase:
    # one per process and URL, shared with the start-up thread that loads the models (ui.warmup)
    return warmup.knowledge_base_at(url)


def shared_knowledge_base() -> KnowledgeBase:
    """The knowledge base at MYEONGJANG_DATABASE_URL (or the default SQLite file), one per
    process, acting as nobody: used only to check a password."""
    return _knowledge_base_at(default_url())


def signed_in() -> str | None:
    """The user signed in on this browser session (set only after a password check)."""
    user = st.session_state.get(USER_KEY)
    return str(user) if user else None


def knowledge_base() -> KnowledgeBase:
    """The knowledge base acting as the signed-in user; the service layer checks every action
    against that user's role. A page reached without signing in stops here."""
    user = signed_in()
    if user is None:
        st.warning(t("Sign in first."))
        st.stop()
    return shared_knowledge_base().as_user(user)


def sign_out() -> None:
    """Forget the session, all but the language it was using."""
    for key in list(st.session_state.keys()):
        if key != KEY:
            del st.session_state[key]


# --- cached results, invalidated by any write ---------------------------------------------------


@st.cache_data(max_entries=32, show_spinner=False)
def _findings(url: str, user: str, token: int) -> list[Finding]:
    return _knowledge_base_at(url).as_user(user).findings()


@st.cache_data(max_entries=16, show_spinner=False)
def unclear_sayings(turns: tuple[tuple[int, str, str], ...]) -> list[str]:
    """The master's sentences in these (index, speaker, text) turns that sound like rules but could
    not be read as one; cached on the turns themselves, which never change once stored."""
    from elicitation import read_interview
    from elicitation.transcripts import Transcript, Turn

    transcript = Transcript(turns=[Turn(i, speaker, text) for i, speaker, text in turns], format="stored", encoding="")
    return [p.text for p in read_interview(transcript).possible]


def guidance_rules(kb: KnowledgeBase, *, include_proposed: bool = False) -> list[KnownRule]:
    """The rules guidance may use for this user (the knowledge base keeps them until it changes)."""
    return kb.guidance_rules(include_proposed=include_proposed)


def findings(kb: KnowledgeBase) -> list[Finding]:
    """Conflicts, duplicates and gaps, cached until the knowledge base changes."""
    with st.spinner(t("Checking for conflicts and gaps…")):
        return _findings(kb.url, str(kb.user), kb.state_token())


def variables(kb: KnowledgeBase, *, include_proposed: bool = False) -> list[Variable]:
    """The variables the guidance rules test, most used first (the knowledge base keeps them
    with the rules, until they change)."""
    return kb.guidance_variables(include_proposed=include_proposed)


def masters_table(masters: Iterable[MasterView]) -> list[dict[str, str | None]]:
    """The masters with their craft, organisation and the consent in force, one row each."""
    return [
        {
            t("master"): m.name,
            t("craft"): m.craft,
            t("organisation"): m.organisation,
            t("consent"): ", ".join(word(s) for s in m.consent_scopes) or t("none"),
        }
        for m in masters
    ]
