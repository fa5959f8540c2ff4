"""The knowledge base: models, migrations and the service layer every writer goes through."""

from knowledge_base.consent import CONSENT_SCOPES
from knowledge_base.database import ENV_URL, default_url
from knowledge_base.errors import (
    ConsentRequired,
    DatabaseFailure,
    DatabaseUnusable,
    DuplicateImport,
    InvalidEdit,
    InvalidTransition,
    KnowledgeBaseError,
    NotEmpty,
    NotFound,
    PermissionDenied,
    SignInRefused,
    StaleEdit,
    database_unusable,
)
from knowledge_base.policies import ROLES, Actor
from knowledge_base.redaction import RedactionPolicy
from knowledge_base.semantic import Encoder, Hit
from knowledge_base.service import KnowledgeBase
from knowledge_base.views import (
    CueView,
    EvidenceView,
    ImportResult,
    MasterView,
    MediaView,
    ReleaseDiff,
    ReleaseView,
    RuleView,
    SearchResult,
    TranscriptSummary,
    TurnView,
    VersionView,
)

__all__ = [
    "CONSENT_SCOPES",
    "ENV_URL",
    "ROLES",
    "Actor",
    "ConsentRequired",
    "CueView",
    "DatabaseFailure",
    "DatabaseUnusable",
    "DuplicateImport",
    "Encoder",
    "EvidenceView",
    "Hit",
    "ImportResult",
    "InvalidEdit",
    "InvalidTransition",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "MasterView",
    "MediaView",
    "NotEmpty",
    "NotFound",
    "PermissionDenied",
    "RedactionPolicy",
    "ReleaseDiff",
    "ReleaseView",
    "RuleView",
    "SearchResult",
    "SignInRefused",
    "StaleEdit",
    "TranscriptSummary",
    "TurnView",
    "VersionView",
    "database_unusable",
    "default_url",
]
