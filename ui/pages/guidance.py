"""SME: describe the situation (a form built from the knowledge base's variables, or a question in
plain words) and get the masters' rules that apply, why, and what else to find out."""

from __future__ import annotations

import zlib
from typing import Any

import streamlit as st

from knowledge_base import KnowledgeBaseError
from rules import EngineUnavailable, FactError, Quantity, Variable, firing_lines
from rules.units import show
from ui.state import knowledge_base, variables

kb = knowledge_base()
me = kb.whoami()
st.title("Guidance")
st.write("Describe the situation. Leave anything you do not know empty; the answer will say what it needs.")

include_proposed = me.role != "sme" and st.checkbox(
    "Also use rules the masters have not confirmed yet", key="include_proposed"
)
catalogue = variables(kb, include_proposed=include_proposed)
if not catalogue:
    st.info("No confirmed rules to give guidance from yet.")
    st.stop()

question = st.text_input(
    "Ask in plain words (optional)",
    key="question",
    placeholder="e.g. what do I do when welding in the rain at 85% humidity?",
)
from_text: dict[str, Any] = {}
if question.strip():
    try:
        with st.spinner("Reading your question…"):
            found = kb.search(question, include_proposed=include_proposed)
            from_text, how = kb.facts_from_question(question, include_proposed=include_proposed)
    except KnowledgeBaseError as exc:
        st.error(str(exc))
        st.stop()
    if found:
        st.subheader("The masters' rules closest to your question")
        for result in found:
            view = result.view
            with st.container(border=True):
                st.markdown(
                    f"**Rule #{view.id}** · {view.master} · {view.status} · {view.rule.certainty.value} · "
                    f"match: {result.hit.why}"
                )
                st.text(view.rule.summary())
                if view.quote:
                    st.caption(f"“{view.quote}”")
    else:
        st.info("No rule is close to your question; try other words, or fill in the form below.")
    if from_text:
        st.caption(
            "Read from your question: "
            + "; ".join(f"{k} = {show(v)} ({how.get(k, '')})" for k, v in from_text.items())
            + ". Check them in the form below, then ask."
        )
    else:
        st.caption("No known fact found in the question; use the form below.")

UNKNOWN = "(unknown)"


def field(v: Variable) -> Any:
    """One input for a variable, pre-filled from the question; None means unknown."""
    key = f"fact_{v.name}_{zlib.crc32(question.encode())}"  # a new question fills the form afresh
    given = from_text.get(v.name)
    helptext = "The masters said: " + " / ".join(f"“{s}”" for s in v.said)
    if v.kind == "flag":
        options = [UNKNOWN, "yes", "no"]
        index = 0 if given is None else (1 if given else 2)
        picked = st.selectbox(v.label, options, index=index, key=key, help=helptext)
        return None if picked == UNKNOWN else picked == "yes"
    if v.kind == "category":
        options = [UNKNOWN, *[str(x) for x in v.values]]
        index = options.index(str(given)) if given is not None and str(given) in options else 0
        picked = st.selectbox(v.label, options, index=index, key=key, help=helptext)
        return None if picked == UNKNOWN else picked
    unit = v.unit or ""
    value = given.value if isinstance(given, Quantity) else given
    number = st.number_input(
        f"{v.label} ({unit})" if unit else v.label,
        value=float(value) if isinstance(value, int | float) else None,
        key=key,
        help=helptext + (f" Rules use {v.low:g} to {v.high:g} {unit}." if v.low is not None else ""),
        placeholder=UNKNOWN,
    )
    if number is None:
        return None
    if isinstance(given, Quantity) and given.value == number and given.unit != unit:
        return given  # keep the unit the question used (°F, psi…); the engine converts it
    return number


with st.form("situation"):
    st.markdown("**The situation**")
    columns = st.columns(3)
    facts: dict[str, Any] = {}
    for i, v in enumerate(catalogue):
        with columns[i % 3]:
            answer = field(v)
            if answer is not None:
                facts[v.name] = answer
    asked = st.form_submit_button("Ask", type="primary")

if asked or (question.strip() and from_text and st.session_state.get("asked_question") != question):
    st.session_state["asked_question"] = question
    if not facts:
        st.warning("Give at least one fact: fill in the form or ask a question that names one.")
        st.stop()
    try:
        answer = kb.ask(facts, include_proposed=include_proposed)
    except (FactError, EngineUnavailable) as exc:
        st.error(str(exc))
        st.stop()
    st.subheader(f"{len(answer.fired)} rules apply" if len(answer.fired) != 1 else "1 rule applies")
    if not answer.fired:
        st.info("No rule applies to this situation.")
    for firing in answer.fired:
        k = firing.known
        with st.container(border=True):
            st.markdown(
                f"**Rule #{k.key}** · {k.master or 'unknown master'} · version {k.version} · "
                f"{k.status} · {k.rule.certainty.value}"
            )
            st.text("Do: " + "; ".join(a.text for a in k.rule.actions))
            for line in firing_lines(firing)[2:]:
                st.text(line.strip())
    for known, clause in answer.blocked:
        st.caption(f"Rule #{known.key} does not apply: the master's exception holds (“{clause.text}”).")
    if answer.questions:
        st.subheader("To decide more, find out")
        for q in answer.questions:
            st.warning(str(q))
