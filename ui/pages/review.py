"""Master: review proposed rules one at a time beside the words they came from."""

from __future__ import annotations

import streamlit as st

from knowledge_base import InvalidEdit, KnowledgeBaseError, StaleEdit
from rules import Certainty, Operator
from ui.state import highlighted_turn, knowledge_base

kb = knowledge_base()
st.title("Master review")

masters = [m.name for m in kb.masters()]
if not masters:
    st.info("No masters yet: import an interview first.")
    st.stop()
master = st.selectbox("Master", masters, key="review_master")
queue = kb.list_rules(status="proposed", master=master)
everything = kb.list_rules(master=master)
reviewed = sum(1 for v in everything if v.status != "proposed")
st.progress(reviewed / len(everything) if everything else 1.0, text=f"{reviewed} of {len(everything)} reviewed")
if not queue:
    st.success("Nothing left to review for this master.")
    st.stop()

index = min(st.session_state.get("review_index", 0), len(queue) - 1)
view = queue[index]
rule = view.rule
left, right = st.columns(2)
with left:
    st.caption(f"Rule #{view.id}, version {view.version}, confidence {rule.confidence:.2f}")
    st.markdown(highlighted_turn(view), unsafe_allow_html=True)  # escaped in highlighted_turn
with right:
    st.subheader("IF")
    for clause in rule.clauses():
        if clause.measurable:
            op = clause.operator.value if clause.operator else ""
            value = "" if clause.value is None else clause.value
            measured = f"  →  {clause.variable} {op} {value} {clause.unit or ''}".rstrip()
        else:
            measured = "  (not measurable yet)"
        st.text(f"• {clause.text}{measured}")
    st.subheader("THEN")
    for action in rule.actions:
        st.text(f"• {action.text}")
    if rule.exceptions:
        st.text("UNLESS " + "; ".join(e.text for e in rule.exceptions))
    if rule.rationale:
        st.text(f"BECAUSE {rule.rationale}")
    st.text(f"Certainty: {rule.certainty.value}")

comment = st.text_input("Comment (optional)", key=f"comment_{view.id}")
c1, c2, c3, c4 = st.columns(4)


def decide(decision: str) -> None:
    try:
        kb.review(view.id, decision, expected_version=view.version, comment=comment or None)
        st.session_state["review_flash"] = f"Rule #{view.id} {decision}."
    except KnowledgeBaseError as exc:
        st.session_state["review_flash"] = f"error: {exc}"


c1.button("Confirm", on_click=decide, args=("confirmed",), type="primary", key="confirm")
c2.button("Reject", on_click=decide, args=("rejected",), key="reject")
c3.button("Needs discussion", on_click=decide, args=("needs_discussion",), key="discuss")
if c4.button("Skip", key="skip"):
    st.session_state["review_index"] = (index + 1) % len(queue)
    st.rerun()

flash = st.session_state.pop("review_flash", None)
if flash:
    (st.error if flash.startswith("error") else st.success)(flash)

with st.expander("Edit this rule"), st.form(f"edit_{view.id}"):
    rows = [
        {
            "text": c.text,
            "variable": c.variable or "",
            "operator": c.operator.value if c.operator else "",
            "value": "" if c.value is None else str(c.value),
            "unit": c.unit or "",
        }
        for c in rule.clauses()
    ]
    edited = st.data_editor(
        rows,
        num_rows="dynamic",
        key=f"clauses_{view.id}",
        column_config={"operator": st.column_config.SelectboxColumn(options=[""] + [o.value for o in Operator])},
    )
    actions_text = st.text_area("Actions (one per line)", "\n".join(a.text for a in rule.actions))
    certainty = st.selectbox(
        "Certainty", [c.value for c in Certainty], index=[c.value for c in Certainty].index(rule.certainty.value)
    )
    reason = st.text_input("Reason for the change")
    if st.form_submit_button("Save new version"):
        from ui.editing import rule_from_form

        try:
            new_rule = rule_from_form(rule, edited, actions_text, certainty)
            kb.edit_rule(view.id, new_rule, reason=reason, expected_version=view.version)
            st.success(f"Saved rule #{view.id} as a new version.")
        except StaleEdit as exc:
            st.error(str(exc))
        except (InvalidEdit, ValueError) as exc:
            st.error(f"Not saved: {exc}")

with st.expander("History"):
    for v in kb.history(view.id):
        st.text(f"v{v.number} {v.status} by {v.author} at {v.created_at:%Y-%m-%d %H:%M}: {v.reason}")
