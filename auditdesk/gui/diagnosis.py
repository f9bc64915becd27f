"""标记已会诊 and 安排跟诊 with their confirmations, shared by the 体检 list and the audit
workspace window."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from auditdesk.errors import AuditDeskError
from auditdesk.gui.dialogs.confirm import confirm
from auditdesk.gui.dialogs.errors import report_failure
from auditdesk.models.audit import AuditStatus, AuditSummary
from auditdesk.services import audits, followups, visit
from auditdesk.services.workspace import Workspace


def mark_diagnosed(parent: QWidget, ws: Workspace, row: AuditSummary) -> bool:
    """Ask (naming the items still 待核实 or unanswered), then mark the audit 已会诊; ``True``
    when it was marked."""
    try:
        walk = visit.load_walk(ws, row.audit.id)
    except AuditDeskError as exc:
        report_failure(parent, exc, "无法标记已会诊", None)
        return False
    verify = sum(p.to_verify for p in walk.progress)
    unanswered = walk.total - walk.answered
    pending = "、".join(
        part for part in (f"待核实 {verify} 项" if verify else "",
                          f"未答 {unanswered} 项" if unanswered else "") if part
    )  # fmt: skip
    still = f"检查清单尚有{pending}。\n" if pending else ""
    if not confirm(
        parent,
        "标记已会诊",
        f"将“{row.company_name}”的{row.audit.title or '用工体检'}标记为已会诊？\n\n{still}"
        f"未关闭的问题 {row.open_findings} 项，之后可安排跟诊。"
        "如需补充问题，可在“体检”页的“状态”中重新打开。",
    ):
        return False
    try:
        audits.change_status(ws, row.audit.id, AuditStatus.DIAGNOSED)
    except AuditDeskError as exc:
        report_failure(parent, exc, "无法标记已会诊", None)
        return False
    return True


def plan_followups(parent: QWidget, ws: Workspace, audit_id: str) -> bool:
    """Ask, then give open findings deadlines and plan follow-ups; ``True`` when planned."""
    if not confirm(
        parent, "安排跟诊", "按严重程度为没有期限的未关闭问题定整改期限，并按期限安排跟诊？"
    ):
        return False
    try:
        made = followups.plan_followups(ws, audit_id)
    except AuditDeskError as exc:
        report_failure(parent, exc, "无法安排跟诊", None)
        return False
    text = (
        "已安排跟诊："
        + "、".join(f.planned_on.isoformat() for f in made)
        + "。\n到期提醒见“跟诊”页。"
        if made
        else "已有的跟诊安排已覆盖全部整改期限，没有新的跟诊需要安排。"
    )
    QMessageBox.information(parent, "安排跟诊", text)
    return True
