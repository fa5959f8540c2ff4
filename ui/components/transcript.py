"""A transcript turn as safe HTML with a rule's conditions and actions marked in place: every
text escaped, offsets clipped, so neither a transcript nor a stale offset can break the page.
Line breaks become `<br>`: a blank line would end the HTML block, and what follows it would be
read as Markdown (an image from another host, a link)."""

from __future__ import annotations

import html
import itertools
from collections.abc import Iterable, Sequence

from knowledge_base import RuleView, TurnView
from ui.i18n import t

COLOURS = {"condition": "#fde68a", "action": "#bbf7d0", "rule": "#e0e7ff"}


def marked(text: str, spans: Iterable[tuple[int, int, str, str]]) -> str:
    """`text` as escaped HTML with each (start, end, kind, title) span marked in its kind's colour.

    Overlapping spans are cut at every boundary; where a condition and an action overlap the
    condition's colour wins, and the tooltip lists every rule involved. Spans outside the text
    are clipped, so a stale offset can never break the page.
    """
    spans = [(max(0, a), min(len(text), b), k, t) for a, b, k, t in spans if b > a]
    cuts = sorted({0, len(text), *[a for a, *_ in spans], *[b for _, b, *_ in spans]})
    out = []
    for a, b in itertools.pairwise(cuts):
        piece = _escaped(text[a:b])
        over = [(k, t) for s, e, k, t in spans if s <= a and b <= e]
        if not over:
            out.append(piece)
            continue
        kinds = {k for k, _ in over}
        kind = next(k for k in COLOURS if k in kinds)
        title = html.escape("; ".join(dict.fromkeys(t for _, t in over)), quote=True)
        out.append(f'<mark class="{kind}" title="{title}" style="background:{COLOURS[kind]}">{piece}</mark>')
    return "".join(out)


def rule_spans(view: RuleView, turn_index: int) -> list[tuple[int, int, str, str]]:
    """The spans a rule marks in one turn: its conditions and actions where the extractor
    recorded them, else the whole evidence sentence."""
    label = t("rule #{rule_id}", rule_id=view.id)
    spans: list[tuple[int, int, str, str]] = []
    cites = [e for e in view.evidence if e.turn.index == turn_index]
    if not cites:
        return spans
    if turn_index == view.evidence[0].turn.index:
        for c in view.rule.clauses():
            if c.start is not None and c.end is not None:
                spans.append((c.start, c.end, "condition", t("{label} condition", label=label)))
        for a in view.rule.actions:
            if a.start is not None and a.end is not None:
                spans.append((a.start, a.end, "action", t("{label} action", label=label)))
    if not spans:
        spans = [(e.start, e.end, "rule", label) for e in cites]
    return spans


def turn_html(turn: TurnView, views: Sequence[RuleView]) -> str:
    spans = [s for v in views for s in rule_spans(v, turn.index)]
    who = "interviewer" if turn.is_interviewer else "master"
    return f'<p class="turn {who}"><b>{_escaped(turn.speaker)}</b>: {marked(turn.text, spans)}</p>'


def _escaped(text: str) -> str:
    """Text as HTML on one line of the page's source: entities for markup, `<br>` for breaks."""
    return html.escape(text).replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


def highlighted_turn(view: RuleView) -> str:
    """The rule's source turn(s) as safe HTML, conditions and actions marked; all text escaped."""
    seen: dict[int, TurnView] = {}
    for ev in view.evidence:
        seen.setdefault(ev.turn.id, ev.turn)
    parts = [turn_html(t, [view]) for t in seen.values()]
    return "".join(parts) or f"<p><i>{html.escape(t('no source turn recorded'))}</i></p>"


def legend() -> str:
    """The key to the highlight colours, in the session's language."""
    return (
        f'<small><mark style="background:{COLOURS["condition"]}">{html.escape(t("condition"))}</mark> '
        f'<mark style="background:{COLOURS["action"]}">{html.escape(t("action"))}</mark> '
        f'<mark style="background:{COLOURS["rule"]}">{html.escape(t("rule sentence"))}</mark></small>'
    )
