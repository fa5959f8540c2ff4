"""A rule as a card: IF / THEN / UNLESS / BECAUSE with what each clause measures, as the master
reviews it; a rule a question found, with how well it matched; and a rule that fired, with why."""

from __future__ import annotations

import streamlit as st

from knowledge_base import SearchResult
from rules import Firing, Operator, Rule
from rules.explain import instructions
from rules.units import show
from ui.components.plain import escape_markdown, md
from ui.i18n import rule_summary, t, word


def rule_card(rule: Rule) -> None:
    """The rule's parts one per line, each clause with the variable, operator, value and unit it
    tests (or that it is not measurable yet), each action with the fact it sets."""
    with st.container(border=True):
        st.markdown(t("**IF** (all of)") if rule.conditions.join == "all" else t("**IF** (any of)"))
        for clause in rule.clauses():
            if clause.observed and clause.operator in (Operator.IS_TRUE, Operator.IS_FALSE):
                answer = t("yes") if clause.operator is Operator.IS_TRUE else t("no")
                measured = t("  →  observed: {variable} = {answer}", variable=clause.variable, answer=answer)
            elif clause.measurable:
                op = clause.operator.value if clause.operator else ""
                value = "" if clause.value is None else clause.value
                measured = f"  →  {clause.variable} {op} {value} {clause.unit or ''}".rstrip()
            else:
                measured = t("  (not measurable yet)")
            st.text(f"• {clause.text}{measured}")
        st.markdown(t("**THEN**"))
        for action in rule.actions:
            sets = (
                t("  (sets {variable} = {value})", variable=action.variable, value=action.value)
                if action.variable
                else ""
            )
            told = t("  (tell the worker: {instruction})", instruction=action.instruction) if action.instruction else ""
            st.text(f"• {action.text}{sets}{told}")
        if rule.exceptions:
            st.text(t("UNLESS {exceptions}", exceptions="; ".join(e.text for e in rule.exceptions)))
        if rule.rationale:
            st.text(t("BECAUSE {rationale}", rationale=rule.rationale))
        st.text(
            t("Certainty: {certainty}", certainty=word(rule.certainty))
            + (t(" · domain: {domain}", domain=rule.domain) if rule.domain else "")
        )


def found_card(result: SearchResult) -> None:
    """A rule a plain-words question found: who said it, its status, how it matched, and his words."""
    view = result.view
    with st.container(border=True):
        st.markdown(
            md(
                "**Rule #{rule_id}** · {master} · {status} · {certainty} · match: {why}",
                rule_id=view.id,
                master=view.master,
                status=word(view.status),
                certainty=word(view.rule.certainty),
                why=t("meaning {cosine}", cosine=f"{result.hit.cosine:.2f}")
                + (t(", words {lexical}", lexical=f"{result.hit.lexical:.2f}") if result.hit.lexical else ""),
            )
        )
        st.text(rule_summary(view.rule))
        for met in result.hit.facts:  # the worker's own numbers against the master's conditions
            if met.holds:
                st.text(t("✓ your {said} meets “{condition}”", said=met.words, condition=met.clause))
            else:
                st.text(t("✗ your {said} does not meet “{condition}”", said=met.words, condition=met.clause))
        if view.quote:
            st.caption(f"“{escape_markdown(view.quote)}”")


def firing_card(firing: Firing) -> None:
    """A rule that applies: what to do, the facts derived on the way, each clause with the fact
    value that satisfied it, and the master's words."""
    k = firing.known
    with st.container(border=True):
        st.markdown(
            md(
                "**Rule #{rule_id}** · {master} · version {version} · {status} · {certainty}",
                rule_id=k.key,
                master=k.master or t("unknown master"),
                version=k.version,
                status=word(k.status),
                certainty=word(k.rule.certainty),
            )
        )
        st.text(t("Do: {actions}", actions="; ".join(instructions(k.rule))))  # the master's words: never markup
        for d in firing.chain:
            st.text(
                t(
                    "derived: rule #{rule_id} set {variable} = {value}",
                    rule_id=d.rule_key,
                    variable=d.variable,
                    value=show(d.value) + (f" {d.unit}" if d.unit else ""),
                )
            )
        for m in firing.matched:
            given_value = show(m.fact_value) if m.fact_value is not None else "?"
            how_derived = t(" (derived by rule #{rule_id})", rule_id=m.derived_by) if m.derived_by else ""
            if m.clause.observed:
                answer = t("yes") if m.fact_value is True else t("no") if m.fact_value is False else given_value
                st.text(t("because you observed “{words}”: {value}", words=m.clause.text, value=answer))
                continue
            st.text(
                t(
                    "because {variable} = {value}{derived} satisfies “{words}”",
                    variable=m.clause.variable,
                    value=given_value,
                    derived=how_derived,
                    words=m.clause.text,
                )
            )
        if not firing.matched:
            st.text(t("applies in every situation"))
        if k.quote:
            st.text(t("{master} said: “{words}”", master=k.master or t("The master"), words=k.quote))
