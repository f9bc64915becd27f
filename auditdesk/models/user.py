"""People signed in to a shared server database: their office role and the audits assigned to them."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from auditdesk.models.common import LabeledEnum, labels


class OfficeRole(LabeledEnum):
    """What a user may do on a shared database (enforced by PostgreSQL, not only by the app)."""

    ADMIN = "admin"  # the office: everything, including assigning people to audits
    AUDITOR = "auditor"  # lawyers and union cadres: read all, edit the audits assigned to them
    VIEWER = "viewer"  # view and export only


labels(OfficeRole, {"admin": "管理员", "auditor": "律师/工会干部", "viewer": "只读"})

USER_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
"""A user (PostgreSQL login role) name: lower-case ASCII letters, digits and ``_``, starting with a
letter, at most 40 characters (PostgreSQL folds unquoted names to lower case; ``zhang_lv``)."""


class OfficeUser(BaseModel):
    """A person with an account on the shared database."""

    model_config = ConfigDict(frozen=True)

    name: str
    """The PostgreSQL login name (``zhang_lv``)."""
    display_name: str
    """The name written as 记录人 and as the author of changes (``张律师``); the login name when
    none was given."""
    role: OfficeRole
    created_at: datetime | None = None

    @property
    def label(self) -> str:
        """``张律师（律师/工会干部）``."""
        return f"{self.display_name}（{self.role.label}）"


class AuditAssignment(BaseModel):
    """One person assigned to one audit (an auditor may edit only the audits assigned to them)."""

    model_config = ConfigDict(frozen=True)

    audit_id: str
    user_name: str
    display_name: str
    assigned_by: str
    assigned_at: datetime
