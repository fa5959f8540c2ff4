"""Reference media beside an observation: the photo, sound or clip that shows a novice what the
master's cue means, and (for who may curate) the form that attaches, replaces or removes one."""

from __future__ import annotations

from typing import Any

import streamlit as st

from knowledge_base import DatabaseFailure, KnowledgeBaseError, MediaView
from ui.components.messages import flash, show_error
from ui.components.plain import escape_markdown, md, md_error
from ui.i18n import t

_TYPES = ["png", "jpg", "jpeg", "gif", "webp", "wav", "mp3", "ogg", "flac", "m4a", "mp4", "webm"]


def show_media(kb: Any, items: list[MediaView]) -> None:
    """Each reference file as it is meant to be met: seen, heard or watched, with its caption."""
    for item in items:
        shown = item.caption or item.filename
        caption = escape_markdown(f"{item.value}: {shown}" if item.value else shown)  # captions are Markdown
        try:
            data = kb.media_data(item.id)
            if item.kind == "image":
                st.image(data, caption=caption, width=240)
            elif item.kind == "audio":
                st.audio(data, format=item.mime)
                st.caption(caption)
            else:
                st.video(data, format=item.mime)
                st.caption(caption)
        except Exception:  # a file a browser cannot show must not take the page down with it
            st.caption(md("{filename} cannot be shown.", filename=item.filename))


def media_panel(kb: Any, variable: str, *, editable: bool, key: str) -> None:
    """The reference files of one observation, and the attach / replace / remove form."""
    items = kb.media_for(variable)
    show_media(kb, items)
    if not editable:
        return
    with st.form(f"media_{key}", clear_on_submit=True):
        upload = st.file_uploader(md("A photo, sound or short clip of “{cue}”", cue=variable), type=_TYPES)
        value = st.text_input(t("For the value (leave empty for the cue itself)"), key=f"media_value_{key}")
        caption = st.text_input(t("Caption"), key=f"media_caption_{key}")
        if st.form_submit_button(t("Attach")) and upload is not None:
            try:
                kb.attach_media(variable, upload.getvalue(), upload.name, value=value or None, caption=caption or None)
                flash(md("Attached {filename} to {cue}.", filename=upload.name, cue=variable))
                st.rerun()
            except KnowledgeBaseError as exc:
                show_error(exc, not_done="Not attached: {problem}")
    for item in items:
        st.button(
            md("Remove {filename}", filename=item.filename),
            on_click=_remove,
            args=(kb, item),
            key=f"remove_media_{key}_{item.id}",
        )


def _remove(kb: Any, item: MediaView) -> None:
    try:
        kb.remove_media(item.id)
        flash(md("Removed {filename}.", filename=item.filename))
    except (KnowledgeBaseError, DatabaseFailure) as exc:  # a refusal, or the database failing: one line
        flash(md_error(exc), "error")
