#!/usr/bin/env python3
"""Set up AuditDesk in ./.venv and launch it or run every check.

    python3 dev.py run      # create .venv when missing, install, launch the GUI
    python3 dev.py test     # same set-up with dev tools, then lint, import contracts, types, tests
    python3 dev.py bundle [--check]   # the one-folder PyInstaller bundle dist/AuditDesk/ (+ smoke test)
    python3 dev.py wheelhouse         # every wheel for Linux and Windows, Python 3.11-3.13
    python3 dev.py run|test|bundle --offline   # install from ./wheelhouse/ only, no network

Anything else after the command is passed on (to ``auditdesk`` or to ``pytest``). Uses only the
standard library, so it runs on a machine that has nothing but Python >= 3.11.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".auditdesk-installed"
WHEELHOUSE = ROOT / "wheelhouse"
DIST = ROOT / "dist" / "AuditDesk"

# Debian/Ubuntu packages the PySide6 wheel needs (../shared/env-recipe.md, sets a and b).
APT_QT_BASE = [
    "libgl1",
    "libegl1",
    "libxkbcommon0",
    "libfontconfig1",
    "libglib2.0-0",
    "libdbus-1-3",
]
APT_QT_WINDOW = [
    "libxkbcommon-x11-0",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-render-util0",
    "libxcb-shape0",
]
APT_CJK_FONT = ["fonts-wqy-microhei"]
APT_TEST_TOOLS = ["libreoffice-calc-nogui", "libreoffice-writer-nogui", "poppler-utils", "pandoc"]
"""Tests convert generated .xlsx fixtures to legacy .xls, and rendered reports to PDF, with
LibreOffice (no binary fixtures); poppler's pdffonts checks that a CJK font was embedded; pandoc
reads the written documents back as a second reader besides python-docx."""


def say(message: str) -> None:
    print(f"[dev] {message}", flush=True)


def venv_bin(name: str) -> Path:
    folder = "Scripts" if os.name == "nt" else "bin"
    suffix = ".exe" if os.name == "nt" else ""
    return VENV / folder / f"{name}{suffix}"


# ---------------------------------------------------------------- system packages
def _is_debian() -> bool:
    return platform.system() == "Linux" and Path("/etc/debian_version").exists()


def _missing_debs(packages: list[str]) -> list[str]:
    missing = []
    for pkg in packages:
        done = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", pkg], capture_output=True, text=True, check=False
        )
        if "install ok installed" not in done.stdout:
            missing.append(pkg)
    return missing


def _has_cjk_font() -> bool:
    if not shutil.which("fc-list"):
        return False
    done = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False)
    return bool(done.stdout.strip())


def ensure_system_packages(window: bool, tests: bool = False) -> None:
    """Install what Qt needs on Debian/Ubuntu as root; otherwise print the exact line and stop."""
    if not _is_debian():
        return
    wanted = list(APT_QT_BASE)
    if window:
        wanted += APT_QT_WINDOW
    if not _has_cjk_font():
        wanted += APT_CJK_FONT
    if tests:
        wanted += APT_TEST_TOOLS
    try:
        import ensurepip  # noqa: F401
        import venv  # noqa: F401
    except ImportError:
        wanted.append("python3-venv")
    missing = _missing_debs(wanted)
    if not missing:
        return
    line = "apt-get install -y --no-install-recommends " + " ".join(missing)
    if os.geteuid() != 0:
        required = [m for m in missing if m not in APT_TEST_TOOLS]
        say("缺少运行或测试所需的系统软件包。请先运行：")
        print(f"    sudo apt-get update && sudo {line}")
        if required:
            sys.exit(1)
        # Only the LibreOffice/poppler test tools are missing: the tests that need them skip.
        say("继续运行；需要 LibreOffice 的测试（.xls 样本、PDF 检查）将被跳过。")
        return
    say(f"安装系统软件包：{' '.join(missing)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*line.split(), "-qq"], check=True, env=env)


# ---------------------------------------------------------------- venv and project
def pip_env(offline: bool) -> dict[str, str]:
    """The environment pip runs in; offline, no configuration file or PIP_* variable can add an
    index or a find-links location, so ./wheelhouse/ is the only source."""
    if not offline:
        return dict(os.environ)
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull  # pip then reads no configuration file at all
    return env


def pip_source(offline: bool) -> list[str]:
    if not offline:
        return []
    if not any(WHEELHOUSE.glob("*.whl")):
        say(f"{WHEELHOUSE} 中没有 wheel 文件。请先在联网的机器上运行：python3 dev.py wheelhouse")
        sys.exit(2)
    # The compiled dependencies come per Python version (cp311/cp312/cp313): with another Python
    # (Windows' `py` picks the newest installed) pip would only say "no matching distribution".
    tag = f"cp{sys.version_info.major}{sys.version_info.minor}"
    if not any(WHEELHOUSE.glob(f"*-{tag}-{tag}-*.whl")):
        versions = sorted({w.name.split("-")[-2] for w in WHEELHOUSE.glob("*-cp3*-cp3*-*.whl")})
        say(
            f"{WHEELHOUSE} 中没有 Python {sys.version_info.major}.{sys.version_info.minor} 的 wheel"
            f"（有：{', '.join(versions) or '无'}）。请用对应版本运行，例如 Windows：py -3.11 dev.py …"
        )
        sys.exit(2)
    return ["--no-index", "--find-links", str(WHEELHOUSE)]


def ensure_venv(extras: list[str], offline: bool = False) -> None:
    """Create .venv when missing and install AuditDesk (editable) with ``extras``, once per
    pyproject.toml: the stamp records which extras are in for which pyproject digest."""
    if not venv_bin("python").exists():
        say(f"创建虚拟环境 {VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    installed: set[str] | None = None
    for line in STAMP.read_text().splitlines() if STAMP.exists() else []:
        stamp_digest, _, stamp_extras = line.partition(" ")
        if stamp_digest == digest:
            installed = (installed or set()) | {e for e in stamp_extras.split(",") if e}
    if installed is not None and set(extras) <= installed:
        return
    wanted = sorted(set(extras) | (installed or set()))
    target = f".[{','.join(wanted)}]" if wanted else "."
    say(f"安装 AuditDesk 及依赖（pip install -e {target}{'，离线' if offline else ''}）")
    pip = [str(venv_bin("python")), "-m", "pip"]
    env = pip_env(offline)
    source = pip_source(offline)
    if not offline:
        subprocess.run([*pip, "install", "-q", "--upgrade", "pip"], check=True, env=env)
    subprocess.run([*pip, "install", "-q", *source, "-e", target], check=True, cwd=ROOT, env=env)
    with STAMP.open("a") as fh:
        fh.write(f"{digest} {','.join(wanted)}\n")


# ---------------------------------------------------------------- commands
def _gui_launcher() -> list[str]:
    """The GUI without a console: on Windows the venv's pythonw.exe (a console program's window
    would close the app with it), elsewhere the ``auditdesk`` script."""
    if os.name == "nt":
        return [str(VENV / "Scripts" / "pythonw.exe"), "-m", "auditdesk"]
    return [str(venv_bin("auditdesk"))]


def cmd_run(args: list[str], offline: bool) -> int:
    ensure_system_packages(window=True)
    ensure_venv([], offline)
    if (
        platform.system() == "Linux"
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
        and not os.environ.get("QT_QPA_PLATFORM")
    ):
        say(
            "没有图形显示（DISPLAY 未设置）。在无显示器的机器上可用：xvfb-run -a python3 dev.py run"
        )
        return 2
    if args:  # a command (auditdesk demo, --version …) prints: keep the console
        return subprocess.run([str(venv_bin("auditdesk")), *args], check=False).returncode
    if os.name == "nt":
        say("启动 AuditDesk 图形界面（无控制台窗口）")
        proc = subprocess.Popen(_gui_launcher(), cwd=ROOT)  # closing this window is fine
        try:  # pythonw has no console: a start-up error (a missing DLL, a broken venv) shows nowhere
            rc = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            return 0
        if rc != 0:
            say(f"图形界面未能启动（退出码 {rc}）。查看错误信息：{venv_bin('python')} -m auditdesk")
        return rc
    return subprocess.run(_gui_launcher(), check=False).returncode


def _test_env() -> dict[str, str]:
    """Tests run in Python's UTF-8 mode on every system: on Windows the locale's code page (cp936,
    cp1252) would otherwise decode the repository's UTF-8 files and pipe output (PEP 540)."""
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUTF8": "1"}


def cmd_test(args: list[str], offline: bool) -> int:
    ensure_system_packages(window=False, tests=True)
    ensure_venv(["dev"], offline)
    env = _test_env()
    steps: list[tuple[str, list[str]]] = [
        ("ruff check", [str(venv_bin("ruff")), "check", "."]),
        ("ruff format --check", [str(venv_bin("ruff")), "format", "--check", "."]),
        ("import contracts", [str(venv_bin("lint-imports"))]),
        ("mypy", [str(venv_bin("mypy")), "auditdesk"]),
        (
            "checklists validate",
            [str(venv_bin("auditdesk")), "checklists", "validate", "checklists"],
        ),
        ("pytest", [str(venv_bin("python")), "-m", "pytest", *args]),
    ]
    for name, argv in steps:
        say(f"== {name}")
        rc = subprocess.run(argv, cwd=ROOT, env=env, check=False).returncode
        if rc != 0:
            say(f"失败：{name}（退出码 {rc}）")
            return rc
    return 0


def _folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def cmd_bundle(args: list[str], offline: bool) -> int:
    """Build dist/AuditDesk/ from packaging/auditdesk.spec; with --check, run tests/bundle on it."""
    check = "--check" in args
    ensure_system_packages(window=False, tests=False)
    ensure_venv(["bundle", "dev"] if check else ["bundle"], offline)
    say("== PyInstaller packaging/auditdesk.spec → dist/AuditDesk/")
    argv = [str(venv_bin("python")), "-m", "PyInstaller", "--noconfirm", "--clean",
            "--distpath", str(ROOT / "dist"), "--workpath", str(ROOT / "build"),
            str(ROOT / "packaging" / "auditdesk.spec")]  # fmt: skip
    rc = subprocess.run(argv, cwd=ROOT, check=False).returncode
    if rc != 0:
        say(f"失败：PyInstaller（退出码 {rc}）")
        return rc
    size = _folder_size(DIST)
    say(f"完成：{DIST}，{size / 2**20:.0f} MiB（解包后；目标 < 200 MB）")
    if not check:
        return 0
    say("== 冒烟测试 tests/bundle（复制到临时目录，无虚拟环境、无 PYTHON* 变量）")
    env = {**_test_env(), "AUDITDESK_BUNDLE_REQUIRED": "1"}  # the bundle itself gets no PYTHON*
    argv = [str(venv_bin("python")), "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "tests/bundle"]  # fmt: skip
    figures = ROOT / "build" / "bundle-smoke.json"
    figures.unlink(missing_ok=True)
    rc = subprocess.run(argv, cwd=ROOT, env=env, check=False).returncode
    if rc == 0 and figures.exists():
        ttw = json.loads(figures.read_text())["time_to_first_window_s"]
        say(
            f"冒烟测试通过：{size / 2**20:.0f} MiB，首个窗口 {ttw} 秒（截图 build/bundle-smoke-window.png）"
        )
    return rc


def cmd_wheelhouse(args: list[str], offline: bool) -> int:
    """Download every wheel (runtime, dev, bundle, build backend) for Linux and Windows x86-64,
    Python 3.11-3.13, into ./wheelhouse/."""
    ensure_venv(["dev"], offline)
    script = ROOT / "packaging" / "wheelhouse.py"
    return subprocess.run([str(venv_bin("python")), str(script), str(ROOT)], check=False).returncode


COMMANDS = {"run": cmd_run, "test": cmd_test, "bundle": cmd_bundle, "wheelhouse": cmd_wheelhouse}


def main() -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by any python3
        print("AuditDesk 需要 Python 3.11 或更新版本。", file=sys.stderr)
        return 2
    # Redirected on Windows, the streams use the ANSI code page (cp1252 on an English system).
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        return 2
    command, rest = sys.argv[1], sys.argv[2:]
    offline = "--offline" in rest
    rest = [a for a in rest if a != "--offline"]
    return COMMANDS[command](rest, offline)


if __name__ == "__main__":
    sys.exit(main())
