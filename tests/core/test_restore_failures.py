"""Review of issue 17: regressions found by trying to break the restore and the far-cell guard.

1. A restore that fails *before* it moves the live database (attachment copy hits a full disk,
   the set-aside manifest cannot be written) must leave the live database where it was.
(The far-away-cell spellings the same review found are in ``test_far_cells.py``.)
"""

from __future__ import annotations

import errno
import os
from datetime import datetime
from pathlib import Path

import pytest

from auditdesk.errors import AuditDeskError
from auditdesk.models.company import CompanyInput
from auditdesk.paths import DataPaths
from auditdesk.services import attachments, backups, companies
from auditdesk.services.demo import load_demo
from auditdesk.services.workspace import Workspace

LATER = "备份之后新建的企业"


def _names(paths: DataPaths) -> list[str]:
    with Workspace.open(paths.root) as ws:
        return sorted(c.company.name for c in companies.list_companies(ws))


@pytest.mark.parametrize("failing", ["copy_verified", "write_manifest"])
def test_restore_failing_before_the_swap_keeps_the_live_database(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    with Workspace.open(data_dir) as ws:
        load_demo(ws)
        photo = tmp_path / "考勤照片.jpg"
        photo.write_bytes(b"\xff\xd8\xff" + b"photo" * 1000)
        with ws.store.read() as tx:
            fid = str(tx.conn.exec_driver_sql("select id from findings limit 1").scalar_one())
        attachments.attach_file(ws, photo, finding_id=fid)
    paths = DataPaths(data_dir)
    snapshot = backups.create_backup(paths, now=datetime(2026, 11, 27, 8, 0))
    with Workspace.open(data_dir) as ws:
        companies.add_company(ws, CompanyInput(name=LATER))
    for blob in paths.attachments.rglob("*"):
        if blob.is_file():  # the restore has an attachment file to copy back
            blob.chmod(0o644)
            blob.unlink()
    before = _names(paths)
    assert LATER in before

    def disk_full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(backups, failing, disk_full)
    with pytest.raises((AuditDeskError, OSError)):
        backups.restore_backup(paths, snapshot)
    monkeypatch.undo()
    assert paths.database.exists(), "the live database was deleted by a failed restore"
    assert _names(paths) == before
