"""Issue 17, points 9 and 11: a full disk, and a data dir too long for SQLite.

A full disk is produced for real where the test can (``PRAGMA max_page_count`` gives SQLite's own
SQLITE_FULL; ``/dev/full`` gives ENOSPC on write) and injected where it cannot (free space).
Every test here failed on the code before the fix; the docstring of each says how.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections import namedtuple
from pathlib import Path

import pytest

import auditdesk
from auditdesk.cli import main
from auditdesk.errors import DiskFullError
from auditdesk.paths import DataPaths
from auditdesk.services import backups
from auditdesk.services.workspace import Workspace
from auditdesk.store import errors as store_errors
from auditdesk.store import sqlite as store_sqlite


def _genuine_full_error(tmp_path: Path) -> sqlite3.OperationalError:
    conn = sqlite3.connect(tmp_path / "tiny.db")
    conn.execute("PRAGMA max_page_count = 2")
    try:
        conn.execute("CREATE TABLE t (x)")
        with pytest.raises(sqlite3.OperationalError) as info:
            conn.executemany("INSERT INTO t VALUES (?)", [("x" * 4000,)] * 100)
    finally:
        conn.close()
    assert info.value.sqlite_errorcode & 0xFF == sqlite3.SQLITE_FULL
    return info.value


def _io_error() -> sqlite3.OperationalError:
    exc = sqlite3.OperationalError("disk I/O error")
    exc.sqlite_errorcode = sqlite3.SQLITE_IOERR_WRITE  # type: ignore[attr-defined]
    return exc


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    Workspace.open(root).close()
    return root


def test_sqlite_full_is_disk_full(tmp_path: Path) -> None:
    assert isinstance(store_errors.classify(_genuine_full_error(tmp_path), tmp_path), DiskFullError)


def test_disk_io_error_with_no_free_space_is_disk_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: "读写数据库时磁盘出错", sending the user to check cables and network shares."""
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(store_errors.shutil, "disk_usage", lambda _p: usage(10**9, 10**9, 4096))
    error = store_errors.classify(_io_error(), tmp_path / "auditdesk.db")
    assert isinstance(error, DiskFullError)
    assert "磁盘空间已满" in error.message
    monkeypatch.setattr(store_errors.shutil, "disk_usage", lambda _p: usage(10**9, 0, 10**9))
    other = store_errors.classify(_io_error(), tmp_path / "auditdesk.db")
    assert other is not None
    assert not isinstance(other, DiskFullError)


def test_backup_on_a_full_disk_does_not_call_the_database_damaged(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: "数据库可能已损坏；请从已有备份恢复" while the database was intact."""
    full = _genuine_full_error(tmp_path)

    def online_backup(source: Path, target: Path) -> None:
        raise store_errors.DatabaseFileError(str(full)) from full

    monkeypatch.setattr(backups, "online_backup", online_backup)
    with pytest.raises(backups.BackupError) as info:
        backups.create_backup(DataPaths(data_dir))
    assert "磁盘空间已满" in info.value.message
    assert "恢复" not in info.value.message
    assert "损坏；" not in info.value.message
    assert not list((data_dir / "backups" / "snapshots").iterdir())


def test_backup_folder_on_a_full_disk_is_a_message(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: OSError(ENOSPC) from writing the manifest escaped (exit 3 in every command, as the
    first command of the day backs up)."""
    real_write = Path.write_text

    def write_text(self: Path, *args: object, **kwargs: object) -> int:
        if self.name.startswith("manifest.json"):
            raise OSError(28, "No space left on device", str(self))
        return real_write(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", write_text)
    with pytest.raises(backups.BackupError) as info:
        backups.create_backup(DataPaths(data_dir))
    assert "磁盘空间已满" in info.value.message


def _check_cannot_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    full = _genuine_full_error(tmp_path)

    def refuse(_path: Path) -> sqlite3.Connection:
        raise full

    monkeypatch.setattr(store_sqlite, "_open_read_only", refuse)


def test_verify_that_cannot_run_suggests_no_restore(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Before: "未通过完整性检查：database or disk is full … 可用 auditdesk backup restore 从备份恢复"."""
    _check_cannot_run(monkeypatch, tmp_path)
    code = main(["--data-dir", str(data_dir), "backup", "verify"])
    out, err = capsys.readouterr()
    assert code == 2
    assert "磁盘空间已满" in err
    assert "完整性检查未能进行" in err
    assert "restore" not in out + err
    assert "恢复" not in out + err


def test_workspace_opens_with_a_warning_when_the_start_check_cannot_run(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: the GUI's start-up check read SQLITE_FULL as damage and offered a restore."""
    _check_cannot_run(monkeypatch, tmp_path)
    with Workspace.open(data_dir, check_integrity=True) as ws:
        assert len(ws.warnings) == 1
        assert "磁盘空间已满" in ws.warnings[0]
        assert "完整性检查未能进行" in ws.warnings[0]
        assert ws.schema_version() > 0


def test_command_hitting_enospc_says_disk_full(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: exit 3, "内部错误 … 程序缺陷"."""
    from auditdesk.services import companies

    def list_companies(*_a: object, **_k: object) -> None:
        raise OSError(28, "No space left on device", str(data_dir / "x"))

    monkeypatch.setattr(companies, "list_companies", list_companies)
    assert main(["--data-dir", str(data_dir), "company", "list"]) == 2
    err = capsys.readouterr().err
    assert "磁盘空间已满" in err
    assert "内部错误" not in err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux /dev/full")
def test_full_disk_log_never_prints_a_traceback(data_dir: Path) -> None:
    """Before: "--- Logging error --- Traceback …" on stderr from the log handler, after which
    the message still claimed the details were in the log."""
    log = data_dir / "logs" / "auditdesk.log"
    log.parent.mkdir(exist_ok=True)
    log.unlink(missing_ok=True)
    log.symlink_to("/dev/full")  # every write: ENOSPC
    script = (
        "import sys\n"
        "from auditdesk.services import companies\n"
        "def boom(*a, **k): raise RuntimeError('a bug')\n"
        "companies.list_companies = boom\n"
        "from auditdesk.cli import main\n"
        f"sys.exit(main(['--data-dir', {str(data_dir)!r}, 'company', 'list']))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(auditdesk.__file__).resolve().parents[1])}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 3
    assert "Traceback" not in done.stderr
    assert "Logging error" not in done.stderr
    assert "内部错误" in done.stderr
    assert "日志文件无法写入" in done.stderr


def _long_dir(tmp_path: Path, total: int) -> Path:
    """A data dir whose auditdesk.db path is ``total`` bytes long."""
    room = total - len(os.fsencode(str(tmp_path.resolve()))) - len("/auditdesk.db")
    parts = []
    while room > 0:
        take = min(100, room - 1) if room > 1 else 1
        parts.append("d" * max(take, 1))
        room -= len(parts[-1]) + 1
    return tmp_path.joinpath(*parts)


def test_data_dir_too_long_for_backups_says_so(tmp_path: Path) -> None:
    """Before: the database opens (490 bytes) but every snapshot path is past SQLite's limit: each
    command warned "数据库可能已损坏；请从已有备份恢复"."""
    root = _long_dir(tmp_path, 490)
    assert len(os.fsencode(str(root / "auditdesk.db"))) <= 490
    Workspace.open(root).close()
    with pytest.raises(backups.BackupError) as info:
        backups.create_backup(DataPaths(root))
    assert "路径过长" in info.value.message
    assert "恢复" not in info.value.message
