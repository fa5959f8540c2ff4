"""Interviewer or master: the cue vocabulary. Proposals come from clustering what every master
said; a person confirms each one (perhaps renamed or retyped), and the rules then use its name."""

from __future__ import annotations

import streamlit as st

from knowledge_base import InvalidEdit, KnowledgeBaseError
from ui.components import md, show_error
from ui.i18n import choose, t, word
from ui.state import knowledge_base

kb = knowledge_base()
st.title(t("Cue vocabulary"))
st.write(
    t(
        "Masters name one cue many ways (“on rainy days”, “when it rains”, “wet weather”). "
        "Group what they said into one variable each, so their rules meet in one body of knowledge."
    )
)

KINDS = ["number", "flag", "category"]
left, right = st.columns(2)
if left.button(t("Propose from the rules"), icon=":material/hub:", key="propose_vocabulary"):
    try:
        with st.spinner(t("Grouping the conditions of every rule by meaning…")):
            made = kb.propose_vocabulary()
        st.success(t("{count} cues proposed.", count=sum(c.status == "proposed" for c in made)))
    except KnowledgeBaseError as exc:
        show_error(exc)
if right.button(t("Use the confirmed cues in the rules"), icon=":material/sync_alt:", key="apply_vocabulary"):
    try:
        changed = kb.apply_vocabulary()
        st.success(
            t(
                "{count} rules now use the confirmed names (a new version each; the masters' words are unchanged).",
                count=len(changed),
            )
            if changed
            else t("Every rule already uses the confirmed names.")
        )
    except KnowledgeBaseError as exc:
        show_error(exc)

cues = kb.vocabulary()
if not cues:
    st.info(t("No cues yet. Import interviews, then propose a vocabulary from their rules."))
    st.stop()

confirmed = [c for c in cues if c.status == "confirmed"]
st.caption(
    t("{confirmed} confirmed, {proposed} proposed.", confirmed=len(confirmed), proposed=len(cues) - len(confirmed))
)
for cue in cues:
    badge = word("confirmed" if cue.status == "confirmed" else "proposed")
    unit = t(" in {unit}", unit=cue.unit) if cue.unit else ""
    title = md(  # an expander's label is Markdown
        "{name} · {kind}{unit} · {status} · said {ways} ways",
        name=cue.name,
        kind=word(cue.kind),
        unit=unit,
        status=badge,
        ways=len(cue.phrases),
    )
    with st.expander(title, expanded=cue.status == "proposed" and cue is cues[len(confirmed)]):
        st.markdown(md("**What the masters said:** {phrases}", phrases=" · ".join(f"“{p}”" for p in cue.phrases[:12])))
        st.caption(
            md(
                "By {masters} in rules {rules}",
                masters=", ".join(cue.masters) or t("unknown"),
                rules=", ".join(f"#{r}" for r in cue.rules[:20]),
            )
            + (md("; the extractor called it {aliases}", aliases=", ".join(cue.aliases)) if cue.aliases else "")
            + (md("; confirmed by {user}", user=cue.decided_by) if cue.decided_by else "")
        )
        with st.form(f"cue_{cue.id}"):
            name = st.text_input(t("Name"), cue.name, key=f"cue_name_{cue.id}")
            kind = choose(st.selectbox, t("Type"), KINDS, index=KINDS.index(cue.kind), key=f"cue_kind_{cue.id}")
            unit = st.text_input(t("Unit (numbers only)"), cue.unit or "", key=f"cue_unit_{cue.id}")
            values = st.text_input(
                t("Allowed values (categories, comma-separated)"), ", ".join(cue.values), key=f"cue_values_{cue.id}"
            )
            keep, drop = st.columns(2)
            confirm = keep.form_submit_button(t("Confirm") if cue.status == "proposed" else t("Save"), type="primary")
            remove = drop.form_submit_button(t("Drop this cue"))
        if confirm:
            try:
                kb.confirm_cue(
                    cue.id,
                    name=name,
                    kind=kind,
                    unit=unit.strip() or None,
                    values=[v for v in values.split(",")] if kind == "category" else [],
                )
                st.success(md("Cue {name} confirmed.", name=repr(name)))
                st.rerun()
            except (InvalidEdit, KnowledgeBaseError) as exc:
                show_error(exc, not_done="Not saved: {problem}")
        if remove:
            try:
                kb.drop_cue(cue.id)
                st.rerun()
            except KnowledgeBaseError as exc:
                show_error(exc, not_done="Not dropped: {problem}")
