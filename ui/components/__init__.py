"""Pieces the pages share: the rule card, the error and flash messages, transcript text with a
rule's words marked (always escaped), and data escaped for Streamlit's Markdown (`md`)."""

from ui.components.messages import flash, show_error, show_flash
from ui.components.plain import escape_markdown, md, md_error, md_message
from ui.components.rule_card import firing_card, found_card, rule_card
from ui.components.rule_editor import Edit, rule_editor
from ui.components.transcript import highlighted_turn, legend, marked, rule_spans, turn_html

__all__ = [
    "Edit",
    "escape_markdown",
    "firing_card",
    "flash",
    "found_card",
    "highlighted_turn",
    "legend",
    "marked",
    "md",
    "md_error",
    "md_message",
    "rule_card",
    "rule_editor",
    "rule_spans",
    "show_error",
    "show_flash",
    "turn_html",
]
