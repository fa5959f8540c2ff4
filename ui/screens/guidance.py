"""SME: describe the situation (a form built from the knowledge base's variables, or a question in
plain words, English or Korean) and get the masters' rules that apply, why, and what else to find out."""

from __future__ import annotations

import zlib
from typing import Any

import streamlit as st

from knowledge_base import KnowledgeBaseError
from rules import EngineUnavailable, FactError, Quantity, Variable
from rules.units import show
from ui.components import escape_markdown, firing_card, found_card, md, show_error
from ui.components.media import show_media
from ui.components.situation import ALL_UP_TO, form_variables, steps, variables_of
from ui.i18n import message_text, question_text, t
from ui.state import guidance_rules, knowledge_base, variables

kb = knowledge_base()
me = kb.whoami()
st.title(t("Guidance"))
st.write(t("Describe the situation. Leave anything you do not know empty; the answer will say what it needs."))

include_proposed = me.role != "sme" and st.checkbox(
    t("Also use rules the masters have not confirmed yet"), key="include_proposed"
)
catalogue = variables(kb, include_proposed=include_proposed)
if not catalogue:
    st.info(t("No confirmed rules to give guidance from yet."))
    st.stop()

question = st.text_input(
    t("Ask in plain words (optional)"),
    key="question",
    placeholder=t("e.g. what do I do when welding in the rain at 85% humidity?"),
)
from_text: dict[str, Any] = {}
found: list[Any] = []
_MATCHED = "read as the master's “"


def how_read(how: str) -> str:
    """How a fact was read from the question (the service's words), in the session's language."""
    if how.startswith(_MATCHED) and how.endswith("”"):
        return t("read as the master's “{words}”", words=how[len(_MATCHED) : -1])
    return t("named in the question") if how == "named in the question" else how


if question.strip():
    try:
        with st.spinner(t("Reading your question…")):
            found = kb.search(question, include_proposed=include_proposed)
            from_text, how = kb.facts_from_question(question, include_proposed=include_proposed)
    except KnowledgeBaseError as exc:
        show_error(exc)
        st.stop()
    if found:
        st.subheader(t("The masters' rules closest to your question"))
        for result in found:
            found_card(result)
    else:
        st.info(t("No rule is close to your question; try other words, or fill in the form below."))
    if from_text:
        st.caption(
            md(
                "Read from your question: {facts}. Check them in the form below, then ask.",
                facts="; ".join(f"{k} = {show(v)} ({how_read(how.get(k, ''))})" for k, v in from_text.items()),
            )
        )
    else:
        st.caption(t("No known fact found in the question; use the form below."))

UNKNOWN = t("(unknown)")
references: dict[str, list[Any]] = {}
for item in kb.media_for():
    references.setdefault(item.variable, []).append(item)


def field(v: Variable) -> Any:
    """One input for a variable, pre-filled from the question; None means unknown. Its label and
    help are Markdown, and the master's words: escaped."""
    key = f"fact_{v.name}_{zlib.crc32(question.encode())}"  # a new question fills the form afresh
    given = from_text.get(v.name)
    label = escape_markdown(v.label)
    helptext = md("The masters said: {words}", words=" / ".join(f"“{s}”" for s in v.said))
    if v.kind == "flag":
        options = [UNKNOWN, t("yes"), t("no")]
        index = 0 if given is None else (1 if given else 2)
        picked = st.selectbox(label, options, index=index, key=key, help=helptext)
        if v.observed:
            show_media(kb, references.get(v.name, []))  # what the master's cue looks or sounds like
        return None if picked == UNKNOWN else picked == options[1]
    if v.kind == "category":
        options = [UNKNOWN, *[str(x) for x in v.values]]
        index = options.index(str(given)) if given is not None and str(given) in options else 0
        picked = st.selectbox(label, options, index=index, key=key, help=helptext)
        return None if picked == UNKNOWN else picked
    unit = v.unit or ""
    value = given.value if isinstance(given, Quantity) else given
    number = st.number_input(
        f"{label} ({escape_markdown(unit)})" if unit else label,
        value=float(value) if isinstance(value, int | float) else None,
        key=key,
        help=helptext
        + (
            md(" Rules use {low} to {high} {unit}.", low=f"{v.low:g}", high=f"{v.high:g}", unit=unit)
            if v.low is not None
            else ""
        ),
        placeholder=UNKNOWN,
    )
    if number is None:
        return None
    if isinstance(given, Quantity) and given.value == number and given.unit != unit:
        return given  # keep the unit the question used (°F, psi…); the engine converts it
    return number


ANY_STEP = t("(any step)")
step_rules: list[Any] = []
picked: list[str] = []
if len(catalogue) > ALL_UP_TO:  # hundreds of variables: those of the question and the step, the rest by search
    by_name = {v.name: v for v in catalogue}
    rules = guidance_rules(kb, include_proposed=include_proposed)
    choose_step, choose_more = st.columns([1, 2])
    step = choose_step.selectbox(t("Process step"), [ANY_STEP, *steps(rules)], key="situation_step")
    if step != ANY_STEP:
        step_rules = [k for k in rules if k.rule.process_step == step]
    picked = choose_more.multiselect(
        t("Add something else you know"),
        list(by_name),
        format_func=lambda name: by_name[name].label,
        key="situation_more",
        placeholder=t("search the {count} things the rules test", count=len(catalogue)),
    )
named = [*from_text, *variables_of(r.view.known() for r in found), *st.session_state.get("answer_asks", [])]
shown = form_variables(catalogue, named=named, step_rules=step_rules, picked=picked)
if len(shown) < len(catalogue):
    st.caption(
        t(
            "The form shows {shown} of the {total} things the rules test: those your question, the rules found "
            "and the step name first. Add any other above.",
            shown=len(shown),
            total=len(catalogue),
        )
    )

with st.form("situation"):
    st.markdown(t("**The situation**"))
    columns = st.columns(3)
    facts: dict[str, Any] = {}
    for i, v in enumerate(shown):
        with columns[i % 3]:
            answer = field(v)
            if answer is not None:
                facts[v.name] = answer
    asked = st.form_submit_button(t("Ask"), type="primary")

if asked or (question.strip() and from_text and st.session_state.get("asked_question") != question):
    st.session_state["asked_question"] = question
    if not facts:
        st.warning(t("Give at least one fact: fill in the form or ask a question that names one."))
        st.stop()
    try:
        answer = kb.ask(facts, include_proposed=include_proposed)
    except (FactError, EngineUnavailable) as exc:
        show_error(exc)
        st.stop()
    for message in answer.unknown:
        st.warning(md("Not understood: {message}", message=message_text(message)))
    st.subheader(t("{count} rules apply", count=len(answer.fired)) if len(answer.fired) != 1 else t("1 rule applies"))
    if not answer.fired:
        st.info(t("No rule applies to this situation."))
    for firing in answer.fired:
        firing_card(firing)
    for known, clause in answer.blocked:
        st.caption(
            md(
                "Rule #{rule_id} does not apply: the master's exception holds (“{words}”).",
                rule_id=known.key,
                words=clause.text,
            )
        )
    st.session_state["answer_asks"] = [q.variable for q in answer.questions if q.variable]  # in the form next time
    if answer.questions:
        st.subheader(t("To decide more, find out"))
        for q in answer.questions:
            st.warning(escape_markdown(question_text(q)))
            observed = q.clause is not None and q.clause.observed and q.variable
            if observed:
                show_media(kb, kb.media_for(q.variable))
