"""File permissions that protect data: stored evidence read-only, written documents owner-only.

``chmod`` read-only works on POSIX and Windows alike; owner-only modes exist on POSIX only, and on
Windows a file already inherits its folder's access list (the user's profile), so nothing is done.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_WRITE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


def make_read_only(path: Path) -> None:
    """Clear every write bit (a stored, content-addressed file must never be edited in place)."""
    os.chmod(path, stat.S_IMODE(path.stat().st_mode) & ~_WRITE_BITS)


def make_writable(path: Path) -> None:
    """Give the owner write permission back (before replacing or deleting a read-only file, which
    Windows refuses otherwise)."""
    os.chmod(path, stat.S_IMODE(path.stat().st_mode) | stat.S_IWUSR)


def remove_stored(path: Path) -> None:
    """Delete a (possibly read-only) stored file; a missing file is fine."""
    try:
        make_writable(path)
    except FileNotFoundError:
        return
    path.unlink(missing_ok=True)


def owner_only(path: Path) -> None:
    """Make a written document (report, export, backup) readable and writable by its owner only,
    where the operating system has such modes."""
    if os.name == "posix":
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
