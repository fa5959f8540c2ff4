"""Everyone: the rules in the knowledge base, filtered by status and master."""

from __future__ import annotations

import streamlit as st

from ui.state import knowledge_base

kb = knowledge_base()
st.title("Knowledge base")
counts = kb.count_rules()
cols = st.columns(max(1, len(counts)))
for col, (status, n) in zip(cols, sorted(counts.items()), strict=False):
    col.metric(status, n)

statuses = ["(all)", "proposed", "confirmed", "rejected", "needs_discussion", "retired"]
status = st.selectbox("Status", statuses, key="kb_status")
master = st.selectbox("Master", ["(all)"] + [m.name for m in kb.masters()], key="kb_master")
PAGE = 50
page = st.number_input("Page", min_value=1, value=1, step=1, key="kb_page")
views = kb.list_rules(
    status=None if status == "(all)" else status,
    master=None if master == "(all)" else master,
    limit=PAGE,
    offset=(int(page) - 1) * PAGE,
)
st.dataframe(
    [
        {
            "id": v.id,
            "version": v.version,
            "status": v.status,
            "master": v.master,
            "confidence": round(v.rule.confidence, 2),
            "rule": v.rule.summary(),
            "said": v.quote,
        }
        for v in views
    ],
    hide_index=True,
    width="stretch",
)
