"""Issue 23: hostile files are refused early with a one-line error that names the limit, and
nothing is stored; careless files are read, their stray lines kept as notes."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from elicitation import TranscriptError, parse_bytes
from elicitation.limits import budgeted

from ..conftest import run
from . import hostile

CASES = [
    ("paragraphs.docx", lambda: hostile.many_paragraphs(), "400,000 paragraphs; at most 50,000"),
    ("comment.docx", lambda: hostile.comment_bomb(200), "unpacks to 200 MiB; at most 64 MiB"),
    ("laughs.docx", hostile.billion_laughs, "declares XML entities (a DTD)"),
    ("segments.json", lambda: hostile.whisper(100_000), "100,000 segments; at most 50,000"),
    ("deep.json", hostile.deep_json, "nested too deeply"),
    ("surrogate.json", hostile.surrogate_whisper, "a lone surrogate, \\ud800"),
    ("line.txt", hostile.one_long_line, "line.txt, line 1: the line is 5,399,994 characters long; at most 50,000"),
    ("turns.txt", lambda: b"".join(b"M: yes\nQ: and?\n" for _ in range(6_000)), "12,000 turns; at most 10,000"),
    ("notzip.docx", lambda: b"PK\x03\x04 not really a zip", "not a readable .docx"),
]


@pytest.mark.parametrize(("name", "make", "message"), CASES, ids=[c[0] for c in CASES])
def test_a_hostile_file_is_refused_early_with_the_limit_it_broke(name: str, make: object, message: str) -> None:
    data = make()  # type: ignore[operator]
    started = time.monotonic()
    with pytest.raises(TranscriptError) as refused:
        parse_bytes(data, name)
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)
    assert time.monotonic() - started < 60  # early: not minutes (a generous bound, not a benchmark)


def test_utf16_without_a_byte_order_mark_is_read_not_refused_as_binary() -> None:
    for korean in (False, True):
        t = parse_bytes(hostile.utf16_without_bom(korean), "bom.txt")
        assert t.encoding == "utf-16-le" and len(t.turns) == 2
    assert parse_bytes(hostile.utf16_without_bom().decode("utf-16-le").encode("utf-16-be"), "be.txt").encoding == (
        "utf-16-be"
    )
    with pytest.raises(TranscriptError, match="binary"):
        parse_bytes(b"\x00\x01\x02\x03" * 50, "noise.txt")


def test_a_careless_docx_keeps_its_note_and_warns_with_the_line() -> None:
    t = parse_bytes(hostile.careless_docx(), "careless.docx")
    assert [x.speaker for x in t.turns] == ["Interviewer", "Master"]
    assert t.notes == ["Recorded at the yard office, second shift"]
    assert t.warnings == [
        "line 1: kept as a note, not a turn (no 'Speaker:'): 'Recorded at the yard office, second shift'"
    ]


def test_a_reading_past_its_time_budget_stops_with_where_it_stopped() -> None:
    tick = budgeted(None, "long.txt", seconds=0.0)
    time.sleep(0.01)
    with pytest.raises(TranscriptError, match=r"long.txt: reading stopped at turn 3 of 10: past the time budget"):
        tick(3, 10)
    tick(10, 10)  # the last turn is done: nothing left to stop


def test_the_cli_refuses_hostile_files_in_one_line_and_stores_nothing(sqlite_env: str, tmp_path: Path) -> None:
    run("user", "add", "admin", "--role", "admin")
    run("--as", "admin", "consent", "add", "--master", "Kim", "--scope", "internal_guidance")
    files = {
        "laughs.docx": hostile.billion_laughs(),
        "deep.json": hostile.deep_json(),
        "surrogate.json": hostile.surrogate_whisper(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        done = run("--as", "admin", "import", str(tmp_path / name), "--master", "Kim")
        assert done.returncode == 2, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    os.symlink("/etc/passwd", tmp_path / "passwd.txt")
    linked = run("--as", "admin", "import", str(tmp_path / "passwd.txt"), "--master", "Kim")
    assert linked.returncode == 2 and "is a symbolic link" in linked.stderr
    careless = tmp_path / "careless.docx"
    careless.write_bytes(hostile.careless_docx())
    kept = run("--as", "admin", "import", str(careless), "--master", "Kim")
    assert kept.returncode == 0, kept.stderr
    assert "warning: careless.docx, line 1: kept as a note" in kept.stderr
    listed = run("--as", "admin", "review", "list", "--json")
    assert listed.returncode == 0


def test_a_careless_docx_imports_with_its_note_shown_with_the_interview(kb: object) -> None:
    from elicitation import extract_transcript
    from knowledge_base import KnowledgeBase

    assert isinstance(kb, KnowledgeBase)
    kim = kb.register_master("Kim")
    kb.record_consent(kim, ["internal_guidance"])
    data = hostile.careless_docx()
    result = kb.import_transcript(kim, parse_bytes(data, "c.docx"), data, extract_transcript)
    assert result.warnings and result.rule_ids
    [summary] = kb.transcripts()
    assert summary.notes == ["Recorded at the yard office, second shift"]


def _damage(path: Path) -> None:
    """Overwrite the database file after its header with bytes no SQLite page holds."""
    with path.open("r+b") as f:
        f.seek(100)
        f.write(b"\xa5" * (path.stat().st_size - 100))


def test_a_damaged_database_file_is_one_line_in_the_cli_and_nothing_is_written(sqlite_env: str) -> None:
    run("user", "add", "admin", "--role", "admin")
    database = Path(sqlite_env.removeprefix("sqlite:///"))
    _damage(database)
    before = database.read_bytes()
    for args in (("--as", "admin", "review", "list"), ("user", "add", "kim", "--role", "sme")):
        done = run(*args)
        assert done.returncode == 1, done.stderr
        assert done.stderr.strip().splitlines() == [done.stderr.strip()], done.stderr
        assert "database cannot be used:" in done.stderr and "nothing was written" in done.stderr
    assert database.read_bytes() == before


def test_a_damaged_database_file_is_one_line_in_the_ui(sqlite_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from ui import warmup

    from ..conftest import run_app

    run("user", "add", "admin", "--role", "admin")
    _damage(Path(sqlite_env.removeprefix("sqlite:///")))
    monkeypatch.setattr(warmup, "STARTUP", warmup.Startup())
    warmup._run(sqlite_env)  # the server's start says it on the sign-in page
    assert warmup.STARTUP.phase == "failed" and warmup.STARTUP.error.endswith("malformed; nothing was written")
    for at in (run_app("admin"), _signing_in(run_app(None))):
        assert not at.exception and len(at.error) == 1
        assert "database cannot be used" in at.error[0].value and "malformed" in at.error[0].value
        assert "\n" not in at.error[0].value and "sqlalche.me" not in at.error[0].value


def _signing_in(at: AppTest) -> AppTest:
    at.text_input(key="sign_in_user").input("admin")
    at.text_input(key="sign_in_password").input("any password at all")
    return at.button[0].click().run()
