"""The knowledge base leaving and coming back: a shareable export, decision tables other engines
run, a full backup for admins, and a restore into an empty knowledge base (all or nothing).

What may leave follows the sharing policy (`policies.withheld`): no rules of masters who withdrew
consent, no confidential rules of another organisation, no password hashes in an export.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from knowledge_base import db_roles, guidance, policies, snapshot
from knowledge_base.context import Context
from knowledge_base.errors import InvalidEdit
from knowledge_base.models import User
from rules import KnownRule, exports


def _schema(s: Session) -> str | None:
    return s.execute(text("SELECT version_num FROM alembic_version")).scalar()


def export(kb: Context, *, actor: str | None = None) -> dict[str, Any]:
    """Everything the user may share, as one JSON document: rules with all versions, reviews,
    evidence, consent and attribution. Masters whose consent is withdrawn leave their rules
    and transcripts behind, as do confidential rules and interviews of other organisations; no
    accounts, delegations or audit trail leave."""
    with kb.unit(write=True, actor=actor) as uow:
        who = uow.require("export", entity="export")
        withheld = policies.withheld(uow.session, who)
        uow.audit(
            who.username,
            "export",
            "knowledge_base",
            None,
            withheld_rules=len(withheld.rules),
            withheld_transcripts=len(withheld.transcripts),
        )
        uow.session.flush()
        return snapshot.dump(uow.session, kind="export", schema=_schema(uow.session), withheld=withheld)


DECISION_TABLES: dict[str, Callable[[Sequence[KnownRule]], bytes]] = {
    "jdm": lambda rules: json.dumps(exports.to_jdm(rules), ensure_ascii=False, indent=1).encode(),
    "dmn": exports.to_dmn,
    "xlsx": exports.to_xlsx,
}


def decision_tables(kb: Context, fmt: str, *, release: str | None = None, actor: str | None = None) -> bytes:
    """The confirmed rules (or a release) as decision tables other engines run:
    `jdm` (GoRules JSON), `dmn` (DMN 1.3 XML) or `xlsx`. Same sharing limits as `export`."""
    if fmt not in DECISION_TABLES:
        raise InvalidEdit(
            "unknown decision-table format {fmt!r}; use one of {formats}", fmt=fmt, formats=", ".join(DECISION_TABLES)
        )
    with kb.unit(write=True, actor=actor) as uow:
        who = uow.require("export", entity="export")
        hidden = policies.withheld(uow.session, who).rules
        uow.audit(who.username, "export", "decision_tables", None, format=fmt, release=release)
    rules = [k for k in guidance.guidance_rules(kb, release=release, actor=who.username) if int(k.key) not in hidden]
    return DECISION_TABLES[fmt](rules)


def backup(kb: Context, *, actor: str | None = None) -> dict[str, Any]:
    """The whole knowledge base, nothing left out (password hashes included): admins only."""
    with kb.unit(write=True, actor=actor) as uow:
        who = uow.require("manage_users", entity="backup")
        uow.audit(who.username, "backup", "knowledge_base", None)
        uow.session.flush()
        return snapshot.dump(uow.session, kind="backup", schema=_schema(uow.session))


def restore(kb: Context, document: Any) -> dict[str, int]:
    """Load a backup or an export into this knowledge base, which must be empty; all or nothing."""
    with kb.unit(write=True) as uow:
        counts = snapshot.load(uow.session, document)
        s = uow.session
        if s.get_bind().dialect.name == "postgresql":  # the restored accounts' database roles
            for username, role in s.execute(select(User.username, User.role)).all():
                db_roles.enrol(s.connection(), username, role)
    kb.caches.forget_engines()
    return counts
