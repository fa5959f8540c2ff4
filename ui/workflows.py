"""Jobs that span elicitation and the knowledge base, shared by the CLI and the Streamlit pages."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from pathlib import Path

from elicitation import extract_transcript, parse_bytes
from knowledge_base import DuplicateImport, ImportResult, KnowledgeBase

SAMPLES = resources.files("elicitation") / "samples"


def import_interview(
    kb: KnowledgeBase,
    master: str,
    name: str,
    data: bytes,
    *,
    title: str | None = None,
    held_on: date | None = None,
    confidential: bool = False,
) -> ImportResult:
    """Parse a transcript file's bytes and store it for the named master; the knowledge base
    redacts PII and then runs the extractor on the redacted turns."""
    transcript = parse_bytes(data, name)
    master_view = kb.master_by_name(master)
    return kb.import_transcript(
        master_view.id,
        transcript,
        data,
        extract_transcript,
        title=title,
        held_on=held_on,
        confidential=confidential,
    )


def ensure_admin(kb: KnowledgeBase, username: str = "admin") -> KnowledgeBase:
    """On a knowledge base without accounts, create the first admin; act as `username`."""
    if not kb.has_users():
        kb.add_user(username, "admin", display_name="Administrator")
    return kb.as_user(username)


def load_samples(kb: KnowledgeBase) -> list[tuple[str, ImportResult | None]]:
    """Register the bundled sample masters with consent and import their interviews (idempotent).

    Returns (file, result) per interview; result is None for one already imported.
    """
    manifest = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
    done: list[tuple[str, ImportResult | None]] = []
    for item in manifest["interviews"]:
        master_id = kb.register_master(item["master"], craft=item["craft"], organisation=item["organisation"])
        if not any(m.id == master_id and m.consent_scopes for m in kb.masters()):
            kb.record_consent(
                master_id, ["internal_guidance", "training"], given_on=date.fromisoformat(item["held_on"])
            )
        data = (SAMPLES / item["file"]).read_bytes()
        try:
            result = import_interview(
                kb,
                item["master"],
                Path(item["file"]).name,
                data,
                title=item["title"],
                held_on=date.fromisoformat(item["held_on"]),
            )
        except DuplicateImport:
            result = None
        done.append((item["file"], result))
    return done
