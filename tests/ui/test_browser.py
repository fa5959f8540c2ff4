"""The UI in a real headless Chromium (Debian's package, driven by Playwright; no downloaded browser).

Serves the app on loopback over a fresh knowledge base with the samples. A master signs in,
confirms one rule and edits another in the structured editor; an SME signs in, asks, and gets the
edited rule with its explanation. Every page is screenshotted to test-artifacts/.
"""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from knowledge_base import KnowledgeBase
from ui.cli.server import serving

from ..conftest import ROOT, _in_ci, chromium_path, samples_with_accounts

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "correct horse battery"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, KnowledgeBase]]:
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    kb = samples_with_accounts(url, PASSWORD, ("park", "master", "Park Jae-sung"), ("sme", "sme", None))
    with serving(url, start_s=60) as address:
        yield address, kb


def sign_in(page: Any, address: str, user: str, password: str = PASSWORD) -> None:
    from playwright.sync_api import expect

    page.goto(address)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=60_000)
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {user}")).to_be_visible(timeout=30_000)


def sign_in_korean(page: Any, user: str) -> None:
    """Sign in on the sign-in page, already in Korean."""
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name="로그인")).to_be_visible(timeout=60_000)
    page.get_by_label("사용자 이름").fill(user)
    page.get_by_label("비밀번호", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()


def chromium() -> str:
    """Debian's Chromium; missing, the test fails in CI and is skipped elsewhere."""
    exe = chromium_path()
    if exe is None:
        if _in_ci():
            pytest.fail("Debian's chromium is not installed: CI must run the browser test")
        pytest.skip("chromium not installed (scripts/test.sh installs it as root)")
    return exe


def launch(playwright: Any, exe: str) -> Any:
    return playwright.chromium.launch(
        executable_path=exe,
        headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    )


def shot(page: Any, name: str) -> None:
    page.wait_for_timeout(800)  # let charts and fonts settle
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_master_confirms_and_edits_then_the_sme_gets_the_edited_rule_explained(
    server: tuple[str, KnowledgeBase],
) -> None:
    exe = chromium()
    from playwright.sync_api import expect, sync_playwright

    address, kb = server
    ARTIFACTS.mkdir(exist_ok=True)
    queue = kb.list_rules(status="proposed", master="Park Jae-sung")
    humidity = next(v for v in queue if any(c.variable == "humidity" for c in v.rule.clauses()))
    other = next(v for v in queue if v.id != humidity.id)
    with sync_playwright() as p:
        browser = launch(p, exe)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        outside: list[str] = []  # a plant's network is closed: the page must fetch nothing from outside
        page.on(
            "request", lambda r: outside.append(r.url) if not r.url.startswith((address, "data:", "blob:")) else None
        )

        page.goto(address)
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=60_000)
        page.get_by_label("User name").fill("park")
        page.get_by_label("Password", exact=True).fill("wrong password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_text("Wrong user name or password.")).to_be_visible(timeout=30_000)
        shot(page, "01-sign-in-refused")

        # The master: his queue only, highest confidence first, beside his highlighted words.
        sign_in(page, address, "park")
        expect(page.get_by_role("heading", name="Master review")).to_be_visible(timeout=60_000)
        expect(page.locator("mark.condition").first).to_be_visible(timeout=30_000)
        expect(page.get_by_role("link", name="Admin")).to_have_count(0)
        expect(page.get_by_role("button", name="Deploy")).to_have_count(0)  # no developer items on the floor
        shot(page, "02-review")
        # Find the humidity rule, edit it in the structured editor, then confirm it.
        for _ in range(len(queue)):
            if page.get_by_text(f"Rule #{humidity.id}, version").count():
                break
            page.get_by_role("button", name="Next").click()
            page.wait_for_timeout(700)
        expect(page.get_by_text(f"Rule #{humidity.id}, version 1")).to_be_visible(timeout=30_000)
        page.get_by_role("tab", name="Edit").click()
        grid = page.locator('[data-testid="stDataFrame"], [data-testid="stDataEditor"]').first
        expect(grid).to_be_visible(timeout=30_000)
        shot(page, "03-review-editor")
        # He is sure, and says why: certainty and rationale in the structured editor.
        page.get_by_label("Certainty").click()
        page.keyboard.type("always")
        page.keyboard.press("Enter")
        page.get_by_label("Because (rationale)").fill("wet air makes the weld porous")
        page.get_by_label("Reason for the change").fill("he is sure of it")
        page.get_by_role("button", name="Save new version").click()
        expect(page.get_by_text(f"Saved rule #{humidity.id} as version 2.")).to_be_visible(timeout=30_000)
        edited = kb.get_rule(humidity.id).rule
        assert (edited.certainty.value, edited.rationale) == ("always", "wet air makes the weld porous")
        page.get_by_role("button", name="Confirm").click()
        expect(page.get_by_text(f"Rule #{humidity.id} confirmed.")).to_be_visible(timeout=30_000)
        # Another rule. Letters typed into the editor's grid decide nothing; Alt+Y confirms.
        expect(page.get_by_text(f"Rule #{other.id}, version 1")).to_be_visible(timeout=30_000)
        page.get_by_role("tab", name="Edit").click()
        page.locator('[data-testid="stDataFrame"], [data-testid="stDataEditor"]').first.click()
        for key in ("n", "y", "x", "Escape"):
            page.keyboard.press(key)
        page.wait_for_timeout(1500)
        expect(page.get_by_text(f"Rule #{other.id}, version 1")).to_be_visible()
        assert kb.get_rule(other.id).status == "proposed"
        page.get_by_role("heading", name="Master review").click()
        page.keyboard.press("Alt+y")
        expect(page.get_by_text(f"Rule #{other.id} confirmed.")).to_be_visible(timeout=30_000)
        assert kb.get_rule(other.id).status == "confirmed"
        page.get_by_role("tab", name="History").click()
        shot(page, "04-review-after")
        page.get_by_role("button", name="Sign out").click()

        # The SME: only guidance and the knowledge base; asks in plain words.
        sign_in(page, address, "sme")
        expect(page.get_by_role("heading", name="Guidance")).to_be_visible(timeout=60_000)
        expect(page.get_by_role("link", name="Master review")).to_have_count(0)
        page.get_by_label("Ask in plain words (optional)").fill("what do I do at 85% humidity?")
        page.get_by_label("Ask in plain words (optional)").press("Enter")
        expect(page.get_by_text("The masters' rules closest to your question")).to_be_visible(timeout=60_000)
        expect(page.get_by_text(f"Rule #{humidity.id} ·").first).to_be_visible(timeout=30_000)
        expect(
            page.get_by_text(f"Rule #{humidity.id} · Park Jae-sung · version 3 · confirmed · always")
        ).to_be_visible()
        expect(page.get_by_text("humidity = 85").first).to_be_visible()
        expect(page.get_by_text("Park Jae-sung said:").first).to_be_visible()
        shot(page, "05-guidance")
        page.get_by_role("link", name="Knowledge base").click()
        expect(page.get_by_role("heading", name="Knowledge base")).to_be_visible(timeout=60_000)
        shot(page, "06-knowledge-sme")
        page.get_by_role("button", name="Sign out").click()

        # The admin sees every page.
        sign_in(page, address, "admin")
        expect(page.get_by_role("heading", name="Interview")).to_be_visible(timeout=60_000)
        shot(page, "07-interview")
        page.get_by_role("tab", name="Next session's questions").click()
        shot(page, "08-interview-guide")
        page.get_by_role("tab", name="Coverage").click()
        shot(page, "09-coverage")
        page.get_by_role("link", name="Knowledge base").click()
        expect(page.get_by_role("heading", name="Knowledge base")).to_be_visible(timeout=60_000)
        shot(page, "10-knowledge-admin")
        page.get_by_role("link", name="Admin").click()
        expect(page.get_by_role("heading", name="Admin")).to_be_visible(timeout=60_000)
        shot(page, "11-admin")
        page.get_by_role("link", name="Cue vocabulary").click()
        expect(page.get_by_role("heading", name="Cue vocabulary")).to_be_visible(timeout=60_000)
        page.get_by_role("button", name="Propose from the rules").click()
        expect(page.get_by_text("cues proposed")).to_be_visible(timeout=60_000)
        shot(page, "12-vocabulary")
        assert outside == []
        browser.close()


def test_in_korean_the_master_confirms_his_rule_and_the_sme_asks_in_korean(server: tuple[str, KnowledgeBase]) -> None:
    exe = chromium()
    from playwright.sync_api import expect, sync_playwright

    address, kb = server
    kb.add_user("kim", "master", master="김옥순", password=PASSWORD)
    ARTIFACTS.mkdir(exist_ok=True)
    top = kb.list_rules(status="proposed", master="김옥순", limit=1)[0]
    with sync_playwright() as p:
        browser = launch(p, exe)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(address)
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=60_000)
        page.get_by_label("Language / 언어").click()
        page.get_by_role("option", name="한국어").click()
        expect(page.get_by_role("heading", name="로그인")).to_be_visible(timeout=30_000)
        shot(page, "21-sign-in-korean")

        sign_in_korean(page, "kim")
        expect(page.get_by_role("heading", name="명장 검토")).to_be_visible(timeout=60_000)
        expect(page.get_by_text(f"규칙 #{top.id}, 버전 1")).to_be_visible(timeout=30_000)
        expect(page.locator("mark.condition").first).to_be_visible(timeout=30_000)
        shot(page, "22-review-korean")
        page.get_by_role("button", name="확정").click()
        expect(page.get_by_text(f"규칙 #{top.id} 확정됨.")).to_be_visible(timeout=30_000)
        assert kb.get_rule(top.id).status == "confirmed"
        for view in kb.list_rules(status="proposed", master="김옥순"):
            kb.review(view.id, "confirmed", expected_version=view.version)
        egg = next(v for v in kb.list_rules(master="김옥순") if "달걀이 가라앉으면" in v.rule.summary())
        page.get_by_role("button", name="로그아웃").click()

        # The language stays after signing out; the SME asks in Korean and gets the Korean rule.
        sign_in_korean(page, "sme")
        expect(page.get_by_role("heading", name="작업 안내")).to_be_visible(timeout=60_000)
        page.get_by_label("평소 말로 질문하기 (선택)").fill("소금물에 달걀이 가라앉으면 어떻게 해요?")
        page.get_by_label("평소 말로 질문하기 (선택)").press("Enter")
        expect(page.get_by_text("질문과 가장 가까운 명장들의 규칙")).to_be_visible(timeout=60_000)
        expect(page.get_by_text(f"규칙 #{egg.id} · 김옥순").first).to_be_visible(timeout=30_000)
        expect(page.get_by_text(re.compile(r"규칙 \d+개가 적용됩니다"))).to_be_visible(timeout=60_000)  # the answer
        expect(page.get_by_text("김옥순의 말: “달걀이 가라앉으면 소금을 더 넣으세요.”").first).to_be_visible()
        shot(page, "23-guidance-korean")
        page.get_by_role("button", name="로그아웃").click()

        sign_in_korean(page, "admin")
        expect(page.get_by_role("heading", name="면담")).to_be_visible(timeout=60_000)
        page.get_by_role("tab", name="다음 면담 질문").click()
        expect(page.get_by_text("가장 중요한 규칙에 대한 탐색 질문")).to_be_visible(timeout=60_000)
        shot(page, "24-interview-guide-korean")
        browser.close()
