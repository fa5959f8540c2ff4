"""Sign in with a user name and password (argon2, checked and throttled by the service layer)."""

from __future__ import annotations

import os

import streamlit as st

from knowledge_base import SignInRefused
from ui import warmup
from ui.components import show_error
from ui.i18n import KEY, t
from ui.state import USER_KEY, shared_knowledge_base


def client() -> str | None:
    """The address the browser connects from: as the server sees it, or behind a reverse proxy
    the last address the proxy added to the header MYEONGJANG_CLIENT_HEADER names (set it only
    when a proxy writes that header; a browser could send it too). None on this machine."""
    try:
        header = os.environ.get("MYEONGJANG_CLIENT_HEADER")
        address = st.context.headers.get(header) if header else st.context.ip_address
    except Exception:  # outside a served page
        return None
    if not isinstance(address, str):  # AppTest hands out a stand-in
        return None
    return address.split(",")[-1].strip() or None


def starting_note() -> None:
    """What the server is still loading (`ui.warmup`); nothing once it is ready."""
    now = warmup.STARTUP
    if now.phase == "models":
        st.info(t("Starting up: loading the language models. You can sign in; a first question may wait."))
    elif now.phase == "vectors":
        st.info(
            t(
                "Starting up: reading the rules for search ({done} of {total} new ones). You can sign in; a first "
                "question may wait.",
                done=now.progress.encoded,
                total=now.progress.total,
            )
        )
    elif now.phase == "failed":
        st.warning(t("The start-up did not finish ({problem}); questions load what they need as they come.",
                     problem=now.error))  # fmt: skip


st.title(t("Sign in"))
starting_note()  # as it stands when the page is drawn (no timer: a page that reruns itself fights the typing)
st.write(t("myeongjang keeps the masters' rules. Sign in with the account your administrator gave you."))
with st.form("sign_in"):
    username = st.text_input(t("User name"), key="sign_in_user")
    password = st.text_input(t("Password"), type="password", key="sign_in_password")
    submitted = st.form_submit_button(t("Sign in"), type="primary")
if submitted:
    name = username.strip()
    try:
        # throttled per account and per client in the knowledge base; every failure is audited
        if name and password and shared_knowledge_base().sign_in(name, password, client=client()):
            chosen = st.session_state.get(KEY)
            st.session_state.clear()
            if chosen:
                st.session_state[KEY] = chosen  # the language chosen before signing in stays
            st.session_state[USER_KEY] = name
            st.rerun()
        st.error(t("Wrong user name or password."))
    except SignInRefused as exc:
        show_error(exc)
st.caption(
    t(
        "No account yet? An administrator creates one: `myeongjang user add NAME --role master|interviewer|sme`. "
        "`myeongjang demo` prints the demo accounts."
    )
)
