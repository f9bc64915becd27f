"""The PyInstaller bundle (dist/AuditDesk/) as a user has it: copied to a folder with Chinese
characters and a space in its name, run with no venv, no PYTHON* variables and a working
directory outside the source tree, which it must never read.

Skipped when no bundle was built (``python3 dev.py bundle``); ``python3 dev.py bundle --check``
sets AUDITDESK_BUNDLE_REQUIRED=1, which turns that skip into a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from docx import Document

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "AuditDesk"
IS_WINDOWS = sys.platform == "win32"
GUI = "AuditDesk.exe" if IS_WINDOWS else "AuditDesk"
CLI = "auditdesk-cli.exe" if IS_WINDOWS else "auditdesk"
SAMPLE = ROOT / "tests" / "data" / "samples" / "payroll" / "s1-simple.xlsx"
TEMPLATE = ROOT / "report_templates" / "audit_report.docx"

if not (BUNDLE / CLI).exists():
    if os.environ.get("AUDITDESK_BUNDLE_REQUIRED") == "1":
        pytest.fail(f"no bundle at {BUNDLE}: the build failed", pytrace=False)
    pytest.skip(
        "no bundle built (python3 dev.py bundle builds dist/AuditDesk/)", allow_module_level=True
    )


@dataclass
class Installed:
    home: Path  # the user's folder: bundle, data dir, files
    app: Path
    env: dict[str, str]

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(self.app / CLI), *args], cwd=self.home, env=self.env,
                              capture_output=True, text=True, encoding="utf-8", timeout=timeout,
                              check=False)  # fmt: skip


def _user_env(home: Path) -> dict[str, str]:
    """What a user's shell has: no venv on PATH, no PYTHON* or VIRTUAL_ENV, their own home."""
    keep = ("SYSTEMROOT", "WINDIR", "SYSTEMDRIVE", "COMSPEC", "PATHEXT", "TEMP", "TMP")
    env = {k: v for k, v in os.environ.items() if k.upper() in keep}
    env["PATH"] = os.pathsep.join(
        p
        for p in os.environ.get("PATH", "").split(os.pathsep)
        if p and "venv" not in p.lower() and not Path(p).resolve().is_relative_to(ROOT)
    )
    env["HOME"] = env["USERPROFILE"] = str(home)
    env["APPDATA"] = env["LOCALAPPDATA"] = str(home / "AppData")
    env["LANG"] = "C.UTF-8"
    env["AUDITDESK_DATA_DIR"] = str(home / "数据 目录")
    env["QT_QPA_PLATFORM"] = "offscreen"
    assert not any(k.upper().startswith("PYTHON") or k == "VIRTUAL_ENV" for k in env)
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    home = tmp_path_factory.mktemp("user") / "用户 张三"
    home.mkdir()
    app = home / "用工体检台 AuditDesk"
    shutil.copytree(BUNDLE, app, symlinks=True)
    shutil.copyfile(SAMPLE, home / "工资表 6月.xlsx")
    shutil.copyfile(TEMPLATE, home / "我的模板.docx")
    return Installed(home, app, _user_env(home))


@pytest.fixture(scope="module")
def audit_id(installed: Installed) -> str:
    done = installed.cli("demo", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["created"] is True
    listed = installed.cli("audit", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    running = [a for a in json.loads(listed.stdout) if a["status"] == "in_progress"]
    assert running, listed.stdout
    return str(running[0]["id"])


def test_version(installed: Installed) -> None:
    version = re.search(
        r'__version__ = "([^"]+)"', (ROOT / "auditdesk" / "__init__.py").read_text(encoding="utf-8")
    )
    assert version is not None
    done = installed.cli("--version")
    assert done.returncode == 0, done.stderr
    assert version.group(1) in done.stdout


@pytest.mark.skipif(not IS_WINDOWS, reason="a version resource exists in Windows executables only")
@pytest.mark.parametrize(
    ("exe", "description"), [(GUI, "用工体检台"), (CLI, "用工体检台（命令行）")]
)
def test_windows_version_resource(installed: Installed, exe: str, description: str) -> None:
    """Explorer's 属性 > 详细信息 names the product and its version (packaging/version_info.py);
    pefile is a dependency of PyInstaller on Windows, so the bundle build environment has it."""
    pefile = pytest.importorskip("pefile")
    version = re.search(
        r'__version__ = "([^"]+)"', (ROOT / "auditdesk" / "__init__.py").read_text(encoding="utf-8")
    )
    assert version is not None
    pe = pefile.PE(str(installed.app / exe))
    strings: dict[str, str] = {}
    for info in getattr(pe, "FileInfo", [[]])[0]:
        for table in getattr(info, "StringTable", []):
            strings.update({k.decode(): v.decode() for k, v in table.entries.items()})
    assert strings.get("ProductName") == "AuditDesk 用工体检台", strings
    assert strings.get("FileDescription") == description
    assert strings.get("ProductVersion") == version.group(1)
    assert strings.get("OriginalFilename") == exe


def test_shipped_checklists_come_from_the_bundle(installed: Installed) -> None:
    done = installed.cli("checklists", "list", "--json")
    assert done.returncode == 0, done.stderr
    assert "checklists" in done.stdout or "modules" in done.stdout
    assert str(ROOT) not in done.stdout


def test_payroll_check_on_a_sample(installed: Installed) -> None:
    done = installed.cli("payroll", "check", "工资表 6月.xlsx", "--json")
    assert done.returncode in (0, 1), done.stderr  # 1: the check found problems
    result = json.loads(done.stdout)
    assert result["rows"] > 0
    assert "PAY.MIN_WAGE" in result["rules_run"]


def test_report_to_docx(installed: Installed, audit_id: str) -> None:
    out = installed.home / "报告" / "用工体检报告.docx"
    out.parent.mkdir()
    done = installed.cli("report", audit_id, "-o", str(out), "--json")
    assert done.returncode == 0, done.stderr
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "用工体检报告" in text


def test_report_with_own_template_renders_in_a_child_process(
    installed: Installed, audit_id: str
) -> None:
    """A user's template renders in a spawned child: in the bundle that child is the executable
    itself, which only works with multiprocessing.freeze_support() in the entry script."""
    out = installed.home / "自定义模板报告.docx"
    done = installed.cli("report", audit_id, "-o", str(out), "--template", "我的模板.docx")
    assert done.returncode == 0, done.stderr
    assert "用工体检报告" in "\n".join(p.text for p in Document(str(out)).paragraphs)


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace shows the files opened")
def test_nothing_is_read_from_the_source_tree(installed: Installed, audit_id: str) -> None:
    trace = installed.home / "strace.log"
    out = installed.home / "trace-report.docx"
    argv = [str(installed.app / CLI), "report", audit_id, "-o", str(out)]
    done = subprocess.run(["strace", "-f", "-qq", "-e", "trace=%file", "-o", str(trace), *argv],
                          cwd=installed.home, env=installed.env, capture_output=True, text=True,
                          timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    opened = trace.read_text(encoding="utf-8", errors="replace")
    assert "_shipped/report_templates" in opened  # the trace saw the template being read
    assert str(ROOT) not in opened.replace(str(installed.home), "")


def test_gui_starts_offscreen_with_a_screenshot(installed: Installed, audit_id: str) -> None:
    shot = installed.home / "窗口.png"
    shown = shot.with_name(shot.name + ".shown")
    env = {**installed.env, "AUDITDESK_SMOKE_SHOT": str(shot), "AUDITDESK_SMOKE_SECONDS": "3"}
    started = time.monotonic()
    proc = subprocess.Popen([str(installed.app / GUI)], cwd=installed.home, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    first_window = None
    try:
        while proc.poll() is None and time.monotonic() - started < 120:
            if first_window is None and shown.exists():
                first_window = time.monotonic() - started
            time.sleep(0.05)
        hung = proc.poll() is None
        if hung:  # a modal message before the window, or a hang: say so instead of timing out
            proc.kill()
        _out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    stderr = err.decode("utf-8", "replace")
    assert not hung, f"still running after 120 s (window shown: {first_window}):\n{stderr}"
    assert proc.returncode == 0, stderr
    assert first_window is not None
    assert shot.stat().st_size > 10_000  # a real picture of the main window
    assert b"Traceback" not in err
    figures = ROOT / "build" / "bundle-smoke.json"  # dev.py bundle --check reports it
    figures.parent.mkdir(exist_ok=True)
    shutil.copyfile(shot, figures.with_name("bundle-smoke-window.png"))
    figures.write_text(json.dumps({"time_to_first_window_s": round(first_window, 2)}))
