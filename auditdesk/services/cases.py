"""Case files (.adcase): carry one company — or some of its audits — between a lawyer's laptop and
the union office, and merge it in on the other side.

A case file is an archive (:mod:`auditdesk.archive`: zip + manifest with the SHA-256 of every
member, optionally sealed with a passphrase) holding ``records/<table>.json`` for each table and
``attachments/<sha256>`` for each evidence file.

Import merges by record id. Each side remembers, per record, every version (content hash) it has
sent or received in an exchange (the ``exchange_state`` table), and a case file carries the sender's
list (``exchange/known.json``). With that:

* missing here → added;
* same content on both sides → nothing to do;
* the file's version is one this side already had → the sender is behind → mine is kept;
* this side's version is one the sender already had → only the sender changed it → theirs is taken;
* otherwise both changed it since they last agreed (or it was never exchanged and differs): a
  **conflict**, resolved by the user's choice (GUI side by side; CLI ``--prefer mine|theirs``);
  without a choice the import stops and lists the conflicts.

Remembering every exchanged version, not just the last one sent, keeps a lost or never-imported file
from hiding an edit: if A sends X, then edits and sends Y that B never imports, B's edit of X still
meets A's Y as a conflict rather than silently replacing it.

History (change log, rectification moves) is only ever appended. Two machines that answered the same
checklist item independently, or created the same company (same credit code), are matched by that
natural key rather than duplicated. Deletions are not carried: a record deleted here but present in
the file comes back.

The import is one transaction; attachment files are written (content-addressed, hash-checked)
before it and removed again if it fails. Importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from auditdesk import __version__
from auditdesk.archive import SCRATCH_PREFIX, OpenedArchive, open_archive, write_archive
from auditdesk.errors import AuditDeskError, NotFoundError
from auditdesk.fileperms import make_read_only, remove_stored
from auditdesk.models.audit import ChangeEntity
from auditdesk.models.common import utcnow
from auditdesk.models.company import Company
from auditdesk.progress import CancelToken, ProgressFn, check_cancel, no_progress
from auditdesk.services import attachments, changelog
from auditdesk.services.attachments import blob_path
from auditdesk.services.case_format import (
    BOOKKEEPING,
    CASE_FORMAT,
    CASE_FORMAT_VERSION,
    CASE_SUFFIX,
    FOREIGN,
    KNOWN_MEMBER,
    SERIAL,
    SPECS,
    CaseError,
    Incoming,
    Spec,
    check_row,
    has_serial,
    read_case,
    record_key,
    record_sha,
)
from auditdesk.services.workspace import Workspace
from auditdesk.store import Tx
from auditdesk.store.errors import ConstraintError
from auditdesk.store.exchange import JsonRow, decode_row
from auditdesk.store.migrate import LATEST_VERSION

log = logging.getLogger(__name__)

_SHA256 = re.compile(r"[0-9a-f]{64}")
Prefer = Literal["mine", "theirs"]


# ------------------------------------------------------------------ export
@dataclass(frozen=True)
class ExportResult:
    path: Path
    company: str
    counts: dict[str, int]
    attachments: int
    encrypted: bool


def _selection(
    tx: Tx, company_id: str, audit_ids: Iterable[str] | None
) -> tuple[Company, list[str]]:
    company = tx.require_company(company_id)
    own = [s.audit.id for s in tx.list_audit_summaries(company_id)]
    if audit_ids is None:
        return company, own
    chosen = list(dict.fromkeys(audit_ids))
    strangers = [a for a in chosen if a not in own]
    if strangers:
        raise NotFoundError(
            f"体检 {strangers[0]} 不属于企业 {company.name}。", location=strangers[0]
        )
    return company, chosen


def _rows_for(tx: Tx, spec: Spec, company_id: str, audits: list[str]) -> list[JsonRow]:
    rows = tx.exchange_rows(spec.name, company_id, audits)
    if spec.name == "change_log":
        # ``undoes`` names a local entry id, which does not travel: the receiver learns which
        # entries were undone from the ``undone`` flag on them instead
        undone = {r.get("undoes") for r in rows} - {None}
        for r in rows:
            if r.get(SERIAL) in undone:
                r["undone"] = True
            r["undoes"] = None
    if has_serial(spec):
        for r in rows:
            r.pop(SERIAL, None)
    return rows


def export_case(
    ws: Workspace,
    company_id: str,
    target: Path,
    *,
    audit_ids: Iterable[str] | None = None,
    passphrase: str | None = None,
) -> ExportResult:
    """Write the company (and all or the chosen audits) with everything under it to ``target``."""
    exported_at = utcnow()
    with ws.store.read() as tx:
        company, audits = _selection(tx, company_id, audit_ids)
        tables = {spec.name: _rows_for(tx, spec, company_id, audits) for spec in SPECS}
        sent = {spec.name: {record_key(spec, r): record_sha(spec, r) for r in tables[spec.name]}
                for spec in SPECS if not spec.append_only}  # fmt: skip
        known = {
            name: {key: sorted(tx.exchanged_versions(name, key) | {sha}) for key, sha in rs.items()}
            for name, rs in sent.items()
        }
    hashes = sorted({str(r["sha256"]) for r in tables["attachments"]})
    missing = attachments.missing_files(ws, hashes)
    if missing:
        where = "数据库" if attachments.files_in_database(ws) else "数据目录"
        raise AuditDeskError(
            f"有 {len(missing)} 个附件文件在{where}中缺失（如 {missing[0][:12]}…），无法导出完整案卷。"
            "请先从备份恢复附件。"
        )
    try:
        with write_archive(target, passphrase, workdir=ws.paths.tmp) as archive:
            for name, rows in tables.items():
                archive.add_json(f"records/{name}.json", rows)
            archive.add_json(KNOWN_MEMBER, known)
            for sha in hashes:
                with attachments.readable_file(ws, sha, ws.paths.tmp) as stored:
                    archive.add_file(f"attachments/{sha}", stored, compress=False)
            archive.finish({
                "format": CASE_FORMAT,
                "format_version": CASE_FORMAT_VERSION,
                "app_version": __version__,
                "schema_version": LATEST_VERSION,
                "created": exported_at.isoformat(),
                "company": {"id": company.id, "name": company.name},
                "audit_ids": audits,
                "counts": {name: len(rows) for name, rows in tables.items()},
            })  # fmt: skip
    except OSError as exc:
        raise AuditDeskError(
            f"无法写入案卷文件 {target}（{exc.strerror or exc}）。", location=str(target)
        ) from exc
    with ws.store.transaction() as tx:  # only a file that was written counts as sent
        for name, records in sent.items():
            for key, sha in records.items():
                tx.remember_exchanged(name, key, sha, exported_at)
    return ExportResult(
        path=target,
        company=company.name,
        counts={name: len(rows) for name, rows in tables.items()},
        attachments=len(hashes),
        encrypted=bool(passphrase),
    )


# ------------------------------------------------------------------ import
@dataclass(frozen=True)
class FieldDiff:
    field: str
    mine: Any
    theirs: Any


@dataclass(frozen=True)
class Conflict:
    table: str
    label: str
    key: str
    description: str
    diffs: tuple[FieldDiff, ...]

    @property
    def ref(self) -> str:
        """What ``choices`` are keyed by."""
        return f"{self.table}:{self.key}"


@dataclass
class ImportPlan:
    company: str
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    """Per table label: added / updated / unchanged / kept (mine kept) counts."""
    conflicts: list[Conflict] = field(default_factory=list)
    attachments_added: int = 0

    def bump(self, label: str, action: str) -> None:
        row = self.counts.setdefault(label, {"added": 0, "updated": 0, "unchanged": 0, "kept": 0})
        row[action] += 1

    @property
    def changes(self) -> int:
        return sum(c["added"] + c["updated"] for c in self.counts.values())

    def summary(self) -> str:
        parts = []
        for label, c in self.counts.items():
            bits = [
                f"新增 {c['added']}" if c["added"] else "",
                f"更新 {c['updated']}" if c["updated"] else "",
            ]
            bits = [b for b in bits if b]
            if bits:
                parts.append(f"{label}：{'，'.join(bits)}")
        head = f"案卷「{self.company}」"
        if not parts and not self.conflicts:
            return f"{head}：与本机数据一致，没有需要导入的内容。"
        text = f"{head}：" + ("；".join(parts) if parts else "没有新增或更新")
        if self.conflicts:
            text += f"；冲突 {len(self.conflicts)} 处"
        return text + "。"


class CaseConflictError(CaseError):
    """Records changed on both sides and no choice was given; nothing was written."""

    def __init__(self, plan: ImportPlan, label: Path) -> None:
        lines = [f"- {c.label}「{c.description}」：" + "，".join(
            f"{d.field} 本机“{_short(d.mine)}” / 文件“{_short(d.theirs)}”" for d in c.diffs[:3])
            for c in plan.conflicts[:20]]  # fmt: skip
        super().__init__(
            f"{label.name}：有 {len(plan.conflicts)} 处记录在两边都被修改过，未导入任何内容。"
            "请选择以哪一方为准（--prefer mine 保留本机 / --prefer theirs 采用文件）：\n"
            + "\n".join(lines),
            location=str(label),
        )
        self.plan = plan


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:39] + "…"


def _remap(row: dict[str, Any], ids: dict[tuple[str, str], str]) -> bool:
    """Point references at the local ids of naturally matched records; True if any changed."""
    changed = False
    for column, target in FOREIGN.items():
        value = row.get(column)
        if isinstance(value, str) and (target, value) in ids:
            row[column] = ids[(target, value)]
            changed = True
    return changed


def _match(typed: dict[str, Any], columns: tuple[str, ...]) -> dict[str, Any]:
    return {k: typed.get(k) for k in columns}


def _local_row(tx: Tx, spec: Spec, typed: dict[str, Any]) -> JsonRow | None:
    return tx.find_exchange_row(spec.name, _match(typed, spec.key))


def _natural_match(tx: Tx, spec: Spec, typed: dict[str, Any]) -> JsonRow | None:
    if not spec.natural or any(typed.get(k) is None for k in spec.natural):
        return None
    return tx.find_exchange_row(spec.name, _match(typed, spec.natural))


def _payroll_rows(
    tx: Tx,
    spec: Spec,
    rows: list[Any],
    inserted_imports: set[str],
    plan: ImportPlan,
    label: Path,
    *,
    apply: bool,
) -> None:
    """Rows travel with their import: added (in batches) when the import is new here, never
    merged one by one — an import is immutable once made."""
    batch: list[dict[str, Any]] = []
    for index, raw in enumerate(rows):
        if isinstance(raw, dict) and raw.get("import_id") not in inserted_imports:
            continue
        batch.append(check_row(spec, raw, label, index))
        plan.bump(spec.label, "added")
    if apply:
        tx.insert_exchange_rows(spec.name, batch)


def _diffs(mine: JsonRow, theirs: JsonRow) -> tuple[FieldDiff, ...]:
    return tuple(
        FieldDiff(k, mine.get(k), theirs.get(k))
        for k in theirs
        if k not in ("updated_at", "created_at", SERIAL, *BOOKKEEPING)
        and mine.get(k) != theirs.get(k)
    )


def _plan_and_apply(
    tx: Tx,
    incoming: Incoming,
    label: Path,
    *,
    prefer: Prefer | None,
    choices: dict[str, Prefer],
    apply: bool,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> tuple[ImportPlan, set[str]]:
    """Decide every record (and write them when ``apply``); return the plan and needed blobs."""
    company_row = incoming.tables["companies"][0]
    plan = ImportPlan(company=str(company_row.get("name", "")))
    ids: dict[tuple[str, str], str] = {}
    now = utcnow()
    blobs: set[str] = set()
    inserted_imports: set[str] = set()
    for step, spec in enumerate(SPECS):
        check_cancel(cancel)
        progress(step, len(SPECS), f"{'正在写入' if apply else '正在核对'}{spec.label}")
        rows = incoming.tables.get(spec.name, [])
        if spec.name == "companies" and rows and company_row.get("id") is None:
            raise CaseError(f"{label.name}：企业记录缺少编号。", location=str(label))
        if spec.name == "payroll_rows":
            _payroll_rows(tx, spec, rows, inserted_imports, plan, label, apply=apply)
            continue
        for index, raw in enumerate(rows):
            typed = check_row(spec, raw, label, index)
            theirs: JsonRow = {k: v for k, v in raw.items() if k != SERIAL or not has_serial(spec)}
            if _remap(theirs, ids):
                typed = decode_row(spec.name, theirs, skip=(SERIAL,) if has_serial(spec) else ())
            local = _local_row(tx, spec, typed)
            if local is None and spec.natural:
                local = _natural_match(tx, spec, typed)
                if local is not None:
                    ids[(spec.name, str(theirs["id"]))] = str(local["id"])
                    theirs["id"] = typed["id"] = local["id"]
            key = record_key(spec, theirs)
            their_sha = record_sha(spec, theirs)
            if local is None:
                plan.bump(spec.label, "added")
                if spec.name == "attachments":
                    blobs.add(str(theirs["sha256"]))
                if spec.name == "payroll_imports":
                    inserted_imports.add(str(theirs["id"]))
                if apply:
                    if spec.name == "change_log" and typed.get("company_id") is None:
                        typed = {**typed, "company_id": _company_of(tx, typed.get("audit_id"))}
                    tx.insert_exchange_row(spec.name, typed)
                    if not spec.append_only:
                        tx.remember_exchanged(spec.name, key, their_sha, now)
                continue
            if spec.append_only:
                plan.bump(spec.label, "unchanged")
                continue
            mine_sha = record_sha(spec, local)
            if mine_sha == their_sha:
                action = "unchanged"
            elif their_sha in tx.exchanged_versions(spec.name, key):
                action = "kept"
            elif mine_sha in incoming.known.get(spec.name, {}).get(record_key(spec, raw), ()):
                action = "updated"
            else:
                conflict = Conflict(spec.name, spec.label, key, spec.describe(theirs),
                                    _diffs(local, theirs))  # fmt: skip
                choice = choices.get(conflict.ref, prefer)
                if choice is None:
                    plan.conflicts.append(conflict)
                    continue
                action = "updated" if choice == "theirs" else "kept"
            plan.bump(spec.label, action)
            if action == "updated" and spec.name == "attachments":
                blobs.add(str(theirs["sha256"]))
            if apply:
                if action == "updated":
                    tx.update_exchange_row(spec.name, _match(typed, spec.key), typed)
                tx.remember_exchanged(spec.name, key, their_sha, now)
    return plan, blobs


def import_case(
    ws: Workspace,
    path: Path,
    *,
    passphrase: str | None = None,
    prefer: Prefer | None = None,
    choices: dict[str, Prefer] | None = None,
    dry_run: bool = False,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    by: str = "",
) -> ImportPlan:
    """Merge the case file at ``path`` (see the module docstring). With ``dry_run`` nothing is
    written and the plan (with any conflicts) is returned. An import writes one change-log entry
    (entity ``case_import``) with the file's name and the counts of records added, updated and
    kept per kind (``by``: who); the imported records' own history comes in the file.

    Raises:
        ArchiveError: the file is damaged, tampered with, hostile, newer, or the passphrase is wrong.
        CaseConflictError: records changed on both sides and neither ``prefer`` nor ``choices`` say
            which side wins (not raised on a dry run: the plan lists them).
    """

    def decide(tx: Tx, *, apply: bool) -> tuple[ImportPlan, set[str]]:
        return _plan_and_apply(tx, incoming, path, apply=apply, prefer=prefer,
                               choices=choices or {}, progress=progress, cancel=cancel)  # fmt: skip

    with open_archive(path, passphrase=passphrase, workdir=ws.paths.tmp) as archive:
        incoming = read_case(archive, path)
        with ws.store.read() as tx:
            plan, blobs = decide(tx, apply=False)
        if dry_run:
            return plan
        if plan.conflicts:
            raise CaseConflictError(plan, path)
        in_db = attachments.files_in_database(ws)
        if in_db:
            with ws.store.read() as tx:
                blobs -= set(tx.stored_blobs(sorted(blobs)))
        # on a server the files are unpacked to scratch, then stored in the import's transaction
        scratch = None
        if in_db:
            ws.paths.tmp.mkdir(parents=True, exist_ok=True)
            scratch = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-case-",
                                            dir=ws.paths.tmp))  # fmt: skip
        written = _write_blobs(ws, archive, blobs, path, scratch)
        try:
            with ws.store.transaction() as tx:
                for file in written if scratch is not None else ():
                    attachments.store_in_database(tx, file, file.name, file.stat().st_size)
                plan, _ = decide(tx, apply=True)
                if plan.conflicts:  # changed between the two looks
                    raise CaseConflictError(plan, path)
                tx.add_missing_towns(tx.company_towns(), utcnow())  # a new town joins the list
                _log_import(tx, incoming, path, plan, by)
        except ConstraintError as exc:
            _remove(written)
            raise CaseError(
                f"{path.name}：案卷中的记录与本机数据相互矛盾（{exc}），未导入任何内容。",
                location=str(path),
            ) from exc
        except BaseException:
            _remove(written)
            raise
        finally:
            if scratch is not None:
                _remove(written)
                shutil.rmtree(scratch, ignore_errors=True)
    plan.attachments_added = len(written)
    log.info("case %s imported: %s", path, plan.summary())
    return plan


def _company_of(tx: Tx, audit_id: Any) -> str | None:
    """The company of an audit: entries from case files written before step 16 lack it."""
    audit = tx.get_audit(str(audit_id)) if audit_id else None
    return audit.company_id if audit is not None else None


def _log_import(tx: Tx, incoming: Incoming, path: Path, plan: ImportPlan, by: str) -> None:
    row = incoming.tables["companies"][0]
    code = row.get("credit_code")
    company = tx.find_company_by_credit_code(str(code)) if code else None
    company = company or tx.get_company(str(row.get("id")))
    changelog.record(tx, ChangeEntity.CASE_IMPORT, path.name[:64], "imported", None,
                     {"案卷": path.name, "企业": plan.company, "结果": plan.summary()}, by=by,
                     company_id=company.id if company else None)  # fmt: skip


def _write_blobs(
    ws: Workspace, archive: OpenedArchive, hashes: set[str], label: Path, scratch: Path | None
) -> list[Path]:
    """Unpack the case's files of ``hashes`` (each checked against its hash) into the data dir,
    or into ``scratch`` (named by hash) for a server to store; the files written."""
    written: list[Path] = []
    try:
        for sha in sorted(hashes):
            target = blob_path(ws, sha) if scratch is None else scratch / sha
            if target.exists():
                continue
            member = f"attachments/{sha}"
            entry = archive.manifest["members"].get(member)
            if not isinstance(entry, dict):
                raise CaseError(
                    f"{label.name}：缺少附件文件 {sha[:12]}…，案卷不完整。", location=str(label)
                )
            if not _SHA256.fullmatch(sha) or entry.get("sha256") != sha:
                # the store is content-addressed: a file may only be stored under its own hash
                raise CaseError(f"{label.name}：附件「{member}」的内容与其名称中的校验值不符，"
                                "文件可能被篡改。", location=str(label))  # fmt: skip
            archive.extract(member, target)
            written.append(target)
            make_read_only(target)  # stored evidence is never edited in place
    except BaseException:
        _remove(written)
        raise
    return written


def _remove(paths: list[Path]) -> None:
    for p in paths:
        remove_stored(p)


def case_info(ws: Workspace, path: Path, *, passphrase: str | None = None) -> dict[str, Any]:
    """The manifest's description of a case file (company, audits, counts), after all checks."""
    with open_archive(path, passphrase=passphrase, workdir=ws.paths.tmp) as archive:
        incoming = read_case(archive, path)
        return {k: incoming.manifest.get(k) for k in ("company", "audit_ids", "counts", "created",
                                                       "app_version")}  # fmt: skip


__all__ = [
    "CASE_SUFFIX",
    "CaseConflictError",
    "CaseError",
    "Conflict",
    "ExportResult",
    "ImportPlan",
    "case_info",
    "export_case",
    "import_case",
]
