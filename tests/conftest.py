"""Shared fixtures: offscreen Qt, a migrated template database copied per test, a workspace."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditdesk.paths import DB_FILENAME
from auditdesk.services.workspace import Workspace


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database at the latest schema, built once per session."""
    root = tmp_path_factory.mktemp("template")
    ws = Workspace.open(root)
    ws.close()
    return root / DB_FILENAME


@pytest.fixture
def data_dir(tmp_path: Path, template_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
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
