"""Reference media for observations: a photo of "yellow-white", a clip of "a steady crackle",
stored with the knowledge base and in its backups, so that a novice sees and hears what the
master's cue means when he is asked about it.

A file is taken only when its bytes are what its kind says (an image that opens, a WAV with a
sound header, a known audio or video container), and only up to its kind's size limit. Who may
curate the vocabulary (interviewers, masters, admins) may attach, replace and remove; everyone
who may ask may see them.
"""

from __future__ import annotations

import hashlib
import io
import wave

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.context import Context
from knowledge_base.errors import InvalidEdit, NotFound
from knowledge_base.models import ReferenceMedia
from knowledge_base.redaction import scrub
from knowledge_base.views import MediaView
from rules.facts import FactSyntaxError, check_name

MB = 1024 * 1024
LIMITS = {"image": 5 * MB, "audio": 10 * MB, "video": 25 * MB}
MAX_PIXELS = 40_000_000  # a photo of a flame needs no more; a bigger one is a decompression bomb


def sniff(data: bytes) -> tuple[str, str] | None:
    """(kind, MIME type) of a file by its bytes, None when it is no image, sound or video we take."""
    head = data[:64]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image", "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image", "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image", "image/gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image", "image/webp"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio", "audio/wav"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio", "audio/mpeg"
    if head.startswith(b"OggS"):
        return "audio", "audio/ogg"
    if head.startswith(b"fLaC"):
        return "audio", "audio/flac"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return ("audio", "audio/mp4") if brand in (b"M4A ", b"M4B ") else ("video", "video/mp4")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video", "video/webm"
    return None


def _opens(kind: str, mime: str, data: bytes) -> bool:
    """Whether the file really is what its first bytes say: the image decodes, the WAV has frames."""
    try:
        if kind == "image":
            from PIL import Image

            with Image.open(io.BytesIO(data)) as image:
                image.verify()
            with Image.open(io.BytesIO(data)) as image:  # verify() checks chunks; load() the pixels
                if image.width * image.height > MAX_PIXELS:
                    return False
                image.load()
            return True
        if mime == "audio/wav":
            with wave.open(io.BytesIO(data)) as sound:
                return bool(sound.getnframes() > 0 and sound.getframerate() > 0)
    except Exception:  # Pillow and wave raise many error types for a damaged file
        return False
    return len(data) > 64


def checked(data: bytes, filename: str) -> tuple[str, str]:
    """The kind and MIME type of an upload, or InvalidEdit naming what is wrong with it."""
    if not data:
        raise InvalidEdit("{filename}: the file is empty", filename=filename)
    found = sniff(data)
    if found is None:
        raise InvalidEdit("{filename}: not a photo, a sound or a video clip (PNG, JPEG, GIF, WebP, WAV, MP3, "
                          "OGG, FLAC, M4A, MP4 or WebM)", filename=filename)  # fmt: skip
    kind, mime = found
    if len(data) > LIMITS[kind]:
        raise InvalidEdit(
            "{filename}: {size} MB is too large for a reference {kind} (at most {limit} MB)",
            filename=filename,
            size=f"{len(data) / MB:.1f}",
            kind=kind,
            limit=LIMITS[kind] // MB,
        )
    if not _opens(kind, mime, data):
        raise InvalidEdit("{filename}: the {kind} is damaged and cannot be opened", filename=filename, kind=kind)
    return kind, mime


def _row(s: Session, media_id: int) -> ReferenceMedia:
    row = s.get(ReferenceMedia, media_id)
    if row is None:
        raise NotFound("no reference media with id {media_id}", media_id=media_id)
    return row


def _view(row: ReferenceMedia) -> MediaView:
    return MediaView(
        row.id,
        row.variable,
        row.value,
        row.kind,
        row.mime,
        row.filename,
        row.caption,
        row.size,
        row.added_by,
        row.added_at,
    )


def _cue_name(variable: str) -> str:
    if len(variable) > 120:
        raise InvalidEdit("invalid cue name: at most 120 characters, not {length}", length=len(variable))
    try:
        return check_name(variable)
    except FactSyntaxError as exc:
        raise InvalidEdit("invalid cue name {name!r}: {problem}", name=variable, problem=str(exc)) from None


def attach_media(
    kb: Context,
    variable: str,
    data: bytes,
    filename: str,
    *,
    value: str | None = None,
    caption: str | None = None,
    actor: str | None = None,
) -> MediaView:
    """Attach a reference file to an observation (and one of its values); checked before stored."""
    name = _cue_name(variable)
    kind, mime = checked(data, filename)
    with kb.unit(write=True, actor=actor) as uow:
        who = uow.require("curate", entity="media")
        row = ReferenceMedia(
            variable=name,
            value=(value or "").strip().lower()[:200] or None,
            kind=kind,
            mime=mime,
            filename=filename[-200:],
            caption=scrub((caption or "").strip()) or None,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
            added_by=who.username,
        )
        uow.session.add(row)
        uow.session.flush()
        uow.audit(who.username, "attach_media", "media", row.id, variable=name, kind=kind, size=len(data))
        return _view(row)


def replace_media(
    kb: Context, media_id: int, data: bytes, filename: str, *, caption: str | None = None, actor: str | None = None
) -> MediaView:
    """Put a new file in place of a reference file, keeping what it is attached to."""
    kind, mime = checked(data, filename)
    with kb.unit(write=True, actor=actor) as uow:
        who = uow.require("curate", entity="media", entity_id=media_id)
        row = _row(uow.session, media_id)
        row.kind, row.mime, row.filename, row.size = kind, mime, filename[-200:], len(data)
        row.data, row.sha256 = data, hashlib.sha256(data).hexdigest()
        if caption is not None:
            row.caption = scrub(caption.strip()) or None
        uow.audit(who.username, "replace_media", "media", media_id, kind=kind, size=len(data))
        uow.session.flush()
        return _view(row)


def remove_media(kb: Context, media_id: int, *, actor: str | None = None) -> None:
    with kb.unit(write=True, actor=actor) as uow:
        who = uow.require("curate", entity="media", entity_id=media_id)
        row = _row(uow.session, media_id)
        uow.session.delete(row)
        uow.audit(who.username, "remove_media", "media", media_id, variable=row.variable)


def media_for(kb: Context, variable: str | None = None, *, actor: str | None = None) -> list[MediaView]:
    """The reference files of one observation (or all of them), oldest first."""
    with kb.unit(actor=actor) as uow:
        uow.actor(action="read")
        q = select(ReferenceMedia).order_by(ReferenceMedia.id)
        if variable is not None:
            q = q.where(ReferenceMedia.variable == variable)
        return [_view(r) for r in uow.session.scalars(q)]


def media_data(kb: Context, media_id: int, *, actor: str | None = None) -> bytes:
    with kb.unit(actor=actor) as uow:
        uow.actor(action="read")
        row = _row(uow.session, media_id)
        return bytes(row.data)
