"""The review page's decision panels: confirming a rule that can never fire (why, and the fix in
place), undoing the last decision, and the decided rules, which a master can reopen."""

from __future__ import annotations

from typing import Any

import streamlit as st

from knowledge_base import DatabaseFailure, KnowledgeBaseError, RuleView
from rules import Clause, Group, Rule
from rules.operational import as_observation, blockers
from ui.components.messages import flash
from ui.components.plain import md, md_error, md_message
from ui.i18n import rule_summary, t, word

LAST = "review_last_decision"
BLOCKED = "review_blocked_confirm"


def decide(kb: Any, decision: str, target: RuleView, comment: str | None, *, anyway: bool = False) -> None:
    """Record the decision; a confirmation of a rule that can never fire waits for the master to
    fix it or to confirm it anyway."""
    if decision == "confirmed" and not anyway and blockers(target.rule):
        st.session_state[BLOCKED] = target.id
        return
    try:
        saved = kb.review(target.id, decision, expected_version=target.version, comment=comment)
    except (KnowledgeBaseError, DatabaseFailure) as exc:  # a refusal, or the database failing: one line
        flash(md_error(exc), "error")
        return
    st.session_state.pop(BLOCKED, None)
    st.session_state[LAST] = {"rule_id": target.id, "before": target.status, "version": saved.version}
    flash(md("Rule #{rule_id} {decision}.", rule_id=target.id, decision=word(decision)))


def undo_button(kb: Any) -> None:
    """The button that takes back the last decision made on this page, if there is one."""
    last = st.session_state.get(LAST)
    if not last:
        return
    label = md("Undo: rule #{rule_id} back to {status}", rule_id=last["rule_id"], status=word(last["before"]))
    st.button(label, on_click=_undo, args=(kb, last), key="undo_last", icon=":material/undo:")


def _undo(kb: Any, last: dict[str, Any]) -> None:
    try:
        kb.review(
            last["rule_id"], last["before"], expected_version=last["version"], comment="undo of the last decision"
        )
        flash(md("Rule #{rule_id} is {status} again.", rule_id=last["rule_id"], status=word(last["before"])))
    except (KnowledgeBaseError, DatabaseFailure) as exc:  # a refusal, or the database failing: one line
        flash(md_error(exc), "error")
    st.session_state.pop(LAST, None)


def cannot_fire_panel(kb: Any, view: RuleView, comment: str | None) -> None:
    """Why the rule the master tried to confirm can never fire, and the fixes: make a condition
    an observation, pick a cue of the vocabulary, or measure it in the editor; or confirm anyway."""
    if st.session_state.get(BLOCKED) != view.id:
        return
    found = blockers(view.rule)
    if not found:
        st.session_state.pop(BLOCKED, None)
        return
    cues = [c.name for c in kb.vocabulary() if c.kind == "flag"]
    with st.container(border=True):
        st.warning(t("As it stands this rule can never fire, so it cannot guide a worker:"))
        for n, blocker in enumerate(found):
            st.markdown("- " + md_message(blocker.message))
            if blocker.clause is None:
                continue
            left, middle, right = st.columns(3)
            left.button(
                t("Make it an observation (yes/no)"),
                on_click=_fix,
                args=(kb, view, blocker.clause, None, comment),
                key=f"observe_{view.id}_{n}",
            )
            if cues:
                cue = middle.selectbox(t("or use a cue of the vocabulary"), ["", *cues], key=f"cue_{view.id}_{n}")
                if cue:
                    middle.button(
                        md("Use {cue}", cue=cue),
                        on_click=_fix,
                        args=(kb, view, blocker.clause, cue, comment),
                        key=f"use_cue_{view.id}_{n}",
                    )
            right.caption(t("or measure it: give it a variable, an operator and a value in Edit"))
        st.button(
            t("Confirm anyway"),
            on_click=decide,
            args=(kb, "confirmed", view, comment),
            kwargs={"anyway": True},
            key=f"anyway_{view.id}",
        )


def _fix(kb: Any, view: RuleView, clause: Clause, cue: str | None, comment: str | None) -> None:
    fixed = replaced(view.rule, clause, as_observation(clause, cue))
    why = t("“{words}” made an observation", words=clause.text)
    try:
        saved = kb.edit_rule(view.id, fixed, reason=why, expected_version=view.version)
    except (KnowledgeBaseError, DatabaseFailure) as exc:  # a refusal, or the database failing: one line
        flash(md_error(exc), "error")
        return
    decide(kb, "confirmed", saved, comment)


def replaced(rule: Rule, old: Clause, new: Clause) -> Rule:
    """The rule with one clause of its conditions (the same object) replaced."""

    def swap(group: Group) -> Group:
        items = [swap(i) if isinstance(i, Group) else (new if i is old else i) for i in group.items]
        return group.model_copy(update={"items": items})

    return rule.model_copy(update={"conditions": swap(rule.conditions)})


def decided_view(kb: Any, master: str) -> None:
    """The rules the master has decided, with filters; each can be reopened for review."""
    shown = st.multiselect(
        t("Show"), ["confirmed", "rejected"], default=["confirmed", "rejected"], format_func=word, key="decided_filter"
    )
    words = st.text_input(t("Containing the words"), key="decided_words")
    views = [v for status in shown for v in kb.list_rules(status=status, master=master, search=words or None)]
    if not views:
        st.info(t("No decided rule matches."))
        return
    for v in sorted(views, key=lambda v: -v.id)[:200]:
        with st.container(border=True):
            st.markdown(f"**#{v.id}** · {word(v.status)} · v{v.version}")
            st.text(rule_summary(v.rule))
            st.button(
                t("Reopen for review"), on_click=_reopen, args=(kb, v), key=f"reopen_{v.id}", icon=":material/replay:"
            )


def _reopen(kb: Any, view: RuleView) -> None:
    try:
        saved = kb.review(view.id, "proposed", expected_version=view.version, comment="reopened for review")
        st.session_state[LAST] = {"rule_id": view.id, "before": view.status, "version": saved.version}
        flash(md("Rule #{rule_id} is back in the queue.", rule_id=view.id))
    except (KnowledgeBaseError, DatabaseFailure) as exc:  # a refusal, or the database failing: one line
        flash(md_error(exc), "error")
