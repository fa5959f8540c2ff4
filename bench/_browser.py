"""A person's actions in the real browser, timed: headless Chromium (Debian's package, driven by
Playwright, as the browser tests do) against the app served on loopback.

Each action is timed from the click or key to Streamlit's script state back at rest
(`data-test-script-state` of the app root is "notRunning" after at least one change since the
action) with the expected text visible. A MutationObserver counts the state's changes, so a run
shorter than Playwright's polling is not missed.
"""

from __future__ import annotations

import re
import shutil
import statistics
import time
from collections.abc import Callable
from typing import Any

PASSWORD = "bench password 1"
TIMEOUT_MS = 300_000  # a first visit that encodes every rule takes minutes: time it, do not fail it
_WATCH = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  if (window.__watched !== app) {
    window.__watched = app;
    new MutationObserver((records) => { window.__changes += records.length; })
      .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  }
  window.__changes = 0;
  return true;
}"""
_AT_REST = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return window.__changes > 0 && app && app.getAttribute('data-test-script-state') === 'notRunning';
}"""


def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        raise SystemExit("Debian's chromium is not installed (scripts/setup.sh installs it)")
    return exe


class Person:
    """One browser page, and the time each action took, by name."""

    def __init__(self, page: Any, address: str) -> None:
        self.page = page
        self.address = address
        self.times: dict[str, list[float]] = {}

    def timed(self, name: str, act: Callable[[], None], *expected: Any, reruns: bool = True) -> float:
        """Do `act`, wait for the script to come to rest with every `expected` locator visible.
        `reruns=False`: the action may run no script at all (a tab that only shows what was drawn)."""
        from playwright.sync_api import TimeoutError, expect

        self.page.wait_for_function(_WATCH, timeout=TIMEOUT_MS)
        t0 = time.perf_counter()
        act()
        rest = _AT_REST
        if reruns:
            try:  # a click that landed while the page was redrawn is lost: a person clicks again
                self.page.wait_for_function("() => window.__changes > 0", timeout=5000, polling=20)
            except TimeoutError:
                act()
        else:
            try:
                self.page.wait_for_function("() => window.__changes > 0", timeout=300, polling=20)
            except TimeoutError:
                rest = _AT_REST.replace("window.__changes > 0 &&", "")
        self.page.wait_for_function(rest, timeout=TIMEOUT_MS, polling=20)
        for locator in expected:
            expect(locator.first).to_be_visible(timeout=TIMEOUT_MS)
        self.page.wait_for_function(rest, timeout=TIMEOUT_MS, polling=20)
        took = time.perf_counter() - t0
        self.times.setdefault(name, []).append(took)
        print(f"    {name}: {took:.3f} s", flush=True)
        return took

    def text(self, words: str | re.Pattern[str]) -> Any:
        return self.page.get_by_text(words)

    def heading(self, name: str) -> Any:
        return self.page.get_by_role("heading", name=name)

    def wait_until_started(self, timeout_s: float = 1800) -> float:
        """Seconds until the sign-in page no longer says the server is starting (`ui.warmup`)."""
        from playwright.sync_api import expect

        t0 = time.perf_counter()
        while time.perf_counter() - t0 < timeout_s:
            self.open_sign_in()
            self.page.wait_for_function(_AT_REST.replace("window.__changes > 0 &&", ""), timeout=TIMEOUT_MS)
            # the form is drawn after the note: with it shown, a missing note means the start is done
            expect(self.page.get_by_label("User name")).to_be_visible(timeout=TIMEOUT_MS)
            if not self.text("Starting up").count():
                return time.perf_counter() - t0
            time.sleep(1.0)
        raise SystemExit(f"the server was still starting after {timeout_s:.0f} s")

    def open_sign_in(self) -> None:
        from playwright.sync_api import expect

        self.page.goto(self.address)
        expect(self.heading("Sign in")).to_be_visible(timeout=TIMEOUT_MS)

    def sign_in(self, name: str, user: str, lands_on: str) -> None:
        self.open_sign_in()
        self.page.get_by_label("User name").fill(user)
        self.page.get_by_label("Password", exact=True).fill(PASSWORD)
        button = self.page.get_by_role("button", name="Sign in")
        self.timed(name, button.click, self.text(f"Signed in as {user}"), self.heading(lands_on))

    def sign_out(self) -> None:
        self.page.get_by_role("button", name="Sign out").click()
        from playwright.sync_api import expect

        expect(self.heading("Sign in")).to_be_visible(timeout=TIMEOUT_MS)

    def go(self, name: str, link: str, *expected: Any) -> None:
        self.timed(name, self.page.get_by_role("link", name=link).click, self.heading(link), *expected)


def summary(times: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    """Median, p95 (nearest rank) and max of each action, in seconds."""
    out = {}
    for name, xs in times.items():
        ranked = sorted(xs)
        p95 = ranked[max(0, -(-95 * len(ranked) // 100) - 1)]
        out[name] = {"median": round(statistics.median(ranked), 3), "p95": round(p95, 3), "max": round(ranked[-1], 3)}
    return out
