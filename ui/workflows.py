"""Jobs that span elicitation and the knowledge base, shared by the CLI and the Streamlit pages."""

from __future__ import annotations

import functools
import json
import secrets
from collections.abc import Callable, Sequence
from datetime import date
from importlib import resources
from pathlib import Path

from elicitation import extract_transcript, parse_bytes
from knowledge_base import DuplicateImport, ImportResult, KnowledgeBase
from rules.language import language_of_texts
from ui import learning

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
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Parse a transcript file's bytes and store it for the named master; the knowledge base
    redacts PII and then runs the extractor (with the learned models in use) on the redacted
    turns, reporting `progress(turns done, turns)` as it goes."""
    transcript = parse_bytes(data, name)
    master_view = kb.master_by_name(master)
    models = learning.models_in_use(kb)
    language = language_of_texts(t.text for t in transcript.turns)
    return kb.import_transcript(
        master_view.id,
        transcript,
        data,
        functools.partial(extract_transcript, progress=progress, models=models),
        title=title,
        held_on=held_on,
        confidential=confidential,
        proposed_by=learning.proposed_by(models, language),
    )


def register_with_consent(
    kb: KnowledgeBase,
    name: str,
    scopes: Sequence[str],
    *,
    craft: str | None = None,
    organisation: str | None = None,
    given_on: date | None = None,
) -> int:
    """Register a master (if new) and record the consent he gave; his id."""
    master_id = kb.register_master(name, craft=craft, organisation=organisation)
    kb.record_consent(master_id, scopes, given_on=given_on)
    return master_id


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


def demo_accounts(kb: KnowledgeBase, secrets_file: Path) -> tuple[list[tuple[str, str]], str | None]:
    """Accounts to try every role with, on the demo knowledge base: admin, an interviewer, an SME
    and one account per sample master (named by family name), sharing one random password.

    The password is made when the accounts are, written to `secrets_file` (readable by the owner
    only) and read back on later runs; it is never fixed in the code. Returns (user, role) pairs
    and the password, or None where the file is gone (reset it with `myeongjang user passwd`).
    """
    manifest = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
    wanted = [(kb.user or "admin", "admin", None), ("interviewer", "interviewer", None), ("sme", "sme", None)]
    wanted += [(item["master"].split()[0].lower(), "master", item["master"]) for item in manifest["interviews"]]
    existing = {u["username"] for u in kb.list_users()}
    password = secrets_file.read_text(encoding="utf-8").strip() if secrets_file.exists() else None
    first_run = existing <= {kb.user}  # only the account `ensure_admin` just made
    if password is None and first_run:
        password = secrets.token_urlsafe(9)
        secrets_file.parent.mkdir(parents=True, exist_ok=True)
        secrets_file.touch(mode=0o600)
        secrets_file.write_text(password + "\n", encoding="utf-8")
    for username, role, master in wanted:
        if username in existing:
            continue
        kb.add_user(username, role, master=master, password=password, display_name=master or username.title())
    if password is not None and first_run and kb.user:
        kb.set_password(kb.user, password)
    return [(u, r) for u, r, _ in wanted], password
