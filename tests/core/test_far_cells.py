"""Issue 17 point 6: a cell far away (XFD1048576) makes calamine allocate hundreds of GB and
abort the whole process. The guard must recognise every spelling XML allows — single quotes,
spaces or line breaks around ``=``, lower case, leading zeros, a character reference, cells
placed by counting — and refuse with a message. Each file is read in a child process under a
memory limit, so an abort fails the test instead of killing pytest. (Cases from the issue 17
break-it review.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.builders.payroll_files import simple_sheet, write_xlsx

pytestmark = pytest.mark.skipif(shutil.which("prlimit") is None, reason="needs prlimit")


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
    "character_reference": b'<row r="1048576"><c r="&#88;FD1048576"><v>1</v></c></row>',
    "dollar_and_spaces": b'<row r="1048576"><c r=" $XFD$1048576 "><v>1</v></c></row>',
    "prefixed_tags": b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
    "rows_counted": b"<row>" * 0
    + b'<row r="1048575"/><row><c r="A1"/><c r="XFD7"><v>1</v></c></row>',
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


def test_an_ordinary_file_still_reads(tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", [simple_sheet("2025-07")])
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    run = subprocess.run([sys.executable, "-c", READ, str(good)], capture_output=True, text=True,
                         env=env, timeout=300, check=False)  # fmt: skip
    assert run.returncode == 0, run.stderr[-300:]
    assert run.stdout.strip() == "read"
