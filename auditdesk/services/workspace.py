"""Workspace: the opened data directory, its database and preferences; what every service receives."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from auditdesk.archive import orphaned_scratch
from auditdesk.database import PASSWORDS, resolve_database, url_has_password
from auditdesk.datalock import DataDirLock
from auditdesk.errors import AuditDeskError, AuthenticationError, DiskFullError
from auditdesk.logsetup import setup_logging
from auditdesk.models.user import OfficeUser
from auditdesk.paths import DataPaths, ensure_dir, resolve_data_dir
from auditdesk.services.restore_recovery import recover_interrupted_restore
from auditdesk.settings import Preferences, load_preferences, save_preferences
from auditdesk.store import Store

SCRATCH_MAX_AGE_S = 24 * 3600


def sweep_scratch(folder: Path) -> None:
    """Remove scratch files a crashed run left behind (they may hold decrypted personal data):
    those of a process that is no longer running at once, any other only when a day old (another
    AuditDesk process may be using the fresh ones)."""
    if not folder.is_dir():
        return
    cutoff = time.time() - SCRATCH_MAX_AGE_S
    orphans = set(orphaned_scratch(folder))
    for entry in folder.iterdir():
        try:
            if entry in orphans or entry.stat().st_mtime < cutoff:
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
        except OSError:
            continue


SERVER_BACKUP_MESSAGE = (
    "当前使用的是服务器数据库，此操作只用于本机数据库文件。服务器数据库请用 "
    "auditdesk backup create 备份（pg_dump）、auditdesk backup verify 备份编号 检查，"
    "并用 auditdesk backup restore 备份编号 --database 新数据库地址 恢复到新建的空数据库。"
)


def open_server(url: str, password: str | None, sslmode: str | None = None) -> Store:
    """Open a shared server database with the best password known (given > in the URL > kept
    from sign-in or the keyring).

    Raises:
        StoreError: see :meth:`Store.open_server`; a wrong kept password is forgotten first.
    """
    if password is None and not url_has_password(url):
        password = PASSWORDS.get(url)
    try:
        return Store.open_server(url, password=password, sslmode=sslmode)
    except AuthenticationError:
        PASSWORDS.forget(url)
        raise


@dataclass
class Workspace:
    paths: DataPaths
    store: Store
    lock: DataDirLock | None = field(default=None, repr=False)
    """The shared hold on the data dir, for as long as the database is open (a restore in another
    process waits for it to go)."""
    warnings: list[str] = field(default_factory=list)
    """What the user should know after opening (a check that could not run), in Chinese."""

    @classmethod
    def open(
        cls,
        data_dir: str | Path | None = None,
        *,
        busy_timeout_ms: int = 5000,
        check_integrity: bool = False,
        database: str | None = None,
        password: str | None = None,
    ) -> Workspace:
        """Resolve and create the data dir, start logging there, open and migrate the database.

        The database is the SQLite file in the data dir, or a shared PostgreSQL server when
        ``database`` (``--database``), ``AUDITDESK_DATABASE`` or the ``database_url`` preference
        names one (:func:`auditdesk.database.resolve_database`); a server is opened, never
        migrated, with ``password``, else the one in the URL, else one kept from sign-in or the
        keyring. The data dir still holds logs, preferences and scratch files; on a server the
        evidence files, follow-up days and custom checklists are the database's.

        ``check_integrity`` runs SQLite's full integrity check first (the GUI does at start-up).

        The process holds the data dir shared from here until :meth:`close`; a restore that a
        killed process left half done is settled first (the set-aside database put back).

        Raises:
            AuditDeskError: the directory cannot be created or written.
            DataDirBusyError: another process is restoring a backup into it.
            StoreError: the database is corrupt, locked, read-only or too new; a server is
                unreachable, refuses the password (PasswordRequiredError: none given), lacks
                the database, or is at another schema version (SchemaMismatchError).
        """
        paths = DataPaths(ensure_dir(resolve_data_dir(data_dir)))
        lock = DataDirLock(paths.root)
        lock.acquire_shared()
        warnings: list[str] = []
        try:
            setup_logging(paths.logs)
            sweep_scratch(paths.tmp)
            recover_interrupted_restore(paths)
            prefs = load_preferences(paths.settings_file)
            url = resolve_database(database, prefs.database_url)
            if url is not None:
                store = open_server(url, password, prefs.database_sslmode)
                return cls(paths=paths, store=store, lock=lock)
            try:
                store = Store.open_sqlite(
                    paths.database,
                    backups_dir=paths.backups,
                    busy_timeout_ms=busy_timeout_ms,
                    check_integrity=check_integrity,
                )
            except DiskFullError as exc:
                if not check_integrity:
                    raise
                # the check needs scratch space; the database itself may be fine: open it, say so
                warnings.append(f"{exc.message}\n\n启动时的数据库完整性检查未能进行；"
                                "数据库没有发现损坏。保存新内容前请先清理磁盘。")  # fmt: skip
                store = Store.open_sqlite(
                    paths.database, backups_dir=paths.backups, busy_timeout_ms=busy_timeout_ms
                )
        except BaseException:
            lock.release()
            raise
        return cls(paths=paths, store=store, lock=lock, warnings=warnings)

    def close(self) -> None:
        self.store.close()
        if self.lock is not None:
            self.lock.release()

    def release_for_restore(self) -> None:
        """Close the database and give up the data-dir hold, so this process may restore into it
        (an exclusive hold conflicts with our own shared one). :meth:`reopen` takes both back."""
        self.store.close()
        if self.lock is not None:
            self.lock.release()

    def schema_version(self) -> int:
        """The open database's schema version (see :mod:`auditdesk.store.migrate`)."""
        return self.store.schema_version()

    def reopen(self) -> None:
        """Open the database again after its file was replaced (a restore); the old store is closed
        and the data-dir hold taken again."""
        self.store.close()
        if self.lock is None:
            self.lock = DataDirLock(self.paths.root)
        self.lock.acquire_shared()
        recover_interrupted_restore(self.paths)
        if self.store.is_server:
            raise AuditDeskError(SERVER_BACKUP_MESSAGE)
        self.store = Store.open_sqlite(self.paths.database, backups_dir=self.paths.backups)

    @property
    def user(self) -> OfficeUser | None:
        """Who is signed in on a server prepared by ``server init`` (name, display name, role);
        ``None`` on the local SQLite file, or for a login that is not an office user."""
        return self.store.user

    def author(self, given: str = "") -> str:
        """The author to record (记录人, a change's ``by``): on a server, the signed-in user's
        display name whatever was given (the server enforces the same); otherwise ``given``."""
        return self.store.author(given)

    @property
    def is_server(self) -> bool:
        """Whether the database is a shared server (backed up with pg_dump; evidence files and
        office settings kept in it)."""
        return self.store.is_server

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def preferences(self) -> Preferences:
        return load_preferences(self.paths.settings_file)

    def save_preferences(self, prefs: Preferences) -> None:
        save_preferences(self.paths.settings_file, prefs)
