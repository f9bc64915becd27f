"""Union letters (一函两书) as records: issue (文号 from the per-kind, per-year sequence, content
fixed, the .docx kept), record service (送达日期, which starts the 意见书/建议书 clock), reproduce an
issued letter, or write an unnumbered draft (草稿).

Legal sources: 《工会劳动法律监督办法》 第二十条 (意见书, 15 working days from receipt), 第二十一条、
第二十三条 (建议书 to the labour administration, 5 working days); facts file §10.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from auditdesk.archive import copy_atomic
from auditdesk.errors import AuditDeskError
from auditdesk.models.audit import ChangeEntity
from auditdesk.models.common import utcnow
from auditdesk.models.followup import Letter, LetterKind, UnionSettings
from auditdesk.paths import ensure_dir, shipped_dir
from auditdesk.progress import CancelToken, ProgressFn, check_cancel, no_progress
from auditdesk.reports.dates import cn_date
from auditdesk.reports.docx import render
from auditdesk.reports.letters import (
    LETTERS,
    OpinionCited,
    check_signature,
    letter_snapshot,
    reply_deadline,
)
from auditdesk.services import changelog
from auditdesk.services.union import get_union_settings
from auditdesk.services.workspace import Workspace

TEMPLATES = {"notice": "notice.docx", "opinion": "opinion.docx", "proposal": "proposal.docx"}


def document_path(ws: Workspace, sha256: str) -> Path:
    """Where the .docx of an issued letter is kept: ``<data>/letters/ab/abcd…`` (content-addressed,
    apart from evidence attachments). Not carried by case files or backups, which hold the
    letter's content; :func:`export_letter` renders that when the file is absent."""
    return ws.paths.root / "letters" / sha256[:2] / sha256


@dataclass(frozen=True)
class Written:
    letter: Letter | None
    """The issued letter, or None for a draft."""
    path: Path | None
    exact: bool = True
    """The issued .docx itself was copied; False: rendered again from the stored content."""


def _settings_for(ws: Workspace, kind: LetterKind) -> UnionSettings:
    settings = get_union_settings(ws)
    missing = settings.missing_for(kind)
    if missing:
        raise AuditDeskError(
            f"发出{kind.label}前请先填写工会设置：{'、'.join(missing)}"
            "（设置 → 工会与函件，或 auditdesk settings union --set 键=值）。"
        )
    return settings


def cited_opinion(ws: Workspace, audit_id: str, on: date, *, expired: bool = True) -> OpinionCited:
    """The served 意见书 of the audit a 建议书 dated ``on`` rests on.

    Raises:
        AuditDeskError: saying why not: no numbered 意见书, not served, answered, or (with
            ``expired``) its period has not run out by ``on``.
    """
    with ws.store.read() as tx:
        tx.require_audit(audit_id)
        opinions = [x for x in tx.list_letters(audit_id)
                    if x.kind is LetterKind.OPINION and x.number]  # fmt: skip
    if not opinions:
        raise AuditDeskError("不能发出建议书：该体检还没有发出（编号存档的）意见书。"
                             "建议书须在意见书送达、答复期限届满而企业未答复后发出。", location=audit_id)  # fmt: skip
    served = [x for x in opinions if x.served_on is not None]
    if not served:
        raise AuditDeskError(f"不能发出建议书：意见书 {opinions[-1].number} 尚未登记送达日期，"
                             "答复期限还没有开始计算（letters serve 函件编号 --date 送达日期）。",
                             location=audit_id)  # fmt: skip
    opinion = served[-1]
    assert opinion.served_on is not None
    assert opinion.number is not None
    if opinion.replied_on is not None:
        raise AuditDeskError(f"不能发出建议书：企业已于 {cn_date(opinion.replied_on)} 答复意见书 {opinion.number}。",
                             location=opinion.id)  # fmt: skip
    if expired and on <= opinion.reply_due:  # ``on``: the 建议书's date, but never after today
        raise AuditDeskError(f"不能发出建议书：意见书 {opinion.number} 于 {cn_date(opinion.served_on)} 送达，"
                             f"答复期限至 {cn_date(opinion.reply_due)} 止，尚未届满。",
                             location=opinion.id)  # fmt: skip
    return OpinionCited(opinion.number, opinion.issued_on, opinion.served_on, opinion.reply_due)


LETTER_DEFAULTS: dict[str, object] = {"to_verify": [], "verify_intro": ""}
"""Variables a letter issued before they existed lacks: rendered again (its file missing from
this data dir), it reads as issued."""


def _render(ws: Workspace, snapshot: dict[str, object], out: Path, template: Path | None) -> Path:
    snapshot = {**snapshot, "letter": {**LETTER_DEFAULTS, **snapshot["letter"]}}  # type: ignore[dict-item]
    kind = str(snapshot["letter"]["kind"])  # type: ignore[index]
    issuer = str(snapshot["letter"]["issuer"])  # type: ignore[index]
    source = template or shipped_dir("report_templates") / TEMPLATES[kind]
    try:
        # a user's own template is untrusted code: a child process with a deadline renders it
        return render(source, dict(snapshot), out, isolate=template is not None,
                      after=lambda tmp: check_signature(tmp, issuer))  # fmt: skip
    except AuditDeskError:
        out.with_name(f".{out.name}.part").unlink(missing_ok=True)  # a refused 落款: nothing left
        raise


def issue_letter(
    ws: Workspace,
    audit_id: str,
    kind: LetterKind,
    issued_on: date,
    *,
    served_on: date | None = None,
    note: str = "",
    out: Path | None = None,
    template: Path | None = None,
    today: date | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    by: str = "",
) -> Written:
    """Issue a letter (logged; ``by``: who): allocate its 文号 (``{prefix}〔{year}〕第{n}号``, the next of ``kind`` in
    ``issued_on``'s year, in the same transaction as the insert), fix its content, keep the
    rendered .docx in the data dir under its SHA-256, start the reply clock; copy it to ``out``.

    Args:
        served_on: 送达日期 when known at issue (handed over on the day); else record it later
            with :func:`serve_letter` — until then the reply date is an estimate. Never after
            ``today``: a receipt records what happened.
        today: the day the user acts (default: the system date). A letter may be dated ahead
            (handed over tomorrow), but a 建议书 states that the 意见书's period ran out without
            a reply, which must already be true today.

    Raises:
        AuditDeskError: required settings missing (named); nothing open to list; a 建议书
            without a served, expired, unanswered 意见书; a deadline past the holiday calendar;
            a service date before the issue date; a date before the latest numbered letter of
            its kind and year (the numbers follow the dates); a template whose 落款 names someone else;
            a listed payroll finding whose payroll changed since it was adopted.
            Nothing is recorded then. If only copying to ``out`` fails, the letter stays issued
            and the message says so.
    """
    settings = _settings_for(ws, kind)
    today = today or date.today()
    if served_on is not None and served_on < issued_on:
        raise AuditDeskError(f"送达日期 {served_on} 早于发出日期 {issued_on}。")
    if served_on is not None and served_on > today:
        raise AuditDeskError(f"送达日期 {served_on} 晚于今天（{today}）：送达后再登记送达日期。")
    from auditdesk.services.reports import gather, unfinished

    progress(0, 2, "汇总体检数据…")
    data = gather(ws, audit_id)
    if why := unfinished(data, kind.value):
        raise AuditDeskError(why, location=audit_id)
    check_cancel(cancel)
    progress(1, 2, "编号、生成并存档函件…")
    opinion = (cited_opinion(ws, audit_id, min(issued_on, today))
               if kind is LetterKind.PROPOSAL else None)  # fmt: skip
    days = LETTERS[kind.value].days
    if kind is LetterKind.NOTICE:
        due = reply_deadline(issued_on, days, "提示函答复")
    else:
        due = reply_deadline(served_on or issued_on, days, f"{kind.label}答复")
    scratch = ensure_dir(ws.paths.tmp)
    with ws.store.transaction() as tx:
        tx.require_audit(audit_id)
        seq = tx.next_letter_seq(kind.value, issued_on.year)
        last = tx.last_letter_date(kind.value, issued_on.year)  # under the numbering lock
        if last is not None and last > issued_on:
            raise AuditDeskError(
                f"发文日期 {cn_date(issued_on)} 早于已发出的{kind.label}（{issued_on.year} 年）中最晚的"
                f"发文日期 {cn_date(last)}：文号按发文日期顺序编排，第{seq}号不能早于此前各号。"
                "请按实际发出日期登记。",
                location=audit_id,
            )
        number = f"{settings.prefix(kind)}〔{issued_on.year}〕第{seq}号"
        snapshot = letter_snapshot(kind, data, settings, issued_on=issued_on, number=number,
                                   served_on=served_on, opinion=opinion)  # fmt: skip
        rendered = _render(ws, snapshot, scratch / f"letter-{seq}-{kind.value}.docx", template)
        sha = hashlib.sha256(rendered.read_bytes()).hexdigest()
        target = document_path(ws, sha)
        if not target.exists():
            copy_atomic(rendered, target)
        rendered.unlink(missing_ok=True)
        letter = Letter(audit_id=audit_id, kind=kind, issued_on=issued_on, reply_due=due,
                        served_on=served_on, note=note, number=number, number_year=issued_on.year,
                        number_seq=seq, content=snapshot, document_sha256=sha)  # fmt: skip
        tx.insert_letter(letter)
        changelog.record(tx, ChangeEntity.LETTER, letter.id, "issued", None, letter.label,
                         by=by, audit_id=audit_id)  # fmt: skip
    progress(2, 2, "完成")
    if out is None:
        return Written(letter, None)
    try:
        copy_atomic(target, out)
    except OSError as exc:
        raise AuditDeskError(
            f"{letter.label} 已发出并存档，但无法写入 {out}：{exc.strerror or exc}。"
            f"可用“auditdesk letters export {letter.id[:8].upper()} -o 文件”再次导出。",
            location=str(out),
        ) from exc
    return Written(letter, out)


def export_letter(ws: Workspace, letter_id: str, out: Path) -> Written:
    """Reproduce an issued letter: the kept .docx itself, or (when that file is missing from this
    data dir, e.g. after a case-file import) the stored content rendered with the shipped
    template — same number, date and text, never re-dated.

    Raises:
        AuditDeskError: a letter recorded before numbering (no stored content), or ``out``
            cannot be written.
    """
    with ws.store.read() as tx:
        letter = next((x for x in tx.list_letters() if x.id == letter_id), None)
    if letter is None:
        raise AuditDeskError("该函件记录已不存在。", location=letter_id)
    if letter.content is None:
        raise AuditDeskError(f"这份{letter.kind.label}（{letter.issued_on} 登记）是在函件编号存档之前登记的，"
                             "没有存档的正文，无法重现。", location=letter_id)  # fmt: skip
    kept = document_path(ws, letter.document_sha256) if letter.document_sha256 else None
    if kept is not None and kept.exists() and _sha(kept) == letter.document_sha256:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            tmp = out.with_name(f".{out.name}.part")
            shutil.copyfile(kept, tmp)
            tmp.replace(out)
        except OSError as exc:
            raise AuditDeskError(f"无法写入 {out}：{exc.strerror or exc}（文件是否正在 Word 中打开？）",
                                 location=str(out)) from exc  # fmt: skip
        return Written(letter, out)
    return Written(letter, _render(ws, letter.content, out, None), exact=False)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def latest_issued(ws: Workspace, audit_id: str, kind: LetterKind) -> Letter | None:
    """The audit's most recent numbered letter of ``kind``, or None."""
    with ws.store.read() as tx:
        issued = [x for x in tx.list_letters(audit_id) if x.kind is kind and x.content is not None]
    return issued[-1] if issued else None


def write_letter(
    ws: Workspace, audit_id: str, kind: LetterKind, out: Path, *, template: Path | None = None,
    today: date | None = None,
) -> Written:  # fmt: skip
    """What 导出文书 / ``report --kind`` does for a letter: reproduce the audit's latest issued
    letter of ``kind`` when there is one, else write a draft marked 草稿, without a number.

    Raises:
        AuditDeskError: a template asked for an issued letter (it is reproduced as issued);
            nothing open to list; a draft 建议书 with no served 意见书 to cite.
    """
    issued = latest_issued(ws, audit_id, kind)
    if issued is not None:
        if template is not None:
            raise AuditDeskError(f"{issued.label} 已发出，导出时按存档原样重现，不能换用其他模板。")
        return export_letter(ws, issued.id, out)
    from auditdesk.services.reports import gather

    day = today or date.today()
    settings = get_union_settings(ws)
    data = gather(ws, audit_id)
    opinion = (cited_opinion(ws, audit_id, day, expired=False)
               if kind is LetterKind.PROPOSAL else None)  # fmt: skip
    snapshot = letter_snapshot(kind, data, settings, issued_on=day, number=None, opinion=opinion)
    return Written(None, _render(ws, snapshot, out, template))


def serve_letter(
    ws: Workspace,
    letter_id: str,
    served_on: date,
    *,
    today: date | None = None,
    by: str = "",
    expected_version: int | None = None,
) -> Letter:
    """Record the 送达日期 (from the 送达回执). For the 意见书 and 建议书 the reply period is then
    counted from the day after it (15 / 5 working days, the last day counted) and is no longer
    an estimate; the 提示函 keeps the reply date written in it. A later call corrects the date.
    Logged (``by``: who).

    Raises:
        AuditDeskError: no such letter; a date before issue, after the reply or after ``today``
            (default: the system date; a receipt records what happened); a deadline past the
            holiday calendar (nothing is saved then).
        StaleRecordError: another user saved the letter after ``expected_version`` (the version
            the user saw; ``None``: whatever is stored). Nothing saved.
    """
    today = today or date.today()
    if served_on > today:
        raise AuditDeskError(f"送达日期 {served_on} 晚于今天（{today}）：送达后再登记送达日期。",
                             location=letter_id)  # fmt: skip
    with ws.store.transaction() as tx:
        letter = next((x for x in tx.list_letters() if x.id == letter_id), None)
        if letter is None:
            raise AuditDeskError("该函件记录已不存在。", location=letter_id)
        if served_on < letter.issued_on:
            raise AuditDeskError(f"送达日期 {served_on} 早于{letter.kind.label}的发出日期 {letter.issued_on}。",
                                 location=letter_id)  # fmt: skip
        if letter.replied_on is not None and served_on > letter.replied_on:
            raise AuditDeskError(f"送达日期 {served_on} 晚于企业答复日期 {letter.replied_on}。",
                                 location=letter_id)  # fmt: skip
        due = letter.reply_due
        if letter.clock_from_service:
            due = reply_deadline(served_on, LETTERS[letter.kind.value].days,
                                 f"{letter.kind.label}答复")  # fmt: skip
        version = letter.version if expected_version is None else expected_version
        changed = letter.model_copy(
            update={"served_on": served_on, "reply_due": due, "updated_at": utcnow(),
                    "updated_by": by, "version": version}
        )  # fmt: skip
        saved = tx.update_letter(changed)
        changelog.record_fields(tx, ChangeEntity.LETTER, letter_id, letter, changed,
                                ("served_on", "reply_due"), by=by, audit_id=letter.audit_id)  # fmt: skip
        return saved
