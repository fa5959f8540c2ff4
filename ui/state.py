"""What the pages share: the signed-in user's knowledge base, cached results keyed on the
knowledge base's state, and safe HTML for transcript text with the rule's words marked."""

from __future__ import annotations

import html
import itertools
from collections.abc import Iterable, Sequence

import streamlit as st

from knowledge_base import KnowledgeBase, MasterView, RuleView, TurnView, default_url
from rules import KnownRule, Variable, catalogue
from rules.checks import Finding
from ui.i18n import KEY, t, word

USER_KEY = "user"


@st.cache_resource
def _knowledge_base_at(url: str) -> KnowledgeBase:
    from elicitation.embeddings import default_encoder, multilingual_encoder

    # The sentence model loads on first use (a question, a merge, the vocabulary), once per process.
    return KnowledgeBase(url, encoder=default_encoder(), multilingual=multilingual_encoder())


def shared_knowledge_base() -> KnowledgeBase:
    """The knowledge base at MYEONGJANG_DATABASE_URL (or the default SQLite file), one per
    process, acting as nobody: used only to check a password."""
    return _knowledge_base_at(default_url())


def signed_in() -> str | None:
    """The user signed in on this browser session (set only after a password check)."""
    user = st.session_state.get(USER_KEY)
    return str(user) if user else None


def knowledge_base() -> KnowledgeBase:
    """The knowledge base acting as the signed-in user; the service layer checks every action
    against that user's role. A page reached without signing in stops here."""
    user = signed_in()
    if user is None:
        st.warning(t("Sign in first."))
        st.stop()
    return shared_knowledge_base().as_user(user)


def sign_out() -> None:
    """Forget the session, all but the language it was using."""
    for key in list(st.session_state.keys()):
        if key != KEY:
            del st.session_state[key]


# --- cached results, invalidated by any write ---------------------------------------------------


@st.cache_data(max_entries=32, show_spinner=False)
def _guidance_rules(url: str, user: str, token: int, include_proposed: bool) -> list[KnownRule]:
    return _knowledge_base_at(url).as_user(user).guidance_rules(include_proposed=include_proposed)


@st.cache_data(max_entries=32, show_spinner=False)
def _findings(url: str, user: str, token: int) -> list[Finding]:
    return _knowledge_base_at(url).as_user(user).findings()


@st.cache_data(max_entries=16, show_spinner=False)
def unclear_sayings(turns: tuple[tuple[int, str, str], ...]) -> list[str]:
    """The master's sentences in these (index, speaker, text) turns that sound like rules but could
    not be read as one; cached on the turns themselves, which never change once stored."""
    from elicitation import read_interview
    from elicitation.transcripts import Transcript, Turn

    transcript = Transcript(turns=[Turn(i, speaker, text) for i, speaker, text in turns], format="stored", encoding="")
    return [p.text for p in read_interview(transcript).possible]


def guidance_rules(kb: KnowledgeBase, *, include_proposed: bool = False) -> list[KnownRule]:
    """The rules guidance may use for this user, cached until the knowledge base changes."""
    return _guidance_rules(kb.url, str(kb.user), kb.state_token(), include_proposed)


def findings(kb: KnowledgeBase) -> list[Finding]:
    """Conflicts, duplicates and gaps, cached until the knowledge base changes."""
    with st.spinner(t("Checking for conflicts and gaps…")):
        return _findings(kb.url, str(kb.user), kb.state_token())


def variables(kb: KnowledgeBase, *, include_proposed: bool = False) -> list[Variable]:
    return catalogue(k.rule for k in guidance_rules(kb, include_proposed=include_proposed))


# --- safe HTML ------------------------------------------------------------------------------------

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
        piece = html.escape(text[a:b])
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
    return f'<p class="turn {who}"><b>{html.escape(turn.speaker)}</b>: {marked(turn.text, spans)}</p>'


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


def masters_table(masters: Iterable[MasterView]) -> list[dict[str, str | None]]:
    """The masters with their craft, organisation and the consent in force, one row each."""
    return [
        {
            t("master"): m.name,
            t("craft"): m.craft,
            t("organisation"): m.organisation,
            t("consent"): ", ".join(word(s) for s in m.consent_scopes) or t("none"),
        }
        for m in masters
    ]


def flash(message: str, kind: str = "success") -> None:
    """A message shown once, after the rerun a button's callback causes."""
    st.session_state.setdefault("_flash", []).append((kind, message))


def show_flash() -> None:
    for kind, message in st.session_state.pop("_flash", []):
        getattr(st, kind)(message)
