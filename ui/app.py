"""The Streamlit entry point: the language switch, sign in, then the pages the user's role may use."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from knowledge_base import DatabaseFailure, KnowledgeBaseError, database_unusable
from ui.components import md, show_error
from ui.i18n import language_switch, t, word
from ui.state import knowledge_base, sign_out, signed_in

# The icon is a file of the app's own: a Material icon name would be fetched from Google's font servers.
st.set_page_config(page_title="myeongjang", page_icon=str(Path(__file__).with_name("icon.png")), layout="wide")
language_switch()


def pages() -> dict[str, st.Page]:
    """The pages, titled in the session's language."""
    return {
        "interview": st.Page("screens/interview.py", title=t("Interview"), icon=":material/mic:", url_path="interview"),
        "review": st.Page("screens/review.py", title=t("Master review"), icon=":material/task_alt:", url_path="review"),
        "guidance": st.Page("screens/guidance.py", title=t("Guidance"), icon=":material/explore:", url_path="guidance"),
        "knowledge": st.Page(
            "screens/knowledge.py", title=t("Knowledge base"), icon=":material/menu_book:", url_path="knowledge"
        ),
        "vocabulary": st.Page(
            "screens/vocabulary.py", title=t("Cue vocabulary"), icon=":material/hub:", url_path="vocabulary"
        ),
        "admin": st.Page(
            "screens/admin.py", title=t("Admin"), icon=":material/admin_panel_settings:", url_path="admin"
        ),
    }


# Which pages each role sees, its own work first. The service layer refuses anything else anyway.
BY_ROLE = {
    "interviewer": ["interview", "knowledge", "vocabulary", "guidance"],
    "master": ["review", "vocabulary", "guidance", "knowledge"],
    "sme": ["guidance", "knowledge"],
    "admin": ["interview", "review", "guidance", "knowledge", "vocabulary", "admin"],
}


def run() -> None:
    """Sign in, or the sidebar and the pages of the signed-in user's role."""
    if signed_in() is None:
        st.navigation(
            [st.Page("screens/sign_in.py", title=t("Sign in"), icon=":material/login:", url_path="sign_in")]
        ).run()
        return
    kb = knowledge_base()
    try:
        me = kb.whoami()
    except KnowledgeBaseError:  # the account was removed since signing in
        sign_out()
        st.rerun()
    with st.sidebar:
        st.markdown(md("Signed in as **{user}** ({role})", user=me.username, role=word(me.role)))
        if st.button(t("Sign out"), key="sign_out", icon=":material/logout:"):
            sign_out()
            st.rerun()
    pages_ = pages()
    st.navigation([pages_[name] for name in BY_ROLE.get(me.role, ["knowledge"])]).run()


try:
    run()
except KnowledgeBaseError as exc:  # a permission refusal (already audited) or a missing record
    show_error(exc)
except DatabaseFailure as exc:  # a damaged file, a database server gone: one line, not a traceback
    show_error(database_unusable(exc))
