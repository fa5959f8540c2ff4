"""The structured rule editor: conditions, actions and exceptions as editable tables (variable /
operator / value / unit beside the master's words), certainty, domain, step and rationale, in one
form; what it returns is validated by `ui.editing` before the knowledge base sees it."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from rules import Certainty, Operator, Rule
from ui.editing import ACTION_COLUMNS, CLAUSE_COLUMNS, action_rows, clause_rows, columns, rule_from_editor
from ui.i18n import choose, t


@dataclass(frozen=True)
class Edit:
    """A submitted edit: the new rule and the reason given for it."""

    rule: Rule
    reason: str


def rule_editor(rule: Rule, rule_id: int) -> Edit | None:
    """The editor for one rule (widget keys carry its id); the edit once submitted, else None.
    Rows that do not make a valid rule raise `InvalidEdit` naming the row and the problem."""
    with st.form(f"edit_{rule_id}"):
        operators = [""] + [o.value for o in Operator]
        ways = {t("all conditions hold"): "all", t("any condition holds"): "any"}
        join = ways[
            st.radio(
                t("The rule applies when"), list(ways), index=0 if rule.conditions.join == "all" else 1, horizontal=True
            )
        ]
        if any(not hasattr(item, "text") for item in rule.conditions.items):
            st.warning(t("This rule has nested condition groups; saving here makes them one flat list."))
        clause_config = {
            "operator": st.column_config.SelectboxColumn(t("operator"), options=operators),
            "text": st.column_config.TextColumn(t("what the master said"), width="large"),
            "variable": st.column_config.TextColumn(t("variable")),
            "value": st.column_config.TextColumn(t("value")),
            "unit": st.column_config.TextColumn(t("unit")),
            "scale": st.column_config.TextColumn(t("scale"), help=t("steps, lowest first: red < orange < white")),
            "observed": st.column_config.CheckboxColumn(t("observed"), help=t("judged by eye, ear or hand")),
        }
        st.caption(t("Conditions: what the master said, and the variable, operator, value and unit it tests"))
        conditions = st.data_editor(
            columns(clause_rows(rule.clauses()), CLAUSE_COLUMNS),
            num_rows="dynamic",
            key=f"conditions_{rule_id}",
            column_config=clause_config,
        )
        st.caption(t("Actions: what to do; tick “never/don't” for a prohibition; “sets fact” for a derived fact"))
        actions = st.data_editor(
            columns(action_rows(rule.actions), ACTION_COLUMNS),
            num_rows="dynamic",
            key=f"actions_{rule_id}",
            column_config={
                "text": st.column_config.TextColumn(t("action"), width="large"),
                "instruction": st.column_config.TextColumn(t("instruction to the worker"), width="large"),
                "verb": st.column_config.TextColumn(t("verb")),
                "object": st.column_config.TextColumn(t("object")),
                "amount": st.column_config.TextColumn(t("amount")),
                "unit": st.column_config.TextColumn(t("unit")),
                "negated": st.column_config.CheckboxColumn(t("never/don't")),
                "sets": st.column_config.TextColumn(t("sets fact")),
                "to": st.column_config.TextColumn(t("to")),
            },
        )
        st.caption(t("Exceptions: UNLESS …"))
        exceptions = st.data_editor(
            columns(clause_rows(rule.exceptions), CLAUSE_COLUMNS),
            num_rows="dynamic",
            key=f"exceptions_{rule_id}",
            column_config=clause_config,
        )
        c1, c2, c3 = st.columns(3)
        certainties = [c.value for c in Certainty]
        certainty = choose(
            c1.selectbox,
            t("Certainty"),
            certainties,
            index=certainties.index(rule.certainty.value),
            key=f"certainty_{rule_id}",
        )
        domain = c2.text_input(t("Domain"), rule.domain or "")
        step = c3.text_input(t("Process step"), rule.process_step or "")
        rationale = st.text_input(t("Because (rationale)"), rule.rationale or "", key=f"rationale_{rule_id}")
        reason = st.text_input(t("Reason for the change"), key=f"reason_{rule_id}")
        if not st.form_submit_button(t("Save new version"), shortcut="Ctrl+Enter"):
            return None
        edited = rule_from_editor(
            rule,
            join=join,
            conditions=conditions,
            actions=actions,
            exceptions=exceptions,
            certainty=certainty,
            rationale=rationale,
            domain=domain,
            process_step=step,
        )
        return Edit(edited, reason)
