"""Transcripts in: decoding, and parsing of `Speaker: text` .txt and WebVTT into speaker turns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from elicitation.errors import TranscriptError

MAX_BYTES = 20 * 1024 * 1024
INTERVIEWER_LABELS = {"interviewer", "q", "int", "question", "moderator", "host"}
FORMATS = {".txt": "txt", ".vtt": "vtt"}


@dataclass(frozen=True)
class Turn:
    """One speaker turn; rule offsets point into `text`."""

    index: int
    speaker: str
    text: str
    start_time: float | None = None
    end_time: float | None = None

    @property
    def is_interviewer(self) -> bool:
        return is_interviewer(self.speaker)


@dataclass(frozen=True)
class Transcript:
    turns: list[Turn]
    format: str
    encoding: str
    name: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def speakers(self) -> list[str]:
        return list(dict.fromkeys(t.speaker for t in self.turns))


def is_interviewer(speaker: str) -> bool:
    label = speaker.strip().lower()
    return label in INTERVIEWER_LABELS or label.startswith("interviewer")


def decode(data: bytes, name: str = "input") -> tuple[str, str]:
    """Decode transcript bytes, returning the text and the encoding that was detected.

    UTF-8 (with or without BOM) and UTF-16 (with BOM) are read as such; bytes that are not UTF-8
    but decode cleanly as CP949 and hold Korean text are read as CP949. Anything else is an error
    naming the file, never a silent guess.
    """
    if not data.strip():
        raise TranscriptError(f"{name}: the file is empty")
    if len(data) > MAX_BYTES:
        raise TranscriptError(
            f"{name}: the file is {len(data) // (1024 * 1024)} MiB; at most {MAX_BYTES // (1024 * 1024)} MiB"
        )
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", name), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", name), "utf-16"
    if b"\x00" in data:
        raise TranscriptError(f"{name}: this looks like a binary file, not a text transcript")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("cp949")
    except UnicodeDecodeError:
        text = ""
    hangul = sum(1 for ch in text if "\uac00" <= ch <= "\ud7a3")
    if text and hangul >= 1:
        return text, "cp949"
    raise TranscriptError(
        f"{name}: cannot decode the text: not UTF-8 (byte {utf8_error.start}), UTF-16 or CP949/EUC-KR"
    )


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise TranscriptError(f"{name}: invalid {encoding} at byte {exc.start}") from None


_STAMP = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_TXT_LINE = re.compile(r"^\s*(?:\[(?P<stamp>[^\]]*)\]\s*)?(?P<speaker>[^\W\d][\w .'\-]{0,40}?)\s*:\s*(?P<text>.*)$")


def parse_timestamp(stamp: str, where: str) -> float:
    """Seconds from `hh:mm:ss(.mmm)` or `mm:ss(.mmm)`; a malformed stamp is an error naming it."""
    if not re.fullmatch(_STAMP, stamp.strip()):
        raise TranscriptError(f"{where}: malformed timestamp {stamp!r} (expected hh:mm:ss)")
    parts = stamp.strip().replace(",", ".").split(":")
    seconds = float(parts[-1])
    minutes = int(parts[-2])
    hours = int(parts[-3]) if len(parts) == 3 else 0
    if minutes >= 60 or seconds >= 60:
        raise TranscriptError(f"{where}: malformed timestamp {stamp!r} (minutes or seconds >= 60)")
    return hours * 3600 + minutes * 60 + seconds


def parse_txt(text: str, name: str = "input") -> list[Turn]:
    """`Speaker: text` lines, optionally `[hh:mm:ss]`-stamped; other lines continue the turn."""
    turns: list[tuple[str, list[str], float | None]] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        m = _TXT_LINE.match(line)
        if m:
            stamp = m.group("stamp")
            when = parse_timestamp(stamp, f"{name}, line {lineno}") if stamp is not None else None
            turns.append((m.group("speaker").strip(), [m.group("text").strip()], when))
        elif turns:
            turns[-1][1].append(line)
        else:
            raise TranscriptError(f"{name}, line {lineno}: expected 'Speaker: text' but found {line[:40]!r}")
    if not turns:
        raise TranscriptError(f"{name}: no 'Speaker: text' lines found")
    return [Turn(i, speaker, " ".join(p for p in parts if p), start) for i, (speaker, parts, start) in enumerate(turns)]


_VOICE = re.compile(r"<v(?:\.[\w.]+)?\s+([^>]+)>")
_TAG = re.compile(r"</?[^>]+>")


def parse_vtt(text: str, name: str = "input") -> list[Turn]:
    """WebVTT cues with `<v Speaker>` voice tags or `Speaker:` prefixes; consecutive cues by the
    same speaker make one turn."""
    lines = text.splitlines()
    if not lines or not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        raise TranscriptError(f"{name}: not a WebVTT file (first line must be WEBVTT)")
    merged: list[list[object]] = []
    i = 1
    while i < len(lines):
        line = lines[i].strip()
        if "-->" not in line:
            if line.startswith(("NOTE", "STYLE", "REGION")):
                while i < len(lines) and lines[i].strip():
                    i += 1
            i += 1
            continue
        where = f"{name}, line {i + 1}"
        left, _, right = line.partition("-->")
        start = parse_timestamp(left, where)
        end = parse_timestamp(right.split()[0] if right.split() else "", where)
        if end < start:
            raise TranscriptError(f"{where}: cue ends before it starts")
        i += 1
        payload: list[str] = []
        while i < len(lines) and lines[i].strip():
            payload.append(lines[i].strip())
            i += 1
        body = " ".join(payload)
        voice = _VOICE.search(body)
        speaker = voice.group(1).strip() if voice else ""
        body = _TAG.sub("", body).strip()
        if not speaker:
            m = _TXT_LINE.match(body)
            if m and m.group("stamp") is None:
                speaker, body = m.group("speaker").strip(), m.group("text").strip()
            else:
                speaker = "Unknown"
        if not body:
            continue
        if merged and merged[-1][0] == speaker:
            merged[-1][1] = f"{merged[-1][1]} {body}"
            merged[-1][3] = end
        else:
            merged.append([speaker, body, start, end])
    if not merged:
        raise TranscriptError(f"{name}: no cues with text found")
    return [
        Turn(idx, str(s), str(b), float(st), float(en))  # type: ignore[arg-type]
        for idx, (s, b, st, en) in enumerate(merged)
    ]


def parse_bytes(data: bytes, name: str) -> Transcript:
    """Decode and parse a transcript file's bytes; the format comes from the file name."""
    suffix = Path(name).suffix.lower()
    if suffix not in FORMATS:
        raise TranscriptError(f"{name}: unsupported transcript format {suffix or '(none)'!r}; use {', '.join(FORMATS)}")
    text, encoding = decode(data, name)
    fmt = FORMATS[suffix]
    turns = parse_vtt(text, name) if fmt == "vtt" else parse_txt(text, name)
    return Transcript(turns=turns, format=fmt, encoding=encoding, name=Path(name).name)


def read_transcript(path: str | Path) -> Transcript:
    p = Path(path)
    if not p.exists():
        raise TranscriptError(f"{p}: no such file")
    if p.is_dir():
        raise TranscriptError(f"{p}: is a directory, not a transcript file")
    return parse_bytes(p.read_bytes(), str(p))
