"""Data shown as text only: a master's name, a rule's words, a transcript turn, a user name, an
organisation, a session title, a file name or an error quoting what was typed reaches every
Markdown sink of the pages escaped, so none of it becomes an image fetched from another host, a
link, bold text, HTML or a `:red[...]` directive, and it is still shown, character for character."""

from __future__ import annotations

import contextlib
import html
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from knowledge_base import KnowledgeBase, KnowledgeBaseError, TurnView
from rules import Action, Clause, Group
from rules.messages import Message
from ui import i18n
from ui.components import escape_markdown, md, md_error, turn_html
from ui.workflows import import_interview, register_with_consent

from ..conftest import run_app, samples_with_accounts

PASSWORD = "long enough secret"
PAYLOAD = "![x](http://evil.example/x.png) **bold** :red[big] <img src=http://evil.example/y.png>"
MASTER = "Evil " + PAYLOAD
SPOKEN = "I add filler " + PAYLOAD
OBSERVED = "the arc pops " + PAYLOAD
FELT = "the bead hisses " + PAYLOAD
WET = "the plate is wet " + PAYLOAD
USER = "**u** ![u](http://evil.example/u.png)"
FILE = "talk **bold** :red[f] <b>.txt"  # a file name keeps no folder: no slash in it
# What Markdown, HTML or a Streamlit directive would make of the payload, were it not escaped.
RENDERED = ["![", "](http", "**bold**", ":red[", "<img", "<b>", "http://"]


# --- the helper itself ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        PAYLOAD,
        "*a* _b_ `c` ~~d~~ [e](f) <g> &amp; $x^2$ $$y$$ \\ # + - . ! | { } : @",
        ":material/home: :smile: :streamlit: :blue-background[x] :red[big]",
        "see https://evil.example/a, www.evil.example and a@evil.example",
        "# heading\n1. list\n- item\n> quote\n---\n===\n    indented code\n| a | b |",
        "한국어 이름: 김옥순 (명장) — “따옴표”",
    ],
)
def test_escaped_text_keeps_every_character_and_leaves_no_markup(text: str) -> None:
    escaped = escape_markdown(text)
    assert shown_text(escaped) == text  # character for character once the escapes are read
    bare = unescaped(escaped)
    for markup in ["![", "](", "**", "*a*", "_b_", "`", "~~", "<", "&", "$", ":red[", ":material/", ":smile:", "://"]:
        assert markup not in bare
    assert not re.search(r"(?m)^ {4}", escaped)  # no indented code block either


def test_escaped_text_keeps_its_lines_and_the_catalogue_text_its_markdown() -> None:
    assert escape_markdown("one\ntwo\r\nthree") == "one  \ntwo  \nthree"
    assert escape_markdown("a\n\nb") == "a  \n  \nb"  # a blank line stays a paragraph break
    assert md("Signed in as **{user}** ({role})", user="**x**", role="admin") == (
        "Signed in as **\\*\\*x\\*\\*** (admin)"
    )
    assert md("{n} of {total} reviewed", n=1, total=7) == "1 of 7 reviewed"  # numbers stay numbers
    assert md("Rule #{rule_id}, confidence {c:.2f}", rule_id=3, c=0.456) == "Rule #3, confidence 0.46"
    assert unescaped(md_error(KnowledgeBaseError("no master {name!r}", name=PAYLOAD))).count("![") == 0


def test_md_translates_the_words_and_messages_then_escapes_them(monkeypatch: pytest.MonkeyPatch) -> None:
    nested = Message("unknown fact {name}", name=PAYLOAD)
    assert unescaped(md("Not understood: {message}", message=nested)).count("![") == 0
    assert shown_text(md("Not understood: {message}", message=nested)) == f"Not understood: unknown fact {PAYLOAD}"
    monkeypatch.setattr(i18n, "language", lambda: "ko")
    assert md("Rule #{rule_id} {decision}.", rule_id=3, decision="confirmed") == "규칙 #3 확정됨."
    said = md("Consent recorded for {name}: {scopes}", name=MASTER, scopes="x")
    assert escape_markdown(MASTER) in said and hangul(said) and "![" not in unescaped(said)


def test_a_turn_with_blank_lines_stays_inside_its_html_block() -> None:
    turn = TurnView(1, 0, "Master **m**", "first\n\n![x](http://evil.example/x.png)\n<b>", is_interviewer=False)
    out = turn_html(turn, [])
    assert "\n" not in out and "<b>" not in out.replace("<b>Master", "")
    assert "&lt;b&gt;" in out and "first<br><br>![x]" in out


# --- the pages -----------------------------------------------------------------------------------


@pytest.fixture
def hostile(sqlite_env: str) -> KnowledgeBase:
    return seeded(sqlite_env)


def seeded(url: str) -> KnowledgeBase:
    """The samples, and a master, a session, rules, a cue's media and users whose every text
    carries Markdown, HTML and Streamlit directives."""
    kb = samples_with_accounts(url, PASSWORD, ("kim", "interviewer", None), ("sme", "sme", None))
    register_with_consent(kb, MASTER, ["internal_guidance"], craft="welding " + PAYLOAD, organisation="Org " + PAYLOAD)
    kb.add_user("evil", "master", master=MASTER, display_name="Evil " + PAYLOAD, organisation="Org " + PAYLOAD)
    kb.set_password("evil", PASSWORD)
    with contextlib.suppress(KnowledgeBaseError):  # user names may be held to a pattern
        kb.add_user(USER, "sme", password=PASSWORD)
    turns = f"Interviewer: What do you do when the arc pops?\nMaster: When the arc pops, {SPOKEN}.\n"
    turns += "Interviewer: And when the bead hisses?\nMaster: When the bead hisses, I slow down.\n"
    result = import_interview(kb, MASTER, FILE, turns.encode(), title=PAYLOAD)
    first, second = (kb.get_rule(i) for i in result.rule_ids[:2])
    pops = Clause(text=OBSERVED, variable="arc_pop", operator="is_true", observed=True)
    vague = Clause(text="it feels wrong " + PAYLOAD)  # not measurable: confirming it shows why
    action = Action(text=SPOKEN, instruction="add filler " + PAYLOAD)
    update = {"conditions": Group(items=[pops, vague]), "actions": [action], "rationale": PAYLOAD}
    kb.edit_rule(first.id, first.rule.model_copy(update=update), reason="x", expected_version=first.version)
    hiss = Clause(text=FELT, variable="bead_hiss", operator="is_true", observed=True)
    wet = Clause(text=WET, variable="plate_wet", operator="is_true", observed=True)
    update = {"conditions": Group(items=[hiss]), "actions": [action], "exceptions": [wet], "domain": "welding"}
    saved = kb.edit_rule(second.id, second.rule.model_copy(update=update), reason="x", expected_version=1)
    kb.review(second.id, "confirmed", expected_version=saved.version)
    picture = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(picture, format="PNG")
    kb.attach_media("arc_pop", picture.getvalue(), "arc **bold**.png", caption="pops " + PAYLOAD)
    return kb


def test_the_review_page_shows_the_masters_words_as_text(hostile: KnowledgeBase) -> None:
    at = run_app("evil", "review")
    assert_only_text(at)
    assert shows(at, OBSERVED) and shows(at, "pops " + PAYLOAD) and shows(at, "arc_pop")
    at.button(key="confirm").click().run()  # it can never fire: the blockers quote his words
    assert not at.exception
    assert any(escape_markdown("it feels wrong") in m.value for m in at.markdown)
    assert_only_text(at)


def test_the_interview_page_shows_the_session_the_turns_and_the_search_as_text(hostile: KnowledgeBase) -> None:
    at = run_app("kim", "interview")
    chosen = next(x.id for x in hostile.transcripts() if x.master == MASTER)
    at.selectbox(key="transcript_choice").select(chosen).run()
    at.text_input(key="turn_search").input("the arc pops and I add filler").run()
    assert not at.exception
    assert_only_text(at)
    assert shows(at, SPOKEN) and shows(at, FILE) and shows(at, MASTER)


def test_guidance_shows_the_masters_cues_and_the_answer_as_text(hostile: KnowledgeBase) -> None:
    at = run_app("sme", "guidance")
    at.text_input(key="question").input("what if the bead hisses?").run()
    assert not at.exception
    assert_only_text(at)
    field = next(s for s in at.selectbox if s.key and s.key.startswith("fact_bead_hiss"))
    assert field.label == escape_markdown(FELT)
    field.select("yes")
    at.button(key="FormSubmitter:situation-Ask").click().run()
    assert_only_text(at)
    assert shows(at, MASTER) and any("the plate is wet" in w.value for w in at.warning)  # asked about
    next(s for s in at.selectbox if s.key and s.key.startswith("fact_plate_wet")).select("yes")
    at.button(key="FormSubmitter:situation-Ask").click().run()
    assert any("does not apply" in c.value for c in at.caption)  # his exception, quoted
    assert_only_text(at)
    assert shows(at, WET)


def test_the_vocabulary_shows_what_the_masters_said_as_text(hostile: KnowledgeBase) -> None:
    at = run_app("kim", "vocabulary")
    at.button(key="propose_vocabulary").click().run()
    assert not at.exception
    assert_only_text(at)
    assert shows(at, FELT) and shows(at, MASTER)
    cue = next(c for c in hostile.vocabulary() if c.status == "proposed")
    at.text_input(key=f"cue_name_{cue.id}").input("bad ![n](http://evil.example/n.png)")
    next(b for b in at.button if b.label == "Confirm").click().run()
    assert at.error and "invalid cue name" in at.error[0].value  # the error quotes it, escaped
    assert_only_text(at)


def test_the_knowledge_base_and_admin_pages_show_names_and_releases_as_text(hostile: KnowledgeBase) -> None:
    at = run_app("admin", "knowledge")
    next(t for t in at.text_input if t.label == "New release name").input("r " + PAYLOAD)
    at.button(key="FormSubmitter:release-Freeze the confirmed rules as a release").click().run()
    assert not at.exception
    assert_only_text(at)
    assert shows(at, "r " + PAYLOAD)
    assert_only_text(run_app("admin", "admin"))


def test_the_sidebar_shows_the_user_name_as_text(hostile: KnowledgeBase) -> None:
    if not any(u["username"] == USER for u in hostile.list_users()):
        pytest.skip("user names are held to a pattern that refuses Markdown")
    at = run_app(USER)  # AppTest keeps the sidebar of the first run only
    assert_only_text(at)
    assert shows(at, USER)


# --- in a real browser ---------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.slow
def test_in_the_browser_the_hostile_data_reads_as_text_and_nothing_is_fetched(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    from ..ui.test_browser import chromium, launch, serving, sign_in

    exe = chromium()
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    seeded(url)
    with serving(url) as address, sync_playwright() as p:
        browser = launch(p, exe)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        outside: list[str] = []
        page.on("request", lambda r: None if r.url.startswith((address, "data:", "blob:")) else outside.append(r.url))
        sign_in(page, address, "evil", PASSWORD)
        expect(page.get_by_role("heading", name="Master review")).to_be_visible(timeout=60_000)
        expect(page.locator("mark").first).to_be_visible(timeout=30_000)
        page.get_by_role("button", name="Confirm").click()
        expect(page.get_by_text("can never fire")).to_be_visible(timeout=30_000)
        assert_reads_as_text(page, ["it feels wrong " + PAYLOAD, "When the arc pops, " + SPOKEN])
        page.get_by_role("button", name="Sign out").click()
        sign_in(page, address, "sme", PASSWORD)
        page.get_by_label("Ask in plain words (optional)").fill("what if the bead hisses?")
        page.get_by_label("Ask in plain words (optional)").press("Enter")
        expect(page.get_by_text("The masters' rules closest to your question")).to_be_visible(timeout=60_000)
        assert_reads_as_text(page, [MASTER])
        browser.close()
    assert outside == []


def assert_reads_as_text(page: Any, texts: list[str]) -> None:
    """Each text is on the page as written; no image, link, bold or colour came of the payload."""
    page.wait_for_timeout(1500)
    found = page.evaluate(
        """() => ({
          text: document.body.innerText.replaceAll('\u2060', ''),
          images: [...document.querySelectorAll('img')].map(e => e.src).filter(s => s.includes('evil')),
          links: [...document.querySelectorAll('a')].map(e => e.href).filter(s => s.includes('evil')),
          bold: [...document.querySelectorAll('strong, b, em')].filter(e => e.innerText === 'bold').length,
          coloured: [...document.querySelectorAll('span')].filter(e => e.innerText === 'big').length,
        })"""
    )
    assert (found["images"], found["links"], found["bold"], found["coloured"]) == ([], [], 0, 0), found
    for text in texts:
        assert text in found["text"], text


# --- what the pages render -----------------------------------------------------------------------


def hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


def unescaped(source: str) -> str:
    """The source with every backslash-escaped character (and the joiner) taken out: what is left
    is what Markdown reads as markup."""
    return re.sub(r"\\.", "\x00", source.replace("\u2060", ""), flags=re.DOTALL)


def shown_text(source: str) -> str:
    """What the reader sees of escaped text: the escapes read, the hard breaks as newlines."""
    text = source.replace("\u2060", "").replace("  \n", "\n").replace("\u00a0", " ")
    return re.sub(r"\\(.)", r"\1", text, flags=re.DOTALL)


_PLAIN = {"text", "code", "json", "arrow_data_frame", "selectbox", "multiselect", "graphviz_chart"}
_MARKDOWN_FIELDS = {"body", "label", "help", "caption", "captions", "text"}


def markdown_sources(at: AppTest) -> list[tuple[str, str, bool]]:
    """Every text the page hands to Streamlit's Markdown: (element type, source, HTML allowed).
    Plain-text sinks (st.text, st.code, tables, selectbox options) are left out."""
    found: list[tuple[str, str, bool]] = []
    for node in [*at.main, *at.sidebar]:
        kind = getattr(node, "type", "")
        proto = getattr(node, "proto", None)
        if proto is None or kind in _PLAIN:
            if kind in ("selectbox", "multiselect") and proto is not None:  # its label and help still are
                found += [(kind, proto.label, False), (kind, proto.help, False)]
            continue
        html_ok = bool(getattr(proto, "allow_html", False))
        for text in _strings(proto, kind):
            found.append((kind, text, html_ok))
    return [f for f in found if f[1]]


def _strings(proto: Any, kind: str) -> Iterator[str]:
    names = _MARKDOWN_FIELDS | ({"options"} if kind == "radio" else set())
    for field, value in proto.ListFields():
        single = isinstance(value, str | bytes | int | float) or hasattr(value, "ListFields")
        for item in [value] if single else value:
            if isinstance(item, str) and field.name in names:
                yield item
            elif hasattr(item, "ListFields"):
                yield from _strings(item, kind)


def assert_only_text(at: AppTest) -> None:
    """No Markdown sink holds the payload as markup: every Markdown one escaped, every HTML one
    entity-escaped and on one line (a blank line would end the HTML block)."""
    assert not at.exception, at.exception
    for kind, source, html_ok in markdown_sources(at):
        if html_ok:
            assert "<img" not in source and "\n\n" not in source, (kind, source)
            continue
        bare = unescaped(source)
        wrong = [m for m in RENDERED if m in bare]
        assert not wrong, (kind, wrong, source)


def shows(at: AppTest, text: str) -> bool:
    """The text is on the page: escaped in a Markdown sink, entity-escaped in HTML, or plain."""
    sources = [s for _, s, _ in markdown_sources(at)]
    plain = [str(e.value) for e in at.text]
    return any(escape_markdown(text) in s or html.escape(text) in s for s in sources) or any(text in p for p in plain)
