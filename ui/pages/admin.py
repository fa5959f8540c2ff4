"""Admin: accounts and roles, masters' consent, confidential rules, backups and the audit trail."""

from __future__ import annotations

import json
from datetime import datetime

import streamlit as st

from knowledge_base import CONSENT_SCOPES, ROLES, KnowledgeBaseError
from ui.state import knowledge_base, masters_table

kb = knowledge_base()
st.title("Admin")
users_tab, consent_tab, confidential_tab, backup_tab, audit_tab = st.tabs(
    ["Users and roles", "Consent", "Confidential rules", "Backups", "Audit trail"]
)
masters = kb.masters()

with users_tab:
    st.dataframe(kb.list_users(), hide_index=True, width="stretch")
    with st.form("add_user", clear_on_submit=True):
        st.markdown("**Add a user**")
        c1, c2, c3 = st.columns(3)
        username = c1.text_input("User name")
        role = c2.selectbox("Role", ROLES)
        master = c3.selectbox("Master (for a master's account)", ["", *[m.name for m in masters]])
        display = c1.text_input("Full name")
        organisation = c2.text_input("Organisation")
        password = c3.text_input("First password (8 characters or more)", type="password")
        if st.form_submit_button("Add user"):
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
                st.success(f"User {username} ({role}) added.")
            except KnowledgeBaseError as exc:
                st.error(str(exc))
    names = [u["username"] for u in kb.list_users()]
    left, right = st.columns(2)
    with left, st.form("set_password", clear_on_submit=True):
        st.markdown("**Set a password**")
        who = st.selectbox("User", names)
        new = st.text_input("New password", type="password")
        if st.form_submit_button("Set password"):
            try:
                kb.set_password(who, new)
                st.success(f"Password set for {who}.")
            except KnowledgeBaseError as exc:
                st.error(str(exc))
    with right, st.form("delegate"):
        st.markdown("**Let someone review for a master**")
        who = st.selectbox("User", names, key="delegate_user")
        for_master = st.selectbox("Master", [m.name for m in masters], key="delegate_master")
        if st.form_submit_button("Delegate"):
            try:
                kb.delegate(who, for_master)
                st.success(f"{who} may now review {for_master}'s rules.")
            except KnowledgeBaseError as exc:
                st.error(str(exc))

with consent_tab:
    st.dataframe(masters_table(masters), hide_index=True, width="stretch")
    if masters:
        with st.form("consent_change"):
            target = st.selectbox("Master", [m.name for m in masters])
            scopes = st.multiselect("Record consent for", CONSENT_SCOPES, default=["internal_guidance"])
            record, withdraw = st.columns(2)
            do_record = record.form_submit_button("Record consent")
            do_withdraw = withdraw.form_submit_button("Withdraw all consent", type="primary")
            chosen = next(m for m in masters if m.name == target)
            try:
                if do_record:
                    kb.record_consent(chosen.id, scopes)
                    st.success(f"Consent recorded for {target}: {', '.join(scopes)}.")
                if do_withdraw:
                    kb.withdraw_consent(chosen.id)
                    st.success(f"{target}'s consent withdrawn: his rules leave guidance and exports now.")
            except KnowledgeBaseError as exc:
                st.error(str(exc))

with confidential_tab:
    st.caption("A confidential rule is seen only inside its master's organisation, and never exported elsewhere.")
    with st.form("classify"):
        rule_id = st.number_input("Rule id", min_value=1, step=1, value=None)
        confidential = st.radio("Make it", ["confidential", "shared"], horizontal=True)
        if st.form_submit_button("Apply") and rule_id is not None:
            try:
                kb.set_confidential(int(rule_id), confidential == "confidential")
                st.success(f"Rule #{int(rule_id)} is now {confidential}.")
            except KnowledgeBaseError as exc:
                st.error(str(exc))

with backup_tab:
    st.caption(
        "A backup holds everything, password hashes included: keep it as safe as the database. "
        "`myeongjang restore FILE` loads one into an empty knowledge base."
    )
    if st.toggle("Prepare a backup", key="prepare_backup"):
        st.download_button(
            "Download the backup (.json)",
            data=json.dumps(kb.backup(), ensure_ascii=False, default=str).encode(),
            file_name=f"myeongjang-backup-{datetime.now():%Y%m%d-%H%M}.json",
            mime="application/json",
            key="download_backup",
        )

with audit_tab:
    st.dataframe(
        [
            {**e, "at": f"{e['at']:%Y-%m-%d %H:%M:%S}", "detail": json.dumps(e["detail"], default=str)}
            for e in kb.audit(200)
        ],
        hide_index=True,
        width="stretch",
    )
