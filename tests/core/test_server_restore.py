"""Restoring a server backup leaves the database exactly as a freshly prepared server database plus
the data: every object owned by the database's owner (not by whoever restored), the group roles
and grants named after the database restored into (not the one backed up), every office user a
member of the new database's group of their role. And a restore that cannot finish leaves
everything as it was, with a Chinese message naming the backup.

PostgreSQL only (the ``pg_server`` fixture). Roles are cluster-wide: every test makes its own
owner, users and databases with unique names, and drops them all.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from auditdesk.errors import AuditDeskError, PermissionDeniedError
from auditdesk.models.audit import AnswerResult, Audit, AuditStatus
from auditdesk.models.company import CompanyInput
from auditdesk.models.user import OfficeRole
from auditdesk.paths import DataPaths
from auditdesk.services import (
    attachments,
    audits,
    backups,
    companies,
    database,
    server_backups,
    towns,
    users,
    visit,
)
from auditdesk.services.backups import BackupError
from auditdesk.services.workspace import Workspace
from auditdesk.store import pgdump
from auditdesk.store.migrations import LATEST_VERSION
from tests.conftest import PgServer

ITEM = "PAY.MIN_WAGE"
OTHER_ITEM = "PAY.PAYSLIP"


@dataclass
class Cluster:
    """The test server, with an owner role (LOGIN CREATEROLE, as the README's auditdesk_owner)
    owning every database made here, and everything made here to drop afterwards."""

    server: PgServer
    tmp: Path
    owner: str = field(default_factory=lambda: f"o{uuid.uuid4().hex[:10]}")
    roles: list[str] = field(default_factory=list)
    databases: list[str] = field(default_factory=list)
    opened: list[Workspace] = field(default_factory=list)

    def sql(self, statement: str, db: str = "postgres") -> list[Any]:
        import psycopg

        url = make_url(self.server.admin_url).set(drivername="postgresql", database=db)
        with psycopg.connect(url.render_as_string(False), autocommit=True) as conn:
            cur = conn.execute(statement)
            return list(cur.fetchall()) if cur.description else []

    def new_database(self, name: str | None = None) -> str:
        name = name or f"d{uuid.uuid4().hex[:10]}"
        self.sql(f'create database "{name}" owner "{self.owner}" template template0')
        if name not in self.databases:
            self.databases.append(name)
        return name

    def drop(self, name: str) -> None:
        self.sql(f'drop database if exists "{name}" with (force)')

    def url(self, name: str, user: str | None = None) -> str:
        url = make_url(self.server.admin_url).set(database=name)
        if user is not None:
            url = url.set(username=user)
        return url.render_as_string(False)

    def workspace(self, name: str, user: str | None = None) -> Workspace:
        folder = self.tmp / f"data-{user or 'super'}-{len(self.opened)}"
        ws = Workspace.open(folder, database=self.url(name, user))
        self.opened.append(ws)
        return ws

    def prepare(self, name: str) -> None:
        """``server init`` as the owner, as the README's deployment does."""
        database.init_server(self.url(name, self.owner))
        self.roles.extend(f"{name}_{r.value}" for r in OfficeRole)

    def add_user(self, name: str, role: OfficeRole, display: str) -> str:
        user = f"u{uuid.uuid4().hex[:10]}"
        self.roles.insert(0, user)
        users.add_user(self.workspace(name, self.owner), user, role, "pw", display_name=display)
        return user

    def close_all(self) -> None:
        for ws in self.opened:
            ws.close()
        self.opened.clear()


@pytest.fixture
def cluster(pg_server: PgServer, tmp_path: Path) -> Iterator[Cluster]:
    made = Cluster(pg_server, tmp_path)
    made.sql(f'create role "{made.owner}" login createrole')
    try:
        yield made
    finally:
        made.close_all()
        for name in made.databases:
            made.drop(name)
        for role in [*made.roles, made.owner]:
            made.sql(f'drop role if exists "{role}"')


@dataclass
class Filled:
    name: str
    admin: str
    auditor: str
    viewer: str
    admins_audit: Audit
    auditors_audit: Audit
    backup: Path


def _fill(cluster: Cluster, tmp: Path) -> Filled:
    """An office database prepared by its owner, with one user of each role, an audit by the
    administrator and one by the auditor (assigned to them), an evidence file, and a backup made
    by the office administrator."""
    name = cluster.new_database()
    cluster.prepare(name)
    admin = cluster.add_user(name, OfficeRole.ADMIN, "刘主任")
    auditor = cluster.add_user(name, OfficeRole.AUDITOR, "张律师")
    viewer = cluster.add_user(name, OfficeRole.VIEWER, "王干事")
    admin_ws = cluster.workspace(name, admin)
    auditor_ws = cluster.workspace(name, auditor)
    theirs = audits.start_audit(
        admin_ws, companies.add_company(admin_ws, CompanyInput(name="甲厂")).id
    )
    visit.answer_item(admin_ws, theirs.id, ITEM, AnswerResult.NON_COMPLIANT)
    mine = audits.start_audit(
        auditor_ws, companies.add_company(auditor_ws, CompanyInput(name="乙厂")).id
    )
    answer = visit.answer_item(auditor_ws, mine.id, ITEM, AnswerResult.NON_COMPLIANT)
    evidence = tmp / "考勤.pdf"
    evidence.write_bytes(os.urandom(200_000))
    attachments.attach_file(auditor_ws, evidence, answer_id=answer.id)
    info = server_backups.create_server_backup(admin_ws, into=tmp / "backups")
    return Filled(name, admin, auditor, viewer, theirs, mine, info.path)


def _acl(value: Any, db: str) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).strip("{}").split(",")
    return sorted(re.sub(rf"\b{db}_", "<db>_", i).replace(f'"{db}', '"<db>') for i in items)


def _security(cluster: Cluster, name: str) -> dict[str, Any]:
    """Owners, grants, row security, policies and triggers of database ``name``, its own name
    (and so its group roles' names) written ``<db>``."""

    def norm(value: Any) -> str:
        return re.sub(rf"\b{name}_", "<db>_", str(value))

    rels = cluster.sql(
        "select c.relname, c.relkind, pg_get_userbyid(c.relowner), c.relacl, c.relrowsecurity,"
        " c.relforcerowsecurity from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where n.nspname = 'public' order by 1",
        name,
    )
    funcs = cluster.sql(
        "select p.proname, pg_get_userbyid(p.proowner), p.proacl, p.prosecdef from pg_proc p"
        " join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public' order by 1",
        name,
    )
    policies = cluster.sql(
        "select tablename, policyname, roles::text, cmd, qual, with_check from pg_policies"
        " where schemaname = 'public' order by 1, 2",
        name,
    )
    triggers = cluster.sql(
        "select tgrelid::regclass::text, tgname, tgenabled from pg_trigger"
        " where not tgisinternal order by 1, 2",
        name,
    )
    db = cluster.sql(
        f"select pg_get_userbyid(datdba), datacl from pg_database where datname = '{name}'"
    )
    schema = cluster.sql(
        "select pg_get_userbyid(nspowner), nspacl from pg_namespace where nspname = 'public'", name
    )
    return {
        "relations": [(r[0], r[1], r[2], _acl(r[3], name), r[4], r[5]) for r in rels],
        "functions": [(f[0], f[1], _acl(f[2], name), f[3]) for f in funcs],
        "policies": [tuple(norm(v) for v in p) for p in policies],
        "triggers": [tuple(str(v) for v in t) for t in triggers],
        "database": [(d[0], _acl(d[1], name)) for d in db],
        "schema": [(s[0], _acl(s[1], name)) for s in schema],
    }


def _members(cluster: Cluster, name: str) -> dict[str, str]:
    """Each office user of ``name`` and the group of that database they belong to."""
    rows = cluster.sql(
        "select r.rolname, g.rolname from pg_auth_members m join pg_roles r on r.oid = m.member"
        f" join pg_roles g on g.oid = m.roleid where g.rolname like '{name}\\_%'"
    )
    return {str(r[0]): str(r[1]).removeprefix(f"{name}_") for r in rows}


def _counts(cluster: Cluster, name: str) -> dict[str, int]:
    tables = ("companies", "audits", "answers", "attachments", "file_chunks", "office_users",
              "audit_assignments", "change_log")  # fmt: skip
    return {t: int(cluster.sql(f"select count(*) from {t}", name)[0][0]) for t in tables}


def _is_empty(cluster: Cluster, name: str) -> bool:
    return not cluster.sql("select 1 from pg_tables where schemaname = 'public'", name)


def _users_do_what_their_role_allows(cluster: Cluster, name: str, filled: Filled) -> None:
    admin = cluster.workspace(name, filled.admin)
    auditor = cluster.workspace(name, filled.auditor)
    viewer = cluster.workspace(name, filled.viewer)
    assert admin.user is not None
    assert admin.user.role is OfficeRole.ADMIN
    # the auditor edits the audit assigned to them, reads all, and is refused the other
    assert visit.answer_item(auditor, filled.auditors_audit.id, OTHER_ITEM,
                             AnswerResult.COMPLIANT).answered_by == "张律师"  # fmt: skip
    with pytest.raises(PermissionDeniedError, match="未分配给您"):
        visit.answer_item(auditor, filled.admins_audit.id, OTHER_ITEM, AnswerResult.COMPLIANT)
    assert {s.audit.id for s in audits.list_audits(auditor)} == {
        filled.admins_audit.id,
        filled.auditors_audit.id,
    }
    # the viewer reads and writes nothing
    assert audits.get_audit(viewer, filled.admins_audit.id).id == filled.admins_audit.id
    with pytest.raises(PermissionDeniedError, match="只读"):
        visit.answer_item(viewer, filled.auditors_audit.id, OTHER_ITEM, AnswerResult.COMPLIANT)
    with pytest.raises(PermissionDeniedError):
        towns.add_town(viewer, "南翔镇")
    # the administrator does everything, on anyone's audit
    audits.change_status(admin, filled.auditors_audit.id, AuditStatus.DIAGNOSED)
    assert towns.add_town(admin, "马陆镇") == "马陆镇"
    assert users.assign(admin, filled.admins_audit.id, filled.auditor) is True
    # and the owner can still upgrade and re-grant (it owns every object)
    assert database.upgrade(cluster.url(name, cluster.owner)) == (LATEST_VERSION, LATEST_VERSION)
    assert database.init_server(cluster.url(name, cluster.owner)).created_roles == []


# ------------------------------------------------------------------ ownership and role names
@pytest.mark.parametrize("restorer", ["superuser", "owner"])
def test_a_restore_into_a_new_database_is_a_fresh_server_database_plus_the_data(
    cluster: Cluster, tmp_path: Path, restorer: str
) -> None:
    filled = _fill(cluster, tmp_path)
    fresh = cluster.new_database()
    cluster.prepare(fresh)
    before = _counts(cluster, filled.name)
    cluster.close_all()

    target = cluster.new_database()
    cluster.roles.extend(f"{target}_{r.value}" for r in OfficeRole)
    login = None if restorer == "superuser" else cluster.owner
    result = server_backups.restore_server_backup(
        DataPaths(tmp_path / "restorer"), str(filled.backup), cluster.url(target, login)
    )
    assert result.schema_version == LATEST_VERSION
    assert _counts(cluster, target) == before
    assert _security(cluster, target) == _security(cluster, fresh)
    # the old database's groups have no right in the new one; its users are in the new groups
    assert not cluster.sql(
        f"select 1 from pg_class c, aclexplode(c.relacl) a where pg_get_userbyid(a.grantee)"
        f" like '{filled.name}\\_%'",
        target,
    )
    assert _members(cluster, target) == {
        filled.admin: "admin",
        filled.auditor: "auditor",
        filled.viewer: "viewer",
    }
    _users_do_what_their_role_allows(cluster, target, filled)
    # the backed-up database is untouched
    assert _counts(cluster, filled.name) == before


def test_a_restore_over_the_same_database_gives_it_back_as_it_was(
    cluster: Cluster, tmp_path: Path
) -> None:
    """The IT person drops the damaged database and creates it again, empty, with the same name
    and owner: the restore gives back its objects, grants, policies and users as they were."""
    filled = _fill(cluster, tmp_path)
    before = _security(cluster, filled.name)
    counts = _counts(cluster, filled.name)
    members = _members(cluster, filled.name)
    # a user added after the backup: not a user of the database the backup gives back
    later = cluster.add_user(filled.name, OfficeRole.AUDITOR, "后来的律师")
    cluster.close_all()
    cluster.drop(filled.name)
    cluster.new_database(filled.name)

    result = server_backups.restore_server_backup(
        DataPaths(tmp_path / "restorer"), str(filled.backup), cluster.url(filled.name)
    )
    assert _security(cluster, filled.name) == before
    assert _counts(cluster, filled.name) == counts
    assert _members(cluster, filled.name) == members
    assert result.revoked == [later]
    assert later in result.notes()[0]
    with pytest.raises(PermissionDeniedError):
        cluster.workspace(filled.name, later)
    _users_do_what_their_role_allows(cluster, filled.name, filled)


def test_an_office_administrator_who_cannot_act_as_the_owner_is_refused_before_anything(
    cluster: Cluster, tmp_path: Path
) -> None:
    filled = _fill(cluster, tmp_path)
    cluster.close_all()
    target = cluster.new_database()
    with pytest.raises(PermissionDeniedError) as refused:
        server_backups.restore_server_backup(
            DataPaths(tmp_path / "r"), str(filled.backup), cluster.url(target, filled.admin)
        )
    assert cluster.owner in refused.value.message
    assert str(filled.backup) in refused.value.message
    assert _is_empty(cluster, target)


# ------------------------------------------------------------------ a restore that cannot finish
@pytest.fixture
def broken(cluster: Cluster, tmp_path: Path) -> tuple[Filled, str, dict[str, int]]:
    filled = _fill(cluster, tmp_path)
    cluster.close_all()
    target = cluster.new_database()
    cluster.roles.extend(f"{target}_{r.value}" for r in OfficeRole)
    return filled, target, _counts(cluster, filled.name)


def _restore(cluster: Cluster, filled: Filled, target: str, ref: str | None = None) -> Any:
    return server_backups.restore_server_backup(
        DataPaths(cluster.tmp / "restorer"), ref or str(filled.backup), cluster.url(target)
    )


def _rewrite_manifest(folder: Path, **changes: Any) -> None:
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest.update(changes)
    path.write_text(json.dumps(manifest), encoding="utf-8")


def test_a_truncated_backup_is_refused_naming_the_file_and_nothing_changes(
    cluster: Cluster, broken: tuple[Filled, str, dict[str, int]]
) -> None:
    filled, target, counts = broken
    dump = filled.backup / server_backups.DUMP_NAME
    data = dump.read_bytes()
    dump.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(BackupError) as refused:
        _restore(cluster, filled, target)
    assert str(dump) in refused.value.message
    assert _is_empty(cluster, target)
    # cut in its data, with a manifest made to match: pg_restore reads the table of contents
    # and fails part-way; its single transaction leaves the target empty
    _rewrite_manifest(filled.backup, db_sha256=hashlib.sha256(dump.read_bytes()).hexdigest())
    with pytest.raises(AuditDeskError) as failed:
        _restore(cluster, filled, target)
    message = failed.value.message
    assert str(dump) in message, message
    assert "未改动" in message, message
    assert "Traceback" not in message
    assert _is_empty(cluster, target)
    assert _counts(cluster, filled.name) == counts


def test_a_backup_from_a_newer_schema_is_refused_before_restoring(
    cluster: Cluster, broken: tuple[Filled, str, dict[str, int]]
) -> None:
    filled, target, counts = broken
    _rewrite_manifest(filled.backup, schema_version=LATEST_VERSION + 1)
    with pytest.raises(AuditDeskError) as refused:
        _restore(cluster, filled, target)
    message = refused.value.message
    assert str(filled.backup) in message
    assert f"{LATEST_VERSION + 1}" in message
    assert "升级" in message
    assert _is_empty(cluster, target)
    assert _counts(cluster, filled.name) == counts


def test_a_dump_whose_data_is_newer_than_its_manifest_says_leaves_the_target_empty(
    cluster: Cluster, broken: tuple[Filled, str, dict[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The manifest is not the dump: a dump that turns out newer once restored is taken out
    again, and the message says what to do."""
    filled, target, _ = broken
    import auditdesk.store.restore as store_restore

    real = store_restore.read_version
    monkeypatch.setattr(store_restore, "read_version", lambda conn, where: real(conn, where) + 1)
    with pytest.raises(AuditDeskError) as refused:
        _restore(cluster, filled, target)
    assert "升级" in refused.value.message
    assert str(filled.backup) in refused.value.message
    assert _is_empty(cluster, target)


def test_a_laptop_backup_given_to_a_server_restore_says_what_it_is(
    cluster: Cluster, broken: tuple[Filled, str, dict[str, int]], tmp_path: Path
) -> None:
    filled, target, _ = broken
    laptop = Workspace.open(tmp_path / "laptop")
    companies.add_company(laptop, CompanyInput(name="丙厂"))
    laptop.close()
    paths = DataPaths(tmp_path / "laptop")
    snapshot = backups.create_backup(paths)
    exported = backups.export_backup(paths, tmp_path / "出差前.adbackup")
    for ref in (snapshot.id, str(snapshot.path), str(exported.path)):
        with pytest.raises(BackupError) as refused:
            server_backups.restore_server_backup(paths, ref, cluster.url(target))
        message = refused.value.message
        assert "本机数据库" in message, message
        assert "不能恢复到服务器" in message, message
        assert ref in message or str(snapshot.path) in message, message
        assert _is_empty(cluster, target)
    # and the other way round: a server backup is not a laptop's, and the laptop keeps its data
    server_backup = backups.find_backup(paths, str(filled.backup))
    with pytest.raises(BackupError, match="是服务器数据库的备份"):
        backups.validate_backup(paths, server_backup)
    with pytest.raises(BackupError, match=f"{filled.backup.name} 是服务器数据库的备份"):
        backups.restore_backup(paths, server_backup)
    with Workspace.open(tmp_path / "laptop") as reopened:
        assert [c.company.name for c in companies.list_companies(reopened)] == ["丙厂"]


def _cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("AUDITDESK_DATABASE", None)
    return subprocess.run(
        [sys.executable, "-m", "auditdesk", *args, "--data-dir", str(data)],
        capture_output=True, text=True, encoding="utf-8", env=env, timeout=300, check=False,
    )  # fmt: skip


def test_the_restore_command_names_a_laptop_backup_given_for_a_server(
    cluster: Cluster, broken: tuple[Filled, str, dict[str, int]], tmp_path: Path
) -> None:
    _, target, _ = broken
    laptop = tmp_path / "laptop"
    Workspace.open(laptop).close()
    snapshot = backups.create_backup(DataPaths(laptop))
    done = _cli(laptop, "backup", "restore", snapshot.id, "--database", cluster.url(target))
    assert done.returncode == 2, done.stderr
    assert "本机数据库" in done.stderr, done.stderr
    assert snapshot.id in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert _is_empty(cluster, target)


def test_a_killed_pg_restore_leaves_the_target_empty_and_says_so(
    cluster: Cluster, broken: tuple[Filled, str, dict[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    filled, target, counts = broken
    real_run = subprocess.run
    killed: list[int] = []

    def run_and_kill(args: list[str], **kwargs: Any) -> Any:
        if "pg_restore" not in Path(args[0]).name or "--list" in args:
            return real_run(args, **kwargs)
        kwargs.pop("timeout", None)
        kwargs.pop("check", None)
        with subprocess.Popen(args, **{k: v for k, v in kwargs.items() if k != "capture_output"},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) as child:  # fmt: skip
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and child.poll() is None:
                busy = cluster.sql(
                    "select 1 from pg_stat_activity where datname = "
                    f"'{target}' and query ilike 'copy%'"
                )
                if busy:
                    child.send_signal(signal.SIGKILL)
                    killed.append(child.pid)
                    break
                time.sleep(0.002)
            out, err = child.communicate()
        return subprocess.CompletedProcess(args, child.returncode, out, err)

    monkeypatch.setattr(pgdump.subprocess, "run", run_and_kill)
    with pytest.raises(AuditDeskError) as failed:
        _restore(cluster, filled, target)
    assert killed, "pg_restore finished before it could be killed"
    message = failed.value.message
    assert "中断" in message, message
    assert str(filled.backup / server_backups.DUMP_NAME) in message, message
    assert "未改动" in message, message
    time.sleep(0.5)  # the server notices the lost client and rolls back
    assert _is_empty(cluster, target)
    assert _counts(cluster, filled.name) == counts
    monkeypatch.setattr(pgdump.subprocess, "run", real_run)
    assert _restore(cluster, filled, target).records["audits"] == 2  # nothing left in the way


def test_a_restore_while_another_client_is_connected(
    cluster: Cluster, broken: tuple[Filled, str, dict[str, int]]
) -> None:
    """Someone connected to the target: refused, naming the backup and the database, nothing
    touched. Someone working on the backed-up database meanwhile: untouched, keeps working."""
    filled, target, counts = broken
    other = create_engine(make_url(cluster.url(target)).set(drivername="postgresql+psycopg"))
    try:
        with other.connect() as conn:
            conn.execute(text("select 1"))
            with pytest.raises(AuditDeskError) as refused:
                _restore(cluster, filled, target)
            message = refused.value.message
            assert target in message, message
            assert "连接" in message, message
            assert str(filled.backup) in message, message
            assert _is_empty(cluster, target)
    finally:
        other.dispose()
    live = create_engine(make_url(cluster.url(filled.name)).set(drivername="postgresql+psycopg"))
    try:
        with live.connect() as conn:
            conn.execute(text("begin"))
            conn.execute(text("update companies set notes = 'x'"))
            assert _restore(cluster, filled, target).records["companies"] == counts["companies"]
            conn.execute(text("commit"))
    finally:
        live.dispose()
    assert _counts(cluster, filled.name) == counts


def test_a_user_whose_login_this_server_lacks_is_made_without_a_password(
    cluster: Cluster, broken: tuple[Filled, str, dict[str, int]]
) -> None:
    """A backup taken to another server (or a user removed since): the listed user gets a login
    in their group, with no password, and the result says who needs one."""
    filled, target, _ = broken
    cluster.sql(f'drop owned by "{filled.viewer}" cascade', filled.name)
    cluster.sql(f'drop role "{filled.viewer}"')
    result = _restore(cluster, filled, target)
    assert result.without_password == [filled.viewer]
    assert filled.viewer in result.notes()[0]
    [(can_login, password)] = cluster.sql(
        f"select rolcanlogin, rolpassword from pg_authid where rolname = '{filled.viewer}'"
    )
    assert can_login
    assert password is None
    assert _members(cluster, target)[filled.viewer] == "viewer"


def test_a_backup_of_an_older_schema_is_restored_and_brought_up_to_date(
    cluster: Cluster, tmp_path: Path
) -> None:
    """A backup made before the last upgrade: restored and migrated as the owner, as ``db
    upgrade`` would, so the new database is at this AuditDesk's version, its data kept."""
    from auditdesk.models.company import Company
    from auditdesk.services.restore_recovery import write_manifest
    from auditdesk.store import schema
    from auditdesk.store.migrate import migrate
    from auditdesk.store.migrations import STEPS

    old = cluster.new_database()
    engine = create_engine(make_url(cluster.url(old)).set(drivername="postgresql+psycopg"))
    try:
        assert migrate(engine, where=old, steps=STEPS[:-1]) == LATEST_VERSION - 1
        company = Company(name="旧版本的企业")
        with engine.begin() as conn:
            conn.execute(schema.companies.insert().values(**company.model_dump(mode="python")))
    finally:
        engine.dispose()
    folder = tmp_path / "old-backup"
    folder.mkdir()
    dump = folder / server_backups.DUMP_NAME
    pgdump.dump(make_url(cluster.url(old)), dump)
    write_manifest(folder, {
        "format": "auditdesk-backup", "format_version": 1, "app_version": "0.old",
        "created": "2026-11-01T10:00:00", "kind": "manual", "backend": "postgresql",
        "database": old, "dump": server_backups.DUMP_NAME, "schema_version": LATEST_VERSION - 1,
        "records": {"companies": 1}, "attachments": [], "attachment_bytes": 0,
        "db_sha256": hashlib.sha256(dump.read_bytes()).hexdigest(),
    })  # fmt: skip
    target = cluster.new_database()
    result = server_backups.restore_server_backup(
        DataPaths(tmp_path / "r"), str(folder), cluster.url(target, cluster.owner)
    )
    assert result.schema_version == LATEST_VERSION
    assert result.records["companies"] == 1
    assert cluster.sql("select name from companies", target) == [("旧版本的企业",)]
    owners = cluster.sql("select distinct tableowner from pg_tables where schemaname = 'public'",
                         target)  # fmt: skip
    assert owners == [(cluster.owner,)]


def test_a_restore_that_cannot_be_taken_out_again_says_so(
    cluster: Cluster, broken: tuple[Filled, str, dict[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never "未改动" for a database that still holds half a restore: the message says to drop
    and create it again."""
    filled, target, _ = broken
    import auditdesk.store.restore as store_restore

    real = store_restore.read_version
    monkeypatch.setattr(store_restore, "read_version", lambda conn, where: real(conn, where) + 1)

    def cannot(*_: object) -> None:
        raise AuditDeskError("连接已断开")

    monkeypatch.setattr(store_restore, "clear_restored", cannot)
    with pytest.raises(AuditDeskError) as failed:
        _restore(cluster, filled, target)
    message = failed.value.message
    assert store_restore.NOT_TAKEN_OUT in message, message
    assert "重新建立" in message, message
    assert "未改动" not in message, message
    assert str(filled.backup / server_backups.DUMP_NAME) in message, message
