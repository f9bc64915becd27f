"""Shared fixtures: offscreen Qt, a migrated template database copied per test, a workspace.

The store and service tests (``tests/core/test_store*.py``, ``tests/core/test_services_*.py``,
``tests/services/``) run twice through ``data_dir``: on SQLite and on PostgreSQL. The PostgreSQL
variant needs a server: ``AUDITDESK_TEST_DATABASE`` is a URL whose user may create databases
(``postgresql+psycopg://user@/postgres?host=/tmp/sock``); each test gets a fresh database copied
from a template migrated once per session, named to the workspace through ``AUDITDESK_DATABASE``.
Without a server the PostgreSQL variants are skipped, except under ``CI=true``, where they fail.
``--db=sqlite`` or ``--db=postgresql`` runs one variant only. A test that is about the SQLite
file itself says so with ``@pytest.mark.sqlite_only("reason")``.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from auditdesk.database import ENV_DATABASE
from auditdesk.paths import DB_FILENAME
from auditdesk.services.workspace import Workspace
from auditdesk.store import Store

BOTH_BACKENDS = ("tests/core/test_store", "tests/core/test_services_", "tests/services/")
"""Test files (path prefixes) that run on both databases."""

ENV_TEST_DATABASE = "AUDITDESK_TEST_DATABASE"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=("both", "sqlite", "postgresql"),
        default="both",
        help="which database the store and service tests run on (default: both)",
    )


def pytest_configure(config: pytest.Config) -> None:
    # the shell's database (an office's real one) must never reach a test: each test that wants
    # a server gets a fresh one from AUDITDESK_TEST_DATABASE (db_backend, pg_database)
    os.environ.pop(ENV_DATABASE, None)
    config.addinivalue_line(
        "markers", "sqlite_only(reason): the test is about the SQLite file (not run on a server)"
    )
    config.addinivalue_line(
        "markers", "postgresql_only(reason): the test is about a server (not run on SQLite)"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_backend" not in metafunc.fixturenames:
        return
    path = Path(metafunc.definition.path).relative_to(metafunc.config.rootpath).as_posix()
    if not path.startswith(BOTH_BACKENDS):
        return
    choice = metafunc.config.getoption("--db")
    backends = ["sqlite", "postgresql"] if choice == "both" else [choice]
    if metafunc.definition.get_closest_marker("sqlite_only") is not None:
        backends = ["sqlite"]
    if metafunc.definition.get_closest_marker("postgresql_only") is not None:
        backends = [b for b in backends if b == "postgresql"]  # none: skipped with --db=sqlite
    metafunc.parametrize("db_backend", backends, indirect=True)


@dataclass
class PgServer:
    """A PostgreSQL server for tests: an admin URL, a migrated template, fresh databases."""

    admin_url: str
    template: str = ""
    created: list[str] = field(default_factory=list)

    def _admin(self) -> Any:
        import psycopg

        url = make_url(self.admin_url)
        return psycopg.connect(url.set(drivername="postgresql").render_as_string(False),
                               autocommit=True)  # fmt: skip

    def url_of(self, name: str) -> str:
        return make_url(self.admin_url).set(database=name).render_as_string(False)

    def create(self, *, template: str | None = None) -> str:
        name = f"auditdesk_t{os.getpid()}_{len(self.created)}"
        with self._admin() as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')
            conn.execute(f'create database "{name}" template "{template or "template0"}"')
        self.created.append(name)
        return self.url_of(name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        with self._admin() as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')
        if name in self.created:
            self.created.remove(name)

    def drop_all(self) -> None:
        with self._admin() as conn:
            for name in self.created:
                conn.execute(f'drop database if exists "{name}" with (force)')
        self.created.clear()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The test server with a template database at the latest schema, or a skip (a failure
    under ``CI=true``) when ``AUDITDESK_TEST_DATABASE`` is unset or the server is not there."""
    url = os.environ.get(ENV_TEST_DATABASE)
    in_ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    if not url:
        if in_ci:
            pytest.fail(f"CI must run the PostgreSQL variants: {ENV_TEST_DATABASE} is not set")
        pytest.skip(f"no PostgreSQL server: set {ENV_TEST_DATABASE} to run the server variants")
    server = PgServer(url)
    try:
        template_url = server.create()
    except Exception as exc:
        if in_ci:
            pytest.fail(f"CI: PostgreSQL at {url} unusable: {exc}")
        pytest.skip(f"PostgreSQL at {url} unusable: {exc}")
    Store.upgrade_server(template_url)
    server.template = str(make_url(template_url).database)
    try:
        yield server
    finally:
        server.drop_all()


@pytest.fixture
def pg_database(pg_server: PgServer) -> Iterator[str]:
    """A fresh PostgreSQL database at the latest schema (URL), dropped after the test."""
    url = pg_server.create(template=pg_server.template)
    yield url
    pg_server.drop(url)


@pytest.fixture
def db_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """``sqlite`` or ``postgresql``; for ``postgresql`` the workspace opens a fresh server
    database (``AUDITDESK_DATABASE`` set for the test)."""
    backend: str = getattr(request, "param", "sqlite")
    if backend == "postgresql":
        monkeypatch.setenv(ENV_DATABASE, request.getfixturevalue("pg_database"))
    else:
        monkeypatch.delenv(ENV_DATABASE, raising=False)
    return backend


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database at the latest schema, built once per session."""
    root = tmp_path_factory.mktemp("template")
    ws = Workspace.open(root)
    ws.close()
    return root / DB_FILENAME


@pytest.fixture
def data_dir(
    tmp_path: Path, template_db: Path, monkeypatch: pytest.MonkeyPatch, db_backend: str
) -> Path:
    root = tmp_path / "data"
    root.mkdir()
    shutil.copyfile(template_db, root / DB_FILENAME)
    monkeypatch.delenv("AUDITDESK_DATA_DIR", raising=False)
    return root


@pytest.fixture
def ws(data_dir: Path) -> Iterator[Workspace]:
    workspace = Workspace.open(data_dir)
    yield workspace
    workspace.close()


@pytest.fixture
def other(data_dir: Path, ws: Workspace) -> Iterator[Workspace]:
    """A second user's workspace on the same database as ``ws`` (its own engine and connections)."""
    second = Workspace.open(data_dir)
    yield second
    second.close()
