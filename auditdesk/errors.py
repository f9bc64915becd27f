"""Error kinds: user-facing errors with a Chinese message and a location, cancellation, store errors."""

from __future__ import annotations


class AuditDeskError(Exception):
    """A problem the user can act on. ``message`` is Chinese; ``location`` names file/sheet/cell/field."""

    def __init__(self, message: str, *, location: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return self.message


class NotFoundError(AuditDeskError):
    """A record named by id does not exist (any more)."""


class StoreError(AuditDeskError):
    """The database cannot be used because of the user's environment (not our bug)."""


class DatabaseCorruptError(StoreError):
    """The file is damaged or is not an AuditDesk database."""


class DatabaseLockedError(StoreError):
    """Another program holds the database."""


class DatabaseReadOnlyError(StoreError):
    """The database or its folder cannot be written."""


class DiskFullError(StoreError):
    """No space left to write."""


class DatabaseTooNewError(StoreError):
    """The database was written by a newer AuditDesk."""


class DatabaseReplacedError(StoreError):
    """The database file this process opened was moved or replaced (a restore elsewhere): nothing
    more may be read from or written to the old file; the process must stop and be reopened."""


class Cancelled(Exception):
    """A long operation was cancelled by the user; nothing it did was kept."""


class ServerUnreachableError(StoreError):
    """The database server cannot be reached (host, port, network, TLS handshake)."""


class AuthenticationError(StoreError):
    """The database server refused the user name or password."""


class PasswordRequiredError(AuthenticationError):
    """The server wants a password and none was given: ask for one (this is not a wrong one)."""


class DatabaseMissingError(StoreError):
    """The server has no database of that name."""


class PermissionDeniedError(StoreError):
    """The database user lacks a privilege the operation needs."""


class ConcurrentUpdateError(StoreError):
    """Another user's transaction kept conflicting with ours (serialization failure or deadlock),
    still after retrying; nothing of this operation was saved."""


class SchemaMismatchError(StoreError):
    """A shared server database is at another schema version than this AuditDesk: clients never
    migrate a shared database, an administrator runs ``auditdesk db upgrade``."""


class StaleRecordError(AuditDeskError):
    """A save or deletion was based on a copy of a record that someone else has changed since it
    was read (its version moved on); nothing was written. ``current`` is the record as stored now
    (a pydantic model of the record's kind), so the caller can show the other person's values
    and offer to reload or to save over them; ``changed_by``/``changed_at`` say who and when."""

    def __init__(
        self,
        message: str,
        *,
        current: object,
        changed_by: str = "",
        changed_at: object = None,
        location: str | None = None,
    ) -> None:
        super().__init__(message, location=location)
        self.current = current
        self.changed_by = changed_by
        self.changed_at = changed_at
