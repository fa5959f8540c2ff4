"""Everyone: search and filter the rules, see conflicts and gaps, how rules chain, releases, and
downloads for other engines. Pages of 50 from SQL, so 10,000 rules render as fast as 50."""

from __future__ import annotations

import json
from datetime import datetime

import streamlit as st

from knowledge_base import KnowledgeBaseError
from rules.chaining import chaining_links, to_dot
from ui.components import md, show_error
from ui.editing import readable
from ui.i18n import choose, message_text, rule_summary, t, word
from ui.state import findings, guidance_rules, knowledge_base

kb = knowledge_base()
me = kb.whoami()
st.title(t("Knowledge base"))

ALL = "(all)"  # shown as t("(all)")
PAGE = 50
filters = st.columns([3, 1, 1, 1, 1])
search = filters[0].text_input(
    t("Search the rules"), key="kb_search", placeholder=t("words in conditions, actions, reasons")
)
status = choose(
    filters[1].selectbox,
    t("Status"),
    [ALL, "proposed", "confirmed", "needs_discussion", "rejected", "retired", "merged"],
    key="kb_status",
)
master = choose(filters[2].selectbox, t("Master"), [ALL, *[m.name for m in kb.masters()]], key="kb_master")
domain = choose(filters[3].selectbox, t("Domain"), [ALL, *kb.domains()], key="kb_domain")
releases = kb.releases()
release = choose(filters[4].selectbox, t("Release"), [ALL, *[r.name for r in releases]], key="kb_release")
chosen = {
    "master": None if master == ALL else master,
    "domain": None if domain == ALL else domain,
    "search": search.strip() or None,
    "release": None if release == ALL else release,
}
counts = kb.count_rules(**chosen)
cols = st.columns(max(1, len(counts)))
for col, (name, n) in zip(cols, sorted(counts.items()), strict=False):
    col.metric(word(name), n)
matching = counts.get(status, 0) if status != ALL else sum(counts.values())
pages = max(1, -(-matching // PAGE))
page = int(
    st.number_input(t("Page (of {pages})", pages=pages), min_value=1, max_value=pages, value=1, step=1, key="kb_page")
)
views = kb.list_rules(status=None if status == ALL else status, limit=PAGE, offset=(page - 1) * PAGE, **chosen)
st.dataframe(
    [
        {
            "id": v.id,
            t("version"): v.version,
            t("status"): word(v.status),
            t("master"): v.master,
            t("domain"): v.rule.domain or "",
            t("confidence"): round(v.rule.confidence, 2),
            t("rule"): rule_summary(v.rule),
            t("said"): v.quote,
        }
        for v in views
    ],
    hide_index=True,
    width="stretch",
    column_config={
        t("rule"): st.column_config.TextColumn(width="large"),
        t("said"): st.column_config.TextColumn(width="large"),
    },
)
st.caption(
    t(
        "{matching} rules match; showing {shown} from {first}.",
        matching=matching,
        shown=len(views),
        first=(page - 1) * PAGE + 1 if views else 0,
    )
)

tab_findings, tab_graph, tab_releases, tab_downloads = st.tabs(
    [t("Conflicts and gaps"), t("How rules chain"), t("Releases"), t("Downloads")]
)

with tab_findings:
    st.caption(t("Conflicts, duplicates, special cases and gaps among the confirmed and proposed rules."))
    small = sum(counts.values()) <= 2000  # beyond that, checking waits to be asked for
    if st.toggle(t("Check the knowledge base"), key="show_findings", value=small):
        found = findings(kb)
        if not found:
            st.info(t("No conflicts, duplicates or gaps found."))
        kinds = sorted({f.kind for f in found})
        picked = choose(st.multiselect, t("Show"), kinds, default=kinds, key="finding_kinds") if kinds else []
        for finding in [f for f in found if f.kind in picked][:100]:
            with st.container(border=True):
                st.text(
                    t(
                        "{kind} · {scope} · rules {rules}",
                        kind=word(finding.kind),
                        scope=word(finding.scope),
                        rules=", ".join("#" + r for r in finding.rules),
                    )
                )
                st.text(message_text(finding.detail))
                st.text(t("Ask: {question}", question=message_text(finding.question)))

with tab_graph:
    st.caption(t("A rule that sets a fact (“treat it as rain”) feeds the rules that test that fact."))
    if st.toggle(t("Draw the graph"), key="show_graph"):
        known = guidance_rules(kb, include_proposed=me.role != "sme")
        links = chaining_links(known)
        if not links:
            st.info(t("No rule sets a fact another rule tests yet; edit a rule's action to set one (“sets fact”)."))
        else:
            st.graphviz_chart(to_dot(known, links), width="stretch")
            st.caption(t("{count} links", count=len(links)) + (t(" (first 300 drawn)") if len(links) > 300 else ""))

with tab_releases:
    st.dataframe(
        [
            {
                t("release"): r.name,
                t("rules"): r.rules,
                t("by"): r.created_by,
                t("when"): f"{r.created_at:%Y-%m-%d %H:%M}",
                t("note"): r.note,
            }
            for r in releases
        ],
        hide_index=True,
        width="stretch",
    )
    if me.may("release"):
        with st.form("release"):
            name = st.text_input(t("New release name"), f"{datetime.now():%Y-%m}-review")
            note = st.text_input(t("Note"))
            if st.form_submit_button(t("Freeze the confirmed rules as a release")):
                try:
                    made = kb.create_release(name, note=note or None)
                    st.success(md("Release {name}: {rules} confirmed rules frozen.", name=made.name, rules=made.rules))
                except KnowledgeBaseError as exc:
                    show_error(exc)
    if len(releases) >= 2:
        names = [r.name for r in releases]
        a, b = st.columns(2)
        old = a.selectbox(t("Compare release"), names, index=len(names) - 2, key="rel_a")
        new = b.selectbox(t("with release"), names, index=len(names) - 1, key="rel_b")
        diff = kb.release_diff(old, new)
        st.text(t("added: {rules}", rules=", ".join("#" + str(i) for i in diff.added) or t("none")))
        st.text(t("removed: {rules}", rules=", ".join("#" + str(i) for i in diff.removed) or t("none")))
        for rule_id, changes in diff.changed.items():
            st.text(f"#{rule_id}: " + "; ".join(readable(c) for c in changes))

with tab_downloads:
    if not me.may("export"):
        st.info(t("Your role ({role}) may not take rules out of the knowledge base.", role=word(me.role)))
    else:
        st.caption(
            t(
                "Confirmed rules, one decision table per domain and process step (values in each column's unit); "
                "the JSON holds everything you may share. Withdrawn masters and other organisations' "
                "confidential rules stay out, and every download is in the audit trail."
            )
        )
        WORKING = "the working state"
        source = choose(st.selectbox, t("Rules from"), [WORKING, *[r.name for r in releases]], key="dl_release")
        frozen = None if source == WORKING else source
        if st.toggle(t("Prepare downloads"), key="prepare_tables"):
            formats = [
                ("jdm", "GoRules JDM (.json)", "jdm.json", "application/json"),
                ("dmn", "DMN 1.3 (.dmn)", "dmn", "application/xml"),
                (
                    "xlsx",
                    t("Spreadsheet (.xlsx)"),
                    "xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
            ]
            columns = st.columns(4)
            columns[0].download_button(
                t("Everything (.json)"),
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
