from pathlib import Path

import pytest

from auditdesk.paths import DataPaths, resolve_data_dir, shipped_dir


def test_data_dir_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDITDESK_DATA_DIR", str(tmp_path / "env"))
    assert resolve_data_dir(tmp_path / "flag") == (tmp_path / "flag").resolve()
    assert resolve_data_dir(None) == (tmp_path / "env").resolve()
    monkeypatch.delenv("AUDITDESK_DATA_DIR")
    assert resolve_data_dir(None).name == "AuditDesk"


def test_nothing_is_created_by_resolving(tmp_path: Path) -> None:
    target = tmp_path / "later"
    paths = DataPaths(resolve_data_dir(target))
    assert paths.database == target / "auditdesk.db"
    assert not target.exists()


def test_shipped_resources_are_found() -> None:
    assert (shipped_dir("resources") / "auditdesk.svg").is_file()
