"""Does the product hold against hostile files, leak nothing, keep the craft and refuse forgeries?

Four measures, each made on the spot:
- bad inputs: hostile and malformed files (tests/security/hostile.py: a .docx of 400,000
  paragraphs, a comment bomb, an entity bomb, 100,000 Whisper segments, deep JSON, lone
  surrogates, a 5 MB line, ...) run through the console script as a user runs it; each ends as a
  clean one-line error, a traceback, or a hang (past the per-case timeout);
- PII: the independently written corpora bench/data/pii_corpus.jsonl (and pii_holdout.jsonl when
  present), each turn and speaker label redacted as an import does: planted items left in the
  output (a name's words, a number's digits) are leaks; craft tokens (ranges, electrode classes,
  standards, part numbers) must come out unchanged. The same measure runs on the code at
  `--baseline` (before issue 23), exported from git, in the same run;
- confidentiality: a confidential interview of one organisation, read by another's interviewer
  through transcripts, transcript, export: turns that reach him are leaks;
- tampered backups: edited, truncated, promoted, dangling, duplicated... restored into an empty
  knowledge base: each must be refused;
- sign-in timing: what a wrong password costs for a real user name and for an unknown one (equal
  work: the ratio should be near 1; before issue 23 it was 124 ms against 1 ms).

Targets (issue 23): 0 tracebacks, 0 hangs, 0 leaks, 0 tampered restores accepted, craft tokens
kept >= 0.99.

    .venv/bin/python bench/trust.py [--quick] [--baseline REF]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BASELINE_REF = "ff851f0"  # the product before issue 23
EXE = str(ROOT / ".venv" / "bin" / "myeongjang")
TITLES = {"mr", "mrs", "ms", "miss", "dr", "prof", "mister", "and", "sir"}


# --- bad inputs ---------------------------------------------------------------------------------


def _bad_files(quick: bool) -> dict[str, bytes]:
    from tests.security import hostile

    return {
        "paragraphs.docx": hostile.many_paragraphs(100_000 if quick else 400_000),
        "comment.docx": hostile.comment_bomb(128 if quick else 1024),
        "laughs.docx": hostile.billion_laughs(),
        "notzip.docx": b"PK\x03\x04 not really a zip",
        "segments.json": hostile.whisper(60_000 if quick else 100_000),
        "deep.json": hostile.deep_json(),
        "surrogate.json": hostile.surrogate_whisper(),
        "line.txt": hostile.one_long_line(),
        "turns.txt": b"".join(b"M: yes\nQ: and?\n" for _ in range(6_000)),
        "binary.txt": os.urandom(4096),
        "empty.txt": b"",
        "latin1.txt": "Master: Caf\xe9 au lait, if it rains add filler.".encode("latin-1"),
        "badtime.vtt": b"WEBVTT\n\n00:00:99.000 --> 00:00:01.000\nMaster: hi\n",
        "whisper-bad.json": b'{"segments": [{"start": "x", "end": 1, "text": "hi"}]}',
    }


def _classify(done: subprocess.CompletedProcess[str] | None) -> str:
    if done is None:
        return "hang"
    if "Traceback" in done.stderr:
        return "traceback"
    if done.returncode != 0 and len(done.stderr.strip().splitlines()) == 1:
        return "clean"
    return "clean" if done.returncode == 0 else "traceback"


def _run(args: list[str], timeout: float, stdin: bytes | None = None) -> subprocess.CompletedProcess[str] | None:
    try:
        out = subprocess.run(args, input=stdin, capture_output=True, timeout=timeout, cwd=ROOT, check=False)
    except subprocess.TimeoutExpired:
        return None
    return subprocess.CompletedProcess(
        args, out.returncode, out.stdout.decode(errors="replace"), out.stderr.decode(errors="replace")
    )


def bad_inputs(quick: bool) -> dict[str, Any]:
    timeout = 60.0 if quick else 180.0
    outcomes: dict[str, str] = {}
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in _bad_files(quick).items():
            path = Path(tmp) / name
            path.write_bytes(data)
            started = time.monotonic()
            outcomes[name] = _classify(_run([EXE, "extract", str(path), "--json"], timeout))
            seconds[name] = round(time.monotonic() - started, 2)
        link = Path(tmp) / "link.txt"
        link.symlink_to("/etc/passwd")
        outcomes["symlink.txt"] = _classify(_run([EXE, "extract", str(link), "--json"], timeout))
        lines = {
            "jsonl-surrogate": b'{"id": 1, "text": "If it rains \\ud800 add filler."}\n',
            "jsonl-deep": b'{"id": 1, "text": ' + b"[" * 100_000 + b"}\n",
            "jsonl-long": json.dumps({"id": 1, "text": "if it rains add filler " * 240_000}).encode() + b"\n",
            "jsonl-not-json": b"{not json\n",
        }
        for name, data in lines.items():
            outcomes[name] = _classify(_run([EXE, "extract", "--jsonl"], timeout, stdin=data))
        deep = Path(tmp) / "deep-backup.json"
        deep.write_bytes(b"[" * 100_000)
        env_db = f"sqlite:///{Path(tmp) / 'r.db'}"
        os.environ["MYEONGJANG_DATABASE_URL"] = env_db
        outcomes["restore-deep"] = _classify(_run([EXE, "restore", str(deep)], timeout))
        del os.environ["MYEONGJANG_DATABASE_URL"]
    counts = {k: sum(1 for v in outcomes.values() if v == k) for k in ("clean", "traceback", "hang")}
    for name, outcome in outcomes.items():
        print(f"  {name:<18} {outcome:<10} {seconds.get(name, 0):7.2f} s")
    return {"tried": len(outcomes), **counts, "slowest_s": max(seconds.values()), "outcomes": outcomes}


# --- PII ----------------------------------------------------------------------------------------


def _leaked(item: dict[str, str], out: str) -> bool:
    text = item["text"]
    if text in out:
        return True
    if item["type"] == "PERSON":
        if not re.search("[가-힣]", text):
            words = [w for w in re.findall(r"[A-Za-z][A-Za-z'\-]+", text) if w.lower().strip(".") not in TITLES]
            return any(re.search(rf"(?<![A-Za-z]){re.escape(w)}(?![A-Za-z])", out) for w in words)
        parts = text.split()
        name = parts[0]
        if len(name) == 1:
            return len(parts) > 1 and f"{name} {parts[1].rstrip('님')}" in out
        return name in out or (len(name) >= 3 and name[1:] in out)
    if item["type"] == "PHONE":
        digits = re.sub(r"\D", "", text)
        return len(digits) >= 7 and digits in re.sub(r"\D", "", out)
    if item["type"] == "EMAIL":
        return text.split("@")[0] in out
    return False


def pii_measure(corpus: Path) -> dict[str, Any]:
    """Leaks and kept craft tokens of one corpus, with the Redactor of the tree on sys.path."""
    from knowledge_base.redaction import Redactor

    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    planted = leaked = tokens = kept = 0
    misses: list[str] = []
    for row in rows:
        redactor = Redactor(keep_names=("Sample Master",))
        out = redactor.redact(row["text"])
        label = redactor.label(row["speaker"]) if hasattr(redactor, "label") else row["speaker"]
        for item in row["pii"]:
            planted += 1
            if _leaked(item, label if item["in"] == "speaker" else out):
                leaked += 1
                misses.append(f"leak {row['id']} {item['type']} {item['text']!r}")
        for token in row["keep"]:
            tokens += 1
            if token in out:
                kept += 1
            else:
                misses.append(f"lost {row['id']} {token!r}")
    return {
        "lines": len(rows),
        "pii_planted": planted,
        "pii_leaked": leaked,
        "pii_recall": round(1 - leaked / max(planted, 1), 3),
        "craft_tokens": tokens,
        "craft_kept": round(kept / max(tokens, 1), 3),
        "misses": misses,
    }


def _corpora() -> dict[str, Path]:
    found = {
        "dev": ROOT / "bench" / "data" / "pii_corpus.jsonl",
        "holdout": ROOT / "bench" / "data" / "pii_holdout.jsonl",
    }
    return {k: v for k, v in found.items() if v.exists()}


def _baseline_pii(ref: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True).stdout
        tar = Path(tmp) / "tree.tar"
        tar.write_bytes(archive)
        with tarfile.open(tar) as t:
            t.extractall(Path(tmp) / "tree", filter="data")
        done = subprocess.run(
            [sys.executable, __file__, "--measure-pii", str(Path(tmp) / "tree")],
            capture_output=True,
            text=True,
            check=True,
        )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# --- confidentiality and tampering ------------------------------------------------------------


def confidentiality() -> dict[str, Any]:
    from knowledge_base import KnowledgeBase, PermissionDenied
    from tests.security.test_confidentiality import two_yards

    with tempfile.TemporaryDirectory() as tmp:
        kb = KnowledgeBase(f"sqlite:///{Path(tmp) / 'kb.db'}")
        kb.add_user("admin", "admin")
        admin = kb.as_user("admin")
        secret, _shared = two_yards(admin)
        turns = [t.text for t in admin.transcript(secret)[0] if len(t.text) > 20]
        outsider = admin.as_user("choi")
        seen = json.dumps(outsider.export(), ensure_ascii=False)
        listed = [t.id for t in outsider.transcripts()]
        with contextlib.suppress(PermissionDenied):
            seen += json.dumps([t.text for t in outsider.transcript(secret)[0]], ensure_ascii=False)
        leaked = sum(1 for t in turns if json.dumps(t, ensure_ascii=False)[1:-1] in seen) + listed.count(secret)
        kb.engine.dispose()
    return {"confidential_turns": len(turns), "confidential_leaked": leaked}


def tampered_restores() -> dict[str, Any]:
    import copy

    from knowledge_base import KnowledgeBase, KnowledgeBaseError
    from tests.security.test_history import TAMPERED, forged, seeded

    with tempfile.TemporaryDirectory() as tmp:
        kb = KnowledgeBase(f"sqlite:///{Path(tmp) / 'kb.db'}")
        kb.add_user("admin", "admin")
        seeded(kb.as_user("admin"))
        backup = json.loads(json.dumps(kb.as_user("admin").backup()))
        kb.engine.dispose()
        unsigned = copy.deepcopy(backup)
        unsigned["tables"]["rules"][0]["summary"] = "POUR WATER"
        cases: list[tuple[str, Any]] = [("not re-signed", unsigned)]
        cases += [(name, forged(backup, change)) for name, change, _ in TAMPERED]
        accepted: list[str] = []
        for n, (name, document) in enumerate(cases):
            target = KnowledgeBase(f"sqlite:///{Path(tmp) / f't{n}.db'}")
            try:
                target.restore(document)
                accepted.append(name)
            except KnowledgeBaseError:
                pass
            target.engine.dispose()
    return {"tampered_tried": len(cases), "tampered_accepted": len(accepted), "accepted": accepted}


def sign_in_timing(tries: int = 9) -> dict[str, Any]:
    """Milliseconds a wrong password costs for a real user name and for an unknown one (medians of
    `tries` names each, every name tried once so that no throttle cuts the work short)."""
    import statistics

    from knowledge_base import KnowledgeBase

    with tempfile.TemporaryDirectory() as tmp:
        kb = KnowledgeBase(f"sqlite:///{Path(tmp) / 'kb.db'}")
        kb.add_user("admin", "admin")
        admin = kb.as_user("admin")
        for i in range(tries):
            admin.add_user(f"worker{i}", "sme", password="long enough secret")
        check = getattr(admin, "sign_in", None) or admin.verify_password  # the baseline's name
        check("worker0", "warm up the hasher")
        spent: dict[str, list[float]] = {"known": [], "unknown": []}
        for i in range(1, tries):
            for kind, name in (("known", f"worker{i}"), ("unknown", f"nobody{i}")):
                started = time.perf_counter()
                check(name, "not the password")
                spent[kind].append((time.perf_counter() - started) * 1000)
        kb.engine.dispose()
    known, unknown = statistics.median(spent["known"]), statistics.median(spent["unknown"])
    return {
        "sign_in_known_ms": round(known, 1),
        "sign_in_unknown_ms": round(unknown, 1),
        "sign_in_unknown_over_known": round(unknown / known, 2),
    }


def _timed(name: str, measure: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    started = time.monotonic()
    print(f"{name} ...", flush=True)
    out = measure()
    print(f"{name}: {time.monotonic() - started:.1f} s", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller bombs, shorter timeouts")
    parser.add_argument("--baseline", default=BASELINE_REF, help="git ref of the baseline code ('' for none)")
    parser.add_argument("--measure-pii", type=Path, help=argparse.SUPPRESS)  # internal: the tree to measure
    args = parser.parse_args()
    if args.measure_pii is not None:
        sys.path.insert(0, str(args.measure_pii))
        measured: dict[str, Any] = {name: pii_measure(path) for name, path in _corpora().items()}
        print(json.dumps({**measured, "timing": sign_in_timing()}))
        return
    bad = _timed("bad inputs", lambda: bad_inputs(args.quick))
    pii = _timed("PII", lambda: {name: pii_measure(path) for name, path in _corpora().items()})
    base = _timed("PII and sign-in at baseline", lambda: _baseline_pii(args.baseline)) if args.baseline else {}
    base_timing = base.pop("timing", {})
    secret = _timed("confidentiality", confidentiality)
    forged_files = _timed("tampered restores", tampered_restores)
    timing = _timed("sign-in timing", sign_in_timing)
    print(f"\n{'':<10} {'recall':>8} {'kept':>8}   {'baseline recall':>16} {'baseline kept':>14}")
    for name, p in pii.items():
        b = base.get(name, {})
        print(
            f"{name:<10} {p['pii_recall']:>8} {p['craft_kept']:>8}   {b.get('pii_recall', '-'):>16} {b.get('craft_kept', '-'):>14}"
        )
        for miss in p["misses"][:12]:
            print(f"    {miss}")
    print(f"bad inputs: {bad['tried']} tried, {bad['clean']} clean, {bad['traceback']} tracebacks, {bad['hang']} hangs")
    print(f"confidential turns leaked: {secret['confidential_leaked']} of {secret['confidential_turns']}")
    print(f"tampered restores accepted: {forged_files['tampered_accepted']} of {forged_files['tampered_tried']}")
    print(
        f"a wrong password: {timing['sign_in_known_ms']} ms for a real user name, {timing['sign_in_unknown_ms']} ms "
        f"for an unknown one (ratio {timing['sign_in_unknown_over_known']}; 1.0 tells them apart by nothing); "
        f"baseline {base_timing.get('sign_in_known_ms', '-')} ms and {base_timing.get('sign_in_unknown_ms', '-')} ms"
    )
    from bench._record import record

    figures: dict[str, Any] = {
        "quick": args.quick,
        "bad_inputs_tried": bad["tried"],
        "bad_inputs_clean": bad["clean"],
        "tracebacks": bad["traceback"],
        "hangs": bad["hang"],
        "slowest_bad_input_s": bad["slowest_s"],
        **{k: v for k, v in secret.items()},
        "tampered_tried": forged_files["tampered_tried"],
        "tampered_accepted": forged_files["tampered_accepted"],
        **timing,
        **{f"{k}_baseline": v for k, v in base_timing.items()},
        "baseline": args.baseline,
    }
    for name, p in pii.items():
        figures.update({f"{name}_{k}": v for k, v in p.items() if k != "misses"})
        for k in ("pii_recall", "craft_kept"):
            if name in base:
                figures[f"{name}_{k}_baseline"] = base[name][k]
    record("trust", figures)


if __name__ == "__main__":
    main()
