"""Log to ``<data>/logs/auditdesk.log`` (rotating); tracebacks of bugs end up there."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

_HANDLER_NAME = "auditdesk-file"


class QuietFileHandler(logging.handlers.RotatingFileHandler):
    """The log file; when it cannot be written (a full disk), the record is dropped and
    :attr:`failed` is set, instead of logging's "--- Logging error ---" traceback on stderr."""

    failed = False

    def handleError(self, record: logging.LogRecord) -> None:
        self.failed = True


def log_file_failed() -> bool:
    """Whether the log file could not be written (so a traceback did not reach it)."""
    root = logging.getLogger()
    handlers = [h for h in root.handlers if h.get_name() == _HANDLER_NAME]
    return not handlers or any(getattr(h, "failed", False) for h in handlers)


def silence_last_resort() -> None:
    """Never print a log record (a traceback) on the terminal when no log file is attached: the
    root logger gets a handler that drops records, so logging's last-resort stderr handler is not
    used."""
    root = logging.getLogger()
    if not any(isinstance(h, logging.NullHandler) for h in root.handlers):
        root.addHandler(logging.NullHandler())


def setup_logging(logs_dir: Path, level: int = logging.INFO) -> Path | None:
    """Attach a rotating file handler once; return the log file, or ``None`` if it cannot be written."""
    root = logging.getLogger()
    for handler in root.handlers:
        if handler.get_name() == _HANDLER_NAME:
            return Path(getattr(handler, "baseFilename", ""))
    try:
        logs_dir.mkdir(parents=True, exist_ok=True)
        path = logs_dir / "auditdesk.log"
        handler = QuietFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        return None
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(min(root.level or level, level))
    return path
