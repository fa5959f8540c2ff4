"""How fast the review and knowledge-base pages render with 10,000 rules in the knowledge base.

Fills a fresh SQLite knowledge base with generated rules (rules.synthetic, three masters), then
renders each page with Streamlit's AppTest as a signed-in admin: the first render (cold caches)
and the median of later renders. The baseline is the same pages over 50 rules, measured in the
same run, so the ratio says what 200 times more rules cost. Target: under one second at 10,000.

    .venv/bin/python bench/ui.py [--rules 10000] [--repeat 5] [--quick]

`--quick`: 500 rules and 3 renders a page, the same code paths.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._record import record  # noqa: E402
from knowledge_base import KnowledgeBase  # noqa: E402
from knowledge_base.models import RuleRow, RuleVersion  # noqa: E402
from rules.synthetic import knowledge_base as synthetic  # noqa: E402

APP = str(ROOT / "ui" / "app.py")
MASTERS = ("Kang Ho-jin", "Yoon Seo-yeon", "Han Ji-woo")
PAGES = ("review", "knowledge")


def fill(url: str, count: int) -> None:
    """A knowledge base with `count` proposed rules of three consenting masters (Core inserts)."""
    kb = KnowledgeBase(url)
    kb.add_user("admin", "admin")
    kb = kb.as_user("admin")
    ids = []
    for name in MASTERS:
        master_id = kb.register_master(name, craft="welding")
        kb.record_consent(master_id, ["internal_guidance"])
        ids.append(master_id)
    known, _ = synthetic(count, max(20, count // 50))
    now = datetime.now(UTC)
    with kb.engine.begin() as conn:
        conn.execute(
            insert(RuleRow),
            [
                {
                    "id": i + 1,
                    "master_id": ids[i % len(ids)],
                    "transcript_id": None,
                    "status": "proposed",
                    "current_version": 1,
                    "confidence": k.rule.confidence,
                    "row_version": 1,
                    "created_at": now,
                    "confidential": False,
                    "summary": k.rule.search_text(),
                    "domain": "welding",
                    "process_step": None,
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
                    "status": "proposed",
                    "author": "bench",
                    "reason": "generated",
                    "created_at": now,
                }
                for i, k in enumerate(known)
            ],
        )
    kb.engine.dispose()


def render_times(url: str, page: str, repeat: int) -> tuple[float, float]:
    """(first render, median of later renders) of one page, in seconds."""
    from streamlit.testing.v1 import AppTest

    os.environ["MYEONGJANG_DATABASE_URL"] = url
    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["user"] = "admin"
    at.run()
    times = []
    for n in range(repeat + 1):
        t0 = time.perf_counter()
        if n == 0:
            at.switch_page(f"pages/{page}.py").run()
        else:
            at.run()
        times.append(time.perf_counter() - t0)
        if at.exception:
            raise SystemExit(f"{page}: {at.exception[0].value}")
    return times[0], statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="500 rules, 3 renders a page")
    args = parser.parse_args()
    if args.quick:
        args.rules, args.repeat = 500, 3
    figures: dict[str, float | int | bool] = {"rules": args.rules, "repeat": args.repeat, "quick": args.quick}
    with tempfile.TemporaryDirectory() as tmp:
        for label, count in (("baseline", 50), ("large", args.rules)):
            url = f"sqlite:///{Path(tmp) / f'{label}.db'}"
            fill(url, count)
            for page in PAGES:
                first, warm = render_times(url, page, args.repeat)
                figures[f"{page}_{label}_first_s"] = round(first, 3)
                figures[f"{page}_{label}_warm_s"] = round(warm, 3)
    for page in PAGES:
        figures[f"{page}_warm_ratio_vs_50_rules"] = round(
            float(figures[f"{page}_large_warm_s"]) / max(float(figures[f"{page}_baseline_warm_s"]), 1e-9), 2
        )
    print(f"{args.rules} rules, AppTest renders as admin (first / median of {args.repeat} later):")
    for page in PAGES:
        print(
            f"  {page:9}  {figures[f'{page}_large_first_s']:.3f} s / {figures[f'{page}_large_warm_s']:.3f} s"
            f"   (50 rules: {figures[f'{page}_baseline_first_s']:.3f} s / {figures[f'{page}_baseline_warm_s']:.3f} s;"
            f" ratio {figures[f'{page}_warm_ratio_vs_50_rules']}x)"
        )
    record("ui", figures)


if __name__ == "__main__":
    main()
