"""Reference media of observations on SQLite and PostgreSQL: attach, replace and remove; bad
files refused with one line and nothing stored; kept in backups and checked on restore."""

import io
import json
import struct
import wave
import zlib
from pathlib import Path

import pytest
from PIL import Image

from knowledge_base import InvalidEdit, KnowledgeBase, KnowledgeBaseError, PermissionDenied, integrity

from ..conftest import reset_postgres


def png(colour: str = "yellow", size: int = 8) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(out, format="PNG")
    return out.getvalue()


def wav(seconds: float = 0.2) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        frames = int(8000 * seconds)
        sound.writeframes(b"".join(struct.pack("<h", (i * 997) % 3000 - 1500) for i in range(frames)))
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a size its pixel data does not hold (CRCs right, so verify() passes)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 10)) + chunk(b"IEND", b"")
    )


MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 200


def test_media_attach_replace_and_remove_with_who_and_what(kb: KnowledgeBase) -> None:
    kb.add_user("kim", "interviewer")
    kim = kb.as_user("kim")
    photo = kim.attach_media("flame_colour", png(), "flame.png", value="Yellow-White", caption="at tapping")
    assert (photo.kind, photo.mime, photo.value, photo.added_by) == ("image", "image/png", "yellow-white", "kim")
    clip = kim.attach_media("arc_crackle", wav(), "crackle.wav")
    video = kim.attach_media("arc_crackle", MP4, "arc.mp4")
    assert [m.kind for m in kb.media_for("arc_crackle")] == ["audio", "video"]
    assert kb.media_data(clip.id) == wav()
    replaced = kim.replace_media(photo.id, png("white"), "flame2.png")
    assert replaced.variable == "flame_colour" and kb.media_data(photo.id) == png("white")
    kim.remove_media(video.id)
    assert [m.id for m in kb.media_for()] == [photo.id, clip.id]
    kb.add_user("sme", "sme")
    with pytest.raises(PermissionDenied):
        kb.as_user("sme").attach_media("flame_colour", png(), "x.png")
    assert [m.id for m in kb.as_user("sme").media_for("flame_colour")] == [photo.id]  # a worker sees it


@pytest.mark.parametrize(
    "data,name,problem",
    [
        (b"", "empty.png", "the file is empty"),
        (b"%PDF-1.7 not a picture", "manual.pdf", "not a photo, a sound or a video clip"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "broken.png", "damaged"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt " + b"\x00" * 60, "broken.wav", "damaged"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (6 * 1024 * 1024), "huge.png", "too large"),
        (png_claiming(1000, 1000), "truncated.png", "damaged"),
        (png_claiming(20000, 20000), "bomb.png", "damaged"),
    ],
)
def test_a_bad_file_is_refused_in_one_line_and_nothing_is_stored(
    kb: KnowledgeBase, data: bytes, name: str, problem: str
) -> None:
    with pytest.raises(InvalidEdit, match=problem) as caught:
        kb.attach_media("flame_colour", data, name)
    assert name in str(caught.value) and "\n" not in str(caught.value)
    assert kb.media_for() == []


def test_media_travel_in_backups_and_a_tampered_one_is_refused(kb: KnowledgeBase, db_url: str, tmp_path: Path) -> None:
    kb.attach_media("flame_colour", png(), "flame.png", value="orange")
    backup = json.loads(json.dumps(kb.backup()))
    kb.engine.dispose()

    def fresh(name: str) -> KnowledgeBase:
        if db_url.startswith("sqlite"):
            return KnowledgeBase(f"sqlite:///{tmp_path / name}")
        reset_postgres(db_url)
        return KnowledgeBase(db_url)

    tampered = json.loads(json.dumps(backup))
    row = tampered["tables"]["reference_media"][0]
    row["data"] = row["data"][:-8] + "AAAAAAA="  # a changed pixel: still base64, no longer the file
    relabelled = json.loads(json.dumps(backup))
    relabelled["tables"]["reference_media"][0]["mime"] = "text/html"
    unsigned = json.loads(json.dumps(backup))
    del unsigned["tables"]["reference_media"][0]["sha256"]
    for n, (document, problem) in enumerate(
        ((tampered, "changed after it was written"), (relabelled, "says it is text/html"), (unsigned, "has no sha256"))
    ):
        document["digest"] = integrity.digest(document)  # re-signed, as a forger would: the rows still tell
        broken = fresh(f"t{n}.db")
        with pytest.raises(KnowledgeBaseError, match=problem):
            broken.restore(document)
        assert not broken.has_users()  # all or nothing: not one row of the file was kept
        broken.engine.dispose()
    copy = fresh("c.db")
    copy.restore(backup)
    [media] = copy.as_user("admin").media_for("flame_colour")
    assert copy.as_user("admin").media_data(media.id) == png() and media.value == "orange"
