"""Where AuditDesk keeps its data, and where the shipped checklists, templates and resources are.

Nothing here touches the disk at import time; directories are created when first needed.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

from auditdesk.errors import AuditDeskError

ENV_DATA_DIR = "AUDITDESK_DATA_DIR"
APP_NAME = "AuditDesk"
DB_FILENAME = "auditdesk.db"

_PACKAGE_DIR = Path(__file__).resolve().parent


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the data directory: ``--data-dir`` > ``AUDITDESK_DATA_DIR`` > the platform default.

    The directory is not created here; see :func:`ensure_dir`.
    """
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser().resolve()
    return Path(user_data_dir(APP_NAME, appauthor=False))


def ensure_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if missing; raise a Chinese :class:`AuditDeskError` if we cannot."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AuditDeskError(
            f"无法创建或使用数据目录：{path}（{exc.strerror or exc}）。"
            "请检查该位置是否存在同名文件、磁盘是否已满，以及是否有写入权限，"
            "或用 --data-dir 指定其他目录。",
            location=str(path),
        ) from exc
    if not os.access(path, os.W_OK):
        raise AuditDeskError(
            f"数据目录没有写入权限：{path}。请更改权限，或用 --data-dir 指定其他目录。",
            location=str(path),
        )
    return path


class DataPaths:
    """Every file AuditDesk writes lives under one data directory, so a test's temp dir isolates all."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def database(self) -> Path:
        return self.root / DB_FILENAME

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def attachments(self) -> Path:
        return self.root / "attachments"

    @property
    def custom_checklists(self) -> Path:
        """The organisation's own checklist files (``*.toml``), beside the shipped library."""
        return self.root / "checklists"

    @property
    def tmp(self) -> Path:
        """Scratch space for decrypted or half-written files; personal data never goes to the
        system temp folder."""
        return self.root / "tmp"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def settings_file(self) -> Path:
        return self.root / "settings.json"

    @property
    def gui_state(self) -> Path:
        return self.root / "gui.ini"


def shipped_dir(name: str) -> Path:
    """Locate a shipped data folder (``checklists``, ``report_templates``, ``resources``).

    A wheel carries them under ``auditdesk/_shipped/``; a source checkout (editable install) has them
    beside the package. The wheel copy wins.
    """
    for candidate in (_PACKAGE_DIR / "_shipped" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise AuditDeskError(
        f"找不到程序自带的数据目录“{name}”，安装可能不完整，请重新安装 AuditDesk。"
    )
