"""How fast a person's actions are with 10,000 rules in the knowledge base, in the real browser.

Fills fresh SQLite knowledge bases with generated rules (rules.synthetic, three masters, 40 %
confirmed) and serves the app over each. A person in headless Chromium (`bench._browser`) signs
in, asks in plain words, asks from the situation form, searches, filters and pages the knowledge
base, switches pages, and as a master confirms and edits rules; each action `--repeat` times,
timed from the click or key to the script at rest with the expected text visible. The baseline
is the same tour over 28 rules, in the same run. Beside it, the pages rendered with Streamlit's
AppTest as an admin (first render and median of later ones), the figures of earlier runs.

Targets at 10,000 rules: every action's p95 <= 1 s and at most 2x its time at 28 rules; the
first review visit <= 2 s; a plain-words question <= 1 s; a structured situation <= 0.5 s; at
100,000 rules (the full run) every action <= 2 s.

    .venv/bin/python bench/ui.py [--sizes 28,10000,100000] [--repeat 5] [--quick]

`--quick`: 28 and 2,000 rules, 3 repetitions, the same code paths.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._browser import PASSWORD, Person, chromium, summary  # noqa: E402
from bench._record import record  # noqa: E402
from knowledge_base import KnowledgeBase  # noqa: E402
from knowledge_base.models import RuleRow, RuleVersion  # noqa: E402
from rules.synthetic import Variable  # noqa: E402
from rules.synthetic import knowledge_base as synthetic  # noqa: E402
from ui.cli.server import serving  # noqa: E402

APP = str(ROOT / "ui" / "app.py")
MASTERS = ("Kang Ho-jin", "Yoon Seo-yeon", "Han Ji-woo")
PAGES = ("review", "knowledge")
CONFIRMED = 0.4  # the share of rules already confirmed
SMALL = 28
RANDOM_VECTORS_ABOVE = 20_000  # rules; see made_vectors


def fill(url: str, count: int) -> list[Variable]:
    """A knowledge base with `count` rules (40 % confirmed) of three consenting masters (Core
    inserts, so no sentence vector is cached yet), an admin, the first master's account and an
    SME; the numeric variables the confirmed rules test."""
    kb = KnowledgeBase(url)
    kb.add_user("admin", "admin", password=PASSWORD)
    kb = kb.as_user("admin")
    ids = []
    for name in MASTERS:
        master_id = kb.register_master(name, craft="welding")
        kb.record_consent(master_id, ["internal_guidance"])
        ids.append(master_id)
    kb.add_user("kang", "master", master=MASTERS[0], password=PASSWORD)
    kb.add_user("sme", "sme", password=PASSWORD)
    known, pool = synthetic(count, max(20, count // 50))
    now = datetime.now(UTC)
    status = ["confirmed" if (i * 7919) % 100 < CONFIRMED * 100 else "proposed" for i in range(count)]
    with kb.engine.begin() as conn:
        conn.execute(
            insert(RuleRow),
            [
                {
                    "id": i + 1,
                    "master_id": ids[i % len(ids)],
                    "transcript_id": None,
                    "status": status[i],
                    "current_version": 1,
                    "confidence": k.rule.confidence,
                    "row_version": 1,
                    "created_at": now,
                    "confidential": False,
                    "summary": k.rule.search_text(),
                    "domain": k.rule.domain,
                    "process_step": k.rule.process_step,
                }
                for i, k in enumerate(known)
            ],
        )
        conn.execute(
            insert(RuleVersion),
            [
                {
                    "rule_id": i + 1,
                    "number": 1,
                    "body": k.rule.model_dump(mode="json"),
                    "status": status[i],
                    "author": "bench",
                    "reason": "generated",
                    "created_at": now,
                }
                for i, k in enumerate(known)
            ],
        )
    kb.engine.dispose()
    tested = {c.variable for k, st in zip(known, status, strict=True) if st == "confirmed" for c in k.rule.clauses()}
    return [v for v in pool if v.kind == "number" and v.name in tested]


def made_vectors(url: str, *, random_above: int = RANDOM_VECTORS_ABOVE) -> float:
    """Seconds to make every rule's sentence vectors, as imports and the server's start do (the
    fill inserted rows without them); the tour then meets a knowledge base like a real one.
    Above `random_above` rules the cache is filled with random unit vectors instead: making real
    ones takes about 45 s per 1,000 rules here (both models), and what an action costs does not
    depend on the vectors' values (questions are still encoded by the real models)."""
    from elicitation.embeddings import default_encoder, multilingual_encoder

    kb = KnowledgeBase(url, encoder=default_encoder(), multilingual=multilingual_encoder())
    t0 = time.perf_counter()
    if sum(kb.as_user("admin").count_rules().values()) > random_above:
        random_vectors(kb)
    else:
        kb.warm()
    took = time.perf_counter() - t0
    kb.engine.dispose()
    print(f"  sentence vectors made in {took:.1f} s", flush=True)
    return round(took, 1)


def random_vectors(kb: KnowledgeBase) -> None:
    """Random unit vectors in the cache for every text the warming would encode (then the rule index)."""
    import numpy as np

    from knowledge_base.models import Embedding
    from knowledge_base.semantic import text_hash
    from knowledge_base.warming import texts_to_warm

    rng = np.random.default_rng(0)
    with kb.engine.begin() as conn:
        for encoder, texts in texts_to_warm(kb):
            for i in range(0, len(texts), 5000):
                chunk = texts[i : i + 5000]
                v = rng.standard_normal((len(chunk), encoder.dim)).astype("<f4")
                v /= np.linalg.norm(v, axis=1, keepdims=True)
                rows = [
                    {"model": encoder.key, "text_hash": text_hash(t), "dim": encoder.dim, "vector": x.tobytes()}
                    for t, x in zip(chunk, v, strict=True)
                ]
                conn.execute(insert(Embedding), rows)


def render_times(url: str, page: str, repeat: int) -> tuple[float, float]:
    """(first render, median of later renders) of one page with AppTest, in seconds."""
    from streamlit.testing.v1 import AppTest

    os.environ["MYEONGJANG_DATABASE_URL"] = url
    at = AppTest.from_file(APP, default_timeout=600)
    at.session_state["user"] = "admin"
    at.run()
    times = []
    for n in range(repeat + 1):
        t0 = time.perf_counter()
        if n == 0:
            at.switch_page(f"screens/{page}.py").run()
        else:
            at.run()
        times.append(time.perf_counter() - t0)
        if at.exception:
            raise SystemExit(f"{page}: {at.exception[0].value}")
    return times[0], statistics.median(times[1:])


def tour(url: str, numbers: list[Variable], repeat: int) -> dict[str, list[float]]:
    """Every action of a worker and a master in headless Chromium, `repeat` times each."""
    from playwright.sync_api import sync_playwright

    with serving(url) as address, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium(),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        me = Person(browser.new_page(viewport={"width": 1400, "height": 1000}), address)
        me.times["server_ready"] = [me.wait_until_started()]
        try:
            walk(me, numbers, repeat)
        except Exception:
            shot = Path(tempfile.gettempdir()) / "bench-ui-failure.png"
            me.page.screenshot(path=str(shot), full_page=True)
            print(f"the tour stopped; the page as it was: {shot}", file=sys.stderr)
            raise
        browser.close()
    return me.times


def walk(me: Person, numbers: list[Variable], repeat: int) -> None:
    """The tour: an SME, then a master."""
    me.sign_in("first_sign_in", "sme", "Guidance")
    ask(me, numbers, repeat)
    knowledge(me, repeat)
    for _ in range(repeat):
        me.sign_out()
        me.sign_in("sme_sign_in", "sme", "Guidance")
    me.sign_out()
    me.open_sign_in()
    me.page.get_by_label("User name").fill("kang")
    me.page.get_by_label("Password", exact=True).fill(PASSWORD)
    shown = me.text(re.compile(r"Rule #\d+, version"))
    me.timed("first_review_visit", me.page.get_by_role("button", name="Sign in").click, shown)
    review(me, repeat)


def ask(me: Person, numbers: list[Variable], repeat: int) -> None:
    """Questions in plain words, each naming a number, then the situation form's Ask."""
    box = me.page.get_by_label("Ask in plain words (optional)")
    closest = me.text(re.compile("The masters' rules closest to your question|No rule is close to your question"))
    # the answer, or the one-line refusal of a fact the question gave in a unit the rules do not use
    answered = me.text(re.compile(r"\d+ rules apply|1 rule applies|No rule applies|is given in '"))
    for n in range(repeat):
        v = numbers[n % len(numbers)]
        box.fill(f"what do I do when {v.name} is {40 + n} {v.unit}?")
        me.timed("plain_words_question", lambda: box.press("Enter"), closest)
        field = me.page.get_by_label(re.compile(rf"^{v.name} \("))
        field.first.fill(str(45 + n))
        me.timed("structured_situation", me.page.get_by_role("button", name="Ask").click, answered)


def knowledge(me: Person, repeat: int) -> None:
    """Search, filter and page the knowledge base; switch back and forth with Guidance."""
    shown = me.text(re.compile(r"rules match; showing"))
    for n in range(repeat):
        me.go("switch_to_knowledge", "Knowledge base", shown)
        box = me.page.get_by_label("Search the rules")
        box.fill(f"step {n + 1}")
        me.timed("knowledge_search", lambda b=box: b.press("Enter"), shown)
        box.fill("")
        me.timed("knowledge_search", lambda b=box: b.press("Enter"), shown)
        me.page.get_by_label("Status").click()
        option = me.page.get_by_role("option", name="confirmed" if n % 2 == 0 else "proposed")
        me.timed("knowledge_filter", option.click, shown)
        page = me.page.get_by_label(re.compile(r"^Page \(of"))
        if me.page.get_by_label(re.compile(r"^Page \(of 1\)")).count():
            continue  # one page only (the small knowledge base)
        page.fill("2")
        me.timed("knowledge_next_page", lambda p=page: p.press("Enter"), me.text(re.compile("showing 50 from 51")))
        me.go("switch_to_guidance", "Guidance", me.page.get_by_role("button", name="Ask"))


def review(me: Person, repeat: int) -> None:
    """As a master: confirm with Alt+Y, save an edit, switch to Guidance and back."""
    caption = re.compile(r"Rule #(\d+), version (\d+)")
    for _ in range(repeat):
        rule_id = caption.search(me.text(caption).first.inner_text())
        assert rule_id is not None
        me.heading("Master review").click()
        me.timed("confirm_key", lambda: me.page.keyboard.press("Alt+y"), me.text(f"Rule #{rule_id[1]} confirmed."))
    for n in range(repeat):
        found = caption.search(me.text(caption).first.inner_text())
        assert found is not None
        me.timed(
            "open_edit_tab",
            me.page.get_by_role("tab", name="Edit").click,
            me.page.get_by_label("Reason for the change"),
            reruns=False,
        )
        me.page.get_by_label("Because (rationale)").fill(f"the bench says so ({n})")
        me.page.get_by_label("Reason for the change").fill("bench")
        saved = me.text(f"Saved rule #{found[1]} as version {int(found[2]) + 1}.")
        me.timed("save_edit", me.page.get_by_role("button", name="Save new version").click, saved)
    for _ in range(repeat):
        me.go("switch_to_guidance", "Guidance", me.page.get_by_role("button", name="Ask"))
        me.go("switch_to_review", "Master review", me.text(caption))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="28,10000,100000", help="rule counts, the first is the baseline")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--apptest", type=int, default=10_000, help="rules for the AppTest renders (0: none)")
    parser.add_argument("--quick", action="store_true", help="28 and 2,000 rules, 3 repetitions")
    parser.add_argument(
        "--random-vectors-above", type=int, default=RANDOM_VECTORS_ABOVE, help="rules; see made_vectors"
    )
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.repeat, args.apptest = f"{SMALL},2000", 3, 2000
    sizes = [int(x) for x in args.sizes.split(",")]
    figures: dict[str, Any] = {"sizes": sizes, "repeat": args.repeat, "quick": args.quick}
    figures["random_vectors_above"] = args.random_vectors_above
    with tempfile.TemporaryDirectory() as tmp:
        by_size = {}
        for count in sizes:
            url = f"sqlite:///{Path(tmp) / f'{count}.db'}"
            pool = fill(url, count)
            figures[f"vectors_{count}_s"] = made_vectors(url, random_above=args.random_vectors_above)
            by_size[count] = summary(tour(url, pool, args.repeat))
            print(f"{count} rules, in Chromium (median / p95 / max, s):")
            for name, s in by_size[count].items():
                print(f"  {name:22} {s['median']:7.3f} {s['p95']:7.3f} {s['max']:7.3f}")
        figures["browser"] = {str(k): v for k, v in by_size.items()}
        if args.apptest:
            url = f"sqlite:///{Path(tmp) / 'apptest.db'}"
            fill(url, args.apptest)
            for page in PAGES:
                first, warm = render_times(url, page, args.repeat)
                figures[f"apptest_{page}_first_s"] = round(first, 3)
                figures[f"apptest_{page}_warm_s"] = round(warm, 3)
    figures |= headline(by_size, sizes)
    record("ui", figures)


def headline(by_size: dict[int, dict[str, dict[str, float]]], sizes: list[int]) -> dict[str, Any]:
    """The figures the targets are stated in, at 10,000 rules (or the largest size below that)."""
    small = by_size[sizes[0]]
    at = max((n for n in sizes[1:] if n <= 10_000), default=sizes[-1])
    large = by_size[at]
    p95 = {name: s["p95"] for name, s in large.items() if not name.startswith("first_") and name != "server_ready"}
    worst = max(p95, key=p95.__getitem__)
    ratio = {name: p95[name] / max(small[name]["p95"], 1e-9) for name in p95 if name in small}
    out = {
        "at_rules": at,
        "browser_p95_s": p95[worst],
        "browser_p95_action": worst,
        "browser_p95_ratio_vs_small": round(max(ratio.values()), 2),
        "browser_p95_ratio_action": max(ratio, key=ratio.__getitem__),
        "first_review_visit_s": large["first_review_visit"]["median"],
        "first_sign_in_s": large["first_sign_in"]["median"],
        "server_ready_s": large["server_ready"]["median"],
        "plain_words_question_p95_s": large["plain_words_question"]["p95"],
        "structured_situation_p95_s": large["structured_situation"]["p95"],
    }
    if len(sizes) > 2 and sizes[-1] > at:
        biggest = by_size[sizes[-1]]
        out["largest_rules"] = sizes[-1]
        actions = {name: s["p95"] for name, s in biggest.items() if name != "server_ready"}  # not a person's action
        out["largest_p95_s"] = max(actions.values())
        out["largest_p95_action"] = max(actions, key=actions.__getitem__)
        out["largest_server_ready_s"] = biggest["server_ready"]["median"]
    return out


if __name__ == "__main__":
    main()
