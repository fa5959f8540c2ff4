"""The Streamlit entry point: one page per job, each calling the service layer."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="myeongjang", page_icon="🔥", layout="wide")

pages = [
    st.Page("pages/interview.py", title="Interview import", icon="🎙️"),
    st.Page("pages/review.py", title="Master review", icon="✅"),
    st.Page("pages/guidance.py", title="Guidance", icon="🧭"),
    st.Page("pages/knowledge.py", title="Knowledge base", icon="📚"),
]
with st.sidebar:
    st.text_input("Your name", key="actor", value=st.session_state.get("actor", "interviewer"))
st.navigation(pages).run()
