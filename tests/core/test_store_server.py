"""The store on a shared PostgreSQL server: native types, the version gate, the admin upgrade
under its advisory lock, SQLSTATE errors in Chinese, retries; and what both databases share (money
and time round trips, one finding per checklist item)."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from auditdesk.database import PasswordBook, account_key, resolve_database
from auditdesk.errors import (
    AuditDeskError,
    AuthenticationError,
    ConcurrentUpdateError,
    DatabaseLockedError,
    DatabaseMissingError,
    PasswordRequiredError,
    PermissionDeniedError,
    SchemaMismatchError,
    ServerUnreachableError,
)
from auditdesk.models.common import Area
from auditdesk.models.finding import Finding, FindingOrigin, Severity
from auditdesk.services import backups
from auditdesk.services.workspace import Workspace
from auditdesk.store import Store
from auditdesk.store.errors import classify
from auditdesk.store.migrations import LATEST_VERSION
from auditdesk.store.server import ADVISORY_LOCK_KEY
from tests.core.test_store import _audit, _company, _finding


def _raw(url: str) -> Any:
    return create_engine(make_url(url).set(drivername="postgresql+psycopg"))


# ------------------------------------------------------------------ both databases
def test_money_and_times_round_trip_exactly(ws: Workspace) -> None:
    audit = _audit(ws, _company(ws))
    shanghai = timezone(timedelta(hours=8))
    at = datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=shanghai)  # = 00:30:15.123456 UTC
    amounts = ["0.10", "1234567.89", "3.50", "99999999999.99", "0.005"]
    saved = []
    with ws.store.transaction() as tx:
        for amount in amounts:
            f = _finding(audit, amount).model_copy(update={"created_at": at, "dismissed_at": at})
            saved.append(tx.insert_finding(f))
    with ws.store.read() as tx:
        stored = {f.id: f for f in tx.list_findings(audit.id)}
    for amount, f in zip(amounts, saved, strict=True):
        back = stored[f.id]
        assert str(back.money_at_stake) == amount  # the scale written comes back
        assert back.created_at == at
        assert back.dismissed_at == at
        assert back.created_at.utcoffset() == timedelta(0)  # … read back in UTC
        assert back.created_at.microsecond == 123456


def test_one_checklist_item_gives_one_finding(ws: Workspace) -> None:
    audit = _audit(ws, _company(ws))

    def item_finding() -> Finding:
        return Finding(audit_id=audit.id, origin=FindingOrigin.CHECKLIST, origin_ref="ONB.X",
                       area=Area.PAY, severity=Severity.HIGH, title="未签合同")  # fmt: skip

    with ws.store.transaction() as tx:
        first = tx.insert_item_finding(item_finding())
        again = tx.insert_item_finding(item_finding())  # another user gathered it meanwhile
    assert first is not None
    assert again is None
    with ws.store.transaction() as tx:
        # a split copy names its original and is allowed; a second original is not
        tx.insert_finding(item_finding().model_copy(update={"split_from": first.id}))
    with pytest.raises(Exception, match=r"(?i)unique"), ws.store.transaction() as tx:
        tx.insert_finding(item_finding())
    with ws.store.read() as tx:
        assert len(tx.list_findings(audit.id)) == 2


def test_database_url_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUDITDESK_DATABASE", raising=False)
    url = "postgresql+psycopg://u@db.example:5432/auditdesk"
    assert resolve_database(None, None) is None
    assert resolve_database(None, url) == url
    monkeypatch.setenv("AUDITDESK_DATABASE", "postgresql://env@h/x")
    assert resolve_database(None, url) == "postgresql://env@h/x"
    assert resolve_database(url, None) == url  # --database wins
    assert resolve_database("sqlite", url) is None
    with pytest.raises(AuditDeskError, match="数据库地址"):
        resolve_database("mysql://u@h/x", None)
    assert account_key("postgresql+psycopg://u:secret@h/db") == "u@h:5432/db"


def test_password_kept_in_memory_when_the_keyring_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    keyring = pytest.importorskip("keyring")

    def broken(*_args: object) -> None:
        raise RuntimeError("no keyring backend")

    monkeypatch.setattr(keyring, "set_password", broken)
    monkeypatch.setattr(keyring, "get_password", broken)
    book = PasswordBook()
    url = "postgresql+psycopg://u@h/db"
    assert book.get(url) is None
    with pytest.raises(AuditDeskError, match="钥匙串"):
        book.remember(url, "s3cret")
    assert book.get(url) == "s3cret"  # still usable this session
    book.forget(url)
    assert book.get(url) is None


@pytest.mark.parametrize(
    ("state", "kind", "words"),
    [
        ("28P01", AuthenticationError, "密码不正确"),
        ("3D000", DatabaseMissingError, "没有这个数据库"),
        ("42501", PermissionDeniedError, "权限"),
        ("55P03", DatabaseLockedError, "其他用户"),
        ("40001", ConcurrentUpdateError, "重试"),
        ("40P01", ConcurrentUpdateError, "重试"),
        ("08006", ServerUnreachableError, "无法连接"),
        ("57P01", ServerUnreachableError, "无法连接"),
    ],
)
def test_server_errors_are_classified_by_sqlstate(state: str, kind: type, words: str) -> None:
    errors = pytest.importorskip("psycopg.errors")
    driver_error = errors.lookup(state)("server said something in English")
    wrapped = OperationalError("select 1", {}, driver_error)
    found = classify(wrapped, "postgresql://u@h/db")
    assert type(found) is kind
    assert words in found.message


def test_server_bugs_stay_bugs_and_silence_is_unreachable() -> None:
    psycopg = pytest.importorskip("psycopg")
    syntax = psycopg.errors.lookup("42601")("syntax error at or near")
    assert classify(OperationalError("x", {}, syntax), "db") is None
    no_answer = psycopg.OperationalError("connection refused")
    assert isinstance(classify(OperationalError("x", {}, no_answer), "db"), ServerUnreachableError)
    no_password = psycopg.OperationalError("fe_sendauth: no password supplied")
    assert isinstance(classify(OperationalError("x", {}, no_password), "db"), PasswordRequiredError)


# ------------------------------------------------------------------ the server only
def test_server_columns_are_native(pg_database: str) -> None:
    engine = _raw(pg_database)
    with engine.connect() as conn:
        types = {
            (r.table_name, r.column_name): r.data_type
            for r in conn.execute(text(
                "select table_name, column_name, data_type from information_schema.columns"
                " where table_schema = 'public'"))
        }  # fmt: skip
    engine.dispose()
    assert types["findings", "money_at_stake"] == "numeric"
    assert types["findings", "created_at"] == "timestamp with time zone"
    assert types["change_log", "changed_at"] == "timestamp with time zone"
    assert types["payroll_rows", "data"] == "jsonb"
    assert types["audits", "auditors"] == "jsonb"
    assert types["attachments", "size"] == "bigint"
    assert types["payroll_rows", "id"] == "bigint"
    assert types["change_log", "undone"] == "boolean"
    assert types["companies", "has_union"] == "boolean"
    assert types["file_blobs", "size"] == "bigint"
    assert types["file_chunks", "data"] == "bytea"
    assert types["office_settings", "value"] == "jsonb"
    text_times = [
        k for k, v in types.items() if k[1].endswith("_at") and v != "timestamp with time zone"
    ]
    assert text_times == []


def test_server_variant_really_uses_the_server(ws: Workspace, db_backend: str) -> None:
    assert ws.store.is_server == (db_backend == "postgresql")
    assert ws.is_server == ws.store.is_server


def _set_version(url: str, version: int) -> None:
    engine = _raw(url)
    with engine.begin() as conn:
        conn.execute(text("update schema_version set version = :v"), {"v": version})
    engine.dispose()


def test_a_client_never_migrates_a_shared_database(pg_server: Any, pg_database: str) -> None:
    _set_version(pg_database, LATEST_VERSION - 1)
    with pytest.raises(SchemaMismatchError, match="请管理员先运行 auditdesk db upgrade"):
        Store.open_server(pg_database)
    _set_version(pg_database, LATEST_VERSION + 1)
    with pytest.raises(SchemaMismatchError, match="请升级本机的 AuditDesk"):
        Store.open_server(pg_database)
    empty = pg_server.create()
    with pytest.raises(SchemaMismatchError, match="尚未建立"):
        Store.open_server(empty)
    assert Store.upgrade_server(empty) == (0, LATEST_VERSION)
    Store.open_server(empty).close()
    assert Store.upgrade_server(empty) == (LATEST_VERSION, LATEST_VERSION)


def test_upgrade_waits_for_the_advisory_lock(pg_server: Any) -> None:
    empty = pg_server.create()
    holder = _raw(empty)
    conn = holder.connect()
    conn.execute(text("select pg_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
    conn.commit()
    done: list[tuple[int, int]] = []
    worker = threading.Thread(target=lambda: done.append(Store.upgrade_server(empty)))
    worker.start()
    waiting = 0
    for _ in range(300):  # the upgrade must queue for the lock, not run past it
        waiting = conn.execute(text(
            "select count(*) from pg_locks where locktype = 'advisory' and not granted"
        )).scalar_one()  # fmt: skip
        conn.commit()
        if waiting or done:
            break
        time.sleep(0.1)
    assert waiting == 1
    assert done == []
    tables = conn.execute(text("select count(*) from pg_tables where schemaname = 'public'"))
    assert tables.scalar_one() == 0  # nothing migrated while another administrator holds it
    conn.commit()
    conn.execute(text("select pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY})
    conn.commit()
    worker.join(timeout=60)
    conn.close()
    holder.dispose()
    assert done == [(0, LATEST_VERSION)]


def test_missing_database_and_unreachable_server(pg_database: str) -> None:
    url = make_url(pg_database)
    with pytest.raises(DatabaseMissingError, match="没有这个数据库"):
        Store.open_server(url.set(database="no_such_db").render_as_string(False))
    with pytest.raises(ServerUnreachableError, match="无法连接数据库服务器"):
        Store.open_server("postgresql+psycopg://nobody@127.0.0.1:1/x")


def test_an_unknown_user_is_refused_not_unreachable(pg_database: str) -> None:
    """The server answers a connection for a user it does not know with 28000, which psycopg
    reports without a SQLSTATE: before, that read as 无法连接数据库服务器 and the GUI offered the
    local database instead of asking for the name and password again."""
    url = make_url(pg_database).set(username="不存在的用户").render_as_string(False)
    with pytest.raises(AuthenticationError, match="拒绝登录：postgresql\\+psycopg://不存在的用户@"):
        Store.open_server(url, password="x")


def test_conflicts_are_retried_then_reported(pg_database: str) -> None:
    import psycopg

    store = Store.open_server(pg_database)
    calls: list[int] = []

    def work(tx: Any) -> int:
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("x", {}, psycopg.errors.lookup("40001")("could not serialize"))
        return tx.count_companies()

    assert store.retrying(work) == 0
    assert len(calls) == 3
    calls.clear()

    def always(tx: Any) -> None:
        calls.append(1)
        raise OperationalError("x", {}, psycopg.errors.lookup("40P01")("deadlock detected"))

    with pytest.raises(ConcurrentUpdateError, match="已自动重试"):
        store.retrying(always)
    assert len(calls) == 3
    store.close()


def test_file_backups_are_refused_for_a_server(data_dir: Path, pg_database: str) -> None:
    from auditdesk.paths import DataPaths

    with pytest.raises(
        AuditDeskError, match="服务器数据库请用 auditdesk backup create 备份（pg_dump）"
    ):
        backups.refuse_server(pg_database, DataPaths(data_dir))
    backups.refuse_server("sqlite", DataPaths(data_dir))  # the local file: allowed


FIXED_WIDTH = {"id", "sha256", "payroll_hash", "document_sha256", "credit_code", "split_from"}
"""Columns whose values the code makes at a fixed size (uuids, hashes, the checked 18-character
credit code) rather than the user typing them."""


def test_models_enforce_the_column_length_limits() -> None:
    from enum import Enum

    from sqlalchemy import String

    from auditdesk.models.attachment import Attachment
    from auditdesk.models.audit import Answer, Audit, Change, Visit
    from auditdesk.models.company import Company
    from auditdesk.models.followup import FollowUp, Letter, RectificationMove
    from auditdesk.models.payroll import PayrollImport
    from auditdesk.store import schema

    models = {"companies": Company, "audits": Audit, "answers": Answer, "visits": Visit,
              "change_log": Change, "findings": Finding, "attachments": Attachment,
              "payroll_imports": PayrollImport, "followups": FollowUp, "letters": Letter,
              "rectification_moves": RectificationMove}  # fmt: skip
    unchecked = []
    for table_name, model in models.items():
        for col in schema.metadata.tables[table_name].columns:
            field = model.model_fields.get(col.name)
            if type(col.type) is not String or field is None or not col.type.length:
                continue
            if col.name in FIXED_WIDTH or col.name.endswith("_id"):
                continue
            args = getattr(field.annotation, "__args__", (field.annotation,))
            if any(isinstance(a, type) and issubclass(a, Enum) for a in args):
                continue  # an enum's values are ours, all short
            limits = [m.max_length for m in field.metadata if hasattr(m, "max_length")]
            if not limits or limits[0] is None or limits[0] > col.type.length:
                unchecked.append(f"{table_name}.{col.name} ({col.type.length})")
    assert unchecked == []  # PostgreSQL refuses longer text (22001), SQLite would not
