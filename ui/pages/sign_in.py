"""Sign in with a user name and password (argon2, checked by the service layer)."""

from __future__ import annotations

import time

import streamlit as st

from ui.i18n import KEY, t
from ui.state import USER_KEY, shared_knowledge_base

st.title(t("Sign in"))
st.write(t("myeongjang keeps the masters' rules. Sign in with the account your administrator gave you."))
failures = int(st.session_state.get("sign_in_failures", 0))
with st.form("sign_in"):
    username = st.text_input(t("User name"), key="sign_in_user")
    password = st.text_input(t("Password"), type="password", key="sign_in_password")
    submitted = st.form_submit_button(t("Sign in"), type="primary")
if submitted:
    if failures >= 3:  # slow down guessing; every failure is also in the audit trail
        time.sleep(min(2 ** (failures - 2), 8))
    if username.strip() and password and shared_knowledge_base().verify_password(username.strip(), password):
        chosen = st.session_state.get(KEY)
        st.session_state.clear()
        if chosen:
            st.session_state[KEY] = chosen  # the language chosen before signing in stays
        st.session_state[USER_KEY] = username.strip()
        st.rerun()
    st.session_state["sign_in_failures"] = failures + 1
    st.error(t("Wrong user name or password."))
st.caption(
    t(
        "No account yet? An administrator creates one: `myeongjang user add NAME --role master|interviewer|sme`. "
        "`myeongjang demo` prints the demo accounts."
    )
)
