"""Admin: accounts and roles, masters' consent, confidential rules, the reader's learning, backups
and the audit trail."""

from __future__ import annotations

import json
from datetime import datetime

import streamlit as st

from knowledge_base import CONSENT_SCOPES, ROLES, KnowledgeBaseError
from ui.components import md, show_error
from ui.i18n import choose, t, word
from ui.learning_view import show_learning
from ui.state import knowledge_base, masters_table

kb = knowledge_base()
st.title(t("Admin"))
users_tab, consent_tab, confidential_tab, learning_tab, backup_tab, audit_tab = st.tabs(
    [t("Users and roles"), t("Consent"), t("Confidential rules"), t("Reader learning"), t("Backups"), t("Audit trail")]
)
masters = kb.masters()

with users_tab:
    st.dataframe(
        [{t(k): word(v) if k == "role" else v for k, v in u.items()} for u in kb.list_users()],
        hide_index=True,
        width="stretch",
    )
    with st.form("add_user", clear_on_submit=True):
        st.markdown(t("**Add a user**"))
        c1, c2, c3 = st.columns(3)
        username = c1.text_input(t("User name"))
        role = choose(c2.selectbox, t("Role"), ROLES)
        master = c3.selectbox(t("Master (for a master's account)"), ["", *[m.name for m in masters]])
        display = c1.text_input(t("Full name"))
        organisation = c2.text_input(t("Organisation"))
        password = c3.text_input(t("First password (8 characters or more)"), type="password")
        if st.form_submit_button(t("Add user")):
            try:
                if len(password) < 8:
                    raise KnowledgeBaseError("a password needs at least 8 characters")
                kb.add_user(
                    username.strip(),
                    role,
                    display_name=display or None,
                    organisation=organisation or None,
                    password=password,
                    master=master or None,
                )
                st.success(md("User {user} ({role}) added.", user=username, role=word(role)))
            except KnowledgeBaseError as exc:
                show_error(exc)
    names = [u["username"] for u in kb.list_users()]
    left, right = st.columns(2)
    with left, st.form("set_password", clear_on_submit=True):
        st.markdown(t("**Set a password**"))
        who = st.selectbox(t("User"), names)
        new = st.text_input(t("New password"), type="password")
        if st.form_submit_button(t("Set password")):
            try:
                kb.set_password(who, new)
                st.success(md("Password set for {user}.", user=who))
            except KnowledgeBaseError as exc:
                show_error(exc)
    with right, st.form("delegate"):
        st.markdown(t("**Let someone review for a master**"))
        who = st.selectbox(t("User"), names, key="delegate_user")
        for_master = st.selectbox(t("Master"), [m.name for m in masters], key="delegate_master")
        if st.form_submit_button(t("Delegate")):
            try:
                kb.delegate(who, for_master)
                st.success(md("{user} may now review {master}'s rules.", user=who, master=for_master))
            except KnowledgeBaseError as exc:
                show_error(exc)

    locked = kb.locked_accounts()
    if locked:
        with st.form("unlock"):
            st.markdown(t("**Locked after failed sign-ins**"))
            st.dataframe(
                [
                    {t("user"): x.username, t("failures"): x.failures, t("last"): f"{x.last:%Y-%m-%d %H:%M}"}
                    for x in locked
                ],
                hide_index=True,
                width="stretch",
            )
            who = st.selectbox(t("User"), [x.username for x in locked], key="unlock_user")
            if st.form_submit_button(t("Unlock")):
                try:
                    kb.unlock(who)
                    st.success(md("{user} may sign in again.", user=who))
                except KnowledgeBaseError as exc:
                    show_error(exc)

with consent_tab:
    st.dataframe(masters_table(masters), hide_index=True, width="stretch")
    if masters:
        with st.form("consent_change"):
            target = st.selectbox(t("Master"), [m.name for m in masters])
            scopes = choose(st.multiselect, t("Record consent for"), CONSENT_SCOPES, default=["internal_guidance"])
            record, withdraw = st.columns(2)
            do_record = record.form_submit_button(t("Record consent"))
            do_withdraw = withdraw.form_submit_button(t("Withdraw all consent"), type="primary")
            chosen = next(m for m in masters if m.name == target)
            try:
                if do_record:
                    kb.record_consent(chosen.id, scopes)
                    st.success(
                        md(
                            "Consent recorded for {name}: {scopes}",
                            name=target,
                            scopes=", ".join(word(x) for x in scopes),
                        )
                    )
                if do_withdraw:
                    kb.withdraw_consent(chosen.id)
                    st.success(md("{name}'s consent withdrawn: his rules leave guidance and exports now.", name=target))
            except KnowledgeBaseError as exc:
                show_error(exc)

with confidential_tab:
    st.caption(t("A confidential rule is seen only inside its master's organisation, and never exported elsewhere."))
    with st.form("classify"):
        rule_id = st.number_input(t("Rule id"), min_value=1, step=1, value=None)
        confidential = choose(st.radio, t("Make it"), ["confidential", "shared"], horizontal=True)
        if st.form_submit_button(t("Apply")) and rule_id is not None:
            try:
                kb.set_confidential(int(rule_id), confidential == "confidential")
                st.success(t("Rule #{rule_id} is now {state}.", rule_id=int(rule_id), state=word(confidential)))
            except KnowledgeBaseError as exc:
                show_error(exc)

with learning_tab:
    show_learning(kb)

with backup_tab:
    st.caption(
        t(
            "A backup holds everything, password hashes included: keep it as safe as the database. "
            "`myeongjang restore FILE` loads one into an empty knowledge base."
        )
    )
    if st.toggle(t("Prepare a backup"), key="prepare_backup"):
        st.download_button(
            t("Download the backup (.json)"),
            data=json.dumps(kb.backup(), ensure_ascii=False, default=str).encode(),
            file_name=f"myeongjang-backup-{datetime.now():%Y%m%d-%H%M}.json",
            mime="application/json",
            key="download_backup",
        )

with audit_tab:
    st.dataframe(
        [
            {
                t(k): v
                for k, v in {
                    **e,
                    "at": f"{e['at']:%Y-%m-%d %H:%M:%S}",
                    "detail": json.dumps(e["detail"], default=str, ensure_ascii=False),
                }.items()
            }
            for e in kb.audit(200)
        ],
        hide_index=True,
        width="stretch",
    )
