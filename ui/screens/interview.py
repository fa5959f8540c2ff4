"""Interviewer: register a master and consent, import a transcript, see what was extracted in
place, and take the next session's questions away as an interview guide."""

from __future__ import annotations

from datetime import date

import streamlit as st

from elicitation import TranscriptError, coverage, guide_docx, guide_markdown, interview_guide
from elicitation.guide import SECTIONS
from knowledge_base import CONSENT_SCOPES, KnowledgeBaseError
from rules.language import language_of_texts
from rules.messages import Message
from ui.components import escape_markdown, flash, legend, md, md_message, show_error, show_flash, turn_html
from ui.i18n import choose, message_text, rule_summary, t, translator, word
from ui.state import findings, knowledge_base, masters_table, unclear_sayings
from ui.workflows import import_interview, register_with_consent

kb = knowledge_base()
me = kb.whoami()
st.title(t("Interview"))
show_flash()

if me.may("register_master"):
    with st.expander(t("Register a master and record consent"), expanded=not kb.masters()), st.form("consent"):
        name = st.text_input(t("Master's name"))
        craft = st.text_input(t("Craft (becomes the domain of the master's rules)"))
        organisation = st.text_input(t("Organisation"))
        scopes = choose(st.multiselect, t("Consent given for"), CONSENT_SCOPES, default=["internal_guidance"])
        given_on = st.date_input(t("Consent given on"), value=date.today())
        if st.form_submit_button(t("Register and record consent")):
            try:
                register_with_consent(
                    kb, name, scopes, craft=craft or None, organisation=organisation or None, given_on=given_on
                )
                st.success(
                    md("Consent recorded for {name}: {scopes}", name=name, scopes=", ".join(word(x) for x in scopes))
                )
            except KnowledgeBaseError as exc:
                show_error(exc)

masters = kb.masters()
if not masters:
    st.info(t("Register a master first."))
    st.stop()

st.subheader(t("Import a transcript"))
with_consent = [m.name for m in masters if m.consent_scopes]
if not with_consent:
    st.warning(t("No master has consent on record; record consent before importing an interview."))
else:
    left, right = st.columns(2)
    master = left.selectbox(t("Master interviewed"), with_consent, key="import_master")
    title = right.text_input(t("Session title (optional)"), key="import_title")
    held_on = left.date_input(t("Held on"), value=date.today(), key="import_held_on")
    confidential = right.checkbox(t("Confidential to the master's organisation"), key="import_confidential")
    upload = st.file_uploader(
        t("Transcript (.txt with 'Speaker: text' lines, .vtt, .srt, Whisper .json or .docx; English or Korean)"),
        type=["txt", "vtt", "srt", "json", "docx"],
        key="import_file",
    )
    if upload is not None and st.button(t("Import and extract rules"), type="primary", key="import_go"):
        bar = st.progress(0.0, text=t("Reading the transcript…"))

        def progress(done: int, total: int) -> None:
            bar.progress(
                done / max(total, 1), text=t("Extracting rules: turn {done} of {total}", done=done, total=total)
            )

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
            show_error(exc)
        else:
            bar.progress(1.0, text=t("Done"))
            kb.warm_in_background(result.rule_ids)  # their search vectors, before the master opens them
            message = md(
                "Imported {file}: {turns} turns ({encoding}), {rules} proposed rules for {master} to review.",
                file=upload.name,
                turns=result.turns,
                encoding=result.encoding,
                rules=len(result.rule_ids),
                master=master,
            )
            if result.redactions:
                removed = ", ".join(f"{n} {word(kind)}" for kind, n in result.redactions.items())
                message += md(" Personal data replaced by placeholders before storing: {removed}.", removed=removed)
            flash(message)
            st.session_state["transcript_choice"] = result.transcript_id
            st.rerun()

transcripts = kb.transcripts()
if not transcripts:
    st.stop()

st.subheader(t("What the master said, and the rules found in it"))
labels = {
    x.id: t(
        "#{id} {title} · {master} · {turns} turns · {rules} rules",
        id=x.id,
        title=x.title,
        master=x.master,
        turns=x.turns,
        rules=x.rules,
    )
    for x in transcripts
}
chosen = st.selectbox(t("Interview"), list(labels), format_func=labels.__getitem__, key="transcript_choice", index=0)
turns, views = kb.transcript(int(chosen))
summary = next(x for x in transcripts if x.id == chosen)

tab_text, tab_guide, tab_coverage = st.tabs([t("Transcript"), t("Next session's questions"), t("Coverage")])
with tab_text:
    if summary.notes:  # lines of the file no speaker said; shown as plain text, never read as turns
        st.text("\n".join([t("Notes in the file (not read as turns):"), *summary.notes]))
    st.markdown(legend(), unsafe_allow_html=True)
    only_rules = st.toggle(t("Only turns with rules"), key="only_rule_turns")
    cited = {e.turn.index for v in views for e in v.evidence}
    shown = [x for x in turns if x.index in cited] if only_rules else turns
    body = "".join(turn_html(x, views) for x in shown)  # every text escaped in turn_html
    st.markdown(f'<div class="transcript">{body}</div>', unsafe_allow_html=True)
    st.caption(t("{count} rules from this interview; hover a highlight to see which.", count=len(views)))
    st.dataframe(
        [
            {
                t("rule"): v.id,
                t("status"): word(v.status),
                t("confidence"): round(v.rule.confidence, 2),
                t("IF … THEN …"): rule_summary(v.rule),
            }
            for v in views
        ],
        hide_index=True,
        width="stretch",
    )

known = [v.known() for v in views]
with tab_guide:
    with st.spinner(t("Looking for rules said unclearly…")):
        unclear = unclear_sayings(tuple((x.index, x.speaker, x.text) for x in turns))
    questions = interview_guide(known, findings(kb), unclear=unclear)
    st.caption(
        t(
            "What the master said like a rule but not clearly enough to read, cues to make measurable, "
            "conflicts and gaps found by the checks, and classic probes (which cues, what a novice "
            "would miss, what goes wrong)."
        )
    )
    for kind, heading in SECTIONS:
        items = [q for q in questions if q.kind == kind]
        if items:
            st.markdown(f"**{md_message(heading)}**")
            for q in items:
                cites = t("  (rules {rules})", rules=", ".join("#" + r for r in q.rules)) if q.rules else ""
                st.text(f"• {message_text(q.question)}{cites}")
    interview_language = language_of_texts(x.text for x in turns)  # the guide is for the master: in his language
    say_it = translator(interview_language)
    title = say_it(Message("Interview guide: {master}, after “{title}”", master=summary.master, title=summary.title))
    st.caption(
        t("The downloads are written in the interview's language ({language}).", language=word(interview_language))
    )
    c1, c2 = st.columns(2)
    c1.download_button(
        t("Download the guide (.md)"),
        guide_markdown(title, questions, say_it),
        file_name=f"interview-guide-{chosen}.md",
        mime="text/markdown",
        key="guide_md",
    )
    c2.download_button(
        t("Download the guide (.docx)"),
        guide_docx(title, questions, say_it),
        file_name=f"interview-guide-{chosen}.docx",
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        key="guide_docx",
    )

with tab_coverage:
    this_one = t("this interview")
    scope = st.radio(  # its options are Markdown
        t("Rules"),
        [this_one, md("all of {master}'s interviews", master=summary.master)],
        horizontal=True,
        key="cov_scope",
    )
    if scope != this_one:
        known = [v.known() for v in kb.list_rules(master=summary.master)]
    table = coverage(known)
    step_col, cue_col, rules_col = t("step"), t("cue"), t("rules")
    rows = [{step_col: step, cue_col: cue, rules_col: n} for step, cues in table.items() for cue, n in cues.items()]
    if rows:
        st.bar_chart(rows, x=cue_col, y=rules_col, color=step_col, horizontal=True)
        st.caption(t("Rules per cue and process step. Thin bars and “(unmeasured)” are what to ask about next."))
    else:
        st.info(t("No live rules yet."))

st.subheader(t("Masters"))
st.dataframe(masters_table(masters), hide_index=True)

st.subheader(t("Find where the masters spoke of it"))
asked = st.text_input(
    t("Describe a cue or a situation"), key="turn_search", placeholder=t("e.g. what they do when the steel is cold")
)
if asked.strip():
    try:
        with st.spinner(t("Searching the interviews by meaning…")):
            spoken = kb.search_turns(asked)
    except KnowledgeBaseError as exc:
        show_error(exc)
    else:
        if not spoken:
            st.info(t("No master's turn is close to that."))
        for said, filename, cosine in spoken:
            st.markdown(
                md(
                    "**{speaker}** · {file}, turn {turn} · similarity {cosine}",
                    speaker=said.speaker,
                    file=filename,
                    turn=said.index,
                    cosine=f"{cosine:.2f}",
                )
            )
            st.caption(escape_markdown(said.text))
