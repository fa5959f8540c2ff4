"""The knowledge base: models, migrations and the service layer every writer goes through."""

from knowledge_base.database import ENV_URL, default_url
from knowledge_base.errors import (
    ConsentRequired,
    DuplicateImport,
    InvalidEdit,
    InvalidTransition,
    KnowledgeBaseError,
    NotFound,
    StaleEdit,
)
from knowledge_base.service import (
    CONSENT_SCOPES,
    ROLES,
    EvidenceView,
    ImportResult,
    KnowledgeBase,
    MasterView,
    RuleView,
    TurnView,
    VersionView,
)

__all__ = [
    "CONSENT_SCOPES",
    "ENV_URL",
    "ROLES",
    "ConsentRequired",
    "DuplicateImport",
    "EvidenceView",
    "ImportResult",
    "InvalidEdit",
    "InvalidTransition",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "MasterView",
    "NotFound",
    "RuleView",
    "StaleEdit",
    "TurnView",
    "VersionView",
    "default_url",
]
