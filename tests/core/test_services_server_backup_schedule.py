"""The office's daily server backup (issue 20.7): the last successful backup recorded in the
database and reported (stale after 36 h), backups written into a chosen folder, retention that
deletes only this app's scheduled backups and never the newest, restore into a new database by
name."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from auditdesk.errors import AuditDeskError
from auditdesk.models.company import CompanyInput
from auditdesk.services import companies, server_backups
from auditdesk.services.restore_recovery import BACKUP_FORMAT, BACKUP_FORMAT_VERSION
from auditdesk.services.workspace import Workspace
from tests.conftest import PgServer


@pytest.mark.postgresql_only("pg_dump backs up a server database")
def test_a_backup_is_recorded_in_the_database_and_status_goes_stale_after_36_hours(
    ws: Workspace, tmp_path: Path
) -> None:
    before = server_backups.backup_status(ws)
    assert before.server
    assert before.last is None
    assert before.stale
    assert "服务器数据库还没有备份记录" in (before.warning() or "")

    folder = tmp_path / "备份盘"
    info = server_backups.create_server_backup(ws, into=folder)
    assert info.path.parent == folder
    assert (info.path / server_backups.DUMP_NAME).is_file()
    status = server_backups.backup_status(ws)
    assert status.last is not None
    assert status.location == str(info.path)
    assert not status.stale
    assert status.warning() is None
    # another machine signed in to the same database sees the same record
    with Workspace.open(
        tmp_path / "other-laptop", database=os.environ["AUDITDESK_DATABASE"]
    ) as other:
        assert server_backups.backup_status(other).last == status.last

    later = server_backups.backup_status(ws, now=status.last + timedelta(hours=40))
    assert later.stale
    assert "服务器数据库已 40 小时未备份" in (later.warning() or "")
    days = server_backups.backup_status(ws, now=status.last + timedelta(days=5, hours=1))
    assert "已 5 天未备份" in (days.warning() or "")
    payload = days.as_json()
    assert payload["stale"] is True
    assert payload["age_hours"] == 121.0
    assert payload["backend"] == "postgresql"
    assert payload["location"] == str(info.path)


@pytest.mark.sqlite_only("the local file's status comes from its snapshots")
def test_status_on_the_local_file_reads_its_snapshots(ws: Workspace) -> None:
    from auditdesk.services import backups

    assert server_backups.backup_status(ws).stale
    backups.create_backup(ws.paths)
    status = server_backups.backup_status(ws)
    assert not status.server
    assert not status.stale
    assert status.warning() is None
    with pytest.raises(AuditDeskError, match="本机数据库文件"):
        server_backups.create_server_backup(ws)


OFFICE = "postgresql+psycopg://boss:***@db.office.lan:5432/auditdesk"


def _fake(root: Path, name: str, kind: str, created: datetime, *, backend: str = "postgresql",
          dump: bool = True, database: str = OFFICE) -> Path:  # fmt: skip
    folder = root / name
    folder.mkdir(parents=True)
    manifest = {"format": BACKUP_FORMAT, "format_version": BACKUP_FORMAT_VERSION,
                "backend": backend, "kind": kind, "created": created.isoformat(),
                "database": database}  # fmt: skip
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    if dump:
        (folder / server_backups.DUMP_NAME).write_bytes(b"PGDMP")
    return folder


def test_retention_deletes_only_old_scheduled_backups_this_app_made(tmp_path: Path) -> None:
    now = datetime(2026, 11, 30, 3, 0)
    root = tmp_path / "backups"

    def at(days: int) -> datetime:
        return now - timedelta(days=days)

    old = [_fake(root, f"{at(d):%Y%m%d-%H%M%S}-daily", "daily", at(d)) for d in (45, 31)]
    kept = [_fake(root, f"{at(d):%Y%m%d-%H%M%S}-daily", "daily", at(d)) for d in (29, 1)]
    manual = _fake(root, f"{at(60):%Y%m%d-%H%M%S}-manual", "manual", at(60))
    laptop = _fake(root, f"{at(50):%Y%m%d-%H%M%S}-daily-2", "daily", at(50), backend="sqlite")
    no_dump = _fake(root, f"{at(40):%Y%m%d-%H%M%S}-daily-3", "daily", at(40), dump=False)
    foreign = root / "年度归档"
    foreign.mkdir()
    (foreign / "manifest.json").write_text("{}", encoding="utf-8")

    removed = server_backups.prune_server_backups(root, 30, database=OFFICE, now=now)
    assert removed == old
    for folder in (*kept, manual, laptop, no_dump, foreign):
        assert folder.exists(), folder
    # the newest scheduled backup is kept however old it is
    later = now + timedelta(days=90)
    assert server_backups.prune_server_backups(root, 1, database=OFFICE, now=later) == [kept[0]]
    assert kept[1].exists()
    with pytest.raises(AuditDeskError, match="保留天数应在 1 到 3650 之间"):
        server_backups.prune_server_backups(root, 0, database=OFFICE)
    assert server_backups.prune_server_backups(tmp_path / "missing", 30, database=OFFICE) == []


def test_retention_keeps_another_databases_backups_in_the_same_folder(tmp_path: Path) -> None:
    """Two databases (the office's and a test or restored one) backed up into one folder: each
    one's retention prunes only its own backups, whoever signs in and by which address."""
    now = datetime(2026, 11, 30, 3, 0)
    root = tmp_path / "backups"
    other_db = "postgresql+psycopg://postgres@db.office.lan:5432/auditdesk_test"
    mine = [_fake(root, f"2026100{d}-023000-daily", "daily", datetime(2026, 10, d, 2, 30))
            for d in (1, 2)]  # fmt: skip
    theirs = [_fake(root, f"2026090{d}-023000-daily", "daily", datetime(2026, 9, d, 2, 30),
                    database=other_db) for d in (1, 2)]  # fmt: skip
    newest = _fake(root, "20261130-023000-daily", "daily", datetime(2026, 11, 30, 2, 30))

    same_db_as_postgres = "postgresql+psycopg://postgres@db.office.lan/auditdesk"
    removed = server_backups.prune_server_backups(root, 30, database=same_db_as_postgres, now=now)
    assert removed == mine
    for folder in (*theirs, newest):
        assert folder.exists(), folder
    # and the other database keeps its own newest backup, however old
    assert server_backups.prune_server_backups(root, 30, database=other_db, now=now) == theirs[:1]
    assert theirs[1].exists()


@pytest.mark.postgresql_only("restores into a new PostgreSQL database")
def test_restore_into_a_new_database_by_name(
    ws: Workspace, pg_server: PgServer, tmp_path: Path
) -> None:
    companies.add_company(ws, CompanyInput(name="嘉定某厂"))
    info = server_backups.create_server_backup(ws)
    in_use = str(make_url(os.environ["AUDITDESK_DATABASE"]).database)
    with pytest.raises(AuditDeskError, match="新数据库名“drop table;”无效"):
        server_backups.restore_into_new_database(ws, info.id, "drop table;")
    with pytest.raises(AuditDeskError, match="不能恢复到正在使用的数据库"):
        server_backups.restore_into_new_database(ws, info.id, in_use)
    target = pg_server.create()
    name = str(make_url(target).database)
    try:
        result = server_backups.restore_into_new_database(ws, info.id, name)
        assert result.records["companies"] == 1
        assert name in result.database
        url = server_backups.target_url(ws, name)
        assert make_url(url).database == name
        assert make_url(url).password is None
        with Workspace.open(tmp_path / "switched", database=target) as restored:
            assert [c.company.name for c in companies.list_companies(restored)] == ["嘉定某厂"]
    finally:
        pg_server.drop(target)


def test_status_age_text_and_json_without_a_backup() -> None:
    none = server_backups.BackupStatus(True, None, None, None, None, None)
    assert none.stale
    assert none.as_json()["last_backup"] is None
    fresh = server_backups.BackupStatus(
        True, datetime(2026, 11, 30, tzinfo=UTC), "/b", "db1", "刘主任", timedelta(hours=3)
    )
    assert not fresh.stale
    assert "刘主任" in fresh.describe()
    assert "db1:/b" in fresh.describe()


@pytest.mark.parametrize("name", ["template1", "template0", "postgres", "Template1"])
def test_never_restores_into_the_servers_own_databases(tmp_path: Path, name: str) -> None:
    """template1 is copied into every database created after it (a restore there would put
    AuditDesk's tables into each new one, and the next restore would find it 'not empty');
    postgres is the server's maintenance database. Both are usually empty, so the 'not empty'
    check let them through."""
    from auditdesk.paths import DataPaths

    paths = DataPaths(tmp_path / "data")
    url = f"postgresql+psycopg://postgres@db.office.lan:5432/{name}"
    with pytest.raises(AuditDeskError, match=f"不能恢复到 PostgreSQL 自带的数据库 {name}"):
        server_backups.restore_server_backup(paths, "20261130-023000-manual", url)
