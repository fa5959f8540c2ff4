"""The Streamlit entry point: one page per job, each calling the service layer."""

from __future__ import annotations

import streamlit as st

from knowledge_base import KnowledgeBaseError
from ui.state import actor

st.set_page_config(page_title="myeongjang", page_icon=":material/local_fire_department:", layout="wide")

pages = [
    st.Page("pages/interview.py", title="Interview import", icon=":material/mic:"),
    st.Page("pages/review.py", title="Master review", icon=":material/task_alt:"),
    st.Page("pages/guidance.py", title="Guidance", icon=":material/explore:"),
    st.Page("pages/knowledge.py", title="Knowledge base", icon=":material/menu_book:"),
]
with st.sidebar:
    st.text_input("Acting as (user name)", key="actor", value=actor())
try:
    st.navigation(pages).run()
except KnowledgeBaseError as exc:  # a permission refusal (already audited) or a missing record
    st.error(str(exc))
