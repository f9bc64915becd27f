"""Demo data: one realistic Jiading manufacturer with an audit in progress, for newcomers."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from auditdesk.errors import AuditDeskError
from auditdesk.models.audit import (
    AnswerResult,
    Audit,
    Auditor,
    AuditorRole,
    AuditScope,
    AuditStatus,
    VisitChannel,
    VisitKind,
)
from auditdesk.models.company import Company, CompanyInput
from auditdesk.progress import CancelToken, ProgressFn, check_cancel, no_progress
from auditdesk.services import audits, companies, union, visit
from auditdesk.services.workspace import Workspace

log = logging.getLogger(__name__)

# Fictional company; the credit code has a valid GB 32100 check character but belongs to no one.
DEMO_CREDIT_CODE = "91310114MA1GT8Q270"

DEMO_COMPANY = CompanyInput(
    name="上海嘉研精密部件有限公司",
    credit_code=DEMO_CREDIT_CODE,
    legal_representative="周国平",
    address="上海市嘉定区马陆镇宝安公路 2999 弄 18 号",
    town="嘉定区马陆镇",
    industry="汽车零部件及配件制造",
    headcount=186,
    has_union=True,
    contact_name="刘敏（人事经理）",
    contact_phone="021-5995 0000",
    notes="演示数据：三班倒生产线，旺季加班较多；2025 年曾因订单下滑讨论降薪。",
)


# What the first visit established: the lawyer and the union cadre got through part of the list.
DEMO_ANSWERS: list[tuple[str, AnswerResult, str]] = [
    ("ONB.HAS_MINORS", AnswerResult.NO, "名册中无未满 18 周岁人员"),
    ("ONB.HAS_RETIREES", AnswerResult.YES, "返聘 2 名退休技师"),
    ("ONB.USES_DISPATCH", AnswerResult.NO, ""),
    ("ONB.HAS_FOREIGN", AnswerResult.NO, ""),
    ("ONB.USES_PART_TIME", AnswerResult.NO, ""),
    (
        "ONB.CONTRACT_WRITTEN",
        AnswerResult.PARTIAL,
        "抽查 30 人，3 名 2025 年 4—5 月入职的操作工入职两个月后才签合同",
    ),
    ("ONB.CHILD_LABOUR", AnswerResult.COMPLIANT, "入职时查验身份证原件并留存复印件"),
    ("ONB.NO_DEPOSIT", AnswerResult.COMPLIANT, ""),
    ("ONB.RETIREES", AnswerResult.TO_VERIFY, "返聘协议在总部，下次调阅"),
    ("RUL.HANDBOOK", AnswerResult.COMPLIANT, "员工手册 2024 版"),
    (
        "RUL.DEMOCRATIC_DISCUSSION",
        AnswerResult.PARTIAL,
        "2024 版手册有职代会纪要，考勤制度修订无讨论记录",
    ),
    ("RUL.PUBLICATION", AnswerResult.COMPLIANT, "有逐人签收单"),
    ("HRS.SPECIAL_SYSTEM", AnswerResult.YES, "冲压车间四班三运转"),
    ("HRS.SPECIAL_APPROVAL", AnswerResult.NON_COMPLIANT, "综合工时批文 2024 年 12 月到期，未续办"),
    ("HRS.WEEKLY_REST", AnswerResult.COMPLIANT, ""),
    (
        "HRS.OT_MONTHLY_CAP",
        AnswerResult.NON_COMPLIANT,
        "2025 年 7 月冲压车间 12 人加班超过 36 小时",
    ),
    ("PAY.MONTHLY_ON_TIME", AnswerResult.COMPLIANT, "每月 10 日银行代发"),
    ("PAY.HIGH_TEMP_WORK", AnswerResult.YES, "冲压、热处理车间夏季超过 33℃"),
    ("PAY.HIGH_TEMP_ALLOWANCE", AnswerResult.COMPLIANT, "6—9 月每月 300 元"),
    ("SOC.REGISTER_30D", AnswerResult.COMPLIANT, ""),
    ("SOC.BASE", AnswerResult.TO_VERIFY, "部分人员按下限申报，待比对上年工资"),
    (
        "SPC.COLLECTIVE_NEGOTIATION",
        AnswerResult.NON_COMPLIANT,
        "2025 年二季度订单下滑时曾拟统一降薪 10%，未与工会协商，经工会提出后暂缓",
    ),
]


@dataclass(frozen=True)
class DemoResult:
    company: Company
    audit: Audit | None
    created: bool


LAST_YEAR_ANSWERS = [
    (
        "ONB.CONTRACT_WRITTEN",
        AnswerResult.NON_COMPLIANT,
        "2025 年入职的 8 名操作工入职三个月后才签合同",
    ),
    ("HRS.OT_MONTHLY_CAP", AnswerResult.NON_COMPLIANT, "冲压车间多人每月加班超过 36 小时"),
    ("PAY.MONTHLY_ON_TIME", AnswerResult.NON_COMPLIANT, "2025 年 3 月工资推迟到 5 月发放"),
    ("RUL.HANDBOOK", AnswerResult.COMPLIANT, ""),
]


def _last_years_audit(ws: Workspace, company_id: str, today: date) -> None:
    """A diagnosed audit from last year, for 跟诊: findings with deadlines (one follow-up overdue,
    one ahead), one finding already verified closed, and an 意见书 whose reply clock is running."""
    from auditdesk.models.finding import RectificationStatus
    from auditdesk.models.followup import FollowUp, LetterKind
    from auditdesk.services import followups, letters

    started = date(2025, 9, 10)
    audit = audits.start_audit(
        ws, company_id, title="2025 年度用工体检", scope=AuditScope.BASIC, started_on=started,
        auditors=[Auditor(name="张卫东", role=AuditorRole.UNION_CADRE),
                  Auditor(name="陈静", role=AuditorRole.LAWYER)],
    )  # fmt: skip
    audits.record_visit(ws, audit.id, visit_date=started, kind=VisitKind.INITIAL,
                        channels=[VisitChannel.TALK, VisitChannel.RECORDS],
                        attendees=["张卫东（马陆镇总工会）", "陈静（律师）", "刘敏（企业人事经理）"])  # fmt: skip
    for item_id, result, note in LAST_YEAR_ANSWERS:
        visit.answer_item(ws, audit.id, item_id, result, note=note, by="陈静")
    found = visit.gather_findings(ws, audit.id, by="陈静")
    audits.change_status(ws, audit.id, AuditStatus.DIAGNOSED)
    for i, finding in enumerate(found):
        visit.edit_finding(ws, finding.id, {"due_date": today + timedelta(days=[-20, 25, 60][i % 3]),
                                            "owner": "刘敏（人事经理）"}, by="陈静")  # fmt: skip
    if found:
        followups.move_finding(
            ws, found[-1].id, RectificationStatus.FIXED_PENDING, note="已按时发放", by="刘敏"
        )
        followups.move_finding(ws, found[-1].id, RectificationStatus.VERIFIED_CLOSED, note="调阅银行流水核实",
                               by="张卫东", verify=True)  # fmt: skip
    with ws.store.transaction() as tx:
        tx.insert_followup(FollowUp(audit_id=audit.id, planned_on=today - timedelta(days=5),
                                    note="核验劳动合同补签情况"))  # fmt: skip
        tx.insert_followup(FollowUp(audit_id=audit.id, planned_on=today + timedelta(days=25),
                                    note="核验加班时间控制情况"))  # fmt: skip
    _demo_union(ws)
    sent = today - timedelta(days=3)
    try:
        letters.issue_letter(ws, audit.id, LetterKind.OPINION, sent, served_on=sent,
                             note="就加班超时和未签合同发出意见书（当日面交送达）")  # fmt: skip
    except AuditDeskError:  # e.g. a clock past the holiday calendar: the demo loads without it
        log.warning("demo opinion letter not issued", exc_info=True)


DEMO_UNION = {
    "union_name": "嘉定区马陆镇总工会", "district_union": "嘉定区总工会",
    "labour_bureau": "嘉定区人力资源和社会保障局", "contact_person": "张卫东",
    "contact_phone": "021-0000 0000（演示）", "prefix_notice": "马陆工监提",
    "prefix_opinion": "马陆工监意", "prefix_proposal": "嘉工监建",
}  # fmt: skip


def _demo_union(ws: Workspace) -> None:
    """Fill the union settings the demo letter needs, where the user has not set them."""
    current = union.get_union_settings(ws)
    missing = {k: v for k, v in DEMO_UNION.items() if not getattr(current, k)}
    if missing:
        union.set_union_settings(ws, missing)


def load_demo(
    ws: Workspace, progress: ProgressFn = no_progress, cancel: CancelToken | None = None
) -> DemoResult:
    """Add the demo company and its audit in progress; does nothing if it is already there."""
    with ws.store.read() as tx:
        existing = tx.find_company_by_credit_code(DEMO_CREDIT_CODE)
    if existing is not None:
        return DemoResult(existing, None, created=False)
    total = 4
    progress(0, total, "创建演示企业")
    check_cancel(cancel)
    company = companies.add_company(ws, DEMO_COMPANY)
    _last_years_audit(ws, company.id, date.today())
    progress(1, total, "创建体检")
    audit = audits.start_audit(
        ws,
        company.id,
        title="2026 年度用工体检",
        scope=AuditScope.DEEP,
        auditors=[
            Auditor(name="张卫东", role=AuditorRole.UNION_CADRE),
            Auditor(name="陈静", role=AuditorRole.LAWYER),
        ],
        started_on=date(2026, 11, 20),
    )
    progress(2, total, "记录初诊走访")
    audits.record_visit(
        ws,
        audit.id,
        visit_date=date(2026, 11, 20),
        kind=VisitKind.INITIAL,
        channels=[VisitChannel.TALK, VisitChannel.RECORDS],
        attendees=[
            "张卫东（马陆镇总工会）",
            "陈静（律师）",
            "刘敏（企业人事经理）",
            "职工代表 3 名",
        ],
        notes="与人事经理座谈，调阅劳动合同台账和 2025 年 6—8 月工资表；职工代表反映加班较多。",
    )
    progress(3, total, "记录初诊检查结果")
    for item_id, result, note in DEMO_ANSWERS:
        check_cancel(cancel)
        visit.answer_item(ws, audit.id, item_id, result, note=note, by="陈静")
    progress(total, total, "完成")
    with ws.store.read() as tx:
        in_progress = tx.get_audit(audit.id)
    return DemoResult(company, in_progress, created=True)
