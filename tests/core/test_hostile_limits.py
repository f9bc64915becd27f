"""Issue 17, points 8, 10 and 11: caps on small hostile inputs, and clear messages where internal
errors escaped (CSV, checklist TOML, case files, sealed files, settings, scratch files).

Every test here failed on the code before the fix; the docstring of each says how.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tracemalloc
import zipfile
from pathlib import Path

import pytest

import auditdesk
from auditdesk.archive import (
    ENC_MAGIC,
    ArchiveError,
    PassphraseError,
    open_archive,
    seal,
    unseal,
)
from auditdesk.checklists.loader import read_module
from auditdesk.errors import AuditDeskError
from auditdesk.payroll.importer import read_payroll
from auditdesk.services.workspace import Workspace
from auditdesk.settings import Preferences, load_preferences

HEADER = "工号,姓名,身份证号,应发工资,实发工资\n"
ROW = "E001,张三,310101199001011234,8000,7000\n"


def _refused(path: Path) -> str:
    with pytest.raises(AuditDeskError) as info:
        read_payroll([path])
    assert path.name in info.value.message
    return info.value.message


# ------------------------------------------------------------------ CSV caps (point 8)
def test_csv_row_wider_than_excel_is_refused(tmp_path: Path) -> None:
    """Before: read (and padded every row to 20,001 cells); a 100,001-wide row took 6 GB."""
    path = tmp_path / "ragged.csv"
    path.write_text(HEADER + ROW * 50 + "," * 20_000 + "\n", encoding="utf-8")
    assert "16384 列" in _refused(path)


def test_csv_padded_table_over_the_cell_cap_is_refused(tmp_path: Path) -> None:
    """Before: 11,000 rows padded to a 2,000-wide row (22 M cells) were read; 16,000 columns ×
    14,000 rows took gigabytes. A table is held to the same 21 M cells as a workbook sheet."""
    path = tmp_path / "wide.csv"
    path.write_text(HEADER + "," * 1_999 + "\n" + ROW * 11_000, encoding="utf-8")
    assert "单元格" in _refused(path)


def test_csv_one_line_of_delimiters_is_refused_quickly(tmp_path: Path) -> None:
    """Before: a 50 MB line of commas became one 50 M-cell row (11.9 GB, 2.5 min); here 2 M."""
    path = tmp_path / "oneline.csv"
    path.write_bytes(b"," * 2_000_000)
    tracemalloc.start()
    try:
        _refused(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 * 1024 * 1024


# ------------------------------------------------------------------ CSV text (point 10)
def test_truncated_utf16_csv_is_a_clear_message(tmp_path: Path) -> None:
    """Before: UnicodeDecodeError ('truncated data') escaped as an internal error."""
    path = tmp_path / "cut16.csv"
    path.write_bytes((HEADER + ROW).encode("utf-16") + b"\x41")
    assert "UTF-16" in _refused(path)


def test_utf16_csv_with_a_lone_surrogate_is_a_clear_message(tmp_path: Path) -> None:
    """Before: UnicodeDecodeError ('illegal UTF-16 surrogate') escaped as an internal error."""
    path = tmp_path / "surrogate.csv"
    body = (HEADER + "E001,张").encode("utf-16-le") + b"\x00\xd8" + ",1,2,3\n".encode("utf-16-le")
    path.write_bytes(b"\xff\xfe" + body)
    assert "UTF-16" in _refused(path)


# ------------------------------------------------------------------ checklist TOML
MODULE_HEAD = 'area = "pay"\ntitle = "测试模块"\n'


def test_deeply_nested_toml_is_a_located_problem(tmp_path: Path) -> None:
    """Before: tomllib's RecursionError escaped (exit 3, traceback on the terminal)."""
    path = tmp_path / "deep.toml"
    path.write_text(MODULE_HEAD + "x = " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    module, problems = read_module(path, custom=True)
    assert module is None
    assert [p.file for p in problems] == ["deep.toml"]
    assert "嵌套层数过深" in problems[0].message


def test_moderately_nested_toml_is_refused_by_depth(tmp_path: Path) -> None:
    """Before: 200 levels parsed and were handed on to validation."""
    path = tmp_path / "nested.toml"
    path.write_text(MODULE_HEAD + "x = " + "[" * 200 + "]" * 200 + "\n", encoding="utf-8")
    _, problems = read_module(path, custom=True)
    assert any("嵌套层数过深" in p.message for p in problems)


def test_oversized_toml_is_refused_unread(tmp_path: Path) -> None:
    """Before: a 3 MB file was parsed whole (and reported only as having no items)."""
    path = tmp_path / "big.toml"
    path.write_text(MODULE_HEAD + "# " + "x" * 3_000_000 + "\n", encoding="utf-8")
    _, problems = read_module(path, custom=True)
    assert len(problems) == 1
    assert "文件过大" in problems[0].message


def test_deep_toml_never_prints_a_traceback(tmp_path: Path) -> None:
    """Before: `checklists validate` on it printed the RecursionError traceback (logging's last
    resort handler: no log file was attached) and exited 3."""
    path = tmp_path / "deep.toml"
    path.write_text(MODULE_HEAD + "x = " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(auditdesk.__file__).resolve().parents[1])}
    done = subprocess.run(
        [sys.executable, "-m", "auditdesk", "--data-dir", str(tmp_path / "d"), "checklists",
         "validate", str(path)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "嵌套层数过深" in done.stdout


# ------------------------------------------------------------------ settings.json
@pytest.mark.parametrize("content", ["[1, 2, 3]", '"text"', "42", "null"])
def test_settings_holding_no_object_fall_back_to_defaults(tmp_path: Path, content: str) -> None:
    """Before: AttributeError ('list' object has no attribute 'get') at every GUI start."""
    path = tmp_path / "settings.json"
    path.write_text(content, encoding="utf-8")
    assert load_preferences(path) == Preferences()
    assert not path.exists()
    assert (tmp_path / "settings.broken.json").read_text(encoding="utf-8") == content


# ------------------------------------------------------------------ sealed files
def _sealed(tmp_path: Path, size: int = 1000) -> Path:
    plain = tmp_path / "plain.bin"
    plain.write_bytes(os.urandom(size))
    target = tmp_path / "sealed.adcase"
    seal(plain, target, "correct horse")
    return target


def _with_params(sealed: Path, **params: int) -> Path:
    data = sealed.read_bytes()
    at = len(ENC_MAGIC)
    size = int.from_bytes(data[at : at + 2], "big")
    header = json.loads(data[at + 2 : at + 2 + size])
    header.update(params)
    raw = json.dumps(header).encode()
    out = sealed.with_name("edited.adcase")
    out.write_bytes(ENC_MAGIC + len(raw).to_bytes(2, "big") + raw + data[at + 2 + size :])
    return out


@pytest.mark.parametrize(
    "params",
    [
        {"n": 2**18},
        {"r": 16},
        {"p": 2},
        {"n": 0},
        {"n": -1024},
        {"r": 0},
        {"p": -1},
        {"n": 2**17 + 1},
    ],
)
def test_sealed_header_params_must_be_those_auditdesk_writes(
    tmp_path: Path, params: dict[str, int]
) -> None:
    """Before: n=2¹⁸ (or up to n=2²⁰, r=32: 104 s, 4 GiB) was derived and ended as "口令错误";
    zero or negative parameters crashed scrypt with ValueError (an internal error)."""
    edited = _with_params(_sealed(tmp_path), **params)
    with pytest.raises(ArchiveError) as info:
        unseal(edited, tmp_path / "out.zip", "correct horse", max_bytes=1 << 30)
    assert not isinstance(info.value, PassphraseError)
    assert "参数异常" in info.value.message


def test_sealed_file_cut_after_its_first_chunk_is_not_a_wrong_passphrase(tmp_path: Path) -> None:
    """Before: a file cut right after an intact first 1 MiB chunk said "口令错误"."""
    sealed = _sealed(tmp_path, size=(1 << 20) + 5000)
    data = sealed.read_bytes()
    at = len(ENC_MAGIC)
    header_end = at + 2 + int.from_bytes(data[at : at + 2], "big")
    cut = tmp_path / "cut.adcase"
    cut.write_bytes(data[: header_end + (1 << 20) + 16])
    with pytest.raises(ArchiveError) as info:
        unseal(cut, tmp_path / "out.zip", "correct horse", max_bytes=1 << 30)
    assert not isinstance(info.value, PassphraseError)
    assert "不完整" in info.value.message
    with pytest.raises(PassphraseError):  # a wrong passphrase is still called one
        unseal(cut, tmp_path / "out.zip", "wrong horse!", max_bytes=1 << 30)


def test_env_passphrase_needs_eight_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: AUDITDESK_CASE_PASSPHRASE=x sealed a case file with a 1-character passphrase."""
    from auditdesk.cli.cases import ENV_PASSPHRASE, _passphrase

    monkeypatch.setenv(ENV_PASSPHRASE, "x")
    with pytest.raises(AuditDeskError, match="8 个字符"):
        _passphrase(confirm=True)
    monkeypatch.setenv(ENV_PASSPHRASE, "12345678")
    assert _passphrase(confirm=True) == "12345678"


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_killed_sealed_import_leaves_nothing_at_next_start(tmp_path: Path) -> None:
    """Before: the decrypted zip of a killed import stayed in tmp/ until it was a day old."""
    tmp = tmp_path / "tmp"
    orphan = tmp / f"auditdesk-archive-{_dead_pid()}-k1ll3d"
    orphan.mkdir(parents=True)
    (orphan / "plain.zip").write_bytes(b"PK decrypted personal data")
    half_sealed = tmp / f"auditdesk-archive-{_dead_pid()}-x.zip"  # an export killed before sealing
    half_sealed.write_bytes(b"PK plain")
    alive = tmp / f"auditdesk-archive-{os.getppid()}-busy"  # a running process's: kept
    alive.mkdir()
    other = tmp / "someone-else.txt"
    other.write_text("fresh")
    Workspace.open(tmp_path).close()
    assert not orphan.exists()
    assert not half_sealed.exists()
    assert alive.exists()
    assert other.exists()


def test_decrypted_scratch_is_named_by_its_process(tmp_path: Path) -> None:
    sealed_zip = tmp_path / "a.zip"
    with zipfile.ZipFile(sealed_zip, "w") as zf:
        zf.writestr("manifest.json", json.dumps({"members": {}}))
    sealed = tmp_path / "a.adcase"
    seal(sealed_zip, sealed, "correct horse")
    work = tmp_path / "tmp"
    with open_archive(sealed, passphrase="correct horse", workdir=work):
        names = [p.name for p in work.iterdir()]
    assert len(names) == 1
    assert names[0].startswith(f"auditdesk-archive-{os.getpid()}-")


# ------------------------------------------------------------------ case-file records
def _case_zip(path: Path, members: dict[str, bytes], sizes: dict[str, int] | None = None) -> Path:
    import hashlib

    listed = {
        name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        for name, data in members.items()
    }
    for name, size in (sizes or {}).items():
        listed[name]["size"] = size
    manifest = {"format": "auditdesk-case", "format_version": 1, "schema_version": 1,
                "members": listed}  # fmt: skip
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        zf.writestr("manifest.json", json.dumps(manifest))
    return path


def _read_case(path: Path) -> str:
    from auditdesk.services.case_format import read_case

    with pytest.raises(ArchiveError) as info, open_archive(path) as archive:
        read_case(archive, path)
    return info.value.message


def test_case_records_of_tiny_objects_are_refused_at_the_first(tmp_path: Path) -> None:
    """Before: the whole member was inflated, copied and parsed (2 M empty objects here, 150 MB;
    a 20 MB file declaring 3.5 GB took 6.9 GB) before any row was looked at."""
    records = b"[" + b"{}," * 2_000_000 + b"{}]"
    path = _case_zip(tmp_path / "tiny.adcase", {"records/answers.json": records})
    tracemalloc.start()
    try:
        message = _read_case(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "records/answers.json" in message
    assert "第 1 条记录" in message
    assert peak < 40 * 1024 * 1024


def test_case_records_declared_too_large_are_refused_before_inflating(tmp_path: Path) -> None:
    """Before: a member whose manifest declares 3.5 GB was inflated up to that size."""
    path = _case_zip(tmp_path / "huge.adcase", {"records/answers.json": b"[]"},
                     sizes={"records/answers.json": 3_500 * 1024 * 1024})  # fmt: skip
    assert "上限" in _read_case(path)


def test_case_record_larger_than_the_record_cap_is_refused(tmp_path: Path) -> None:
    """Before: one 12 MB record (a string) was parsed whole."""
    record = b'[{"id": "' + b"x" * (12 * 1024 * 1024) + b'"}]'
    path = _case_zip(tmp_path / "big-row.adcase", {"records/answers.json": record})
    assert "8 MB" in _read_case(path)
