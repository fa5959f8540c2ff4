"""Transcripts in: decoding, and parsing of `.txt`, WebVTT, SRT, Whisper JSON and `.docx` into speaker turns."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from elicitation import limits
from elicitation.errors import TranscriptError

MAX_BYTES = 20 * 1024 * 1024
INTERVIEWER_LABELS = {
    "interviewer", "q", "int", "question", "moderator", "host",
    "면담자", "질문자", "인터뷰어", "진행자", "조사자", "연구자", "기자", "사회자", "문", "질문",
}  # fmt: skip
FORMATS = {".txt": "txt", ".vtt": "vtt", ".srt": "srt", ".json": "whisper", ".docx": "docx"}


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
    # lines before the first turn that no speaker said ("Recorded at the yard office, second
    # shift"): kept and shown with the interview, never read as turns
    notes: list[str] = field(default_factory=list)

    @property
    def speakers(self) -> list[str]:
        return list(dict.fromkeys(t.speaker for t in self.turns))


def is_interviewer(speaker: str) -> bool:
    label = speaker.strip().lower()
    return label in INTERVIEWER_LABELS or label.startswith("interviewer")


def _check_size(data: bytes, name: str) -> None:
    if not data.strip():
        raise TranscriptError("{name}: the file is empty", name=name)
    if len(data) > MAX_BYTES:
        raise TranscriptError(
            "{name}: the file is {size} MiB; at most {limit} MiB",
            name=name,
            size=len(data) // (1024 * 1024),
            limit=MAX_BYTES // (1024 * 1024),
        )


def decode(data: bytes, name: str = "input") -> tuple[str, str]:
    """Decode transcript bytes, returning the text and the encoding that was detected.

    UTF-8 (with or without BOM) and UTF-16 (with BOM) are read as such; bytes that are not UTF-8
    but decode cleanly as CP949 and hold Korean text are read as CP949. Anything else is an error
    naming the file, never a silent guess.
    """
    _check_size(data, name)
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", name), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", name), "utf-16"
    unmarked = _utf16_without_bom(data)
    if unmarked is not None:
        return _strict(data, unmarked, name), unmarked
    if b"\x00" in data:
        raise TranscriptError("{name}: this looks like a binary file, not a text transcript", name=name)
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
        "{name}: cannot decode the text: not UTF-8 (byte {start}), UTF-16 or CP949/EUC-KR",
        name=name,
        start=utf8_error.start,
    )


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 written without its byte-order mark: every other byte zero (for Latin text) or the
    high bytes of Hangul syllables (0xAC-0xD7) in one column; the encoding, or None."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    for column, other, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        high = sum(1 for b in column if b == 0 or 0xAC <= b <= 0xD7 or 0x11 <= b <= 0x31)
        zeros, stray = column.count(0), other.count(0)  # a Hangul syllable's low byte may be zero (가)
        if high >= 0.95 * len(column) and zeros >= 0.05 * len(column) and stray <= min(0.25 * len(other), zeros / 2):
            return encoding
    return None


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise TranscriptError(
            "{name}: invalid {encoding} at byte {start}", name=name, encoding=encoding, start=exc.start
        ) from None


_STAMP = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_TXT_LINE = re.compile(r"^\s*(?:\[(?P<stamp>[^\]]*)\]\s*)?(?P<speaker>[^\W\d][\w .'\-]{0,40}?)\s*:\s*(?P<text>.*)$")


def parse_timestamp(stamp: str, where: str) -> float:
    """Seconds from `hh:mm:ss(.mmm)` or `mm:ss(.mmm)`; a malformed stamp is an error naming it."""
    if not re.fullmatch(_STAMP, stamp.strip()):
        raise TranscriptError("{where}: malformed timestamp {stamp!r} (expected hh:mm:ss)", where=where, stamp=stamp)
    parts = stamp.strip().replace(",", ".").split(":")
    seconds = float(parts[-1])
    minutes = int(parts[-2])
    hours = int(parts[-3]) if len(parts) == 3 else 0
    if minutes >= 60 or seconds >= 60:
        raise TranscriptError(
            "{where}: malformed timestamp {stamp!r} (minutes or seconds >= 60)", where=where, stamp=stamp
        )
    return hours * 3600 + minutes * 60 + seconds


def parse_txt(text: str, name: str = "input", notes: list[tuple[int, str]] | None = None) -> list[Turn]:
    """`Speaker: text` lines, optionally `[hh:mm:ss]`-stamped; other lines continue the turn.
    Lines before the first turn are an interviewer's notes: collected into `notes` (line number
    and text), or refused when no turn follows them."""
    turns: list[tuple[str, list[str], float | None]] = []
    leading: list[tuple[int, str]] = []
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
            leading.append((lineno, line))
    if not turns and leading:
        lineno, line = leading[0]
        raise TranscriptError(
            "{name}, line {lineno}: expected 'Speaker: text' but found {line!r}",
            name=name,
            lineno=lineno,
            line=line[:40],
        )
    if not turns:
        raise TranscriptError("{name}: no 'Speaker: text' lines found", name=name)
    if notes is not None:
        notes.extend(leading)
    return [Turn(i, speaker, " ".join(p for p in parts if p), start) for i, (speaker, parts, start) in enumerate(turns)]


_VOICE = re.compile(r"<v(?:\.[\w.]+)?\s+([^>]+)>")
_TAG = re.compile(r"</?[^>]+>")


def parse_vtt(text: str, name: str = "input") -> list[Turn]:
    """WebVTT cues with `<v Speaker>` voice tags or `Speaker:` prefixes; consecutive cues by the
    same speaker make one turn."""
    lines = text.splitlines()
    if not lines or not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        raise TranscriptError("{name}: not a WebVTT file (first line must be WEBVTT)", name=name)
    cues: list[_Cue] = []
    i = 1
    while i < len(lines):
        line = lines[i].strip()
        if "-->" not in line:
            if line.startswith(("NOTE", "STYLE", "REGION")):
                while i < len(lines) and lines[i].strip():
                    i += 1
            i += 1
            continue
        cue, i = _read_cue(lines, i, name)
        cues.append(cue)
    return _merge_cues(cues, name)


@dataclass
class _Cue:
    text: str
    start: float
    end: float
    speaker: str = ""


def _read_cue(lines: list[str], i: int, name: str) -> tuple[_Cue, int]:
    """The cue whose `start --> end` timing is on line `i` (VTT and SRT alike), with its text
    lines up to the next blank line; returns the cue and the index after it."""
    where = f"{name}, line {i + 1}"
    left, _, right = lines[i].strip().partition("-->")
    start = parse_timestamp(left, where)
    end = parse_timestamp(right.split()[0] if right.split() else "", where)
    if end < start:
        raise TranscriptError("{where}: cue ends before it starts", where=where)
    i += 1
    payload: list[str] = []
    while i < len(lines) and lines[i].strip():
        payload.append(lines[i].strip())
        i += 1
    return _Cue(" ".join(payload), start, end), i


def _merge_cues(cues: list[_Cue], name: str) -> list[Turn]:
    """Subtitle cues to speaker turns: the speaker comes from the cue, a `<v Speaker>` tag or a
    `Speaker:` prefix; consecutive cues by the same speaker make one turn."""
    merged: list[_Cue] = []
    for cue in cues:
        body = cue.text
        voice = _VOICE.search(body)
        speaker = cue.speaker or (voice.group(1).strip() if voice else "")
        body = _TAG.sub("", body).strip()
        if not speaker:
            m = _TXT_LINE.match(body)
            if m and m.group("stamp") is None:
                speaker, body = m.group("speaker").strip(), m.group("text").strip()
            else:
                speaker = "Unknown"
        if not body:
            continue
        if merged and merged[-1].speaker == speaker:
            merged[-1].text = f"{merged[-1].text} {body}"
            merged[-1].end = cue.end
        else:
            merged.append(_Cue(body, cue.start, cue.end, speaker))
    if not merged:
        raise TranscriptError("{name}: no cues with text found", name=name)
    return [Turn(i, c.speaker, c.text, c.start, c.end) for i, c in enumerate(merged)]


def parse_srt(text: str, name: str = "input") -> list[Turn]:
    """SubRip: numbered cues `hh:mm:ss,mmm --> hh:mm:ss,mmm`, speakers as `Speaker:` prefixes or
    `<v Speaker>` tags."""
    lines = text.lstrip("\ufeff").splitlines()
    cues: list[_Cue] = []
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if "-->" not in line:
            if line and not line.isdigit() and not cues:
                raise TranscriptError(
                    "{name}, line {lineno}: not an SRT file (expected a cue number or timing)", name=name, lineno=i + 1
                )
            i += 1
            continue
        cue, i = _read_cue(lines, i, name)
        cues.append(cue)
    if not cues:
        raise TranscriptError("{name}: no SRT cues found", name=name)
    return _merge_cues(cues, name)


def load_json(text: str, name: str) -> Any:
    """Parsed JSON, or a one-line error: malformed, or nested too deeply to read."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise TranscriptError(
            "{name}: not valid JSON (line {lineno}, column {colno}: {msg})",
            name=name,
            lineno=exc.lineno,
            colno=exc.colno,
            msg=exc.msg,
        ) from None
    except RecursionError:
        raise TranscriptError("{name}: the JSON is nested too deeply to read", name=name) from None


def parse_whisper_json(text: str, name: str = "input") -> list[Turn]:
    """Whisper / WhisperX output: `{"segments": [{"start", "end", "text", "speaker"?}, ...]}` (or a
    bare list of segments). Segments without a speaker belong to "Speaker"."""
    data = load_json(text, name)
    segments = data.get("segments") if isinstance(data, dict) else data
    if not isinstance(segments, list):
        raise TranscriptError("{name}: expected Whisper JSON with a 'segments' list", name=name)
    limits.check_segments(len(segments), name)
    cues: list[_Cue] = []
    for n, seg in enumerate(segments):
        where = f"{name}, segment {n}"
        if not isinstance(seg, dict) or not isinstance(seg.get("text"), str):
            raise TranscriptError("{where}: a segment needs a 'text' string", where=where)
        times = []
        for key in ("start", "end"):
            value = seg.get(key)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or value != value:
                raise TranscriptError(
                    "{where}: malformed timestamp {key}={value!r} (expected seconds >= 0)",
                    where=where,
                    key=key,
                    value=value,
                )
            times.append(float(value))
        if times[1] < times[0]:
            raise TranscriptError("{where}: segment ends before it starts", where=where)
        speaker = seg.get("speaker")
        limits.no_surrogates(f"{seg['text']}{speaker or ''}", where)
        cues.append(_Cue(seg["text"].strip(), times[0], times[1], str(speaker).strip() if speaker else "Speaker"))
    return _merge_cues(cues, name)


def docx_text(data: bytes, name: str = "input") -> str:
    """The paragraphs (and two-column table rows, as `Speaker: text`) of a Word document. Headings
    and titles ("Interview record, October 2026") name the document; nobody said them, so they are
    left out."""
    import docx
    from lxml.etree import XMLSyntaxError  # type: ignore[import-untyped]

    limits.check_docx(data, name)
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError) as exc:
        raise TranscriptError("{name}: not a readable .docx file ({exc})", name=name, exc=exc) from None
    lines = [p.text for p in document.paragraphs if not _is_heading(p)]
    for table in document.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells]
            if len(cells) >= 2 and cells[0] and cells[1]:
                lines.append(f"{cells[0]}: {' '.join(cells[1:])}")
    return "\n".join(lines)


def _is_heading(paragraph: Any) -> bool:
    style = getattr(paragraph.style, "name", "") or ""
    return style.startswith(("Heading", "Title", "Subtitle"))


def parse_bytes(data: bytes, name: str) -> Transcript:
    """Decode and parse a transcript file's bytes; the format comes from the file name."""
    suffix = Path(name).suffix.lower()
    if suffix not in FORMATS:
        raise TranscriptError(
            "{name}: unsupported transcript format {suffix!r}; use {formats}",
            name=name,
            suffix=suffix or "(none)",
            formats=", ".join(FORMATS),
        )
    fmt = FORMATS[suffix]
    if fmt == "docx":
        _check_size(data, name)
        text, encoding = docx_text(data, name), "docx"
        if not text.strip():
            raise TranscriptError("{name}: the document has no text", name=name)
    else:
        text, encoding = decode(data, name)
    if fmt != "whisper":  # one line of JSON is how Whisper writes it; its segments are checked instead
        limits.check_text(text, name)
    notes: list[tuple[int, str]] = []
    parsers = {"vtt": parse_vtt, "srt": parse_srt, "whisper": parse_whisper_json}
    turns = parsers[fmt](text, name) if fmt in parsers else parse_txt(text, name, notes)
    limits.check_turns(turns, name)
    warnings = [f"line {n}: kept as a note, not a turn (no 'Speaker:'): {line[:60]!r}" for n, line in notes]
    return Transcript(
        turns=turns,
        format=fmt,
        encoding=encoding,
        name=Path(name).name,
        warnings=warnings,
        notes=[line for _, line in notes],
    )


def read_file(path: str | Path) -> bytes:
    """A transcript file's bytes: a regular file, not a link (which could point anywhere, such as
    /etc/shadow), a directory or a device; at most the size limit."""
    p = Path(path)
    if p.is_symlink():
        raise TranscriptError("{name}: is a symbolic link; give the file itself", name=p)
    if not p.exists():
        raise TranscriptError("{name}: no such file", name=p)
    if p.is_dir():
        raise TranscriptError("{name}: is a directory, not a transcript file", name=p)
    if not p.is_file():
        raise TranscriptError("{name}: is not a regular file", name=p)
    with p.open("rb") as f:
        data = f.read(MAX_BYTES + 1)
    _check_size(data, str(p))
    return data


def read_transcript(path: str | Path) -> Transcript:
    return parse_bytes(read_file(path), str(path))
