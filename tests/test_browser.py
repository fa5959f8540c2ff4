"""The UI in a real headless Chromium (Debian's package, driven by Playwright; no downloaded browser).

Serves the app on loopback over a fresh knowledge base with the samples, confirms a rule on
the review page and asks for guidance; screenshots go to test-artifacts/.
"""

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge_base import KnowledgeBase
from ui.cli import streamlit_command
from ui.workflows import ensure_admin, load_samples

from .conftest import ROOT, _in_ci, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, KnowledgeBase]]:
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    kb = ensure_admin(KnowledgeBase(url))
    load_samples(kb)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, MYEONGJANG_DATABASE_URL=url)
    proc = subprocess.Popen(
        streamlit_command(port),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    address = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{address}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield address, kb
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_master_confirms_a_rule_and_the_sme_gets_it_explained(server: tuple[str, KnowledgeBase]) -> None:
    exe = chromium_path()
    if exe is None:
        if _in_ci():
            pytest.fail("Debian's chromium is not installed: CI must run the browser test")
        pytest.skip("chromium not installed (scripts/test.sh installs it as root)")
    from playwright.sync_api import expect, sync_playwright

    address, kb = server
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=exe,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(address)
        expect(page.get_by_role("heading", name="Interview import")).to_be_visible(timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "interview.png"), full_page=True)

        page.goto(f"{address}/review")
        expect(page.get_by_role("heading", name="Master review")).to_be_visible(timeout=60_000)
        master = kb.masters()[0].name
        top = kb.list_rules(status="proposed", master=master)[0]
        expect(page.get_by_text(f"Rule #{top.id}, version 1")).to_be_visible(timeout=30_000)
        expect(page.get_by_role("button", name="Confirm")).to_be_visible(timeout=30_000)
        expect(page.locator("mark").first).to_be_visible(timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "review.png"), full_page=True)
        page.get_by_role("button", name="Confirm").click()
        expect(page.get_by_text(f"Rule #{top.id} confirmed.")).to_be_visible(timeout=30_000)
        assert kb.get_rule(top.id).status == "confirmed"

        page.goto(f"{address}/guidance")
        expect(page.get_by_role("heading", name="Guidance")).to_be_visible(timeout=60_000)
        facts = "\n".join(
            f"{c.variable}={c.value[0] if isinstance(c.value, list) else c.value}"
            for c in top.rule.clauses()
            if c.variable
        )
        if "<" in facts or not facts:
            pytest.fail(f"top rule #{top.id} has no simple facts to ask with: {top.rule.summary()}")
        page.get_by_label("Situation").fill(facts)
        page.get_by_role("button", name="Ask").click()
        expect(page.get_by_text(f"Rule #{top.id}")).to_be_visible(timeout=30_000)
        expect(page.get_by_text(f"{master} said:")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "guidance.png"), full_page=True)
        browser.close()
