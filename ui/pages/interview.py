"""Interviewer: register a master and consent, import a transcript, see what was extracted in
place, and take the next session's questions away as an interview guide."""

from __future__ import annotations

from datetime import date

import streamlit as st

from elicitation import TranscriptError, coverage, guide_docx, guide_markdown, interview_guide
from elicitation.guide import SECTIONS
from knowledge_base import CONSENT_SCOPES, KnowledgeBaseError
from ui.state import LEGEND, findings, flash, knowledge_base, masters_table, show_flash, turn_html, unclear_sayings
from ui.workflows import import_interview

kb = knowledge_base()
me = kb.whoami()
st.title("Interview")
show_flash()

if me.may("register_master"):
    with st.expander("Register a master and record consent", expanded=not kb.masters()), st.form("consent"):
        name = st.text_input("Master's name")
        craft = st.text_input("Craft (becomes the domain of the master's rules)")
        organisation = st.text_input("Organisation")
        scopes = st.multiselect("Consent given for", CONSENT_SCOPES, default=["internal_guidance"])
        given_on = st.date_input("Consent given on", value=date.today())
        if st.form_submit_button("Register and record consent"):
            try:
                master_id = kb.register_master(name, craft=craft or None, organisation=organisation or None)
                kb.record_consent(master_id, scopes, given_on=given_on)
                st.success(f"Consent recorded for {name}: {', '.join(scopes)}")
            except KnowledgeBaseError as exc:
                st.error(str(exc))

masters = kb.masters()
if not masters:
    st.info("Register a master first.")
    st.stop()

st.subheader("Import a transcript")
with_consent = [m.name for m in masters if m.consent_scopes]
if not with_consent:
    st.warning("No master has consent on record; record consent before importing an interview.")
else:
    left, right = st.columns(2)
    master = left.selectbox("Master interviewed", with_consent, key="import_master")
    title = right.text_input("Session title (optional)", key="import_title")
    held_on = left.date_input("Held on", value=date.today(), key="import_held_on")
    confidential = right.checkbox("Confidential to the master's organisation", key="import_confidential")
    upload = st.file_uploader(
        "Transcript (.txt with 'Speaker: text' lines, .vtt, .srt, Whisper .json or .docx)",
        type=["txt", "vtt", "srt", "json", "docx"],
        key="import_file",
    )
    if upload is not None and st.button("Import and extract rules", type="primary", key="import_go"):
        bar = st.progress(0.0, text="Reading the transcript…")

        def progress(done: int, total: int) -> None:
            bar.progress(done / max(total, 1), text=f"Extracting rules: turn {done} of {total}")

        try:
            result = import_interview(
                kb,
                master,
                upload.name,
                upload.getvalue(),
                title=title or None,
                held_on=held_on,
                confidential=confidential,
                progress=progress,
            )
        except (TranscriptError, KnowledgeBaseError) as exc:
            bar.empty()
            st.error(str(exc))
        else:
            bar.progress(1.0, text="Done")
            message = (
                f"Imported {upload.name}: {result.turns} turns ({result.encoding}), "
                f"{len(result.rule_ids)} proposed rules for {master} to review."
            )
            if result.redactions:
                removed = ", ".join(f"{n} {kind.lower().replace('_', ' ')}" for kind, n in result.redactions.items())
                message += f" Personal data replaced by placeholders before storing: {removed}."
            flash(message)
            st.session_state["transcript_choice"] = result.transcript_id
            st.rerun()

transcripts = kb.transcripts()
if not transcripts:
    st.stop()

st.subheader("What the master said, and the rules found in it")
labels = {t.id: f"#{t.id} {t.title} · {t.master} · {t.turns} turns · {t.rules} rules" for t in transcripts}
chosen = st.selectbox("Interview", list(labels), format_func=labels.__getitem__, key="transcript_choice", index=0)
turns, views = kb.transcript(int(chosen))
summary = next(t for t in transcripts if t.id == chosen)

tab_text, tab_guide, tab_coverage = st.tabs(["Transcript", "Next session's questions", "Coverage"])
with tab_text:
    st.markdown(LEGEND, unsafe_allow_html=True)
    only_rules = st.toggle("Only turns with rules", key="only_rule_turns")
    cited = {e.turn.index for v in views for e in v.evidence}
    shown = [t for t in turns if t.index in cited] if only_rules else turns
    body = "".join(turn_html(t, views) for t in shown)  # every text escaped in turn_html
    st.markdown(f'<div class="transcript">{body}</div>', unsafe_allow_html=True)
    st.caption(f"{len(views)} rules from this interview; hover a highlight to see which.")
    st.dataframe(
        [
            {
                "rule": v.id,
                "status": v.status,
                "confidence": round(v.rule.confidence, 2),
                "IF … THEN …": v.rule.summary(),
            }
            for v in views
        ],
        hide_index=True,
        width="stretch",
    )

known = [v.known() for v in views]
with tab_guide:
    unclear = unclear_sayings(tuple((t.index, t.speaker, t.text) for t in turns))
    questions = interview_guide(known, findings(kb), unclear=unclear)
    st.caption(
        "What the master said like a rule but not clearly enough to read, cues to make measurable, "
        "conflicts and gaps found by the checks, and classic probes (which cues, what a novice "
        "would miss, what goes wrong)."
    )
    for kind, heading in SECTIONS:
        items = [q for q in questions if q.kind == kind]
        if items:
            st.markdown(f"**{heading}**")
            for q in items:
                cites = f"  (rules {', '.join('#' + r for r in q.rules)})" if q.rules else ""
                st.text(f"• {q.question}{cites}")
    title = f"Interview guide: {summary.master}, after “{summary.title}”"
    c1, c2 = st.columns(2)
    c1.download_button(
        "Download the guide (.md)",
        guide_markdown(title, questions),
        file_name=f"interview-guide-{chosen}.md",
        mime="text/markdown",
        key="guide_md",
    )
    c2.download_button(
        "Download the guide (.docx)",
        guide_docx(title, questions),
        file_name=f"interview-guide-{chosen}.docx",
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        key="guide_docx",
    )

with tab_coverage:
    scope = st.radio(
        "Rules", ["this interview", f"all of {summary.master}'s interviews"], horizontal=True, key="cov_scope"
    )
    if scope != "this interview":
        known = [v.known() for v in kb.list_rules(master=summary.master)]
    table = coverage(known)
    rows = [{"step": step, "cue": cue, "rules": n} for step, cues in table.items() for cue, n in cues.items()]
    if rows:
        st.bar_chart(rows, x="cue", y="rules", color="step", horizontal=True)
        st.caption("Rules per cue and process step. Thin bars and “(unmeasured)” are what to ask about next.")
    else:
        st.info("No live rules yet.")

st.subheader("Masters")
st.dataframe(masters_table(masters), hide_index=True)

st.subheader("Find where the masters spoke of it")
asked = st.text_input(
    "Describe a cue or a situation", key="turn_search", placeholder="e.g. what they do when the steel is cold"
)
if asked.strip():
    try:
        with st.spinner("Searching the interviews by meaning…"):
            spoken = kb.search_turns(asked)
    except KnowledgeBaseError as exc:
        st.error(str(exc))
    else:
        if not spoken:
            st.info("No master's turn is close to that.")
        for said, filename, cosine in spoken:
            st.markdown(f"**{said.speaker}** · {filename}, turn {said.index} · similarity {cosine:.2f}")
            st.caption(said.text)
