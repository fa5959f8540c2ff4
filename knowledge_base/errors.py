"""Errors of the service layer; each names the problem in one line, as a template and its values
(`rules.messages.Explained`) so the UI can say it in the user's language."""

from typing import Any

from sqlalchemy.exc import DBAPIError, IntegrityError

from rules.messages import Explained

# What the database's driver raised: a damaged file, a server gone away, a disk full, a write that
# clashes with one made meanwhile. SQLAlchemy's own errors (a statement the code built wrong) are
# bugs, and are not dressed up as the database's.
DatabaseFailure = DBAPIError


class KnowledgeBaseError(Explained):
    """Base class: an operation the knowledge base refused, with nothing written."""


class NotFound(KnowledgeBaseError):
    pass


class ConsentRequired(KnowledgeBaseError):
    pass


class InvalidTransition(KnowledgeBaseError):
    pass


class InvalidEdit(KnowledgeBaseError):
    pass


class DuplicateImport(KnowledgeBaseError):
    pass


class SignInRefused(KnowledgeBaseError):
    """The password was not checked: the account is locked or throttled, or the client is."""


class StaleEdit(KnowledgeBaseError):
    """Someone saved the rule since the version the editor started from; both stay stored."""

    def __init__(self, rule_id: int, expected: int, current: int) -> None:
        super().__init__(
            "rule {rule_id} was changed by someone else: you edited version {expected}, the stored version is "
            "now {current}; reload, compare both versions and save again",
            rule_id=rule_id,
            expected=expected,
            current=current,
        )
        self.rule_id = rule_id
        self.expected = expected
        self.current = current


class PermissionDenied(KnowledgeBaseError):
    """The user's role (or the rule's owner or organisation) does not allow the action; audited."""

    def __init__(
        self, message: str, /, *, actor: str, action: str, entity: str = "", entity_id: int | None = None, **params: Any
    ) -> None:
        super().__init__(message, actor=actor, action=action, **params)
        self.actor = actor
        self.action = action
        self.entity = entity
        self.entity_id = entity_id
        self.audited = False


class NotEmpty(KnowledgeBaseError):
    pass


class DatabaseUnusable(KnowledgeBaseError):
    """The database could not be read or written (damaged, unreachable, full); what it did not
    commit was rolled back."""


def database_unusable(exc: BaseException) -> DatabaseUnusable:
    """The database's own error as one line, without the driver's SQL, parameters or help link."""
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    if isinstance(exc, IntegrityError):  # another user's write came first (two imports of one file)
        return DatabaseUnusable(
            "the database refused the change, which clashes with what is stored now: {reason}; nothing was "
            "written, try again",
            reason=(reason[0] if reason else type(exc).__name__)[:300],
        )
    return DatabaseUnusable(
        "the knowledge base's database cannot be used: {reason}; nothing was written",
        reason=(reason[0] if reason else type(exc).__name__)[:300],
    )
