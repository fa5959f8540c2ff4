"""Hostile and careless files, made on the spot: each small on disk, costly if read naively.
Shared by tests/security and bench/trust.py."""

from __future__ import annotations

import io
import json
import zipfile

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx(body: str, *, prolog: str = "", extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal Word document whose body is `body` (WordprocessingML paragraphs)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr(
            "word/document.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
            f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>',
        )
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def paragraph(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def many_paragraphs(n: int = 400_000) -> bytes:
    return docx(paragraph("Master: If it rains, add filler.") * n)


def comment_bomb(megabytes: int = 1024) -> bytes:
    """A document whose one comment unpacks to `megabytes` of spaces."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr(
            "word/document.xml", f'<w:document xmlns:w="{W}"><w:body>{paragraph("Master: hi")}</w:body></w:document>'
        )
        with z.open("word/comments.xml", "w", force_zip64=True) as part:
            chunk = b" " * (1024 * 1024)
            part.write(f'<w:comments xmlns:w="{W}"><w:comment><w:p><w:r><w:t>'.encode())
            for _ in range(megabytes):
                part.write(chunk)
            part.write(b"</w:t></w:r></w:p></w:comment></w:comments>")
    return out.getvalue()


def billion_laughs() -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    return docx(paragraph("Master: &lol9;"), prolog=f"<!DOCTYPE lolz [{entities}]>")


def careless_docx() -> bytes:
    """A real interviewer's file: a note no speaker said, then the turns."""
    body = (
        paragraph("Recorded at the yard office, second shift")
        + paragraph("Interviewer: What about rain?")
        + paragraph("Master: If it rains, we dry the rods for two hours.")
    )
    return docx(body)


def whisper(segments: int = 100_000) -> bytes:
    return json.dumps(
        {
            "segments": [
                {"start": i, "end": i + 1, "text": "If it rains, add filler.", "speaker": "M"} for i in range(segments)
            ]
        }
    ).encode()


def deep_json(depth: int = 100_000) -> bytes:
    return b'{"segments": ' + b"[" * depth + b"]" * depth + b"}"


def surrogate_whisper() -> bytes:
    return b'{"segments": [{"start": 0, "end": 1, "text": "If it rains \\ud800 add filler.", "speaker": "M"}]}'


def one_long_line(chars: int = 5_400_000) -> bytes:
    return ("Master: " + "if it rains add filler " * (chars // 23)).encode()


def utf16_without_bom(korean: bool = False) -> bytes:
    text = (
        "면담자: 비가 오면요?\n명장: 비가 오면 용접봉을 두 시간 말려요.\n"
        if korean
        else ("Interviewer: And rain?\nMaster: If it rains, dry the rods for two hours.\n")
    )
    return text.encode("utf-16-le")
