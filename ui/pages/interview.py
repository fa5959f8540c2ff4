"""Interviewer: register a master and consent, import a transcript, see the extracted rules."""

from __future__ import annotations

import streamlit as st

from elicitation import TranscriptError
from knowledge_base import CONSENT_SCOPES, KnowledgeBaseError
from ui.state import knowledge_base
from ui.workflows import import_interview

kb = knowledge_base()
st.title("Interview import")

with st.expander("Register a master and record consent", expanded=not kb.masters()), st.form("consent"):
    name = st.text_input("Master's name")
    craft = st.text_input("Craft")
    organisation = st.text_input("Organisation")
    scopes = st.multiselect("Consent given for", CONSENT_SCOPES, default=["internal_guidance"])
    if st.form_submit_button("Register and record consent"):
        try:
            master_id = kb.register_master(name, craft=craft or None, organisation=organisation or None)
            kb.record_consent(master_id, scopes)
            st.success(f"Consent recorded for {name}: {', '.join(scopes)}")
        except KnowledgeBaseError as exc:
            st.error(str(exc))

masters = kb.masters()
if not masters:
    st.info("Register a master first.")
    st.stop()

st.subheader("Import a transcript")
master = st.selectbox("Master interviewed", [m.name for m in masters], key="import_master")
upload = st.file_uploader(
    "Transcript (.txt with 'Speaker: text' lines, .vtt, .srt, Whisper .json or .docx)",
    type=["txt", "vtt", "srt", "json", "docx"],
)
if upload is not None and st.button("Import and extract rules", type="primary"):
    with st.spinner("Extracting rules…"):
        try:
            result = import_interview(kb, master, upload.name, upload.getvalue())
        except (TranscriptError, KnowledgeBaseError) as exc:
            st.error(str(exc))
        else:
            st.success(
                f"Imported {upload.name}: {result.turns} turns ({result.encoding}), "
                f"{len(result.rule_ids)} proposed rules for {master} to review."
            )
            if result.redactions:
                removed = ", ".join(f"{n} {kind.lower().replace('_', ' ')}" for kind, n in result.redactions.items())
                st.info(f"Personal data replaced by placeholders before storing: {removed}.")
            for rule_id in result.rule_ids:
                view = kb.get_rule(rule_id)
                st.write(f"**#{view.id}** [{view.rule.confidence:.2f}] {view.rule.summary()}")

st.subheader("Masters")
st.dataframe(
    [
        {
            "master": m.name,
            "craft": m.craft,
            "organisation": m.organisation,
            "consent": ", ".join(m.consent_scopes) or "none",
        }
        for m in masters
    ],
    hide_index=True,
)
