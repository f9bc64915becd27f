from pathlib import Path

import pytest

from auditdesk.errors import AuditDeskError
from auditdesk.settings import Preferences, load_preferences, save_preferences


def test_defaults_when_missing(tmp_path: Path) -> None:
    assert load_preferences(tmp_path / "settings.json") == Preferences()


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    save_preferences(path, Preferences(demo_offer_declined=True))
    assert load_preferences(path).demo_offer_declined is True
    assert not path.with_suffix(".tmp").exists()


def test_broken_file_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{not json", encoding="utf-8")
    assert load_preferences(path) == Preferences()
    assert path.with_suffix(".broken.json").read_text(encoding="utf-8") == "{not json"


def test_newer_file_is_refused_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"schema_version": 99}', encoding="utf-8")
    with pytest.raises(AuditDeskError, match="更新版本"):
        load_preferences(path)
    assert path.exists()
