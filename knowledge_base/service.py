"""The service layer's front door: every writer (CLI, UI, Python API) goes through `KnowledgeBase`.

`KnowledgeBase` holds what every call needs (the database, the user it acts as, the sentence
encoders, the shared caches) and hands each call to the bounded context that owns it: accounts,
consent, imports, reading, reviews, releases, archive, search, vocabulary, media, guidance, audit. Each
context function takes the knowledge base first; assigning it in the class body makes it a method
with the context's own signature and docstring, so this class stays one line per operation.
"""

from __future__ import annotations

import copy
from contextlib import AbstractContextManager

from knowledge_base import (
    accounts,
    archive,
    consent,
    database,
    guidance,
    imports,
    media,
    reading,
    reviews,
    training,
    warming,
)

# Five contexts are named like one of their operations; imported under other names, the class body's
# `audit = ...` cannot shadow the module the next line reads from.
from knowledge_base import audit as audit_trail
from knowledge_base import releases as release_context
from knowledge_base import search as searching
from knowledge_base import sign_in as signing
from knowledge_base import vocabulary as cue_vocabulary
from knowledge_base.context import Caches
from knowledge_base.semantic import Encoder
from knowledge_base.unit_of_work import UnitOfWork, Units


class KnowledgeBase:
    """The knowledge base at a database URL (SQLite by default, PostgreSQL by URL)."""

    def __init__(
        self,
        url: str | None = None,
        *,
        migrate: bool = True,
        user: str | None = None,
        encoder: Encoder | None = None,
        multilingual: Encoder | None = None,
    ) -> None:
        self.url = url or database.default_url()
        self.encoder = encoder  # a sentence encoder turns on the semantic layer (elicitation.embeddings)
        # a second, multilingual encoder (with a `scale` onto the first's cosines) ranks any pair of
        # question and rule in which Korean is spoken; English with English stays with `encoder`
        self.multilingual = multilingual
        self.caches = Caches()
        self.engine = database.make_engine(self.url)
        if migrate:
            database.upgrade(self.engine)
        self.user = user
        self._units = Units(self.engine)

    def as_user(self, username: str) -> KnowledgeBase:
        """The same knowledge base (same connections and caches), acting as another user."""
        other = copy.copy(self)
        other.user = username
        return other

    def unit(self, *, write: bool = False, actor: str | None = None) -> AbstractContextManager[UnitOfWork]:
        """A unit of work acting as `actor`, or else as this knowledge base's user."""
        return self._units.open(actor or self.user, write=write)

    # people
    has_users = accounts.has_users
    whoami = accounts.whoami
    add_user = accounts.add_user
    set_password = accounts.set_password
    sign_in = signing.sign_in
    locked_accounts = signing.locked
    unlock = signing.unlock
    list_users = accounts.list_users
    delegate = accounts.delegate
    register_master = consent.register_master
    record_consent = consent.record_consent
    withdraw_consent = consent.withdraw_consent
    masters = consent.masters
    master_by_name = consent.master_by_name

    # interviews
    import_transcript = imports.import_transcript
    transcripts = imports.transcripts
    transcript = imports.transcript

    # reading rules, and what changed
    list_rules = reading.list_rules
    count_rules = reading.count_rules
    domains = reading.domains
    get_rule = reading.get_rule
    history = reading.history
    diff = reading.diff
    state_token = audit_trail.state_token
    audit = audit_trail.audit
    verify_history = audit_trail.verify

    # reviews and edits
    review = reviews.review
    edit_rule = reviews.edit_rule
    restore_version = reviews.restore_version
    split_rule = reviews.split_rule
    merge_rules = reviews.merge_rules
    similar_rules = reviews.similar_rules
    set_confidential = reviews.set_confidential

    # learning from the reviews
    training_examples = training.examples
    reader_model = training.current_model
    reader_models = training.models
    store_reader_model = training.store_model

    # releases
    create_release = release_context.create_release
    releases = release_context.releases
    release_diff = release_context.release_diff

    # export, backup, restore
    export = archive.export
    decision_tables = archive.decision_tables
    backup = archive.backup
    restore = archive.restore

    # the semantic layer
    semantic_backend = searching.semantic_backend
    search = searching.search
    search_turns = searching.search_turns
    rule_vectors = searching.rule_vectors
    warm = warming.warm
    warm_in_background = warming.in_background

    # the cue vocabulary
    vocabulary = cue_vocabulary.vocabulary
    propose_vocabulary = cue_vocabulary.propose_vocabulary
    confirm_cue = cue_vocabulary.confirm_cue
    drop_cue = cue_vocabulary.drop_cue
    apply_vocabulary = cue_vocabulary.apply_vocabulary

    # reference media of observations
    attach_media = media.attach_media
    replace_media = media.replace_media
    remove_media = media.remove_media
    media_for = media.media_for
    media_data = media.media_data

    # guidance
    guidance_rules = guidance.guidance_rules
    guidance_variables = guidance.guidance_variables
    prime_guidance = guidance.prime
    facts_from_question = guidance.facts_from_question
    findings = guidance.findings
    engine_for = guidance.engine_for
    ask = guidance.ask
