"""Backups of a shared PostgreSQL database: pg_dump into the backup folder with the same manifest,
verify, and restore into a new, empty database (issue 20.7)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url

from auditdesk.errors import AuditDeskError, SchemaMismatchError
from auditdesk.services import attachments, backups, demo, server_backups
from auditdesk.services.backups import BackupError
from auditdesk.services.workspace import Workspace
from auditdesk.store import pgdump, schema
from auditdesk.store.pgdump import PgToolError
from tests.conftest import PgServer

pytestmark = pytest.mark.postgresql_only("pg_dump and pg_restore back up a server database")


@pytest.fixture
def filled(ws: Workspace, tmp_path: Path) -> tuple[Workspace, bytes]:
    """The demo data on the server, with a 3 MB evidence file on one finding."""
    demo.load_demo(ws)
    with ws.store.read() as tx:
        finding_id = str(tx.conn.execute(select(schema.findings.c.id)).scalars().first())
    evidence = tmp_path / "考勤记录.pdf"
    evidence.write_bytes(os.urandom(3 * 1024 * 1024))
    attachments.attach_file(ws, evidence, finding_id=finding_id)
    return ws, evidence.read_bytes()


def _evidence(ws: Workspace) -> dict[str, bytes]:
    out = {}
    with ws.store.read() as tx:
        hashes = tx.attachment_hashes()
    for sha in hashes:
        target = ws.paths.tmp / "check" / sha
        attachments.save_copy(ws, sha, target)
        out[sha] = target.read_bytes()
    return out


def test_create_verify_and_restore_into_a_new_database(
    filled: tuple[Workspace, bytes], pg_server: PgServer, tmp_path: Path
) -> None:
    ws, evidence = filled
    info = server_backups.create_server_backup(ws)
    dump = info.path / server_backups.DUMP_NAME
    manifest = json.loads((info.path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["backend"] == "postgresql"
    assert manifest["db_sha256"] == hashlib.sha256(dump.read_bytes()).hexdigest()
    assert manifest["schema_version"] == ws.schema_version()
    assert manifest["records"]["companies"] >= 1
    assert manifest["records"]["attachments"] == 1
    assert manifest["attachments"] == [hashlib.sha256(evidence).hexdigest()]
    assert "PGPASSWORD" not in dump.read_bytes().decode("latin-1")
    # listed with the laptop's snapshots, and checked
    assert [b.id for b in backups.list_backups(ws.paths)] == [info.id]
    assert server_backups.is_server_backup(ws.paths, info.id)
    assert server_backups.verify_server_backup(ws.paths, info.id).db_sha256 == info.db_sha256
    assert server_backups.verify_server_backup(ws.paths, str(dump)).id == info.id

    target = pg_server.create()  # a new, empty database
    try:
        result = server_backups.restore_server_backup(
            ws.paths, info.id, target, in_use=os.environ["AUDITDESK_DATABASE"]
        )
        assert result.schema_version == ws.schema_version()
        for table, count in manifest["records"].items():
            assert result.records[table] == count, table
        with Workspace.open(tmp_path / "restored", database=target) as restored:
            assert _evidence(restored) == {hashlib.sha256(evidence).hexdigest(): evidence}
            with restored.store.read() as tx, ws.store.read() as live:
                for table in ("companies", "audits", "answers", "findings", "file_chunks"):
                    assert tx.count_rows(table) == live.count_rows(table), table
        # restoring again into the now filled database is refused, untouched
        with pytest.raises(AuditDeskError, match="不是空的"):
            server_backups.restore_server_backup(ws.paths, info.id, target)
    finally:
        pg_server.drop(target)


def test_never_into_the_database_in_use(filled: tuple[Workspace, bytes]) -> None:
    ws, _ = filled
    info = server_backups.create_server_backup(ws)
    in_use = os.environ["AUDITDESK_DATABASE"]
    with pytest.raises(AuditDeskError, match="不能恢复到正在使用的数据库"):
        server_backups.restore_server_backup(ws.paths, info.id, in_use, in_use=in_use)
    with pytest.raises(AuditDeskError, match="不是空的"):  # named another way: still not empty
        server_backups.restore_server_backup(ws.paths, info.id, in_use)


def test_a_tampered_backup_fails_verify_with_a_chinese_message(
    filled: tuple[Workspace, bytes],
) -> None:
    ws, _ = filled
    info = server_backups.create_server_backup(ws)
    dump = info.path / server_backups.DUMP_NAME
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    with pytest.raises(BackupError, match=r"备份文件 .*auditdesk\.dump 与其清单不符"):
        server_backups.verify_server_backup(ws.paths, info.id)
    # cut short, with a manifest made to match: pg_restore cannot read it
    dump.write_bytes(bytes(data[:2000]))
    manifest_file = info.path / "manifest.json"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    manifest["db_sha256"] = hashlib.sha256(dump.read_bytes()).hexdigest()
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(PgToolError, match="读取备份文件失败"):
        server_backups.verify_server_backup(ws.paths, info.id)
    # the laptop's file restore says what it is
    with pytest.raises(BackupError, match="是服务器数据库的备份"):
        backups.validate_backup(ws.paths, backups.list_backups(ws.paths)[0])


def test_a_restore_at_another_schema_version_is_reported(
    filled: tuple[Workspace, bytes], pg_server: PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, _ = filled
    info = server_backups.create_server_backup(ws)
    manifest_file = info.path / "manifest.json"
    target = pg_server.create()
    try:
        import auditdesk.store.server as server

        monkeypatch.setattr(server, "LATEST_VERSION", server.LATEST_VERSION + 1)
        with pytest.raises(SchemaMismatchError, match="auditdesk db upgrade"):
            server_backups.restore_server_backup(ws.paths, info.id, target)
        # what pg_restore wrote is taken out again: the database is as empty as it was
        assert pgdump.is_empty(create_engine(make_url(target).set(drivername="postgresql+psycopg")))
    finally:
        pg_server.drop(target)
    assert manifest_file.exists()


def test_missing_pg_dump_is_a_clear_message(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr(pgdump, "TOOL_DIRS", ())
    with pytest.raises(PgToolError, match="找不到 PostgreSQL 的 pg_dump 程序"):
        server_backups.create_server_backup(ws)
    assert backups.list_backups(ws.paths) == []  # nothing left behind


def test_the_password_goes_in_the_environment_never_on_the_command_line() -> None:
    url = make_url("postgresql+psycopg://律师:s3cret@db.example:6543/auditdesk?sslmode=verify-full")
    args, env = pgdump.connection_args(url)
    assert args == ["--host", "db.example", "--port", "6543", "--username", "律师"]
    assert env["PGPASSWORD"] == "s3cret"
    assert env["PGSSLMODE"] == "verify-full"
    assert not any("s3cret" in a for a in args)
    socket = make_url("postgresql+psycopg://auditdesk@/postgres?host=/tmp/sock")
    assert pgdump.connection_args(socket)[0] == ["--host", "/tmp/sock", "--username", "auditdesk"]


def test_a_failed_restore_quotes_the_server_error_not_the_sql_it_ran(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """pg_restore prints the error, then the statement it ran (many lines): the message quotes
    the error, and says what a permission error means."""
    stderr = (
        "pg_restore: error: could not execute query: ERROR:  permission denied for schema public\n"
        "Command was: CREATE FUNCTION public.auditdesk_assign_creator() RETURNS trigger\n"
        "    LANGUAGE plpgsql SECURITY DEFINER\n"
        "BEGIN\n"
        "    RETURN NULL;\n"
        "END\n"
        "$$;\n"
    )

    def failed(args: list[str], **_: object) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(args, 1, "", stderr)

    monkeypatch.setattr(pgdump.subprocess, "run", failed)
    url = make_url("postgresql+psycopg://zhang_lv:pw@/auditdesk_restored?host=/tmp/sock")
    with pytest.raises(PgToolError) as caught:
        pgdump.restore(tmp_path / "auditdesk.dump", url)
    message = str(caught.value)
    assert "permission denied for schema public" in message
    assert "RETURN NULL" not in message
    assert "权限" in message


def _cli(data: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PYTHONIOENCODING": "utf-8", **env}
    return subprocess.run(
        [sys.executable, "-m", "auditdesk", *args, "--data-dir", str(data)],
        capture_output=True, text=True, encoding="utf-8", env=full, timeout=300, check=False,
    )  # fmt: skip


def test_the_backup_commands_on_a_server(
    filled: tuple[Workspace, bytes], pg_server: PgServer
) -> None:
    ws, _ = filled
    data = ws.paths.root
    env = {"AUDITDESK_DATABASE": os.environ["AUDITDESK_DATABASE"]}
    made = _cli(data, "backup", "create", env=env)
    assert made.returncode == 0, made.stderr
    assert "pg_dump" in made.stdout
    [info] = backups.list_backups(ws.paths)
    listed = _cli(data, "backup", "list", "--json", env=env)
    assert [b["id"] for b in json.loads(listed.stdout)] == [info.id]
    assert _cli(data, "backup", "verify", info.id, env=env).returncode == 0
    refused = _cli(data, "backup", "restore", info.id, env=env)
    assert refused.returncode == 2
    assert "--database" in refused.stderr
    target = pg_server.create()
    try:
        done = _cli(data, "backup", "restore", info.id, "--database", target, env=env)
        assert done.returncode == 0, done.stderr
        assert "已恢复到" in done.stdout
    finally:
        pg_server.drop(target)
    (info.path / server_backups.DUMP_NAME).write_bytes(b"PGDMP broken")
    bad = _cli(data, "backup", "verify", info.id, env=env)
    assert bad.returncode == 1
    assert "备份不可用" in bad.stdout
    assert _cli(data, "backup", "verify", env=env).returncode == 2  # the file check: not here
