"""PostgreSQL's own tools for backups of a shared database: ``pg_dump --format=custom``,
``pg_restore --list`` (a dump's table of contents, which also proves it is readable) and
``pg_restore`` into a new, empty database.

The connection is given to the tools as separate options and environment variables, the
password only as ``PGPASSWORD`` in the child's environment: never on a command line, where
other users of the machine could read it.
"""

from __future__ import annotations

import glob
import logging
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import URL

from auditdesk.errors import AuditDeskError

log = logging.getLogger(__name__)

TOOL_DIRS = (
    "/usr/lib/postgresql/*/bin",  # Debian, Ubuntu
    "/usr/pgsql-*/bin",  # RHEL and the PGDG packages
    "/usr/local/pgsql/bin",
    "/opt/homebrew/opt/postgresql*/bin",
    "/usr/local/opt/postgresql*/bin",
    "/Applications/Postgres.app/Contents/Versions/*/bin",
    "C:/Program Files/PostgreSQL/*/bin",
)
"""Where PostgreSQL installs its tools when they are not on PATH (newest version wins)."""

TOOL_TIMEOUT_S = 6 * 3600


class PgToolError(AuditDeskError):
    """A PostgreSQL tool is missing or failed; the message is Chinese and names it."""


def _version_key(path: str) -> tuple[int, ...]:
    digits = "".join(c if c.isdigit() else " " for c in path).split()
    return tuple(int(d) for d in digits)


def find_tool(name: str) -> Path:
    """The PostgreSQL program ``name`` (``pg_dump``, ``pg_restore``): on PATH, else in the usual
    install folders (the newest version).

    Raises:
        PgToolError: not installed (the message says what to install).
    """
    exe = f"{name}.exe" if os.name == "nt" else name
    found = shutil.which(exe)
    if found:
        return Path(found)
    candidates = [
        p
        for pattern in TOOL_DIRS
        for p in glob.glob(os.path.join(pattern, exe))
        if os.path.isfile(p)
    ]
    if candidates:
        return Path(max(candidates, key=_version_key))
    raise PgToolError(
        f"找不到 PostgreSQL 的 {name} 程序，无法备份或恢复服务器数据库。"
        "请安装 PostgreSQL 客户端工具（Debian/Ubuntu：apt install postgresql-client；"
        "Windows：PostgreSQL 安装程序中的 Command Line Tools），"
        "或把其 bin 目录加入 PATH 后重试。"
    )


def connection_args(url: URL) -> tuple[list[str], dict[str, str]]:
    """libpq options for the tools (``--host … --dbname …``) and the environment to add
    (``PGPASSWORD``, ``PGSSLMODE`` and the URL's other libpq parameters)."""
    args: list[str] = []
    env: dict[str, str] = {"PGAPPNAME": "AuditDesk"}
    query = {k: (v[-1] if isinstance(v, tuple) else v) for k, v in url.query.items()}
    host = url.host or query.pop("host", None)
    query.pop("host", None)
    if host:
        args += ["--host", str(host)]
    port = url.port or query.pop("port", None)
    query.pop("port", None)
    if port:
        args += ["--port", str(port)]
    if url.username:
        args += ["--username", url.username]
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    libpq_env = {
        "sslmode": "PGSSLMODE",
        "sslrootcert": "PGSSLROOTCERT",
        "sslcert": "PGSSLCERT",
        "sslkey": "PGSSLKEY",
        "connect_timeout": "PGCONNECT_TIMEOUT",
    }
    for key, value in query.items():
        if key in libpq_env:
            env[libpq_env[key]] = str(value)
    return args, env


def _run(tool: str, args: list[str], env: dict[str, str], doing: str) -> str:
    program = find_tool(tool)
    child_env = {**os.environ, **env}
    log.info("running %s %s", program, " ".join(a for a in args))  # no password in args
    try:
        done = subprocess.run(
            [str(program), *args],
            env=child_env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=TOOL_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PgToolError(f"{doing}失败：无法运行 {program}（{exc}）。") from exc
    if done.returncode != 0:
        raise PgToolError(f"{doing}失败（{tool}）：{_failure_detail(done.stderr, done.returncode)}")
    return done.stdout


def _failure_detail(stderr: str, returncode: int) -> str:
    """The tool's error lines (``pg_restore: error: …``; not the statement it quotes after
    ``Command was:``), else its last lines; with a Chinese hint for a permission error. A tool
    killed by a signal (negative return code) was interrupted: that is said first."""
    if returncode < 0:
        return f"程序被中断（信号 {-returncode}），未能完成"
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    errors = [ln for ln in lines if re.search(r"\b(error|fatal|ERROR|FATAL):", ln)]
    detail = "；".join((errors or lines)[-3:]) or f"退出码 {returncode}"
    if "permission denied" in detail:
        detail += "。当前账户在该数据库中没有足够的权限：请用管理员或数据库所有者的账户操作"
    return detail


def dump(url: URL, target: Path, *, snapshot: str | None = None) -> None:
    """Write the whole database at ``url`` (password in it, if any) to ``target`` with
    ``pg_dump --format=custom`` (compressed; restorable table by table), as of ``snapshot``
    (exported by an open transaction) when given.

    Raises:
        PgToolError: pg_dump missing, or it failed (its last messages quoted).
    """
    args, env = connection_args(url)
    # --enable-row-security: an office administrator is no superuser and the tables FORCE row
    # security, so a plain pg_dump is refused; their policy lets them see every row.
    args += ["--format=custom", "--no-password", "--enable-row-security", "--file", str(target),
             "--dbname", str(url.database or "")]  # fmt: skip
    if snapshot:
        args += ["--snapshot", snapshot]
    _run("pg_dump", args, env, "备份服务器数据库")


def list_dump(path: Path) -> list[str]:
    """The table of contents of a custom-format dump (``pg_restore --list``), comment lines left
    out; reading it proves the file is a whole, readable dump.

    Raises:
        PgToolError: pg_restore missing, or the file is not a readable dump.
    """
    out = _run("pg_restore", ["--list", str(path)], {}, "读取备份文件")
    return [ln for ln in out.splitlines() if ln.strip() and not ln.startswith(";")]


def is_empty(engine: Engine) -> bool:
    """Whether the database behind ``engine`` has no tables in its ``public`` schema."""
    with engine.connect() as conn:
        return not inspect(conn).get_table_names()


SKIPPED_ON_RESTORE = ("POLICY",)
"""Table-of-contents entries a restore leaves out: the row-security policies name the backed-up
database's group roles (``<db>_admin`` …) and its owner; ``server init``'s own code makes them
again for the database restored into (grants are left out too: ``--no-privileges``)."""


def restore(path: Path, url: URL, *, role: str | None = None) -> None:
    """Restore the custom-format dump ``path`` into the (empty) database at ``url``, in one
    transaction (all or nothing), every object owned by ``role`` (``SET ROLE``; the connecting
    user when ``None``), without the dump's grants and row-security policies
    (:data:`SKIPPED_ON_RESTORE`): the caller makes those for the new database.

    Raises:
        PgToolError: pg_restore missing, or it failed or was killed (its last messages quoted);
            the target is left as it was.
    """
    entries = _run("pg_restore", ["--list", str(path)], {}, "读取备份文件")
    kept = [ln for ln in entries.splitlines() if _entry_kind(ln) not in SKIPPED_ON_RESTORE]
    args, env = connection_args(url)
    with tempfile.TemporaryDirectory(prefix="auditdesk-restore-") as tmp:
        listing = Path(tmp) / "toc.list"
        listing.write_text("\n".join(kept) + "\n", encoding="utf-8")
        args += ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                 "--no-password", "--use-list", str(listing)]  # fmt: skip
        if role:
            args += ["--role", role]
        args += ["--dbname", str(url.database or ""), str(path)]
        _run("pg_restore", args, env, "恢复服务器数据库")


def _entry_kind(line: str) -> str:
    """The kind of a ``pg_restore --list`` line (``3625; 3256 19036 POLICY public answers …``):
    ``POLICY``, ``TABLE DATA``, ``ACL`` …; ``""`` for a comment."""
    if line.startswith(";") or ";" not in line:
        return ""
    parts = line.split(";", 1)[1].split()
    return parts[2] if len(parts) > 2 else ""


def listed_tables(entries: list[str]) -> set[str]:
    """The tables a dump defines, from its ``pg_restore --list`` lines."""
    found = set()
    for line in entries:
        parts = line.split(";", 1)[1].split() if ";" in line else []
        if len(parts) >= 5 and parts[2] == "TABLE" and parts[3] == "public":
            found.add(parts[4])
    return found
