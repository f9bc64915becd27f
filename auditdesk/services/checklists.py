"""Checklist actions: load the library in force, validate files, import an organisation's own file,
pin the library an audit uses, and score an audit."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path

from auditdesk.archive import SCRATCH_PREFIX
from auditdesk.checklists.applicability import CompanyProfile
from auditdesk.checklists.loader import (
    ChecklistError,
    ChecklistProblem,
    LoadResult,
    collect,
    errors_only,
    load_library,
    read_module,
    validate_module_file,
)
from auditdesk.checklists.schema import ChecklistLibrary, ChecklistModule
from auditdesk.checklists.scoring import ScoreReport, score_audit, with_vetoes
from auditdesk.errors import AuditDeskError
from auditdesk.models.audit import Audit
from auditdesk.models.common import utcnow
from auditdesk.models.finding import Finding, FindingOrigin, Severity
from auditdesk.paths import shipped_dir
from auditdesk.rules.catalog import RULES_BY_ID
from auditdesk.services.workspace import Workspace
from auditdesk.store import Tx


@contextmanager
def custom_folder(ws: Workspace) -> Iterator[Path]:
    """The folder of the organisation's own checklist files, for the loader: ``<data>/checklists``
    on a laptop; on a shared server the office's files (``office_checklists``) written into a
    scratch folder for as long as the block runs, so every user loads the same ones."""
    if not ws.is_server:
        yield ws.paths.custom_checklists
        return
    with ws.store.read() as tx:
        files = tx.office_checklists()
    ws.paths.tmp.mkdir(parents=True, exist_ok=True)
    folder = Path(
        tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-checklists-", dir=ws.paths.tmp)
    )
    try:
        for file in files:
            (folder / Path(file.name).name).write_text(file.content, encoding="utf-8")
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def current_library(ws: Workspace) -> LoadResult:
    """The shipped library plus the organisation's valid files (``<data>/checklists``, or the
    office's on a server: :func:`custom_folder`).

    Custom files with problems are left out and listed in ``LoadResult.skipped``.

    Raises:
        ChecklistError: the shipped files are damaged.
    """
    with custom_folder(ws) as custom:
        return load_library(shipped_dir("checklists"), custom)


def validate(
    ws: Workspace | None, paths: Sequence[Path] = ()
) -> tuple[int, list[ChecklistProblem]]:
    """Validate checklist files; returns (items checked, problems). Problems with ``warning`` set
    (an organisation's item without a finding statement) do not stop a file from loading.

    Without ``paths``: the shipped library and the organisation's folder. A path may be a library
    folder (with ``checklists.toml``), a folder of custom files, or one custom ``.toml`` file.
    """
    if not paths:
        with custom_folder(ws) if ws is not None else nullcontext(None) as custom:
            shipped, extra, _manifest, p1, p2 = collect(shipped_dir("checklists"), custom)
        return sum(len(m.items) for m in [*shipped, *extra]), [*p1, *p2]
    problems: list[ChecklistProblem] = []
    count = 0
    base = load_library(shipped_dir("checklists")).library
    for path in paths:
        if path.is_dir() and (path / "checklists.toml").exists():
            shipped, _extra, _manifest, found, _ = collect(path, None)
            problems += found
            count += sum(len(m.items) for m in shipped)
        elif path.is_dir():
            for file in sorted(path.glob("*.toml")):
                problems += validate_module_file(file, base)
                count += _count_items(file)
        elif path.is_file():
            problems += validate_module_file(path, base)
            count += _count_items(path)
        else:
            problems.append(ChecklistProblem(str(path), "文件或目录不存在"))
    return count, problems


def _count_items(path: Path) -> int:
    module, _ = read_module(path, custom=True)
    return len(module.items) if module else 0


def import_file(ws: Workspace, source: Path, *, replace: bool = False) -> ChecklistModule:
    """Copy an organisation's checklist file into ``<data>/checklists`` (on a server: into the
    database, for the whole office) after validating it.

    Never touches the shipped files; refuses to overwrite an existing custom file unless ``replace``.
    Warnings (items without a finding statement) do not stop the import; the CLI and GUI show
    them from ``current_library(ws).warnings``.

    Raises:
        ChecklistError: the file has problems (nothing is copied).
        AuditDeskError: a file of that name exists and ``replace`` is False.
    """
    library = current_library(ws).library
    if replace:
        library = library.model_copy(
            update={"modules": [m for m in library.modules if m.source != source.name]}
        )
    problems = errors_only(validate_module_file(source, library))
    if problems:
        raise ChecklistError(problems)
    if ws.is_server:
        _import_to_server(ws, source, replace=replace)
    else:
        target_dir = ws.paths.custom_checklists
        target = target_dir / source.name
        if target.exists() and not replace:
            raise AuditDeskError(
                f"本机已有同名的自定义清单 {target.name}。如要替换，请使用 --replace。",
                location=str(target),
            )
        target_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    result = current_library(ws)
    module = next((m for m in result.library.modules if m.custom and m.source == source.name), None)
    if module is None:  # pragma: no cover - validated above
        raise ChecklistError(result.skipped)
    return module


def _import_to_server(ws: Workspace, source: Path, *, replace: bool) -> None:
    try:
        data = source.read_bytes()
        content = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditDeskError(f"无法读取清单文件 {source}：{exc}", location=str(source)) from exc
    with ws.store.transaction() as tx:
        if not replace and any(f.name == source.name for f in tx.office_checklists()):
            raise AuditDeskError(
                f"服务器数据库中已有同名的自定义清单 {source.name}。如要替换，请使用 --replace。",
                location=source.name,
            )
        tx.save_office_checklist(source.name, content, hashlib.sha256(data).hexdigest(), utcnow())


def pin(tx: Tx, library: ChecklistLibrary) -> str:
    """Store a frozen copy of ``library`` (once per content) and return the key an audit records."""
    key = library.key
    tx.save_snapshot(key, library.version, library.content_hash(), library.model_dump(mode="json"))
    return key


def library_for_audit(ws: Workspace, audit: Audit) -> ChecklistLibrary:
    """The checklist version the audit was started with, even if the files changed since.

    An audit from before checklists were pinned (empty version) is pinned to the current library
    on first use.
    """
    with ws.store.read() as tx:
        payload = tx.get_snapshot(audit.checklist_version) if audit.checklist_version else None
    if payload is not None:
        return ChecklistLibrary.model_validate(payload)
    if audit.checklist_version:
        raise AuditDeskError(
            f"找不到体检所用的检查清单版本 {audit.checklist_version}，数据库可能不完整。",
            location=audit.id,
        )
    library = current_library(ws).library
    with ws.store.transaction() as tx:
        key = pin(tx, library)
        current = tx.require_audit(audit.id)
        tx.update_audit(current.model_copy(update={"checklist_version": key}))
    return library


def audit_score(ws: Workspace, audit_id: str) -> ScoreReport:
    """Per-area and overall score of an audit from its answers (see ``checklists.scoring``)."""
    with ws.store.read() as tx:
        audit = tx.require_audit(audit_id)
        company = tx.require_company(audit.company_id)
        answers = {a.item_id: a.result for a in tx.list_answers(audit_id) if a.result}
        findings = tx.list_findings(audit_id)
    library = library_for_audit(ws, audit)
    report = score_audit(library, answers, CompanyProfile.of(company), audit.scope)
    return with_vetoes(report, payroll_vetoes(findings))


def payroll_vetoes(findings: Sequence[Finding]) -> list[str]:
    """The vetoes among an audit's payroll findings: each critical one kept in the report (not
    剔除), named by its rule and month (``工资表核查：使用童工（2025-07）``). Used by every score
    shown (评分 tab, ``audit score``, the report) so they agree."""
    names = []
    for f in sorted(findings, key=lambda f: f.origin_ref):
        if (
            f.origin is not FindingOrigin.PAYROLL
            or f.dismissed
            or f.severity is not Severity.CRITICAL
        ):
            continue
        rule_id, _, period = f.origin_ref.partition("@")
        rule = RULES_BY_ID.get(rule_id)
        title = rule.title if rule is not None else f.title
        period = period.replace("..", " 至 ")  # a finding merged across months
        names.append(f"工资表核查：{title}（{period}）" if period else f"工资表核查：{title}")
    return names
