#!/usr/bin/env python3
"""Set up AuditDesk in ./.venv and launch it or run every check.

    python3 dev.py run      # create .venv when missing, install, launch the GUI
    python3 dev.py test     # same set-up with dev tools, then lint, import contracts, types, tests

Anything after the command is passed on (to ``auditdesk`` or to ``pytest``). Uses only the
standard library, so it runs on a machine that has nothing but Python >= 3.11.
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".auditdesk-installed"

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
def ensure_venv(extras: str) -> None:
    if not venv_bin("python").exists():
        say(f"创建虚拟环境 {VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    wanted = f"{digest} {extras}"
    have = STAMP.read_text().split("\n") if STAMP.exists() else []
    if wanted in have or (extras == "" and f"{digest} dev" in have):
        return
    target = f".[{extras}]" if extras else "."
    say(f"安装 AuditDesk 及依赖（pip install -e {target}）")
    pip = [str(venv_bin("python")), "-m", "pip"]
    subprocess.run([*pip, "install", "-q", "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "install", "-q", "-e", target], check=True, cwd=ROOT)
    STAMP.write_text(wanted + "\n")


# ---------------------------------------------------------------- commands
def cmd_run(args: list[str]) -> int:
    ensure_system_packages(window=True)
    ensure_venv("")
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
    return subprocess.run([str(venv_bin("auditdesk")), *args], check=False).returncode


def cmd_test(args: list[str]) -> int:
    ensure_system_packages(window=False, tests=True)
    ensure_venv("dev")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
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


def main() -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by any python3
        print("AuditDesk 需要 Python 3.11 或更新版本。", file=sys.stderr)
        return 2
    if len(sys.argv) < 2 or sys.argv[1] not in {"run", "test"}:
        print(__doc__)
        return 2
    command, rest = sys.argv[1], sys.argv[2:]
    return cmd_run(rest) if command == "run" else cmd_test(rest)


if __name__ == "__main__":
    sys.exit(main())
