"""Data shown as text only: a name, a rule's words, a transcript line or an error that quotes what
someone typed reaches Streamlit's Markdown sinks (st.markdown, st.caption, st.success, labels…)
escaped, so nothing in the data becomes a link, an image fetched from another host, bold text,
HTML, a `:red[...]` or `:material/...:` directive or LaTeX. `md()` is `t()` for those sinks: the
catalogue text keeps its own Markdown and every value put into it is escaped."""

from __future__ import annotations

import re
from typing import Any

from ui import i18n

# The ASCII punctuation Markdown, GFM or Streamlit read as markup; CommonMark shows a character
# escaped with a backslash as itself. `:` so that no `:red[...]` or `:material/...:` directive is
# read, `$` so that no LaTeX is, `<` and `&` so that no HTML or entity is. `_`, `-` and `.` between
# two letters or digits mean nothing (`arc_pop`, `Jae-sung`, `3.5`) and are left as they are; `=`
# too, but at the start of a line (a heading's underline).
_MARKUP = re.compile(r"(?<=[^\W_])[-_.](?=[^\W_])|([\\`*_{}\[\]()#+\-.!|~<>:$&]|^[ \t]*=)", re.MULTILINE)
# GFM turns bare addresses into links after the escapes are read (`http\://` is `http://` again),
# so a word joiner (U+2060, invisible) goes where its patterns need a plain character: after a
# colon (`http://`, and `:smile:` shortcodes), an `@` (e-mail) and `www`.
_JOINED = re.compile(r"(?i)(?<=\\:)(?=\S)|(?<=@)|(?<=www)(?=\\?\.)")
_JOINER = "\u2060"
# Leading spaces or tabs would make an indented code block: shown as no-break spaces instead.
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)


def _escaped_markup(match: re.Match[str]) -> str:
    markup = match.group(1)
    if markup is None:
        return match.group()
    return markup[:-1] + "\\" + markup[-1]


def escape_markdown(text: object) -> str:
    """`text` as Markdown that Streamlit shows literally, character for character. Each line
    stays a line (a hard break), a blank line stays a paragraph break."""
    lines = str(text).replace("\r\n", "\n").replace("\r", "\n")
    escaped = _JOINED.sub(_JOINER, _MARKUP.sub(_escaped_markup, lines))
    escaped = _INDENT.sub(lambda m: "\u00a0" * len(m.group().expandtabs(4)), escaped)
    return "  \n".join(escaped.split("\n"))


def md(text: str, /, **params: Any) -> str:
    """`t(text, **params)` for a Markdown sink: the catalogue text's own Markdown is kept, each
    value is escaped (a message among them translated first, then escaped whole)."""
    lang = i18n.language()
    values = {k: _escaped(v, lang, k) for k, v in params.items()}
    return i18n.filled(text, lang, values, values)


def md_message(value: Any) -> str:
    """`message_text(value)` for a Markdown sink: a message from the rules, escaped whole (their
    templates are plain text, and their values are data)."""
    return escape_markdown(i18n.message_text(value))


def md_error(exc: BaseException) -> str:
    """`error_text(exc)` for a Markdown sink: errors quote what the user typed, so all of it is
    escaped."""
    return escape_markdown(i18n.error_text(exc))


def _escaped(value: Any, lang: str, name: str) -> Any:
    """A value as `say` would put it into the text, escaped; numbers stay numbers (for `{:.2f}`)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        shown = i18n.translated_value(value, lang, name) if lang != "en" else value
        return escape_markdown(shown)
    return value
