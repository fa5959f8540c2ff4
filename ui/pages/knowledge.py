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

st.subheader("Findings for the next interview")
st.caption("Conflicts, duplicates, special cases and gaps among the confirmed and proposed rules.")
findings = kb.findings()
if not findings:
    st.info("No conflicts, duplicates or gaps found.")
for finding in findings:
    with st.container(border=True):
        st.text(f"{finding.kind} · {finding.scope} · rules {', '.join('#' + r for r in finding.rules)}")
        st.text(finding.detail)
        st.text(f"Ask: {finding.question}")

if kb.whoami().may("export"):
    st.subheader("Decision tables for other engines")
    st.caption("Confirmed rules, one table per domain and process step; values in each column's unit.")
    if st.toggle("Prepare downloads (GoRules JDM, DMN 1.3, XLSX)", key="prepare_tables"):
        formats = [
            ("jdm", "GoRules JDM (.json)", "json", "application/json"),
            ("dmn", "DMN 1.3 (.dmn)", "dmn", "application/xml"),
            (
                "xlsx",
                "Spreadsheet (.xlsx)",
                "xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
        ]
        for col, (fmt, label, extension, mime) in zip(st.columns(3), formats, strict=True):
            col.download_button(
                label,
                data=kb.decision_tables(fmt),
                file_name=f"myeongjang-rules.{extension}",
                mime=mime,
                key=f"download_{fmt}",
            )
