"""Log to ``<data>/logs/auditdesk.log`` (rotating); tracebacks of bugs end up there."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

_HANDLER_NAME = "auditdesk-file"


def setup_logging(logs_dir: Path, level: int = logging.INFO) -> Path | None:
    """Attach a rotating file handler once; return the log file, or ``None`` if it cannot be written."""
    root = logging.getLogger()
    for handler in root.handlers:
        if handler.get_name() == _HANDLER_NAME:
            return Path(getattr(handler, "baseFilename", ""))
    try:
        logs_dir.mkdir(parents=True, exist_ok=True)
        path = logs_dir / "auditdesk.log"
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        return None
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(min(root.level or level, level))
    return path
