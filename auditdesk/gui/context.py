"""AppContext: what the main window hands to its pages (no globals)."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QThreadPool

from auditdesk.services.workspace import Workspace


def _single_thread_pool() -> QThreadPool:
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    return pool


@dataclass
class AppContext:
    ws: Workspace
    pool: QThreadPool = field(default_factory=_single_thread_pool)
