"""Everyone: search and filter the rules, see conflicts and gaps, how rules chain, releases, and
downloads for other engines. Pages of 50 from SQL, so 10,000 rules render as fast as 50."""

from __future__ import annotations

import json
from datetime import datetime

import streamlit as st

from knowledge_base import KnowledgeBaseError
from rules.chaining import chaining_links, to_dot
from ui.editing import readable
from ui.state import findings, guidance_rules, knowledge_base

kb = knowledge_base()
me = kb.whoami()
st.title("Knowledge base")

ALL = "(all)"
PAGE = 50
filters = st.columns([3, 1, 1, 1, 1])
search = filters[0].text_input("Search the rules", key="kb_search", placeholder="words in conditions, actions, reasons")
status = filters[1].selectbox(
    "Status", [ALL, "proposed", "confirmed", "needs_discussion", "rejected", "retired", "merged"], key="kb_status"
)
master = filters[2].selectbox("Master", [ALL, *[m.name for m in kb.masters()]], key="kb_master")
domain = filters[3].selectbox("Domain", [ALL, *kb.domains()], key="kb_domain")
releases = kb.releases()
release = filters[4].selectbox("Release", [ALL, *[r.name for r in releases]], key="kb_release")
chosen = {
    "master": None if master == ALL else master,
    "domain": None if domain == ALL else domain,
    "search": search.strip() or None,
    "release": None if release == ALL else release,
}
counts = kb.count_rules(**chosen)
cols = st.columns(max(1, len(counts)))
for col, (name, n) in zip(cols, sorted(counts.items()), strict=False):
    col.metric(name.replace("_", " "), n)
matching = counts.get(status, 0) if status != ALL else sum(counts.values())
pages = max(1, -(-matching // PAGE))
page = int(st.number_input(f"Page (of {pages})", min_value=1, max_value=pages, value=1, step=1, key="kb_page"))
views = kb.list_rules(status=None if status == ALL else status, limit=PAGE, offset=(page - 1) * PAGE, **chosen)
st.dataframe(
    [
        {
            "id": v.id,
            "version": v.version,
            "status": v.status,
            "master": v.master,
            "domain": v.rule.domain or "",
            "confidence": round(v.rule.confidence, 2),
            "rule": v.rule.summary(),
            "said": v.quote,
        }
        for v in views
    ],
    hide_index=True,
    width="stretch",
    column_config={
        "rule": st.column_config.TextColumn(width="large"),
        "said": st.column_config.TextColumn(width="large"),
    },
)
st.caption(f"{matching} rules match; showing {len(views)} from {(page - 1) * PAGE + 1 if views else 0}.")

tab_findings, tab_graph, tab_releases, tab_downloads = st.tabs(
    ["Conflicts and gaps", "How rules chain", "Releases", "Downloads"]
)

with tab_findings:
    st.caption("Conflicts, duplicates, special cases and gaps among the confirmed and proposed rules.")
    small = sum(counts.values()) <= 2000  # beyond that, checking waits to be asked for
    if st.toggle("Check the knowledge base", key="show_findings", value=small):
        found = findings(kb)
        if not found:
            st.info("No conflicts, duplicates or gaps found.")
        kinds = sorted({f.kind for f in found})
        picked = st.multiselect("Show", kinds, default=kinds, key="finding_kinds") if kinds else []
        for finding in [f for f in found if f.kind in picked][:100]:
            with st.container(border=True):
                st.text(f"{finding.kind} · {finding.scope} · rules {', '.join('#' + r for r in finding.rules)}")
                st.text(finding.detail)
                st.text(f"Ask: {finding.question}")

with tab_graph:
    st.caption("A rule that sets a fact (“treat it as rain”) feeds the rules that test that fact.")
    if st.toggle("Draw the graph", key="show_graph"):
        known = guidance_rules(kb, include_proposed=me.role != "sme")
        links = chaining_links(known)
        if not links:
            st.info("No rule sets a fact another rule tests yet; edit a rule's action to set one (“sets fact”).")
        else:
            st.graphviz_chart(to_dot(known, links), width="stretch")
            st.caption(f"{len(links)} links" + (" (first 300 drawn)" if len(links) > 300 else ""))

with tab_releases:
    st.dataframe(
        [
            {
                "release": r.name,
                "rules": r.rules,
                "by": r.created_by,
                "when": f"{r.created_at:%Y-%m-%d %H:%M}",
                "note": r.note,
            }
            for r in releases
        ],
        hide_index=True,
        width="stretch",
    )
    if me.may("release"):
        with st.form("release"):
            name = st.text_input("New release name", f"{datetime.now():%Y-%m}-review")
            note = st.text_input("Note")
            if st.form_submit_button("Freeze the confirmed rules as a release"):
                try:
                    made = kb.create_release(name, note=note or None)
                    st.success(f"Release {made.name}: {made.rules} confirmed rules frozen.")
                except KnowledgeBaseError as exc:
                    st.error(str(exc))
    if len(releases) >= 2:
        names = [r.name for r in releases]
        a, b = st.columns(2)
        old = a.selectbox("Compare release", names, index=len(names) - 2, key="rel_a")
        new = b.selectbox("with release", names, index=len(names) - 1, key="rel_b")
        diff = kb.release_diff(old, new)
        st.text(f"added: {', '.join('#' + str(i) for i in diff.added) or 'none'}")
        st.text(f"removed: {', '.join('#' + str(i) for i in diff.removed) or 'none'}")
        for rule_id, changes in diff.changed.items():
            st.text(f"#{rule_id}: " + "; ".join(readable(c) for c in changes))

with tab_downloads:
    if not me.may("export"):
        st.info(f"Your role ({me.role}) may not take rules out of the knowledge base.")
    else:
        st.caption(
            "Confirmed rules, one decision table per domain and process step (values in each column's unit); "
            "the JSON holds everything you may share. Withdrawn masters and other organisations' "
            "confidential rules stay out, and every download is in the audit trail."
        )
        source = st.selectbox("Rules from", ["the working state", *[r.name for r in releases]], key="dl_release")
        frozen = None if source == "the working state" else source
        if st.toggle("Prepare downloads", key="prepare_tables"):
            formats = [
                ("jdm", "GoRules JDM (.json)", "jdm.json", "application/json"),
                ("dmn", "DMN 1.3 (.dmn)", "dmn", "application/xml"),
                (
                    "xlsx",
                    "Spreadsheet (.xlsx)",
                    "xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
            ]
            columns = st.columns(4)
            columns[0].download_button(
                "Everything (.json)",
                data=json.dumps(kb.export(), ensure_ascii=False, indent=1, default=str).encode(),
                file_name="myeongjang-export.json",
                mime="application/json",
                key="download_json",
            )
            for col, (fmt, label, extension, mime) in zip(columns[1:], formats, strict=True):
                col.download_button(
                    label,
                    data=kb.decision_tables(fmt, release=frozen),
                    file_name=f"myeongjang-rules.{extension}",
                    mime=mime,
                    key=f"download_{fmt}",
                )
