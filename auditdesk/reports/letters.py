"""The union letters (一函两书): their formal parts, reply clocks and wording, as plain JSON.

A letter is a letter: it names the open problems briefly (问题编号 and title) and refers to the
attached 整改建议书 for facts, legal basis and remedies. What :func:`letter_snapshot` returns is
the whole template context of one letter (``letter``, ``company``, ``report``), made of strings,
numbers and lists only, so an issued letter can be stored and rendered again unchanged.

Legal sources (facts file §10): 《工会劳动法律监督办法》 第二十条 (意见书: reply in writing within 15
working days of receipt), 第二十一条、第二十三条 (建议书 by a county-level union to the labour
administration: case within 5 working days); the union's authority: 劳动法 第八十八条, 劳动合同法
第七十八条, 工会法 第二十二条. Working days skip statutory holidays and rest days and count 调休
working weekends (§8); the period runs from the day after receipt and its last day counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docx import Document

from auditdesk.errors import AuditDeskError
from auditdesk.models.finding import (
    Certainty,
    Finding,
    FindingOrigin,
    RectificationStatus,
    Severity,
)
from auditdesk.models.followup import LetterKind, UnionSettings
from auditdesk.reports.dates import chinese_context, cn_date
from auditdesk.reports.docx_text import paragraphs
from auditdesk.rules import calendar as workcal

if TYPE_CHECKING:
    from auditdesk.reports.context import ReportData
    from auditdesk.rules.review import PayrollReview

NOTHING_TO_SEND = "没有未整改的问题，无需发出。"
TITLE_LIMIT = 60
AUTHORITY_LAWS = (
    "《中华人民共和国劳动法》第八十八条、《中华人民共和国劳动合同法》第七十八条"
    "和《中华人民共和国工会法》第二十二条"
)


@dataclass(frozen=True)
class LetterSpec:
    title: str
    days: int
    """Working days to reply (提示函: our default; 意见书 15; 建议书 5 for the authority)."""
    basis: str
    """The article that gives the clock, after the union's general authority."""


LETTERS: dict[str, LetterSpec] = {
    "notice": LetterSpec("工会劳动法律监督提示函", 10, ""),
    "opinion": LetterSpec("工会劳动法律监督意见书", 15, "《工会劳动法律监督办法》第二十条"),
    "proposal": LetterSpec("工会劳动法律监督建议书", 5, "《工会劳动法律监督办法》第二十一条、第二十三条"),
}  # fmt: skip

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 to 99 in Chinese numerals: 5 → 五, 10 → 十, 15 → 十五, 21 → 二十一."""
    if not 0 < n < 100:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else f"{_DIGITS[tens]}十")
    return head + (_DIGITS[ones] if ones else "")


def reply_deadline(start: date, days: int, what: str) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted, the last day
    counted): the period of a letter received on ``start``.

    Raises:
        AuditDeskError: the period runs past the holiday calendar the app knows; it is never
            counted Monday to Friday instead (a wrong date in a signed letter is worse than none).
    """
    try:
        return workcal.add_workdays(start, days)
    except workcal.CalendarUnavailable as exc:
        last = workcal.covered_years().stop - 1
        raise AuditDeskError(
            f"无法计算{what}的期限：自 {cn_date(start)} 起 {days} 个工作日将超出本程序已收录的节假日安排"
            f"（只到 {last} 年底）。为免按周一至周五误算，暂不办理；请升级 AuditDesk 取得新一年的放假安排后再试。"
        ) from exc


NOT_VIOLATIONS = ("DATA.",)
"""Payroll rules about the file's own data (duplicate rows, invalid ID numbers, sums that do not
add up): to be cleared up with HR, not violations a union letter asks the company to correct."""


def listed_in_letters(f: Finding) -> bool:
    """A finding a letter names: kept (not dismissed), not verified closed, a violation (not
    an information-only finding, not a payroll-data check)."""
    return (
        not f.dismissed
        and f.status is not RectificationStatus.VERIFIED_CLOSED
        and f.severity is not Severity.INFO
        and not (f.origin is FindingOrigin.PAYROLL and f.origin_ref.startswith(NOT_VIOLATIONS))
    )


def short_title(title: str, limit: int = TITLE_LIMIT) -> str:
    """``title`` cut to ``limit`` characters at the last clause boundary (，；。、（) before it, never
    inside a number or a word, nor right after a label whose value would be cut off (``待核实：``:
    the cut falls before the label); whole when it fits."""
    if len(title) <= limit:
        return title
    head = title[: limit - 1]
    cut = max(head.rfind(mark) for mark in "，；。、（")  # not "：": it follows a label
    return (head[:cut] if cut >= limit // 2 else head).rstrip("，；：。、（ ") + "…"


def open_items(findings: list[Finding]) -> list[dict[str, Any]]:
    """The problems a letter lists (:func:`listed_in_letters`), in 问题编号 order; each as its
    问题编号 (``W07``, the same as in the report, the 整改建议书 and the 整改台账) and a short
    title."""
    kept = sorted((f for f in findings if listed_in_letters(f)),
                  key=lambda f: (f.number or 10**9, f.created_at))  # fmt: skip
    return [{"no": f.code, "ref": f.code, "title": short_title(f.title)} for f in kept]


def to_verify_only(f: Finding, review: PayrollReview | None) -> bool:
    """A payroll finding every employee-month of which rests on a fact the file cannot show
    (使用未成年工（待核实）: employing a minor is lawful; a deduction of unknown nature): not a
    violation an 意见书 states as 查明 or a 建议书 asks the authority to investigate."""
    if f.origin is not FindingOrigin.PAYROLL or review is None:
        return False
    group = review.group(f.origin_ref)
    return group is not None and all(x.certainty is Certainty.DEPENDS for x in group.findings)


VERIFY_INTRO = {
    "opinion": "以下情况尚待核实，请贵单位一并核实，并在书面答复中说明：",
    "proposal": "以下情况尚待核实，建议一并调查核实：",
}


@dataclass(frozen=True)
class OpinionCited:
    """The served 意见书 a 建议书 rests on."""

    number: str
    issued_on: date
    served_on: date
    reply_due: date


def letter_snapshot(
    kind: LetterKind,
    data: ReportData,
    settings: UnionSettings,
    *,
    issued_on: date,
    number: str | None,
    served_on: date | None = None,
    opinion: OpinionCited | None = None,
) -> dict[str, Any]:
    """The full template context of one letter (plain JSON), fixed when it is issued.

    ``number`` None makes a draft (草稿, no 文号). ``served_on`` known at issue (handed over on
    the day) lets the 意见书 state its last day; otherwise the period is given in words.

    Raises:
        AuditDeskError: nothing to list (“没有未整改的问题，无需发出”); a deadline past the
            holiday calendar; a 建议书 without the 意见书 it must cite.
    """
    spec = LETTERS[kind.value]
    items = open_items(data.findings)
    if not items:
        raise AuditDeskError(NOTHING_TO_SEND, location=data.audit.id)
    verify: list[dict[str, Any]] = []
    if kind is not LetterKind.NOTICE:  # a 提示函 names risks; these two state violations
        doubtful = {f.code for f in data.findings if to_verify_only(f, data.payroll)}
        verify = [i for i in items if i["no"] in doubtful]
        items = [i for i in items if i["no"] not in doubtful]
        if not items:
            codes = "、".join(i["no"] for i in verify)
            raise AuditDeskError(
                f"{spec.title}须列明查明的违法情形，而未整改的问题 {codes} 均待核实（取决于工资表不能说明的情况）："
                "请先核实并更新问题，或改发提示函。",
                location=data.audit.id,
            )
    company = data.company.name
    dates = sorted({v.visit_date for v in data.visits}) or (
        [data.audit.started_on] if data.audit.started_on else []
    )
    when = "、".join(cn_date(d) for d in dates) or "近期"
    days_cn = chinese_number(spec.days)
    issuer = settings.union_name or "（发函工会未设置）"
    preparer = ""
    receipt_doc = ""
    authority = f"根据{AUTHORITY_LAWS}的规定，工会依法对用人单位遵守劳动法律法规的情况进行监督"
    if kind is LetterKind.NOTICE:
        due = reply_deadline(issued_on, spec.days, "提示函答复")
        recipient = company
        intro = (f"本会于{when}对贵单位开展用工体检，发现贵单位在劳动用工管理中存在以下风险或不规范之处。"
                 f"{authority}，现予提示。")  # fmt: skip
        items_intro = "需要贵单位关注和整改的问题如下："
        details = "上述问题的具体事实、法律依据和整改建议，详见附件《整改建议书》。"
        request = (f"请贵单位及时自查整改，并于{cn_date(due)}前将整改情况书面告知本会"
                   f"（自本函发出之次日起第{days_cn}个工作日，当日计入；"
                   "法定节假日和休息日不计入，调休上班日计入）。")  # fmt: skip
        attachments = ["《整改建议书》（列明各项问题的事实、法律依据、整改建议和期限）"]
    elif kind is LetterKind.OPINION:
        recipient = company
        intro = (f"本会于{when}对贵单位开展劳动法律监督，查明贵单位存在违反劳动法律法规、侵害职工合法权益的情形。"
                 f"{authority}；依照{spec.basis}，本会提出如下意见。")  # fmt: skip
        items_intro = "请贵单位依法纠正以下问题："
        details = "上述问题的具体事实、法律依据和整改要求，详见附件《整改建议书》。"
        until = ""
        if served_on is not None:
            until = f"，即至{cn_date(reply_deadline(served_on, spec.days, '意见书答复'))}止"
        request = (f"请贵单位自收到本意见书之日起{days_cn}个工作日内{until}，将处理情况书面答复本会。"
                   f"期限自收到之次日起计算，第{days_cn}个工作日当日计入；"
                   "法定节假日和休息日不计入，调休上班日计入。")  # fmt: skip
        attachments = ["《整改建议书》（列明各项问题的事实、法律依据、整改要求和期限）", "送达回执"]
        receipt_doc = f"{spec.title}（{number or '草稿'}）"
    else:
        if opinion is None:
            raise AuditDeskError(
                "建议书须引用已送达且答复期限届满的意见书。", location=data.audit.id
            )
        issuer = settings.district_union or "（区总工会未设置）"
        recipient = settings.labour_bureau or "（区劳动行政部门未设置）"
        preparer = (
            f"本建议书由{settings.union_name}提请，经{issuer}发出。" if settings.union_name else ""
        )
        if issued_on > opinion.reply_due:
            ran_out = (f"答复期限至{cn_date(opinion.reply_due)}届满，"
                       "该单位未在期限内书面答复，亦未按意见书要求纠正。")  # fmt: skip
        else:  # a draft written while the period runs (issuing is refused until it ran out)
            ran_out = (f"答复期限至{cn_date(opinion.reply_due)}止，截至本草稿日期尚未届满"
                       "（期限届满且该单位未书面答复、未按意见书要求纠正的，方可发出本建议书）。")  # fmt: skip
        intro = (f"{company}存在违反劳动法律法规、侵害职工合法权益的情形。{settings.union_name or '工会'}"
                 f"于{cn_date(opinion.issued_on)}向该单位发出《工会劳动法律监督意见书》（{opinion.number}），"
                 f"该单位于{cn_date(opinion.served_on)}收到，{ran_out}"
                 f"根据《中华人民共和国劳动法》第八十八条、《中华人民共和国工会法》第二十二条和{spec.basis}的规定，"
                 "本会提出如下建议。")  # fmt: skip
        items_intro = "建议贵局对该单位的下列问题依法调查处理："
        details = "各项问题的事实和证据材料见附件。"
        request = (f"符合立案条件的，请贵局自收到本建议书之日起{days_cn}个工作日内依法立案查处，并将处理结果告知本会；"
                   "不符合立案条件的，请书面说明理由。")  # fmt: skip
        attachments = [f"《工会劳动法律监督意见书》（{opinion.number}）",
                       f"意见书送达回执（{cn_date(opinion.served_on)}送达）",
                       "《整改建议书》及相关证据材料"]  # fmt: skip
    day_text = cn_date(issued_on)
    contact = f"联系人：{settings.contact_person or '—'}　联系电话：{settings.contact_phone or '—'}"
    return chinese_context({
        "letter": {
            "kind": kind.value, "title": spec.title, "draft": number is None,
            "number": number or "（草稿，未编号）", "date": day_text, "recipient": recipient,
            "issuer": issuer, "company": company, "intro": intro, "items_intro": items_intro,
            "problems": items, "details": details, "request": request, "days": spec.days,
            "to_verify": verify, "verify_intro": VERIFY_INTRO.get(kind.value, "") if verify else "",
            "attachments": [f"{i}. {a}" for i, a in enumerate(attachments, start=1)],
            "cc": f"抄送：{settings.cc}" if settings.cc and settings.cc != issuer else "",
            "contact": contact,
            "address": f"通讯地址：{settings.address}" if settings.address else "",
            "preparer": preparer, "receipt": kind is LetterKind.OPINION, "receipt_doc": receipt_doc,
        },
        "company": {"name": company},
        "report": {"union": issuer, "date": day_text},
    })  # fmt: skip


def check_signature(path: Path, issuer: str) -> None:
    """The 落款 must be the issuing union the body speaks for (本会): every seal line
    (a paragraph with “盖章”, in the body or in a table such as the closing block) names it,
    and there is one. A template edited to sign in
    another name is refused instead of written.

    Raises:
        AuditDeskError: no seal line, or a seal line naming someone else.
    """
    texts = [p.text for p in paragraphs(Document(str(path)))]
    seals = [t for t in texts if "盖章" in t and "回执" not in t and "单位盖章" not in t]
    if not seals:
        raise AuditDeskError(
            f"函件模板缺少落款（“{issuer}（盖章）”）：落款须使用 {{{{ letter.issuer }}}}。"
        )
    wrong = [t for t in seals if issuer not in t]
    if wrong:
        raise AuditDeskError(
            f"函件模板的落款“{wrong[0].strip()[:40]}”与发函单位“{issuer}”不一致："
            "落款须使用 {{ letter.issuer }}，请修改模板。"
        )
