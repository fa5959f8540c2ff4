"""Where the knowledge base lives and how its schema gets there (Alembic only)."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event, make_url

from knowledge_base.semantic import EF_SEARCH

ENV_URL = "MYEONGJANG_DATABASE_URL"
MIGRATIONS = Path(__file__).with_name("migrations")


def default_url() -> str:
    """`MYEONGJANG_DATABASE_URL`, else a SQLite file in the per-user data directory."""
    url = os.environ.get(ENV_URL)
    if url:
        return url
    folder = Path(user_data_dir("myeongjang", appauthor=False))
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'myeongjang.db'}"


def _owner_only(url: str) -> None:
    """Create a new SQLite file readable by its owner only (it holds password hashes and
    confidential interviews); SQLite gives its journal files the same mode."""
    path = make_url(url).database
    if not path or path == ":memory:" or path.startswith("file:") or os.path.exists(path):
        return
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        _owner_only(url)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    engine = create_engine(url, future=True, pool_pre_ping=True)
    if engine.dialect.name == "postgresql":

        @event.listens_for(engine, "connect")
        def _pg_settings(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            # pgvector's HNSW candidate list for vector search (knowledge_base.semantic.EF_SEARCH);
            # a placeholder setting where the server has no pgvector, which costs nothing.
            cur = dbapi_conn.cursor()
            cur.execute(f"SET hnsw.ef_search = {EF_SEARCH}")
            # psycopg prepares a statement it runs often; PostgreSQL would then plan it once for
            # any parameters, and that generic plan of the vector search scanned every rule (46
            # against 12 ms a question at 2,000 rules). Each execution is planned for its values.
            cur.execute("SET plan_cache_mode = force_custom_plan")
            cur.close()
            dbapi_conn.commit()

    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()
            dbapi_conn.isolation_level = None  # transactions begin below, not implicitly

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):  # type: ignore[no-untyped-def]
            # Writers take the write lock at BEGIN, so two writers queue instead of one failing
            # with "database is locked" when it upgrades a read snapshot that went stale.
            immediate = conn.get_execution_options().get("sqlite_immediate", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)
