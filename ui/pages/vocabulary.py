"""Interviewer or master: the cue vocabulary. Proposals come from clustering what every master
said; a person confirms each one (perhaps renamed or retyped), and the rules then use its name."""

from __future__ import annotations

import streamlit as st

from knowledge_base import InvalidEdit, KnowledgeBaseError
from ui.state import knowledge_base

kb = knowledge_base()
st.title("Cue vocabulary")
st.write(
    "Masters name one cue many ways (“on rainy days”, “when it rains”, “wet weather”). "
    "Group what they said into one variable each, so their rules meet in one body of knowledge."
)

KINDS = ["number", "flag", "category"]
left, right = st.columns(2)
if left.button("Propose from the rules", icon=":material/hub:", key="propose_vocabulary"):
    try:
        with st.spinner("Grouping the conditions of every rule by meaning…"):
            made = kb.propose_vocabulary()
        st.success(f"{sum(c.status == 'proposed' for c in made)} cues proposed.")
    except KnowledgeBaseError as exc:
        st.error(str(exc))
if right.button("Use the confirmed cues in the rules", icon=":material/sync_alt:", key="apply_vocabulary"):
    try:
        changed = kb.apply_vocabulary()
        st.success(
            f"{len(changed)} rules now use the confirmed names (a new version each; the masters' words are unchanged)."
            if changed
            else "Every rule already uses the confirmed names."
        )
    except KnowledgeBaseError as exc:
        st.error(str(exc))

cues = kb.vocabulary()
if not cues:
    st.info("No cues yet. Import interviews, then propose a vocabulary from their rules.")
    st.stop()

confirmed = [c for c in cues if c.status == "confirmed"]
st.caption(f"{len(confirmed)} confirmed, {len(cues) - len(confirmed)} proposed.")
for cue in cues:
    badge = "confirmed" if cue.status == "confirmed" else "proposed"
    title = f"{cue.name} · {cue.kind}{' in ' + cue.unit if cue.unit else ''} · {badge} · said {len(cue.phrases)} ways"
    with st.expander(title, expanded=cue.status == "proposed" and cue is cues[len(confirmed)]):
        st.markdown("**What the masters said:** " + " · ".join(f"“{p}”" for p in cue.phrases[:12]))
        st.caption(
            f"By {', '.join(cue.masters) or 'unknown'} in rules "
            + ", ".join(f"#{r}" for r in cue.rules[:20])
            + (f"; the extractor called it {', '.join(cue.aliases)}" if cue.aliases else "")
            + (f"; confirmed by {cue.decided_by}" if cue.decided_by else "")
        )
        with st.form(f"cue_{cue.id}"):
            name = st.text_input("Name", cue.name, key=f"cue_name_{cue.id}")
            kind = st.selectbox("Type", KINDS, index=KINDS.index(cue.kind), key=f"cue_kind_{cue.id}")
            unit = st.text_input("Unit (numbers only)", cue.unit or "", key=f"cue_unit_{cue.id}")
            values = st.text_input(
                "Allowed values (categories, comma-separated)", ", ".join(cue.values), key=f"cue_values_{cue.id}"
            )
            keep, drop = st.columns(2)
            confirm = keep.form_submit_button("Confirm" if cue.status == "proposed" else "Save", type="primary")
            remove = drop.form_submit_button("Drop this cue")
        if confirm:
            try:
                kb.confirm_cue(
                    cue.id,
                    name=name,
                    kind=kind,
                    unit=unit.strip() or None,
                    values=[v for v in values.split(",")] if kind == "category" else [],
                )
                st.success(f"Cue {name!r} confirmed.")
                st.rerun()
            except (InvalidEdit, KnowledgeBaseError) as exc:
                st.error(f"Not saved: {exc}")
        if remove:
            try:
                kb.drop_cue(cue.id)
                st.rerun()
            except KnowledgeBaseError as exc:
                st.error(f"Not dropped: {exc}")
