"""Demo data: one realistic Jiading manufacturer with an audit in progress, for newcomers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from auditdesk.models.audit import Audit, Auditor, AuditorRole, AuditScope, VisitChannel, VisitKind
from auditdesk.models.company import Company, CompanyInput
from auditdesk.progress import CancelToken, ProgressFn, check_cancel, no_progress
from auditdesk.services import audits, companies
from auditdesk.services.workspace import Workspace

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


@dataclass(frozen=True)
class DemoResult:
    company: Company
    audit: Audit | None
    created: bool


def load_demo(
    ws: Workspace, progress: ProgressFn = no_progress, cancel: CancelToken | None = None
) -> DemoResult:
    """Add the demo company and its audit in progress; does nothing if it is already there."""
    with ws.store.read() as tx:
        existing = tx.find_company_by_credit_code(DEMO_CREDIT_CODE)
    if existing is not None:
        return DemoResult(existing, None, created=False)
    total = 3
    progress(0, total, "创建演示企业")
    check_cancel(cancel)
    company = companies.add_company(ws, DEMO_COMPANY)
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
    progress(3, total, "完成")
    with ws.store.read() as tx:
        in_progress = tx.get_audit(audit.id)
    return DemoResult(company, in_progress, created=True)
