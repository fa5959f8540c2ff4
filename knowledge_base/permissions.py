"""Who may do what: roles, a master's own rules, delegations and confidential rules.

The service layer asks these questions for every call; a "no" becomes a `PermissionDenied`
that names the user, the role and the refused action, and is written to the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("interviewer", "master", "sme", "admin")

# What each role may do besides reading; reading is narrowed by `can_see`.
GRANTS: dict[str, frozenset[str]] = {
    "admin": frozenset(
        {
            "manage_users",
            "register_master",
            "record_consent",
            "withdraw_consent",
            "import",
            "review",
            "release",
            "export",
            "audit",
            "delegate",
            "classify",
            "curate",
        }
    ),
    "interviewer": frozenset({"register_master", "record_consent", "withdraw_consent", "import", "export", "curate"}),
    "master": frozenset({"review", "withdraw_consent", "curate"}),
    "sme": frozenset(),
}


@dataclass(frozen=True)
class Actor:
    username: str
    role: str
    organisation: str | None = None
    master_id: int | None = None
    delegated: frozenset[int] = frozenset()

    def may(self, action: str) -> bool:
        return action in GRANTS.get(self.role, frozenset())

    def speaks_for(self, master_id: int) -> bool:
        """A master acts for himself; a delegate for the masters an admin named."""
        return self.role == "admin" or self.master_id == master_id or master_id in self.delegated

    def can_see(self, *, status: str, confidential: bool, organisation: str | None) -> bool:
        """SMEs read confirmed rules only; confidential rules stay inside their organisation
        (admins, who run and back up the whole knowledge base, see them too)."""
        if self.role == "sme" and status != "confirmed":
            return False
        if self.role == "admin":
            return True
        return not (confidential and (organisation is None or organisation != self.organisation))
