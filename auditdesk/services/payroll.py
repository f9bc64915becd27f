"""Payroll actions: inspect files, import them into an audit (progress + cancel), mapping profiles."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from auditdesk.errors import AuditDeskError
from auditdesk.models.audit import ChangeEntity
from auditdesk.models.common import utcnow
from auditdesk.models.finding import (
    Finding,
    FindingOrigin,
    Severity,
)
from auditdesk.models.payroll import (
    CheckResult,
    ColumnMapping,
    ImportResult,
    PayrollField,
    PayrollFinding,
    PayrollImport,
    PayrollRow,
)
from auditdesk.payroll.importer import SheetPlan, plan_workbook, read_payroll
from auditdesk.payroll.mapping import MappingSource, merge_profile, normalize_header
from auditdesk.payroll.readers import RawWorkbook, read_workbook
from auditdesk.progress import CancelToken, ProgressFn, check_cancel, no_progress
from auditdesk.rules.catalog import RULES_BY_ID
from auditdesk.rules.engine import identity_token
from auditdesk.rules.review import (
    PayrollReview,
    ReviewGroup,
    adopted_state,
    merged_refs,
    overlaps,
    ref_range,
    review_payroll,
)
from auditdesk.rules.review import group_findings as review_group_findings
from auditdesk.rules.review import mapped_fields as mapped_fields  # re-exported for callers
from auditdesk.services import changelog

if TYPE_CHECKING:  # only annotations: ``payroll check FILE`` must not load the store (SQLAlchemy)
    from auditdesk.services.workspace import Workspace
    from auditdesk.store import Tx


def profile_for(ws: Workspace, company_id: str | None) -> ColumnMapping | None:
    if company_id is None:
        return None
    with ws.store.read() as tx:
        return tx.get_mapping_profile(company_id)


def inspect_files(
    ws: Workspace | None,
    paths: Sequence[Path],
    *,
    company_id: str | None = None,
    mapping: ColumnMapping | None = None,
    period: str | None = None,
    accept_guesses: bool = False,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> ImportResult:
    """What an import of ``paths`` would do, without storing anything (rows are not kept).

    With a workspace and ``company_id`` the company's saved mapping profile is applied.
    """
    profile = profile_for(ws, company_id) if ws is not None else None
    return read_payroll(
        paths,
        mapping=mapping,
        profile=profile,
        period=period,
        keep_rows=False,
        accept_guesses=accept_guesses,
        progress=progress,
        cancel=cancel,
    )


@dataclass
class Preview:
    """Files read for the import wizard: raw cells to show, and the plan of every sheet."""

    workbooks: list[RawWorkbook]
    plans: list[list[SheetPlan]]
    profile: ColumnMapping | None

    def replan(self, mapping: ColumnMapping | None, period: str | None) -> None:
        """Re-plan every sheet after the user changed the mapping or the period (no file I/O)."""
        self.plans = [
            plan_workbook(wb, mapping=mapping, profile=self.profile, period=period)
            for wb in self.workbooks
        ]


def preview_files(
    ws: Workspace,
    paths: Sequence[Path],
    *,
    company_id: str | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> Preview:
    """Read files for previewing and mapping, with the company's saved profile applied.

    Raises:
        AuditDeskError: a file cannot be read (the message names it).
    """
    profile = profile_for(ws, company_id)
    workbooks: list[RawWorkbook] = []
    for i, path in enumerate(paths):
        check_cancel(cancel)
        progress(i, len(paths), f"读取 {path.name}")
        workbooks.append(read_workbook(path))
    progress(len(paths), len(paths), "完成")
    preview = Preview(workbooks, [], profile)
    preview.replan(None, None)
    return preview


@dataclass(frozen=True)
class ImportOutcome:
    result: ImportResult
    imports: list[PayrollImport]
    replaced: int
    """Earlier imports of the same files into this audit that were replaced."""
    overlaps: list[str] = field(default_factory=list)
    """Per earlier import of other files holding the same employees in the same months (a
    corrected payroll beside the first, or a 补发 file), a Chinese warning naming it."""


def import_payroll(
    ws: Workspace,
    audit_id: str,
    paths: Sequence[Path],
    *,
    mapping: ColumnMapping | None = None,
    period: str | None = None,
    accept_guesses: bool = False,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    by: str = "",
) -> ImportOutcome:
    """Import payroll files into an audit in one transaction, and remember the mapping. Each
    import (and each earlier import it replaces) is logged (``by``: who).

    Importing a file whose content was imported into this audit before replaces that import (the
    usual reason is a corrected mapping). The columns used are saved as the company's mapping
    profile, so the next import of the same layout maps itself.

    Raises:
        AuditDeskError: a file cannot be read, or no sheet holds importable rows.
        NotFoundError: the audit does not exist.
        Cancelled: cancelled; nothing was stored.
    """
    with ws.store.read() as tx:
        audit = tx.require_audit(audit_id)
        profile = tx.get_mapping_profile(audit.company_id)
    result = read_payroll(
        paths, mapping=mapping, profile=profile, period=period, accept_guesses=accept_guesses,
        progress=progress, cancel=cancel,
    )  # fmt: skip
    if not result.rows:
        notes = "；".join(
            f"{f.file}「{s.name}」：{s.note or '没有数据行'}"
            for f in result.files
            for s in f.sheets
        )
        raise AuditDeskError(f"没有导入任何工资数据。{notes}")
    check_cancel(cancel)
    progress(0, 1, "保存到数据库…")
    by_file: dict[str, list[PayrollRow]] = {}
    for row in result.rows:
        by_file.setdefault(row.source_file, []).append(row)
    imports: list[PayrollImport] = []
    replaced = 0
    with ws.store.transaction() as tx:
        previous = {p.sha256: p for p in tx.list_payroll_imports(audit_id)}
        overlaps = _overlaps(tx, audit_id, result, previous)
        for report in result.files:
            rows = by_file.get(report.file, [])
            if not rows:
                continue
            old = previous.get(report.sha256)
            if old is not None:
                replaced += tx.delete_payroll_import(old.id)
                changelog.record(tx, ChangeEntity.PAYROLL_IMPORT, old.id, "removed",
                                 _import_words(old), None, by=by, audit_id=audit_id,
                                 company_id=audit.company_id)  # fmt: skip
            record = PayrollImport(
                audit_id=audit_id,
                file_name=report.file,
                sha256=report.sha256,
                row_count=len(rows),
                periods=sorted({r.period for r in rows}),
                report=report,
            )
            tx.insert_payroll_import(record, rows)
            changelog.record(tx, ChangeEntity.PAYROLL_IMPORT, record.id, "imported", None,
                             _import_words(record), by=by, audit_id=audit_id,
                             company_id=audit.company_id)  # fmt: skip
            imports.append(record)
            check_cancel(cancel)
        tx.save_mapping_profile(audit.company_id, merge_profile(profile, used_mapping(result)))
    progress(1, 1, "完成")
    return ImportOutcome(result=result, imports=imports, replaced=replaced, overlaps=overlaps)


def _overlaps(
    tx: Tx, audit_id: str, result: ImportResult, previous: Mapping[str, PayrollImport]
) -> list[str]:
    """The warnings of :attr:`ImportOutcome.overlaps`: the audit's earlier imports (not those
    this import replaces) that hold a person in a month the new rows hold too, matched as the
    rules match people (ID number, else 工号, else name)."""
    new_keys = {(r.period, identity_token(r.id_number, r.employee_id, r.name))
                for r in result.rows}  # fmt: skip
    replacing = {f.sha256 for f in result.files}
    earlier = {p.id: p for sha, p in previous.items() if sha not in replacing}
    if not earlier:
        return []
    shared: dict[str, set[tuple[str, str]]] = {}
    for import_id, period, number, employee_id, name in tx.payroll_row_people(audit_id):
        if import_id not in earlier:
            continue
        key = (period, identity_token(number, employee_id, name))
        if key in new_keys:
            shared.setdefault(import_id, set()).add(key)
    warnings = []
    for import_id, keys in shared.items():
        record = earlier[import_id]
        people = len({token for _, token in keys})
        months = "、".join(sorted({period for period, _ in keys}))
        warnings.append(
            f"与已导入的“{record.file_name}”有 {people} 名员工同月重复（{months}，共 {len(keys)} 个"
            "员工月份）。两份都已保留，核查时每一行分别计算：同一人同月的金额不会合并，最低工资、"
            "加班费等会重复计算或误判。如两者是同一工资表的新旧两版，请移除不用的一版（体检页选中本次"
            "体检，点“移除工资表…”；或 auditdesk payroll remove "
            f"--audit {audit_id} {import_id[:8]} 移除“{record.file_name}”）；如是补发、奖金另列，"
            "请并入当月工资表（每人每月一行）后再导入。"
        )
    return warnings


def _import_words(record: PayrollImport) -> str:
    """How the change log names an import: ``7月.xlsx（120 行，2025-07）``."""
    return f"{record.file_name}（{record.row_count} 行，{'、'.join(record.periods)}）"


def used_mapping(result: ImportResult) -> ColumnMapping:
    """The header → field choices an import went with (unmapped columns the user chose to leave
    out included; unrecognised ones are not, so better synonyms can still pick them up later)."""
    columns: dict[str, PayrollField | None] = {}
    for f in result.files:
        for s in f.sheets:
            if not s.imported:
                continue
            for c in s.columns:
                if not c.header:
                    continue
                if c.field is not None or c.source in (MappingSource.USER, MappingSource.PROFILE):
                    columns[normalize_header(c.header)] = c.field
    return ColumnMapping(columns=columns)


def list_imports(ws: Workspace, audit_id: str) -> list[PayrollImport]:
    with ws.store.read() as tx:
        tx.require_audit(audit_id)
        return tx.list_payroll_imports(audit_id)


def load_rows(ws: Workspace, audit_id: str) -> list[PayrollRow]:
    """The payroll rows imported into an audit, in import order."""
    with ws.store.read() as tx:
        tx.require_audit(audit_id)
        return tx.list_payroll_rows(audit_id)


def remove_import(ws: Workspace, audit_id: str, ref: str, *, by: str = "") -> PayrollImport:
    """Take one payroll import (and its rows) out of an audit, in one transaction (logged;
    ``by``: who).

    Args:
        ref: the import's id or its first 8+ characters (any case), as ``payroll list`` shows.

    Returns:
        The removed import (file name, rows, months), for the confirmation.

    Raises:
        AuditDeskError: the audit does not exist, or ``ref`` names no import of this audit.
    """
    text = ref.strip()
    with ws.store.transaction() as tx:
        tx.require_audit(audit_id)
        imports = tx.list_payroll_imports(audit_id)
        matches = [i for i in imports if i.id == text] or [
            i for i in imports if len(text) >= 4 and i.id.upper().startswith(text.upper())
        ]
        if len(matches) != 1:
            raise AuditDeskError(
                f"“{text}”不是该体检的工资表导入（用 payroll list 查看）。"
                if not matches
                else f"“{text}”对应多个工资表导入，请写出更长的编号。",
                location=text,
            )
        tx.delete_payroll_import(matches[0].id)
        changelog.record(tx, ChangeEntity.PAYROLL_IMPORT, matches[0].id, "removed",
                         _import_words(matches[0]), None, by=by, audit_id=audit_id)  # fmt: skip
        return matches[0]


def delete_import(ws: Workspace, import_id: str, *, by: str = "") -> None:
    """Delete one payroll import by id (logged; ``by``: who).

    Raises:
        AuditDeskError: no such import.
    """
    with ws.store.transaction() as tx:
        found = tx.get_payroll_import(import_id)
        if found is None or tx.delete_payroll_import(import_id) == 0:
            raise AuditDeskError("要删除的工资表导入记录已不存在。")
        changelog.record(tx, ChangeEntity.PAYROLL_IMPORT, import_id, "removed",
                         _import_words(found), None, by=by, audit_id=found.audit_id)  # fmt: skip


def read_mapping_file(path: Path) -> ColumnMapping:
    """A mapping file: JSON ``{"columns": {"应发合计": "gross_pay", "备用": null}}`` (the
    ``columns`` wrapper may be left out). Fields are canonical names or their Chinese labels.

    Raises:
        AuditDeskError: unreadable JSON or an unknown field, naming the file and the entry.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise AuditDeskError(f"映射文件 {path.name} 不存在。", location=str(path)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditDeskError(f"映射文件 {path.name} 无法读取：{exc}", location=str(path)) from exc
    except json.JSONDecodeError as exc:
        raise AuditDeskError(
            f"映射文件 {path.name} 不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列，{exc.msg}",
            location=f"{path}:{exc.lineno}",
        ) from exc
    if isinstance(data, dict) and isinstance(data.get("columns"), dict):
        data = data["columns"]
    if not isinstance(data, dict):
        raise AuditDeskError(
            f'映射文件 {path.name} 的格式应为 {{"表头": "字段"}}。', location=str(path)
        )
    by_label = {f.label: f for f in PayrollField}
    columns: dict[str, PayrollField | None] = {}
    for header, name in data.items():
        if name is None or name == "":
            columns[normalize_header(str(header))] = None
            continue
        field = by_label.get(str(name))
        if field is None:
            try:
                field = PayrollField(str(name))
            except ValueError:
                known = "、".join(f.value for f in PayrollField)
                raise AuditDeskError(
                    f"映射文件 {path.name} 中“{header}”对应的字段“{name}”不存在。可用字段：{known}",
                    location=f"{path}:{header}",
                ) from None
        columns[normalize_header(str(header))] = field
    try:
        return ColumnMapping(columns=columns)
    except ValidationError as exc:  # pragma: no cover - fields were checked above
        raise AuditDeskError(f"映射文件 {path.name} 有误：{exc}") from exc


# ------------------------------------------------------------------ risk rules
def check_files(
    paths: Sequence[Path],
    *,
    region: str = "shanghai",
    mapping: ColumnMapping | None = None,
    period: str | None = None,
    agreed_pay_day: int | None = None,
    accept_guesses: bool = False,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> tuple[ImportResult, CheckResult]:
    """Read payroll files and apply the rules, storing nothing (``auditdesk payroll check``).

    Raises:
        AuditDeskError: no file could be read, or no sheet held payroll rows.
    """
    result = read_payroll(paths, mapping=mapping, period=period, accept_guesses=accept_guesses,
                          progress=progress, cancel=cancel)  # fmt: skip
    if not result.rows:
        raise AuditDeskError(f"没有可检查的工资数据。{_not_imported(result)}")
    check_cancel(cancel)
    progress(0, 1, "核查中…")
    review = review_payroll(result.rows, region=region, reports=result.files,
                            agreed_pay_day=agreed_pay_day)  # fmt: skip
    return result, review.result


def review_audit(ws: Workspace, audit_id: str) -> PayrollReview:
    """The one payroll review of an audit: its rows read once, the rules run once with the
    company's agreed pay day, the findings grouped once. Every consumer — the 工资核查 dialog,
    adopting groups, the 跟诊 re-check and the documents — reads this."""
    with ws.store.read() as tx:
        audit = tx.require_audit(audit_id)
        company = tx.require_company(audit.company_id)
        imports = tx.list_payroll_imports(audit_id)
        rows = tx.list_payroll_rows(audit_id)
    return review_payroll(rows, region=audit.region, reports=[i.report for i in imports],
                          agreed_pay_day=company.pay_day)  # fmt: skip


def check_audit(ws: Workspace, audit_id: str) -> CheckResult:
    """The rules applied to the payroll imported into an audit (``review_audit(…).result``)."""
    return review_audit(ws, audit_id).result


FindingGroup = ReviewGroup
"""The findings of one rule in one pay month (see ``rules.review.ReviewGroup``)."""


ADOPTION_LABELS = {"adopted": "已转为问题", "changed": "已转为问题，工资表已变更", "": ""}


@dataclass(frozen=True)
class AdoptionMark:
    """How a 工资核查 group stands: the report finding made from it (alone or merged across
    months) and whether today's payroll still says what that finding says."""

    state: str
    """``adopted`` or ``changed`` (see :data:`ADOPTION_LABELS`)."""
    code: str
    """The finding's 问题编号 (``W07``)."""
    finding_id: str
    merged: bool
    """The finding covers several months of the rule."""
    version: int = 0
    """The finding's version when the mark was read (for a stale-safe adoption)."""

    @property
    def label(self) -> str:
        """``已转为问题 W07`` (``，合并多月`` / ``，工资表已变更`` added when so)."""
        text = f"{ADOPTION_LABELS['adopted']} {self.code}"
        if self.merged:
            text += "（多月合并）"
        if self.state == "changed":
            text += "，工资表已变更"
        return text


def adoption_marks(ws: Workspace, audit_id: str, review: PayrollReview) -> dict[str, AdoptionMark]:
    """For each group of ``review`` (by ``RULE@YYYY-MM``) that a report finding not 剔除 was made
    from, alone or merged with other months: that finding's mark. Groups never adopted are
    absent."""
    with ws.store.read() as tx:
        adopted = [f for f in tx.list_findings(audit_id)
                   if f.origin is FindingOrigin.PAYROLL and not f.dismissed]  # fmt: skip
    marks: dict[str, AdoptionMark] = {}
    for group in review.groups:
        finding = next((f for f in adopted if overlaps(f.origin_ref, group.ref)), None)
        if finding is not None:
            state = adopted_state(finding.payroll_hash, review.group(finding.origin_ref))
            marks[group.ref] = AdoptionMark(
                state or "adopted",
                finding.code,
                finding.id,
                finding.origin_ref != group.ref,
                finding.version,
            )
    return marks


def adoption_states(ws: Workspace, audit_id: str, review: PayrollReview) -> dict[str, str]:
    """For each group of ``review`` (by ``RULE@YYYY-MM``): ``adopted`` when a report finding was
    made from it and still says the same, ``changed`` when the payroll was re-imported since and
    the group now differs, absent when not adopted (see :func:`adoption_marks`)."""
    return {ref: mark.state for ref, mark in adoption_marks(ws, audit_id, review).items()}


def stale_findings(
    ws: Workspace, audit_id: str, review: PayrollReview | None = None
) -> dict[str, str]:
    """Adopted payroll findings that today's payroll no longer supports as adopted: finding id →
    ``changed`` (the payroll was re-imported and the group's content differs) or ``gone`` (the
    group no longer appears). Unchanged findings and checklist findings are absent. ``review``
    is computed when not given (that runs the rules: call it off the GUI thread)."""
    with ws.store.read() as tx:
        adopted = [f for f in tx.list_findings(audit_id)
                   if f.origin is FindingOrigin.PAYROLL and f.payroll_hash and not f.dismissed]  # fmt: skip
    if not adopted:
        return {}
    review = review or review_audit(ws, audit_id)
    states = {f.id: adopted_state(f.payroll_hash, review.group(f.origin_ref)) for f in adopted}
    return {fid: state for fid, state in states.items() if state}


def filter_findings(
    findings: Sequence[PayrollFinding],
    *,
    rule: str | None = None,
    severity: Severity | None = None,
    department: str | None = None,
    employee: str = "",
) -> list[PayrollFinding]:
    """Findings matching every given filter; ``employee`` matches 工号 or name, in part."""
    text = employee.strip().lower()
    return [
        f
        for f in findings
        if (rule is None or f.rule == rule)
        and (severity is None or f.severity is severity)
        and (department is None or f.department == department)
        and (not text or text in f.employee_key.lower() or text in (f.employee_name or "").lower())
    ]


def group_findings(result: CheckResult | Sequence[PayrollFinding]) -> list[FindingGroup]:
    """Findings grouped by rule and pay month, most severe first (``rules.review``)."""
    findings = result.findings if isinstance(result, CheckResult) else result
    return review_group_findings(findings)


def adopt_refs(
    ws: Workspace,
    audit_id: str,
    review: PayrollReview,
    refs: Sequence[str],
    *,
    merge: bool = False,
    by: str = "",
    expected_versions: Mapping[str, int] | None = None,
) -> list[Finding]:
    """Adopt the groups named ``refs`` (``RULE@YYYY-MM``) as report findings: one finding per
    group, or with ``merge`` one per rule spanning its first to its last chosen month (every
    group of the rule in between included), so one employee's same problem in several months is
    one finding listing that employee's months together.

    ``expected_versions``: finding id → the version of each adopted finding the user saw (see
    :attr:`AdoptionMark.version`; missing: whatever is stored).

    Raises:
        AuditDeskError: a ref the payroll does not produce (named).
        StaleRecordError: another user saved a finding this would refresh or merge since the
            user saw it (nothing of that group saved).
    """
    chosen = merged_refs(refs) if merge else list(dict.fromkeys(refs))
    out = []
    for ref in chosen:
        group = review.group(ref)
        if group is None:
            raise AuditDeskError(f"工资核查中没有分组“{ref}”。", location=ref)
        out.append(adopt_group(ws, audit_id, group, review=review, by=by,
                               expected_versions=expected_versions))  # fmt: skip
    return out


def adopt_group(
    ws: Workspace,
    audit_id: str,
    group: FindingGroup,
    *,
    review: PayrollReview | None = None,
    by: str = "",
    expected_versions: Mapping[str, int] | None = None,
) -> Finding:
    """Turn a group of payroll findings (one month, or merged ``RULE@FIRST..LAST``) into one
    report finding of the audit, or refresh the one made from it before (e.g. after a corrected
    import).

    When findings not 剔除 already cover some of its months: a finding whose months include all
    of the group's is refreshed instead (a month adopted again stays in its merged finding);
    otherwise the group's months are widened to cover theirs, the lowest-numbered of them becomes
    the merged finding (keeping its 问题编号) and the others are 剔除 as merged into it.
    ``review`` is computed when needed and not given (that runs the rules).
    ``expected_versions`` as :func:`adopt_refs`.

    Raises:
        StaleRecordError: as :func:`adopt_refs`.
    """
    ref = group.ref
    with ws.store.read() as tx:
        findings = [f for f in tx.list_findings(audit_id) if f.origin is FindingOrigin.PAYROLL]
    exact = next((f for f in findings if f.origin_ref == ref), None)
    covering = [f for f in findings if not f.dismissed and f is not exact
                and overlaps(f.origin_ref, ref)]  # fmt: skip
    absorbed: list[Finding] = []
    if exact is None and covering:
        rule_id, first, last = ref_range(ref)
        wider = next((f for f in covering if _contains(f.origin_ref, first, last)), None)
        if wider is not None:
            exact, ref = wider, wider.origin_ref
        else:
            spans = [ref_range(f.origin_ref) for f in covering]
            lo = min([first, *(s[1] for s in spans)])
            hi = max([last, *(s[2] for s in spans)])
            ref = merged_refs([f"{rule_id}@{lo}", f"{rule_id}@{hi}"])[0]
            covering.sort(key=lambda f: f.number or 0)
            exact, absorbed = covering[0], covering[1:]
        if ref != group.ref:
            review = review or review_audit(ws, audit_id)
            group = review.group(ref) or group
    values = _finding_values(group)
    now = utcnow()
    from auditdesk.services.visit import require_seen  # the lean payroll check needs no store

    seen = expected_versions or {}
    with ws.store.transaction() as tx:
        tx.require_audit(audit_id)
        for kept in [f for f in (exact, *absorbed) if f is not None]:
            # the stored copy, as the user saw it; the write below is versioned on it
            require_seen(tx.require_finding(kept.id), seen.get(kept.id))
        for other in absorbed:
            reason = f"已并入 {exact.code if exact else ''}（多月合并）"
            tx.update_finding(other.model_copy(update={
                "dismissed_reason": reason, "dismissed_by": "", "dismissed_at": now,
                "updated_at": now}))  # fmt: skip
            # in the finding's history, as a 剔除 by hand is (services.visit.dismiss_finding)
            changelog.record(tx, ChangeEntity.FINDING, other.id, "dismissed", None, reason,
                             by=by, audit_id=audit_id, at=now)  # fmt: skip
        if exact is not None:
            updated = exact.model_copy(update={**values, "origin_ref": ref, "updated_at": now})
            saved = tx.update_finding(updated)
            changelog.record_fields(tx, ChangeEntity.FINDING, exact.id, exact, updated,
                                    ("title", "facts", "money_at_stake", "origin_ref"), by=by,
                                    audit_id=audit_id, at=now)  # fmt: skip
            return saved
        finding = Finding(audit_id=audit_id, origin=FindingOrigin.PAYROLL, origin_ref=ref,
                          area=RULES_BY_ID[group.rule].area, **values)  # fmt: skip
        saved = tx.insert_finding(finding)
        changelog.record(tx, ChangeEntity.FINDING, saved.id, "created", None, saved.title,
                         by=by, audit_id=audit_id, at=now)  # fmt: skip
        return saved


def _contains(ref: str, first: str, last: str) -> bool:
    _, lo, hi = ref_range(ref)
    return lo <= first and last <= hi


def _finding_values(group: FindingGroup) -> dict[str, Any]:
    rule = RULES_BY_ID[group.rule]
    merged = group.period_label != group.period
    # each line with its caveat (a hidden row, a partial month, a figure not confirmed for the
    # month): the report is where the auditor and the company read it
    lines = [f"{f.employee_key}{'（' + f.employee_name + '）' if f.employee_name else ''}："
             f"{f.period + ' ' if merged else ''}{f.message}"
             f"{'（说明：' + f.caveat + '）' if f.caveat else ''}" for f in group.findings]  # fmt: skip
    return {
        "title": group.headline()[:300],
        "facts": f"{group.headline()}。\n" + "\n".join(lines),
        "severity": group.severity,
        # only definite amounts are "at stake" in the report and the 看板; a probable
        # shortfall is in the title and the facts, marked 待核实
        "money_at_stake": group.definite_total,
        "money_kind": group.money_kind if group.definite_total is not None else None,
        "legal_basis": list(rule.legal_basis),
        "remedy": rule.remedy,
        "consequence": rule.consequence,
        "subjects": group.persons,
        "payroll_hash": group.content_hash,
    }


def _not_imported(result: ImportResult) -> str:
    return "；".join(
        f"{f.file}「{s.name}」：{s.note or '没有数据行'}" for f in result.files for s in f.sheets
    )
