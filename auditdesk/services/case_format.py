"""What a case file (.adcase) holds and how each table travels in it: the format constants, the
per-table merge specs, and reading plus strictly checking an opened case file's records.

Pure: no database access (the store's :mod:`auditdesk.store.exchange` does that);
:mod:`auditdesk.services.cases` exports, merges and imports with these.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from auditdesk.archive import ArchiveError, OpenedArchive
from auditdesk.checklists.schema import ChecklistLibrary
from auditdesk.models.attachment import Attachment
from auditdesk.models.audit import Answer, Audit, Change, Visit
from auditdesk.models.company import Company
from auditdesk.models.finding import Finding
from auditdesk.models.followup import FollowUp, Letter, RectificationMove
from auditdesk.models.payroll import ColumnMapping, PayrollImport, PayrollRow
from auditdesk.store.exchange import JsonRow, RowError, content_sha, decode_row, has_column
from auditdesk.store.migrate import LATEST_VERSION

CASE_FORMAT = "auditdesk-case"
CASE_FORMAT_VERSION = 1
CASE_SUFFIX = ".adcase"
KNOWN_MEMBER = "exchange/known.json"
MAX_RECORDS_BYTES = 256 * 1024 * 1024
"""What a case's records (``records/*.json`` and ``exchange/known.json``) may declare in total:
about 250,000 payroll rows; the records are held in memory while they merge."""
MAX_RECORD_BYTES = 8 * 1024 * 1024
"""One record's JSON (a checklist snapshot, the largest, is about 120 KB)."""


class CaseError(ArchiveError):
    """The case file cannot be imported as it is; nothing was written."""


@dataclass(frozen=True)
class Spec:
    """How one table travels: its key, the model that validates a row, how records merge."""

    name: str
    """The table's SQL name."""
    label: str
    key: tuple[str, ...] = ("id",)
    natural: tuple[str, ...] = ()
    """A second unique key: a record matching it under another id is the same record."""
    append_only: bool = False
    model: Callable[[dict[str, Any]], Any] | None = None
    describe: Callable[[dict[str, Any]], str] = lambda r: str(r.get("id", ""))


def _validator(model: type[BaseModel]) -> Callable[[dict[str, Any]], Any]:
    return model.model_validate


def _mapping_check(values: dict[str, Any]) -> Any:
    return ColumnMapping.model_validate({"columns": values["columns"]})


def _snapshot_check(values: dict[str, Any]) -> Any:
    # audits open their pinned checklist from here: it must be a checklist, under its own hash
    library = ChecklistLibrary.model_validate(values["payload"])
    if library.content_hash() != values["content_hash"] or library.key != values["key"]:
        raise RowError("清单快照的内容与其校验值不符")
    return library


def _payroll_row_check(values: dict[str, Any]) -> Any:
    return PayrollRow.model_validate(values["data"])


SPECS: list[Spec] = [
    Spec("companies", "企业", natural=("credit_code",), model=_validator(Company),
         describe=lambda r: str(r.get("name"))),
    Spec("mapping_profiles", "列映射方案", key=("company_id",), model=_mapping_check,
         describe=lambda _r: "工资表列映射"),
    Spec("checklist_snapshots", "清单快照", key=("key",), append_only=True, model=_snapshot_check),
    Spec("audits", "体检", model=_validator(Audit), describe=lambda r: str(r.get("title"))),
    Spec("visits", "走访", model=_validator(Visit),
         describe=lambda r: f"{r.get('visit_date')} {r.get('kind')}"),
    Spec("answers", "检查结果", natural=("audit_id", "item_id"), model=_validator(Answer),
         describe=lambda r: f"检查项 {r.get('item_id')}"),
    Spec("findings", "问题", model=_validator(Finding), describe=lambda r: str(r.get("title"))),
    Spec("attachments", "附件", model=_validator(Attachment),
         describe=lambda r: str(r.get("filename"))),
    Spec("payroll_imports", "工资表导入", model=_validator(PayrollImport),
         describe=lambda r: str(r.get("file_name"))),
    Spec("payroll_rows", "工资记录", key=("import_id",), append_only=True,
         model=_payroll_row_check),  # rows travel with their import: see _payroll_rows
    Spec("change_log", "修改记录",
         key=("audit_id", "entity", "entity_id", "field", "changed_at", "new_value"),
         append_only=True, model=_validator(Change)),
    Spec("self_assessments", "企业自评", key=("audit_id", "item_id"),
         describe=lambda r: f"自评 {r.get('item_id')}"),
    Spec("rectification_moves", "整改状态变更", key=("finding_id", "to_status", "moved_at"),
         append_only=True, model=_validator(RectificationMove)),
    Spec("followups", "跟诊安排", model=_validator(FollowUp),
         describe=lambda r: f"跟诊 {r.get('planned_on')}"),
    Spec("letters", "函件", model=_validator(Letter),
         describe=lambda r: f"{r.get('kind')} {r.get('issued_on')}"),
]  # fmt: skip
SPEC_BY_NAME = {s.name: s for s in SPECS}
FOREIGN = {"company_id": "companies", "audit_id": "audits", "answer_id": "answers",
            "finding_id": "findings", "import_id": "payroll_imports", "visit_id": "visits"}  # fmt: skip
SERIAL = "id"  # integer ids of history tables are local; never carried


def has_serial(spec: Spec) -> bool:
    return spec.key != ("id",) and has_column(spec.name, "id")


def record_key(spec: Spec, row: JsonRow) -> str:
    return json.dumps([row.get(k) for k in spec.key], ensure_ascii=False, sort_keys=True)


BOOKKEEPING = ("version", "updated_by")
"""Columns that say how often and by whom a record was saved on one machine, not what it holds:
left out of the content hash, so a record hashes the same in a case file written before they
existed (schema 15) and one written after, and the same on both sides of an exchange. A record
an import updates gets the next local version (the store bumps it), so a view opened before the
import is stale."""


def record_sha(spec: Spec, row: JsonRow) -> str:
    skip = (SERIAL,) if has_serial(spec) else ()
    return content_sha(row, skip=(*skip, *BOOKKEEPING))


@dataclass
class Incoming:
    manifest: dict[str, Any]
    tables: dict[str, list[JsonRow]]
    archive: OpenedArchive
    known: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """The sender's versions of each record (table → record key → content hashes)."""


def read_case(archive: OpenedArchive, label: Path) -> Incoming:
    manifest = archive.manifest
    if manifest.get("format") != CASE_FORMAT:
        raise CaseError(f"{label.name}：不是 AuditDesk 案卷文件。", location=str(label))
    version = manifest.get("format_version")
    if not isinstance(version, int) or version < 1:
        raise CaseError(f"{label.name}：案卷格式版本无效。", location=str(label))
    if version > CASE_FORMAT_VERSION:
        raise CaseError(
            f"{label.name}：案卷由更新版本的 AuditDesk（{manifest.get('app_version', '?')}）生成，"
            f"格式版本 {version}，本程序支持到 {CASE_FORMAT_VERSION}。请升级后再导入。",
            location=str(label),
        )
    schema_version = manifest.get("schema_version")
    if not isinstance(schema_version, int) or schema_version > LATEST_VERSION:
        raise CaseError(
            f"{label.name}：案卷的数据结构版本（{schema_version}）比本程序新，请升级后再导入。",
            location=str(label),
        )
    tables: dict[str, list[JsonRow]] = {}
    known: dict[str, dict[str, list[str]]] = {}
    _check_declared_sizes(archive, label)
    for name in archive.names():
        if name == KNOWN_MEMBER:
            known = _check_known(archive.read_json(name), label)
        elif name.startswith("records/"):
            table = name.removeprefix("records/").removesuffix(".json")
            if table not in SPEC_BY_NAME or not name.endswith(".json"):
                raise CaseError(f"{label.name}：含有未知的数据表「{name}」。", location=str(label))
            tables[table] = _read_records(archive, name, SPEC_BY_NAME[table], label)
        elif not name.startswith("attachments/"):
            raise CaseError(f"{label.name}：含有未知的成员「{name}」。", location=str(label))
    companies = tables.get("companies", [])
    if len(companies) != 1 or not isinstance(companies[0], dict):
        raise CaseError(f"{label.name}：案卷应恰好包含一家企业。", location=str(label))
    return Incoming(manifest, tables, archive, known)


def _check_declared_sizes(archive: OpenedArchive, label: Path) -> None:
    """Refuse, before inflating anything, records larger than a case can hold in memory."""
    names = [n for n in archive.names() if n.startswith("records/") or n == KNOWN_MEMBER]
    total = sum(archive.declared_size(n) for n in names)
    if total > MAX_RECORDS_BYTES:
        raise CaseError(
            f"{label.name}：案卷的记录部分声明为 {total // 1024 // 1024} MB，超过 "
            f"{MAX_RECORDS_BYTES // 1024 // 1024} MB 的上限（约 25 万行工资记录），"
            "可能是恶意构造的文件，已拒绝导入。请分几次导出（按体检选择）。",
            location=str(label),
        )


def _read_records(archive: OpenedArchive, name: str, spec: Spec, label: Path) -> list[JsonRow]:
    """The records of member ``name``: a JSON array decoded one record at a time from the inflating
    member, each checked against its table's columns as soon as it is read — so a member of
    millions of tiny or malformed values is refused at the first one, and none of them may hold
    more than :data:`MAX_RECORD_BYTES` of JSON."""
    where = f"{label.name}：「{name}」"

    def fail(message: str) -> CaseError:
        return CaseError(f"{where}{message}", location=str(label))

    chunks = archive.stream(name)
    text = codecs.getincrementaldecoder("utf-8")()
    decoder = json.JSONDecoder()
    buf, pos, ended = "", 0, False

    def more() -> bool:
        nonlocal buf, pos, ended
        if ended:
            return False
        chunk = next(chunks, None)
        try:
            piece = text.decode(chunk or b"", final=chunk is None)
        except UnicodeDecodeError as exc:
            raise fail("不是有效的 UTF-8 文本。") from exc
        ended = chunk is None
        buf, pos = buf[pos:] + piece, 0
        return True

    def skip_space() -> str:
        nonlocal pos
        while True:
            while pos < len(buf) and buf[pos] in " \t\r\n":
                pos += 1
            if pos < len(buf):
                return buf[pos]
            if not more():
                return ""

    rows: list[JsonRow] = []
    if skip_space() != "[":
        raise fail("应为记录列表。")
    pos += 1
    while True:
        mark = skip_space()
        if mark == "]" and not rows:
            pos += 1
            break
        if mark != "{":
            raise fail(f"第 {len(rows) + 1} 条记录不是 JSON 对象。")
        while True:
            try:
                row, end = decoder.raw_decode(buf, pos)
                break
            except (json.JSONDecodeError, RecursionError) as exc:
                if len(buf) - pos > MAX_RECORD_BYTES:
                    raise fail(f"第 {len(rows) + 1} 条记录超过 {MAX_RECORD_BYTES // 1024 // 1024} "
                               "MB，可能是恶意构造的文件。") from exc  # fmt: skip
                if not more():
                    raise fail(f"第 {len(rows) + 1} 条记录不是有效的 JSON（{exc}）。") from exc
        try:
            decode_row(spec.name, row, skip=(SERIAL,) if has_serial(spec) else ())
        except RowError as exc:
            raise fail(f"第 {len(rows) + 1} 条记录：{exc}。") from exc
        rows.append(row)
        pos = end
        mark = skip_space()
        pos += 1
        if mark == "]":
            break
        if mark != ",":
            raise fail(f"第 {len(rows)} 条记录之后的内容不是有效的 JSON。")
    if skip_space() != "":
        raise fail("记录列表之后还有多余的内容。")
    return rows


def _check_known(data: Any, label: Path) -> dict[str, dict[str, list[str]]]:
    def fine(value: Any) -> bool:
        return isinstance(value, list) and all(isinstance(v, str) and len(v) == 64 for v in value)

    if not (isinstance(data, dict) and all(
        name in SPEC_BY_NAME and isinstance(records, dict) and all(
            isinstance(k, str) and fine(v) for k, v in records.items())
        for name, records in data.items())):  # fmt: skip
        raise CaseError(f"{label.name}：「{KNOWN_MEMBER}」格式不正确。", location=str(label))
    return data


def check_row(spec: Spec, row: Any, label: Path, index: int) -> dict[str, Any]:
    where = f"{label.name}：「records/{spec.name}.json」第 {index + 1} 条记录"
    try:
        values = decode_row(spec.name, row, skip=(SERIAL,) if has_serial(spec) else ())
        if spec.model is not None:
            spec.model(values)
    except RowError as exc:
        raise CaseError(f"{where}：{exc}。", location=str(label)) from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        place = ".".join(str(p) for p in first.get("loc", ()))
        raise CaseError(
            f"{where}：字段 {place} 无效（{first.get('msg')}）。", location=str(label)
        ) from exc
    return values
