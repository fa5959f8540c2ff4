"""Knowledge-base benchmark: write throughput and read latency with 100,000 rule versions.

    .venv/bin/python bench/knowledge_base.py [--versions 100000] [--postgres URL] [--quick]

For each engine (SQLite in a temporary file; PostgreSQL when --postgres or
MYEONGJANG_TEST_POSTGRES_URL names a server, whose public schema is wiped) it measures

- service writes: rule edits through `KnowledgeBase.edit_rule` (each a new immutable version
  with permission check, optimistic-concurrency check and audit event), in versions per second,
  against the baseline of bare SQLAlchemy Core inserts of the same version rows;
- with the database filled to N rule versions: the time to load the review queue (first page
  of 50 proposed rules, with current versions and evidence) and one rule's full history,
  against the baseline of one bare SELECT of the same rows.

`--quick`: 10,000 versions and 100 edits, the same code paths. Figures are printed, and appended as
one JSON line to bench/results/knowledge_base.jsonl (earlier runs wrote knowledge_base.json).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, select, text  # noqa: E402

from bench._record import record  # noqa: E402
from knowledge_base import KnowledgeBase  # noqa: E402
from knowledge_base.models import RuleRow, RuleVersion  # noqa: E402
from rules import Action, Clause, Group, Rule  # noqa: E402

VERSIONS_PER_RULE = 5


def sample_rule(i: int) -> Rule:
    return Rule(
        conditions=Group(
            join="all",
            items=[
                Clause(
                    text=f"the plate is thicker than {i % 40 + 5} mm",
                    variable="plate_thickness",
                    operator=">",
                    value=float(i % 40 + 5),
                    unit="mm",
                )
            ],
        ),
        actions=[Action(text="preheat the plate", verb="preheat")],
        confidence=round((i % 97) / 100, 2),
    )


def timed(fn: Any, repeat: int = 7) -> float:
    """Median wall time of `fn()` in milliseconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def fill(kb: KnowledgeBase, master_id: int, versions: int) -> int:
    """Bulk-load rules with VERSIONS_PER_RULE versions each (Core inserts, one transaction)."""
    rules = versions // VERSIONS_PER_RULE
    now = datetime.now(UTC)
    with kb.engine.begin() as conn:
        first = (conn.execute(select(RuleRow.id).order_by(RuleRow.id.desc()).limit(1)).scalar() or 0) + 1
        batch = 5000
        for start in range(0, rules, batch):
            ids = range(first + start, first + min(start + batch, rules))
            conn.execute(
                insert(RuleRow),
                [
                    {
                        "id": i,
                        "master_id": master_id,
                        "transcript_id": None,
                        "status": "proposed",
                        "current_version": VERSIONS_PER_RULE,
                        "confidence": (i % 97) / 100,
                        "row_version": 1,
                        "created_at": now,
                        "confidential": False,
                    }
                    for i in ids
                ],
            )
            body = sample_rule(0).model_dump(mode="json")
            conn.execute(
                insert(RuleVersion),
                [
                    {
                        "rule_id": i,
                        "number": n,
                        "body": body,
                        "status": "proposed",
                        "author": "bench",
                        "reason": "fill",
                        "created_at": now,
                    }
                    for i in ids
                    for n in range(1, VERSIONS_PER_RULE + 1)
                ],
            )
        if kb.engine.dialect.name == "postgresql":
            conn.execute(text("SELECT setval(pg_get_serial_sequence('rules', 'id'), (SELECT max(id) FROM rules))"))
    return first


def warm_redactor() -> float | None:
    """Seconds to load the redactor's models (None in a tree without one: the baseline)."""
    try:
        from knowledge_base.redaction import scrub
    except ImportError:
        return None
    t0 = time.perf_counter()
    scrub("Warm up, Mr. Kim Dae-ho at 010-1234-5678.")
    return round(time.perf_counter() - t0, 2)


def run(url: str, versions: int, edits: int) -> dict[str, Any]:
    base = KnowledgeBase(url)
    base.add_user("admin", "admin")
    kb = base.as_user("admin")
    master_id = kb.register_master("Bench Master", craft="welding")
    kb.record_consent(master_id, ["internal_guidance"])
    first = fill(kb, master_id, VERSIONS_PER_RULE * 10)

    # An edit's new words go through the redactor (issue 23), whose models load once per process:
    # loaded here and timed apart, so that the writes below measure the steady state.
    redactor_load_s = warm_redactor()
    # Writes through the service: one new version per edit.
    rule = sample_rule(1)
    current = {first + k: VERSIONS_PER_RULE for k in range(10)}
    t0 = time.perf_counter()
    for n in range(edits):
        rule_id = first + n % 10
        kb.edit_rule(
            rule_id,
            rule.model_copy(update={"confidence": (n % 90) / 100}),
            reason="bench",
            expected_version=current[rule_id],
        )
        current[rule_id] += 1
    service_rate = edits / (time.perf_counter() - t0)

    # Baseline: the same number of version rows inserted one per transaction with Core.
    body = rule.model_dump(mode="json")
    now = datetime.now(UTC)
    t0 = time.perf_counter()
    for n in range(edits):
        with kb.engine.begin() as conn:
            conn.execute(
                insert(RuleVersion),
                {
                    "rule_id": first,
                    "number": 10_000 + n,
                    "body": body,
                    "status": "proposed",
                    "author": "raw",
                    "reason": "bench",
                    "created_at": now,
                },
            )
    raw_rate = edits / (time.perf_counter() - t0)

    t0 = time.perf_counter()
    fill(kb, master_id, versions - VERSIONS_PER_RULE * 10)
    fill_s = time.perf_counter() - t0
    with kb.engine.connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM rule_versions")).scalar()

    queue_ms = timed(lambda: kb.list_rules(status="proposed", limit=50))
    history_ms = timed(lambda: kb.history(first + 3))
    bare = create_engine(kb.engine.url)
    with bare.connect() as conn:
        queue_raw_ms = timed(
            lambda: conn.execute(
                text(
                    "SELECT r.id, v.body FROM rules r JOIN rule_versions v ON v.rule_id = r.id AND v.number = r.current_version "
                    "WHERE r.status = 'proposed' ORDER BY r.confidence DESC, r.id LIMIT 50"
                )
            ).all()
        )
        history_raw_ms = timed(
            lambda: conn.execute(text(f"SELECT * FROM rule_versions WHERE rule_id = {first + 3} ORDER BY number")).all()
        )
    bare.dispose()
    base.engine.dispose()
    return {
        "rule_versions_stored": stored,
        "service_writes_per_s": round(service_rate, 1),
        "redactor_load_s": redactor_load_s,
        "baseline_core_inserts_per_s": round(raw_rate, 1),
        "write_ratio_to_baseline": round(service_rate / raw_rate, 3),
        "bulk_fill_s": round(fill_s, 1),
        "review_queue_ms": round(queue_ms, 2),
        "review_queue_baseline_ms": round(queue_raw_ms, 2),
        "review_queue_ratio": round(queue_ms / queue_raw_ms, 1),
        "history_ms": round(history_ms, 2),
        "history_baseline_ms": round(history_raw_ms, 2),
        "history_ratio": round(history_ms / history_raw_ms, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--versions", type=int, default=100_000)
    parser.add_argument("--edits", type=int, default=300)
    parser.add_argument("--postgres", default=os.environ.get("MYEONGJANG_TEST_POSTGRES_URL"))
    parser.add_argument("--quick", action="store_true", help="10,000 versions and 100 edits")
    args = parser.parse_args()
    if args.quick:
        args.versions, args.edits = 10_000, 100
    results: dict[str, Any] = {"versions": args.versions, "edits": args.edits, "quick": args.quick}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = run(f"sqlite:///{tmp}/bench.db", args.versions, args.edits)
        print("sqlite", json.dumps(results["sqlite"], indent=1))
    if args.postgres:
        engine = create_engine(args.postgres.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        results["postgresql"] = run(args.postgres, args.versions, args.edits)
        print("postgresql", json.dumps(results["postgresql"], indent=1))
    record("knowledge_base", results)


if __name__ == "__main__":
    main()
