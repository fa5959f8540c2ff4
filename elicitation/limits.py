"""Hostile files refused early: a small file must not cost minutes or gigabytes.

The 20 MiB cap on a file's bytes says nothing of what they unpack to: a .docx can hold a gigabyte
of comment, 400,000 paragraphs, or an XML entity bomb; a JSON file can nest a million brackets or
hold 100,000 segments; a text can be one 5 MB line. Each limit here is checked before the costly
step and refused with a one-line error that names the limit; extraction also runs on a time budget.
"""

from __future__ import annotations

import io
import os
import re
import time
import zipfile
from collections.abc import Callable, Sequence
from typing import Any

from elicitation.errors import TranscriptError

MAX_LINE_CHARS = 50_000  # one line of text (a whole 20-minute answer is about 20,000)
MAX_TURN_CHARS = 200_000  # one speaker turn, its lines joined
MAX_TURNS = 10_000  # a day-long interview has about 2,000
MAX_SEGMENTS = 50_000  # Whisper segments (a two-hour recording has about 2,500)
MAX_UNPACKED = 64 * 1024 * 1024  # what a .docx unpacks to
MAX_PARTS = 1_000  # members of a .docx
MAX_PARAGRAPHS = 50_000
TIME_BUDGET_ENV = "MYEONGJANG_TIME_BUDGET_S"
TIME_BUDGET_S = 900.0  # extraction of one file

_SURROGATE = re.compile("[\ud800-\udfff]")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_PARAGRAPH = re.compile(rb"<w:p[ >/]")


def check_text(text: str, name: str) -> None:
    """No line longer than the limit, no lone surrogate (which no file can store or print)."""
    for lineno, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise TranscriptError(
                "{name}, line {lineno}: the line is {size:,} characters long; at most {limit:,}",
                name=name,
                lineno=lineno,
                size=len(line),
                limit=MAX_LINE_CHARS,
            )
    no_surrogates(text, name)


def no_surrogates(text: str, where: str) -> None:
    bad = _SURROGATE.search(text)
    if bad:
        raise TranscriptError(
            "{where}: the text holds an invalid character (a lone surrogate, \\u{code:04x}) at {at}",
            where=where,
            code=ord(bad.group()),
            at=bad.start(),
        )


def check_turns(turns: Sequence[Any], name: str) -> None:
    """Not more turns than the limit, none longer than the limit."""
    if len(turns) > MAX_TURNS:
        raise TranscriptError(
            "{name}: the interview has {count:,} turns; at most {limit:,} (split the file)",
            name=name,
            count=len(turns),
            limit=MAX_TURNS,
        )
    for turn in turns:
        if len(turn.text) > MAX_TURN_CHARS:
            raise TranscriptError(
                "{name}, turn {index}: the turn is {size:,} characters long; at most {limit:,}",
                name=name,
                index=turn.index,
                size=len(turn.text),
                limit=MAX_TURN_CHARS,
            )


def check_segments(count: int, name: str) -> None:
    if count > MAX_SEGMENTS:
        raise TranscriptError(
            "{name}: the file has {count:,} segments; at most {limit:,} (split the file)",
            name=name,
            count=count,
            limit=MAX_SEGMENTS,
        )


def check_docx(data: bytes, name: str) -> None:
    """A .docx whose parts are few, unpack to little, hold no DTD and not too many paragraphs;
    read before any XML parser sees it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise TranscriptError("{name}: not a readable .docx file ({exc})", name=name, exc=exc) from None
    if len(members) > MAX_PARTS:
        raise TranscriptError(
            "{name}: the document has {count:,} parts; at most {limit:,}",
            name=name,
            count=len(members),
            limit=MAX_PARTS,
        )
    total = sum(m.file_size for m in members)
    if total > MAX_UNPACKED:
        raise TranscriptError(
            "{name}: the document unpacks to {size} MiB; at most {limit} MiB",
            name=name,
            size=total // (1024 * 1024),
            limit=MAX_UNPACKED // (1024 * 1024),
        )
    for m in members:
        if not m.filename.endswith((".xml", ".rels")):
            continue
        with archive.open(m) as part:
            body = part.read(MAX_UNPACKED + 1)
        if _DTD.search(body):
            raise TranscriptError(
                "{name}: part {part} declares XML entities (a DTD); a Word document has none",
                name=name,
                part=m.filename[:60],
            )
        if m.filename == "word/document.xml":
            paragraphs = len(_PARAGRAPH.findall(body))
            if paragraphs > MAX_PARAGRAPHS:
                raise TranscriptError(
                    "{name}: the document has {count:,} paragraphs; at most {limit:,} (split the file)",
                    name=name,
                    count=paragraphs,
                    limit=MAX_PARAGRAPHS,
                )


def time_budget() -> float:
    """Seconds the extraction of one file may take (MYEONGJANG_TIME_BUDGET_S, else 900)."""
    try:
        return max(1.0, float(os.environ.get(TIME_BUDGET_ENV, TIME_BUDGET_S)))
    except ValueError:
        return TIME_BUDGET_S


def budgeted(
    progress: Callable[[int, int], None] | None, name: str, seconds: float | None = None
) -> Callable[[int, int], None]:
    """A progress callback that stops the reading once it runs past its time budget."""
    limit = time_budget() if seconds is None else seconds
    deadline = time.monotonic() + limit

    def tick(done: int, total: int) -> None:
        if progress is not None:
            progress(done, total)
        if time.monotonic() > deadline and done < total:
            raise TranscriptError(
                "{name}: reading stopped at turn {done} of {total}: past the time budget of {limit:.0f} s "
                "(split the file, or set MYEONGJANG_TIME_BUDGET_S)",
                name=name,
                done=done,
                total=total,
                limit=limit,
            )

    return tick
