"""SME: describe a situation, get the masters' rules that apply, why, and what else to tell."""

from __future__ import annotations

import html

import streamlit as st

from rules import EngineUnavailable, FactError, FactSyntaxError, firing_lines, parse_facts
from ui.state import knowledge_base

kb = knowledge_base()
st.title("Guidance")
st.write(
    "Describe the situation, one fact per line as `name=value` (for example `weather=rain`, `humidity=85`, `temperature=2912 degF`)."
)

include_proposed = st.checkbox("Also use rules the masters have not confirmed yet", key="include_proposed")
known_rules = kb.guidance_rules(include_proposed=include_proposed)
variables = sorted({c.variable for k in known_rules for c in k.rule.clauses() if c.variable})
if variables:
    st.caption("Facts the knowledge base knows about: " + ", ".join(variables))
facts_text = st.text_area("Situation", key="facts", height=120)

if st.button("Ask", type="primary"):
    try:
        facts = parse_facts([line.strip() for line in facts_text.splitlines() if line.strip()])
    except FactSyntaxError as exc:
        st.error(str(exc))
        st.stop()
    if not facts:
        st.warning("Enter at least one fact.")
        st.stop()
    try:
        answer = kb.ask(facts, include_proposed=include_proposed)
    except (FactError, EngineUnavailable) as exc:
        st.error(str(exc))
        st.stop()
    if not answer.fired:
        st.info("No rule applies to this situation.")
    for firing in answer.fired:
        k = firing.known
        with st.container(border=True):
            st.markdown(f"**Rule #{k.key}** · version {k.version} · {k.status} · {k.rule.certainty.value}")
            st.markdown("**Do:** " + html.escape("; ".join(a.text for a in k.rule.actions)))
            for line in firing_lines(firing)[2:]:
                st.text(line.strip())
    for known, clause in answer.blocked:
        st.caption(f"Rule #{known.key} does not apply: the master's exception holds (“{clause.text}”).")
    for question in answer.questions:
        st.warning(f"To decide more, tell me: {question}")
