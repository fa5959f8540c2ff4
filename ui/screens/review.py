"""Master: the proposed rules one at a time, highest confidence first, beside the words they came
from; confirm, reject, edit, split, merge or mark for discussion; every version kept."""

from __future__ import annotations

import streamlit as st

from knowledge_base import KnowledgeBaseError, RuleView
from rules.doubts import doubts
from ui.components import flash, highlighted_turn, legend, md, rule_card, rule_editor, show_error, show_flash
from ui.components.media import media_panel
from ui.components.review_panels import cannot_fire_panel, decided_view, undo_button
from ui.components.review_panels import decide as decide_rule
from ui.editing import readable, split
from ui.i18n import choose, rule_summary, t, word
from ui.state import knowledge_base

kb = knowledge_base()
me = kb.whoami()
st.title(t("Master review"))
show_flash()

masters = [m.name for m in kb.masters() if me.speaks_for(m.id)]
if not masters:
    st.info(t("There are no rules for you to review: your account speaks for no master yet."))
    st.stop()
top = st.columns([2, 2, 3])
master = top[0].selectbox(t("Master"), masters, key="review_master", disabled=len(masters) == 1)
queue_status = choose(
    top[1].radio, t("Queue"), ["proposed", "needs_discussion", "decided"], horizontal=True, key="review_queue"
)
counts = kb.count_rules(master=master)
total = sum(n for s, n in counts.items() if s != "merged")
reviewed = total - counts.get("proposed", 0)
top[2].progress(
    reviewed / total if total else 1.0, text=t("{reviewed} of {total} reviewed", reviewed=reviewed, total=total)
)
undo_button(kb)
if queue_status == "decided":
    decided_view(kb, master)
    st.stop()
waiting = counts.get(queue_status, 0)
if not waiting:
    st.success(t("Nothing left in this queue for this master."))
    st.stop()

position = int(st.session_state.get("review_index", 0)) % waiting
found = kb.list_rules(status=queue_status, master=master, limit=1, offset=position)
if not found:  # the queue moved under us (another reviewer); start again at the top
    st.session_state["review_index"] = 0
    st.rerun()
view: RuleView = found[0]
rule = view.rule


def decide(decision: str, target: RuleView) -> None:
    comment = str(st.session_state.get(f"comment_{target.id}") or "").strip()
    if decision == "needs_discussion" and not comment:
        flash(t("Say what needs discussing in the comment box first."), "error")
        return
    decide_rule(kb, decision, target, comment or None)


def skip(step: int) -> None:
    st.session_state["review_index"] = (position + step) % waiting


st.caption(
    t(
        "Rule {position} of {waiting} {queue} · highest confidence first",
        position=position + 1,
        waiting=waiting,
        queue=word(queue_status),
    )
)
left, right = st.columns(2)
with left:
    st.caption(
        t(
            "Rule #{rule_id}, version {version}, confidence {confidence}",
            rule_id=view.id,
            version=view.version,
            confidence=f"{rule.confidence:.2f}",
        )
    )
    st.markdown(legend(), unsafe_allow_html=True)
    st.markdown(highlighted_turn(view), unsafe_allow_html=True)  # every text escaped in highlighted_turn
with right:
    rule_card(rule)
    for doubt in doubts(rule):  # an interviewer's question or a bare marker, read as a rule
        st.warning(md("This may not be a rule: {doubt}. Reject it, or edit it into one.", doubt=doubt))
    for cue in dict.fromkeys(c.variable for c in rule.clauses() if c.observed and c.variable):
        with st.expander(md("What “{cue}” looks or sounds like", cue=cue)):
            media_panel(kb, cue, editable=me.may("curate"), key=f"{view.id}_{cue}")

comment_text = st.text_input(t("Comment (needed for “needs discussion”)"), key=f"comment_{view.id}")
cannot_fire_panel(kb, view, comment_text.strip() or None)
# Shortcuts take Alt, so that no letter typed into a field or the editor's grid decides a rule.
buttons = st.columns(5)
buttons[0].button(
    t("Confirm"), on_click=decide, args=("confirmed", view), type="primary", key="confirm", shortcut="Alt+Y"
)
buttons[1].button(t("Reject"), on_click=decide, args=("rejected", view), key="reject", shortcut="Alt+X")
buttons[2].button(
    t("Needs discussion"), on_click=decide, args=("needs_discussion", view), key="discuss", shortcut="Alt+D"
)
buttons[3].button(t("Previous"), on_click=skip, args=(-1,), key="previous", shortcut="Alt+P")
buttons[4].button(t("Next"), on_click=skip, args=(1,), key="skip", shortcut="Alt+N")
st.caption(t("Keys: Alt+Y confirm · Alt+X reject · Alt+D needs discussion · Alt+N next · Alt+P previous"))

# Only the open tab runs: the merge candidates and the history are read when a master asks for them.
tab_edit, tab_split, tab_merge, tab_history = st.tabs(
    [t("Edit"), t("Split"), t("Merge"), t("History")], key="review_tab", on_change="rerun"
)


def edit_tab() -> None:
    """The structured editor; a saved edit is a new version."""
    try:
        edit = rule_editor(rule, view.id)
        if edit is not None:
            saved = kb.edit_rule(view.id, edit.rule, reason=edit.reason, expected_version=view.version)
            flash(md("Saved rule #{rule_id} as version {version}.", rule_id=view.id, version=saved.version))
            st.rerun()
    except KnowledgeBaseError as exc:
        show_error(exc, not_done="Not saved: {problem}")


def split_tab() -> None:
    """Split a rule of several actions into two."""
    if len(rule.actions) < 2:
        st.info(t("This rule has one action. A rule can be split when the master said several things to do."))
    else:
        with st.form(f"split_{view.id}"):
            moved = st.multiselect(
                t("Actions for the new rule"), list(range(len(rule.actions))),
                format_func=lambda i: rule.actions[i].text,
            )  # fmt: skip
            clauses = rule.clauses()
            kept_conditions = st.multiselect(
                t("Conditions of the new rule"), list(range(len(clauses))), default=list(range(len(clauses))),
                format_func=lambda i: clauses[i].text,
            )  # fmt: skip
            why = st.text_input(t("Reason for the split"), t("two separate decisions"))
            if st.form_submit_button(t("Split into two rules")):
                try:
                    parts = split(rule, moved, kept_conditions)
                    made = kb.split_rule(view.id, parts, reason=why, expected_version=view.version)
                    flash(
                        md(
                            "Rule #{rule_id} split; the new rule is #{new_id}, waiting for review.",
                            rule_id=view.id,
                            new_id=made[1].id,
                        )
                    )
                    st.rerun()
                except KnowledgeBaseError as exc:
                    show_error(exc, not_done="Not split: {problem}")


def merge_tab() -> None:
    """Merge with a rule that says much the same (the candidates are read only here)."""
    similar = kb.similar_rules(view.id)
    if not similar:
        st.info(t("No similar rule found to merge with."))
    else:
        with st.form(f"merge_{view.id}"):
            options = {other.id: (other, score) for other, score in similar}
            labels = {  # radio options are Markdown
                md(
                    "#{rule_id} ({master}, {status}, similarity {score}): {rule}",
                    rule_id=other.id,
                    master=other.master,
                    status=word(other.status),
                    score=f"{score:.2f}",
                    rule=rule_summary(other.rule),
                ): other.id
                for other, score in similar
            }
            other_id = labels[st.radio(t("Merge this rule with"), list(labels))]
            keep_this = st.checkbox(t("Keep this rule's wording (otherwise keep the other's)"), value=True)
            why = st.text_input(t("Reason for the merge"), t("the same rule said twice"))
            if st.form_submit_button(t("Merge")):
                other = options[other_id][0]
                keep, gone = (view, other) if keep_this else (other, view)
                try:
                    merged = kb.merge_rules(
                        keep.id, gone.id, reason=why, expected_versions=(keep.version, gone.version)
                    )
                    flash(md("Rule #{gone} merged into #{kept}; both sources are kept.", gone=gone.id, kept=merged.id))
                    st.rerun()
                except KnowledgeBaseError as exc:
                    show_error(exc, not_done="Not merged: {problem}")


def history_tab() -> None:
    """Every version, the differences between two, and bringing one back."""
    versions = kb.history(view.id)
    st.dataframe(
        [
            {
                t("version"): v.number,
                t("status"): word(v.status),
                t("by"): v.author,
                t("when"): f"{v.created_at:%Y-%m-%d %H:%M}",
                t("why"): v.reason,
                t("rule"): rule_summary(v.rule),
            }
            for v in versions
        ],
        hide_index=True,
        width="stretch",
    )
    if len(versions) > 1:
        numbers = [v.number for v in versions]
        a_col, b_col = st.columns(2)
        a = a_col.selectbox(t("Compare version"), numbers, index=len(numbers) - 2, key=f"diff_a_{view.id}")
        b = b_col.selectbox(t("with version"), numbers, index=len(numbers) - 1, key=f"diff_b_{view.id}")
        changes = kb.diff(view.id, int(a), int(b))
        if not changes:
            st.caption(t("No differences."))
        for change in changes:
            st.text(readable(change))
        restorable = [n for n in numbers if n != view.version]
        with st.form(f"restore_{view.id}"):
            number = st.selectbox(t("Bring back the content of version"), restorable, index=len(restorable) - 1)
            why = st.text_input(t("Reason"), t("the earlier wording was right"))
            if st.form_submit_button(t("Restore as a new version")):
                try:
                    kb.restore_version(view.id, int(number), reason=why, expected_version=view.version)
                    flash(
                        md(
                            "Rule #{rule_id}: version {number} restored as a new version.",
                            rule_id=view.id,
                            number=number,
                        )
                    )
                    st.rerun()
                except KnowledgeBaseError as exc:
                    show_error(exc, not_done="Not restored: {problem}")


for tab, body in ((tab_edit, edit_tab), (tab_split, split_tab), (tab_merge, merge_tab), (tab_history, history_tab)):
    if tab.open:
        with tab:
            body()
