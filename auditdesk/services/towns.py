"""The office's list of towns (街镇): list, add, rename or merge a variant into a listed name,
remove an unused one (设置 → 街镇列表, ``auditdesk settings towns``). Saving a company or
importing a case file with a town not yet listed adds it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from auditdesk.errors import AuditDeskError, NotFoundError
from auditdesk.models.common import utcnow
from auditdesk.models.town import TownUsage, clean_town, listed_variant
from auditdesk.services.workspace import Workspace

log = logging.getLogger(__name__)

MAX_LENGTH = 100


@dataclass(frozen=True)
class RenameResult:
    """``old`` became ``new``; ``merged`` when ``new`` was listed already; ``companies`` moved."""

    old: str
    new: str
    merged: bool
    companies: int


def list_towns(ws: Workspace) -> list[TownUsage]:
    """Listed towns by name, each with its number of companies."""
    with ws.store.read() as tx:
        return tx.list_towns()


def town_names(ws: Workspace) -> list[str]:
    """Just the listed names, in order (for the company editor and the dashboard filter)."""
    return [t.name for t in list_towns(ws)]


def suggest(ws: Workspace, name: str) -> str | None:
    """The listed town that ``name`` only spells differently ("嘉定区马陆镇" → "马陆镇"), or
    ``None`` when it is listed, empty, or new."""
    return listed_variant(name, town_names(ws))


def _checked(name: str) -> str:
    cleaned = clean_town(name)
    if not cleaned:
        raise AuditDeskError("街镇名称不能为空。", location="town")
    if len(cleaned) > MAX_LENGTH:
        raise AuditDeskError(f"街镇名称最长 {MAX_LENGTH} 个字。", location="town")
    return cleaned


def add_town(ws: Workspace, name: str, *, allow_variant: bool = False) -> str:
    """List a new town; return its name as stored (spaces trimmed).

    Raises:
        AuditDeskError: the name is empty, too long, already listed, or (unless
            ``allow_variant``) only a spelling of a listed town, which is named.
    """
    cleaned = _checked(name)
    with ws.store.transaction() as tx:
        listed = [t.name for t in tx.list_towns()]
        if cleaned in listed:
            raise AuditDeskError(f"“{cleaned}”已在街镇列表中。", location="town")
        variant = listed_variant(cleaned, listed)
        if variant is not None and not allow_variant:
            raise AuditDeskError(
                f"“{cleaned}”与列表中的“{variant}”只差区县前缀或空格，未添加。"
                f"请使用“{variant}”；确是另一个街镇时再确认添加。",
                location="town",
            )
        tx.insert_town(cleaned, utcnow())
    log.info("town listed: %s", cleaned)
    return cleaned


def rename_town(ws: Workspace, old: str, new: str) -> RenameResult:
    """Rename a listed town, or merge it into another listed one: the companies in ``old`` move
    to ``new`` and ``old`` leaves the list, in one transaction.

    Raises:
        NotFoundError: ``old`` is not listed.
        AuditDeskError: ``new`` is empty, too long, or the same as ``old``.
    """
    old_name, new_name = clean_town(old), _checked(new)
    if old_name == new_name:
        raise AuditDeskError(f"新名称与“{old_name}”相同，无需改名。", location="town")
    with ws.store.transaction() as tx:
        if not tx.town_listed(old_name):
            raise NotFoundError(f"街镇列表中没有“{old_name}”。", location="town")
        merged = tx.town_listed(new_name)
        moved = tx.rename_town(old_name, new_name, utcnow())
    log.info("town %s %s %s (%d companies)", old_name, "merged into" if merged else "renamed to",
             new_name, moved)  # fmt: skip
    return RenameResult(old_name, new_name, merged, moved)


def remove_town(ws: Workspace, name: str) -> str:
    """Take an unused town off the list; return its name.

    Raises:
        NotFoundError: it is not listed.
        AuditDeskError: companies still use it (their number is given; merge it instead).
    """
    cleaned = clean_town(name)
    with ws.store.transaction() as tx:
        if not tx.town_listed(cleaned):
            raise NotFoundError(f"街镇列表中没有“{cleaned}”。", location="town")
        used = tx.companies_in_town(cleaned)
        if used:
            raise AuditDeskError(
                f"仍有 {used} 家企业的所属街镇是“{cleaned}”，不能删除。"
                "如是另一写法，请改名合并到列表中的街镇。",
                location="town",
            )
        tx.delete_town(cleaned)
    return cleaned
