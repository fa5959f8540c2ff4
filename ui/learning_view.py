"""The admin page's view of the reader learning from the masters' reviews: the models trained, a
retrain, and the learning curve of the bundled gold interviews replayed as reviews."""

from __future__ import annotations

from typing import Any

import streamlit as st

from elicitation.errors import ModelRefused
from knowledge_base import KnowledgeBase, KnowledgeBaseError
from ui import learning
from ui.components import md, show_error
from ui.i18n import t

_REPLAYS = "learning_replays"  # session key: the replays run this session, by language


def show_learning(kb: KnowledgeBase) -> None:
    st.caption(
        t(
            "Every rule a master confirms, corrects or rejects teaches the reader. A new model is used "
            "only when it reads the held-out interviews at least as well as the one in use."
        )
    )
    _models_table(kb)
    names = {t("English"): "en", t("Korean"): "ko"}
    language = names[st.radio(t("Language"), list(names), horizontal=True, key="learning_language")]
    train, replay = st.columns(2)
    if train.button(t("Train from the reviews now"), key="learning_train"):
        try:
            trained = learning.train(kb, language)
            st.success(
                md(
                    "{model} trained on {examples} reviews and in use: held-out F1 {f1}.",
                    model=trained.model.label,
                    examples=trained.model.examples,
                    f1=trained.figures["held_out"]["f1"],
                )
            )
        except (ModelRefused, KnowledgeBaseError) as exc:
            show_error(exc)
    if replay.button(t("Replay the bundled interviews as reviews"), key="learning_replay"):
        from ui.replay import replay as run_replay  # reads every gold interview: only on request

        with st.spinner(t("Reading the bundled interviews one by one...")):
            st.session_state.setdefault(_REPLAYS, {})[language] = run_replay(language).as_dict()
    shown = st.session_state.get(_REPLAYS, {}).get(language)
    if shown is not None:
        _curve(shown)


def _models_table(kb: KnowledgeBase) -> None:
    models = kb.reader_models()
    if not models:
        st.info(t("No model trained yet: the hand-built reader alone proposes every rule."))
        return
    st.dataframe(
        [
            {
                t("language"): t("English") if m.language == "en" else t("Korean"),
                t("model"): m.label,
                t("reviews learned from"): m.examples,
                t("held-out F1"): m.figures.get("held_out", {}).get("f1"),
                t("reader alone"): m.figures.get("reader_alone", {}).get("f1"),
                t("trained by"): m.trained_by,
                t("when"): m.created_at.replace("T", " "),
            }
            for m in models
        ],
        hide_index=True,
        width="stretch",
    )


def _curve(shown: dict[str, Any]) -> None:
    """The held-out F1 after each replayed interview, beside the hand-built reader alone."""
    alone = shown["reader_alone"]["f1"]
    rows = [
        {t("interviews reviewed"): n, t("with learning"): s["held_out"]["f1"], t("reader alone"): alone}
        for n, s in enumerate(shown["steps"], start=1)
    ]
    st.markdown(
        md(
            "**Learning curve**: held-out F1 {final} after {steps} interviews, against {alone} for the reader alone.",
            final=shown["final"]["f1"],
            steps=len(rows),
            alone=alone,
        )
    )
    if rows:
        st.line_chart(rows, x=t("interviews reviewed"), y=[t("with learning"), t("reader alone")])
    st.dataframe(
        [
            {
                t("interview"): s["interview"],
                t("proposals"): s["proposals"],
                t("kept"): s["kept"],
                t("rejected"): s["rejected"],
                t("model in use"): s["model"],
                t("not used"): s["refused"] or "",
            }
            for s in shown["steps"]
        ],
        hide_index=True,
        width="stretch",
    )
