"""Review of issue 17: regressions found by trying to break the restore and the far-cell guard.

1. A restore that fails *before* it moves the live database (attachment copy hits a full disk,
   the set-aside manifest cannot be written) must leave the live database where it was.
2. The far-away-cell guard must recognise every spelling of a cell reference that calamine
   accepts (single quotes, spaces around ``=``, tabs or newlines before ``r``, lower case,
   leading zeros); otherwise calamine aborts the whole process (not an exception). Each file is
   read in a child process so an abort fails the test instead of killing pytest.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from auditdesk.errors import AuditDeskError
from auditdesk.models.company import CompanyInput
from auditdesk.paths import DataPaths
from auditdesk.services import attachments, backups, companies
from auditdesk.services.demo import load_demo
from auditdesk.services.workspace import Workspace
from tests.builders.payroll_files import simple_sheet, write_xlsx

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


READ = r"""
import sys
from pathlib import Path
from auditdesk.errors import AuditDeskError
from auditdesk.payroll.importer import read_payroll
try:
    read_payroll([Path(sys.argv[1])])
except AuditDeskError as exc:
    print(exc.message)
    sys.exit(3)
print("read")
"""

FAR_CELLS = {
    "single_quotes": b"<row r='1048576'><c r='XFD1048576' t='n'><v>1</v></c></row>",
    "spaces_around_eq": b'<row r="1048576"><c r = "XFD1048576" t="n"><v>1</v></c></row>',
    "lower_case": b'<row r="1048576"><c r="xfd1048576" t="n"><v>1</v></c></row>',
    "tab_before_r": b'<row r="1048576"><c\tr="XFD1048576" t="n"><v>1</v></c></row>',
    "newline_before_r": b'<row r="1048576"><c\nr="XFD1048576"><v>1</v></c></row>',
    "leading_zero": b'<row r="1048576"><c r="XFD01048576"><v>1</v></c></row>',
    "no_refs_by_index": b'<row r="1048576">' + b"<c><v>1</v></c>" * 16384 + b"</row>",
}


@pytest.mark.parametrize("name", sorted(FAR_CELLS))
def test_far_cell_in_any_spelling_is_refused_not_aborting(tmp_path: Path, name: str) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", [simple_sheet("2025-07")])
    hostile = tmp_path / f"{name}.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(hostile, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(b"</sheetData>", FAR_CELLS[name] + b"</sheetData>")
            zout.writestr(info.filename, data)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    run = subprocess.run(
        ["prlimit", "--as=4000000000", sys.executable, "-c", READ, str(hostile)],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 3, (run.returncode, run.stderr[-300:])
    assert "数据范围过大" in run.stdout
