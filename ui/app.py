"""The Streamlit entry point: sign in, then the pages the user's role may use."""

from __future__ import annotations

import streamlit as st

from knowledge_base import KnowledgeBaseError
from ui.state import knowledge_base, sign_out, signed_in

st.set_page_config(page_title="myeongjang", page_icon=":material/local_fire_department:", layout="wide")

PAGES = {
    "interview": st.Page("pages/interview.py", title="Interview", icon=":material/mic:", url_path="interview"),
    "review": st.Page("pages/review.py", title="Master review", icon=":material/task_alt:", url_path="review"),
    "guidance": st.Page("pages/guidance.py", title="Guidance", icon=":material/explore:", url_path="guidance"),
    "knowledge": st.Page(
        "pages/knowledge.py", title="Knowledge base", icon=":material/menu_book:", url_path="knowledge"
    ),
    "vocabulary": st.Page("pages/vocabulary.py", title="Cue vocabulary", icon=":material/hub:", url_path="vocabulary"),
    "admin": st.Page("pages/admin.py", title="Admin", icon=":material/admin_panel_settings:", url_path="admin"),
}
# Which pages each role sees, its own work first. The service layer refuses anything else anyway.
BY_ROLE = {
    "interviewer": ["interview", "knowledge", "vocabulary", "guidance"],
    "master": ["review", "vocabulary", "guidance", "knowledge"],
    "sme": ["guidance", "knowledge"],
    "admin": ["interview", "review", "guidance", "knowledge", "vocabulary", "admin"],
}

if signed_in() is None:
    st.navigation([st.Page("pages/sign_in.py", title="Sign in", icon=":material/login:")]).run()
    st.stop()

kb = knowledge_base()
try:
    me = kb.whoami()
except KnowledgeBaseError:  # the account was removed since signing in
    sign_out()
    st.rerun()
with st.sidebar:
    st.markdown(f"Signed in as **{me.username}** ({me.role})")
    if st.button("Sign out", key="sign_out", icon=":material/logout:"):
        sign_out()
        st.rerun()
try:
    st.navigation([PAGES[name] for name in BY_ROLE.get(me.role, ["knowledge"])]).run()
except KnowledgeBaseError as exc:  # a permission refusal (already audited) or a missing record
    st.error(str(exc))
