"""整改台账 round trip: read the workbook HR returned, show what would change, apply it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl

from auditdesk.errors import AuditDeskError
from auditdesk.models.finding import Finding, RectificationStatus
from auditdesk.payroll.values import CellValueError, parse_date
from auditdesk.services import followups
from auditdesk.services.workspace import Workspace

BY_LABEL = {s.label: s for s in RectificationStatus}


@dataclass(frozen=True)
class LedgerChange:
    finding: Finding
    row: int
    to: RectificationStatus
    note: str
    done_on: date | None

    @property
    def changes_status(self) -> bool:
        return self.to is not self.finding.status


@dataclass(frozen=True)
class LedgerDiff:
    changes: list[LedgerChange]
    rejected: list[tuple[int, str]]
    """(row number, Chinese reason) for rows that cannot be applied."""


def read_ledger(ws: Workspace, audit_id: str, path: Path) -> LedgerDiff:
    """Compare the returned 整改台账 with the audit's findings (matched by 问题编号)."""
    try:
        sheet = openpyxl.load_workbook(path, read_only=True, data_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise AuditDeskError(f"{path.name}：无法读取整改台账（{exc}）", location=str(path)) from exc
    header_at = next(
        (
            i
            for i, r in enumerate(rows[:5])
            if r and "问题编号" in [str(c or "").strip() for c in r]
        ),
        None,
    )
    if header_at is None:
        raise AuditDeskError(
            f"{path.name}：找不到“问题编号”列，这不是本程序导出的整改台账。", location=str(path)
        )
    header = [str(c or "").strip() for c in rows[header_at]]
    col = {
        name: header.index(name)
        for name in ("问题编号", "状态", "企业整改情况", "完成日期", "备注")
        if name in header
    }
    with ws.store.read() as tx:
        kept = [f for f in tx.list_findings(audit_id) if not f.dismissed]
    # the 问题编号 printed since version 11 (W07); a ledger exported before gave the id's first 8
    findings = {f.code: f for f in kept} | {f.id[:8].upper(): f for f in kept}
    changes: list[LedgerChange] = []
    rejected: list[tuple[int, str]] = []
    for offset, raw in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not raw or all(c in (None, "") for c in raw):
            continue
        ref = str(_cell(raw, col.get("问题编号")) or "").strip().upper().replace(" ", "")
        finding = findings.get(ref)
        if finding is None:
            rejected.append(
                (offset, f"第 {offset} 行：问题编号“{ref or '（空）'}”与本次体检的问题对不上")
            )
            continue
        label = str(_cell(raw, col.get("状态")) or "").strip()
        status = BY_LABEL.get(label, finding.status) if label else finding.status
        if label and label not in BY_LABEL:
            rejected.append((offset, f"第 {offset} 行（{ref}）：状态“{label}”无法识别"))
            continue
        if status is RectificationStatus.VERIFIED_CLOSED and finding.status is not status:
            rejected.append(
                (
                    offset,
                    f"第 {offset} 行（{ref}）：“已核验关闭”须由工会跟诊核验，企业可填“已整改待核验”",
                )
            )
            continue
        note = "；".join(
            str(v).strip()
            for v in (_cell(raw, col.get("企业整改情况")), _cell(raw, col.get("备注")))
            if v
        )
        try:
            done = parse_date(_cell(raw, col.get("完成日期")))
        except CellValueError as exc:
            rejected.append((offset, f"第 {offset} 行（{ref}）：完成日期{exc.reason}"))
            continue
        if status is not finding.status or note:
            changes.append(LedgerChange(finding, offset, status, note, done))
    return LedgerDiff(changes, rejected)


def _cell(row: tuple[Any, ...], index: int | None) -> Any:
    if index is None or index >= len(row):
        return None
    value = row[index]
    return value.date() if isinstance(value, datetime) else value


def apply_ledger(ws: Workspace, diff: LedgerDiff, *, by: str = "企业人事") -> int:
    """Apply the status changes of a diff (notes go with the move); returns how many moved."""
    moved = 0
    for change in diff.changes:
        if not change.changes_status:
            continue
        note = change.note + (f"（完成日期 {change.done_on}）" if change.done_on else "")
        followups.move_finding(ws, change.finding.id, change.to, note=note or "整改台账回填", by=by)
        moved += 1
    return moved
