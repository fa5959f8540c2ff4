"""Fixtures: a fresh knowledge base per test on SQLite, and on PostgreSQL when a server is given.

PostgreSQL runs when MYEONGJANG_TEST_POSTGRES_URL is set (scripts/test.sh starts a throwaway
server on loopback); in CI (CI=true) a missing server is a failure, not a skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from streamlit.testing.v1 import AppTest

from elicitation.embeddings import SentenceEncoder, default_encoder
from knowledge_base import KnowledgeBase
from ui.workflows import ensure_admin, load_samples

PG_ENV = "MYEONGJANG_TEST_POSTGRES_URL"
PGVECTOR_ENV = "MYEONGJANG_TEST_PGVECTOR_URL"
ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "elicitation" / "samples"
FIXTURES = Path(__file__).with_name("fixtures")
EXE = str(Path(sys.executable).with_name("myeongjang"))


def run(*args: str, stdin: str | None = None, env_url: str | None = None) -> subprocess.CompletedProcess[str]:
    """The console script run as a user runs it, with its output captured."""
    env = dict(os.environ)
    if env_url:
        env["MYEONGJANG_DATABASE_URL"] = env_url
    return subprocess.run([EXE, *args], input=stdin, capture_output=True, text=True, env=env, timeout=300)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def postgres_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        if _in_ci():
            pytest.fail(f"{PG_ENV} is not set: CI must run the database tests on PostgreSQL too")
        pytest.skip(f"{PG_ENV} not set (scripts/test.sh starts a PostgreSQL server when one is installed)")
    return url


def pgvector_url() -> str:
    url = os.environ.get(PGVECTOR_ENV)
    if not url:
        if _in_ci():
            pytest.fail(f"{PGVECTOR_ENV} is not set: CI must run the vector search in PostgreSQL (pgvector) too")
        pytest.skip(f"{PGVECTOR_ENV} not set (scripts/test.sh starts a PostgreSQL server with pgvector)")
    return url


def reset_postgres(url: str) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kb.db'}"
    url = postgres_url()
    reset_postgres(url)
    return url


@pytest.fixture
def kb(db_url: str) -> Iterator[KnowledgeBase]:
    """A fresh knowledge base with its first admin, acting as that admin."""
    base = KnowledgeBase(db_url)
    base.add_user("admin", "admin")
    yield base.as_user("admin")
    base.engine.dispose()


@pytest.fixture
def sqlite_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """MYEONGJANG_DATABASE_URL pointing at a fresh SQLite file, for CLI and UI tests."""
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("MYEONGJANG_DATABASE_URL", url)
    return url


APP = str(Path(__file__).resolve().parents[1] / "ui" / "app.py")


def samples_with_accounts(url: str, password: str, *accounts: tuple[str, str, str | None]) -> KnowledgeBase:
    """A knowledge base holding the bundled sample interviews, with the admin's password set and
    these (username, role, master) accounts, each with `password`."""
    kb = ensure_admin(KnowledgeBase(url))
    load_samples(kb)
    kb.set_password("admin", password)
    for username, role, master in accounts:
        kb.add_user(username, role, master=master, password=password)
    return kb


def run_app(user: str | None = "admin", page: str | None = None, *, language: str | None = None) -> AppTest:
    """The app (an AppTest) with `user` already signed in, as the sign-in page leaves it, in
    `language` if given; on `page` if given."""
    at = AppTest.from_file(APP, default_timeout=120)
    if language:
        at.session_state["lang"] = language
    if user:
        at.session_state["user"] = user
    at.run()
    if page:
        at.switch_page(f"screens/{page}.py").run()
    assert not at.exception, at.exception
    return at


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def encoder() -> SentenceEncoder:
    """The packaged MiniLM model, loaded once for the whole run."""
    return default_encoder()


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("pgvector", marks=pytest.mark.postgres),
    ]
)
def semantic_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """SQLite (vectors searched in process), Debian's PostgreSQL without pgvector (in process
    too), and PostgreSQL with pgvector (searched by the database)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kb.db'}"
    url = postgres_url() if request.param == "postgres" else pgvector_url()
    reset_postgres(url)
    return url


@pytest.fixture
def skb(semantic_url: str, encoder: SentenceEncoder) -> Iterator[KnowledgeBase]:
    """A fresh knowledge base with the semantic layer on, acting as its first admin."""
    base = KnowledgeBase(semantic_url, encoder=encoder)
    base.add_user("admin", "admin")
    yield base.as_user("admin")
    base.engine.dispose()


@pytest.fixture(scope="session")
def multilingual() -> Any:
    """The packaged multilingual model (Universal Sentence Encoder, multilingual v3), loaded once."""
    from elicitation.embeddings import multilingual_encoder

    return multilingual_encoder()


@pytest.fixture
def mkb(semantic_url: str, encoder: SentenceEncoder, multilingual: Any) -> Iterator[KnowledgeBase]:
    """A fresh knowledge base with both the English and the multilingual model, as its first admin."""
    base = KnowledgeBase(semantic_url, encoder=encoder, multilingual=multilingual)
    base.add_user("admin", "admin")
    yield base.as_user("admin")
    base.engine.dispose()
