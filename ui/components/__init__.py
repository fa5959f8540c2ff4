"""Pieces the pages share: the rule card, the error and flash messages, and transcript text with a
rule's words marked (always escaped)."""

from ui.components.messages import flash, show_error, show_flash
from ui.components.rule_card import firing_card, found_card, rule_card
from ui.components.rule_editor import Edit, rule_editor
from ui.components.transcript import highlighted_turn, legend, marked, rule_spans, turn_html

__all__ = [
    "Edit",
    "firing_card",
    "flash",
    "found_card",
    "highlighted_turn",
    "legend",
    "marked",
    "rule_card",
    "rule_editor",
    "rule_spans",
    "show_error",
    "show_flash",
    "turn_html",
]
