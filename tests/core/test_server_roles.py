"""Users, roles and row-level security on a shared PostgreSQL database (``server init``,
``server user …``, ``audit assign``): PostgreSQL itself refuses what a user may not do, and the
author of every change is the signed-in user.

PostgreSQL only (the ``pg_server`` fixture: skipped without a server, a failure under CI). Roles
are cluster-wide: every test makes its own database, users with unique names, and drops them all.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from auditdesk.errors import AuditDeskError, PermissionDeniedError
from auditdesk.models.audit import AnswerResult, Audit, AuditStatus
from auditdesk.models.company import Company, CompanyInput
from auditdesk.models.user import OfficeRole, OfficeUser
from auditdesk.services import audits, companies, database, towns, users, visit
from auditdesk.services.workspace import Workspace
from auditdesk.store.errors import sqlstate
from auditdesk.store.migrations import LATEST_VERSION
from tests.conftest import PgServer

ITEM = "PAY.MIN_WAGE"
OTHER_ITEM = "PAY.PAYSLIP"


@dataclass
class Office:
    """A database prepared by ``server init``, its office users, and workspaces signed in as them."""

    server: PgServer
    url: str
    tmp: Path
    roles: list[str] = field(default_factory=list)
    databases: list[str] = field(default_factory=list)
    opened: list[Workspace] = field(default_factory=list)
    engines: list[Engine] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(make_url(self.url).database)

    def url_as(self, user: str) -> str:
        return make_url(self.url).set(username=user).render_as_string(False)

    def workspace(self, user: str | None = None) -> Workspace:
        """A workspace signed in as ``user`` (the cluster's superuser when ``None``)."""
        folder = self.tmp / f"data-{user or 'super'}-{len(self.opened)}"
        ws = Workspace.open(folder, database=self.url if user is None else self.url_as(user))
        self.opened.append(ws)
        return ws

    def add(self, role: OfficeRole, display_name: str = "", password: str = "pw") -> str:
        name = f"u{uuid.uuid4().hex[:10]}"
        self.roles.append(name)
        users.add_user(self.workspace(), name, role, password, display_name=display_name)
        return name

    def raw(self, user: str | None = None) -> Engine:
        """A plain SQLAlchemy engine signed in as ``user`` (what a stolen credential gives), or
        as the cluster's superuser."""
        url = self.url if user is None else self.url_as(user)
        engine = create_engine(make_url(url).set(drivername="postgresql+psycopg"))
        self.engines.append(engine)
        return engine


@pytest.fixture
def office(pg_server: PgServer, tmp_path: Path) -> Iterator[Office]:
    url = pg_server.create(template=pg_server.template)  # migrated (an empty one: see below)
    office = Office(pg_server, url, tmp_path, databases=[url])
    database.init_server(url)
    office.roles.extend(f"{office.name}_{r.value}" for r in OfficeRole)
    try:
        yield office
    finally:
        for ws in office.opened:
            ws.close()
        for engine in office.engines:
            engine.dispose()
        for db in office.databases:
            pg_server.drop(db)
        with pg_server._admin() as conn:
            for role in office.roles:  # users first, then the groups they belonged to
                conn.execute(f'drop role if exists "{role}"')


def _company(ws: Workspace, name: str = "嘉定某厂") -> Company:
    return companies.add_company(ws, CompanyInput(name=name))


def _audit(ws: Workspace, name: str = "嘉定某厂") -> Audit:
    return audits.start_audit(ws, _company(ws, name).id)


def _answer(ws: Workspace, audit: Audit, item: str = ITEM, by: str = "") -> Any:
    return visit.answer_item(ws, audit.id, item, AnswerResult.NON_COMPLIANT, by=by)


def _refused(action: Callable[[], object]) -> str:
    with pytest.raises(PermissionDeniedError) as info:
        action()
    return info.value.message


def _denied_sql(engine: Engine, statement: str, **params: Any) -> None:
    """The server refuses ``statement`` (42501), not the app."""
    with pytest.raises(DBAPIError) as info, engine.begin() as conn:
        conn.execute(text(statement), params)
    assert sqlstate(info.value) == "42501", info.value


def _rowcount(engine: Engine, statement: str, **params: Any) -> int:
    with engine.begin() as conn:
        return int(conn.execute(text(statement), params).rowcount)


# ------------------------------------------------------------------ server init
def test_server_init_twice_creates_roles_once_and_forces_row_security(office: Office) -> None:
    url = office.server.create()  # an empty database: server init builds the schema too
    office.databases.append(url)
    name = str(make_url(url).database)
    groups = {r.value: f"{name}_{r.value}" for r in OfficeRole}
    office.roles.extend(groups.values())
    first = database.init_server(url)
    assert (first.before, first.after) == (0, LATEST_VERSION)
    assert sorted(first.created_roles) == sorted(groups.values())
    again = database.init_server(url)
    assert (again.before, again.after) == (LATEST_VERSION, LATEST_VERSION)
    assert again.created_roles == []
    assert again.roles == groups
    office.url = url
    with office.raw().connect() as c:
        rows = c.execute(text("select relname, relrowsecurity, relforcerowsecurity from pg_class"
                              " where relname in ('audits', 'answers', 'findings', 'attachments',"
                              " 'companies')")).all()  # fmt: skip
        groups = c.execute(text("select rolname, rolcanlogin from pg_roles where rolname like :p"),
                           {"p": f"{office.name}_%"}).all()  # fmt: skip
    assert len(rows) == 5
    assert all(r.relrowsecurity and r.relforcerowsecurity for r in rows)
    assert sorted(groups) == sorted((name, False) for name in again.roles.values())


def test_server_init_by_a_user_who_cannot_create_roles_is_refused_in_chinese(
    office: Office,
) -> None:
    plain = f"u{uuid.uuid4().hex[:10]}"
    office.roles.append(plain)
    with office.server._admin() as conn:
        conn.execute(f'create role "{plain}" login')
        conn.execute(f'grant connect on database "{office.name}" to "{plain}"')
    with pytest.raises(PermissionDeniedError, match="能创建角色"):
        database.init_server(office.url_as(plain))


def test_server_init_needs_a_server_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUDITDESK_DATABASE", raising=False)
    with pytest.raises(AuditDeskError, match="只用于服务器数据库"):
        database.init_server(None)


# ------------------------------------------------------------------ users
def test_user_add_list_role_remove(office: Office) -> None:
    name = office.add(OfficeRole.AUDITOR, "张律师", password="s3cret:%s")
    admin = office.workspace()
    listed = users.list_users(admin)
    assert [(u.name, u.display_name, u.role) for u in listed] == [
        (name, "张律师", OfficeRole.AUDITOR)
    ]
    with office.raw(name).connect() as conn:  # a member of its group, signed in as itself
        assert conn.execute(text("select pg_has_role(current_user, :g, 'member')"),
                            {"g": f"{office.name}_auditor"}).scalar_one()  # fmt: skip
    # the password is stored only by PostgreSQL, as a SCRAM verifier of exactly that password
    with office.server._admin() as conn:
        verifier = conn.execute("select rolpassword from pg_authid where rolname = %s",
                                (name,)).fetchone()[0]  # fmt: skip
    assert _scram_matches(verifier, "s3cret:%s")
    assert not _scram_matches(verifier, "wrong")

    assert users.set_role(admin, name, OfficeRole.VIEWER).role is OfficeRole.VIEWER
    with office.raw(name).connect() as conn:
        member = conn.execute(text("select pg_has_role(current_user, :g, 'member')"),
                              {"g": f"{office.name}_auditor"}).scalar_one()  # fmt: skip
    assert not member
    with pytest.raises(AuditDeskError, match="已存在"):
        users.add_user(admin, name, OfficeRole.ADMIN, "pw")
    with pytest.raises(AuditDeskError, match="无效"):
        users.add_user(admin, "张三", OfficeRole.ADMIN, "pw")

    assert users.remove_user(admin, name).name == name
    assert users.list_users(admin) == []
    with office.server._admin() as conn:
        gone = conn.execute("select 1 from pg_roles where rolname = %s", (name,)).fetchone()
    assert gone is None


def test_removing_a_user_who_owns_a_database_is_a_clear_refusal(office: Office) -> None:
    """An administrator given a database of their own (``createdb -O`` them, then a restore
    into it, whose objects go to the database's owner) owns it: PostgreSQL will not drop the
    role. That is a Chinese refusal naming what it owns, not an internal error, and the user
    stays listed."""
    name = office.add(OfficeRole.ADMIN, "王主任")
    restored = office.server.create()
    office.databases.append(restored)
    with office.server._admin() as conn:
        conn.execute(f'alter database "{make_url(restored).database}" owner to "{name}"')
    admin = office.workspace()
    with pytest.raises(AuditDeskError) as info:
        users.remove_user(admin, name)
    assert "仍拥有" in info.value.message
    assert str(make_url(restored).database) in info.value.message
    assert "REASSIGN OWNED" in info.value.message
    assert [u.name for u in users.list_users(admin)] == [name]


def test_two_users_may_not_share_a_display_name(office: Office) -> None:
    """记录人, every change's author and a stale-save refusal (已被 张律师 修改) show the display
    name only: a second 张律师 would make them ambiguous."""
    first = office.add(OfficeRole.AUDITOR, "张律师")
    admin = office.workspace()
    with pytest.raises(AuditDeskError, match=f"姓名“张律师”已被用户 {first} 使用"):
        users.add_user(admin, "u" + uuid.uuid4().hex[:10], OfficeRole.VIEWER, "pw",
                       display_name=" 张律师 ")  # fmt: skip
    assert [u.name for u in users.list_users(admin)] == [first]


def _scram_matches(verifier: str, password: str) -> bool:
    head, keys = verifier.split("$", 1)[1].split("$")
    iterations, salt = head.split(":")
    stored_key = keys.split(":")[0]
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt),
                                 int(iterations))  # fmt: skip
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return base64.b64encode(hashlib.sha256(client_key).digest()).decode() == stored_key


def test_an_auditor_cannot_manage_users(office: Office) -> None:
    auditor = office.workspace(office.add(OfficeRole.AUDITOR))
    assert _refused(lambda: users.add_user(auditor, "u_nobody_x", OfficeRole.ADMIN, "pw"))


# ------------------------------------------------------------------ rights
def test_auditor_edits_assigned_audits_only_and_reads_all(office: Office) -> None:
    admin = office.workspace(office.add(OfficeRole.ADMIN, "主任"))
    zhang_name = office.add(OfficeRole.AUDITOR, "张律师")
    zhang = office.workspace(zhang_name)
    theirs = _audit(admin, "管理员的企业")
    mine = _audit(zhang, "张律师的企业")  # created by the auditor: assigned to them

    assert [a.user_name for a in users.assignments(zhang, mine.id)] == [zhang_name]
    assert _answer(zhang, mine).answered_by == "张律师"
    message = _refused(lambda: _answer(zhang, theirs))
    assert "未分配给您" in message
    assert "权限" in message
    # reading the whole district is allowed
    assert audits.get_audit(zhang, theirs.id).id == theirs.id
    assert {s.audit.id for s in audits.list_audits(zhang)} == {mine.id, theirs.id}
    # an UPDATE hidden by row-level security is worded, not "the record no longer exists"
    refused = _refused(lambda: audits.change_status(zhang, theirs.id, AuditStatus.IN_PROGRESS))
    assert "未分配给您" in refused
    assert "audits" not in refused  # the record is named in Chinese, not by its table
    assert "：体检。" in refused

    assert users.assign(admin, theirs.id, zhang_name) is True
    assert users.assign(admin, theirs.id, zhang_name) is False
    assert _answer(zhang, theirs).result is AnswerResult.NON_COMPLIANT
    assert users.unassign(admin, theirs.id, zhang_name) is True
    _refused(lambda: _answer(zhang, theirs, OTHER_ITEM))
    # an auditor cannot assign themselves
    _refused(lambda: users.assign(zhang, theirs.id, zhang_name))


def test_auditor_stolen_credential_gets_no_more_through_raw_sql(office: Office) -> None:
    admin = office.workspace(office.add(OfficeRole.ADMIN))
    zhang_name = office.add(OfficeRole.AUDITOR)
    zhang = office.workspace(zhang_name)
    theirs = _audit(admin)
    _answer(admin, theirs)
    mine = _audit(zhang, "另一家")
    _answer(zhang, mine)
    assert visit.gather_findings(zhang, mine.id)
    engine = office.raw(zhang_name)

    # writes to an unassigned audit: hidden (0 rows) or refused (42501) by the server
    assert _rowcount(engine, "update audits set title = 'x' where id = :i", i=theirs.id) == 0
    assert _rowcount(engine, "delete from answers where audit_id = :i", i=theirs.id) == 0
    assert _rowcount(engine, "update answers set note = 'x' where audit_id = :i", i=theirs.id) == 0
    _denied_sql(engine, "insert into visits (id, created_at, updated_at, audit_id, visit_date,"
                " kind, channels, attendees, notes) values ('v1', now(), now(), :i, current_date,"
                " 'initial', '[]', '[]', '')", i=theirs.id)  # fmt: skip
    _denied_sql(engine, "update findings set audit_id = :i where audit_id = :j",
                i=theirs.id, j=mine.id)  # fmt: skip
    # office-wide tables and the assignments: the admin's
    _denied_sql(engine, "update towns set name = 'x'")
    _denied_sql(engine, "delete from companies")
    _denied_sql(engine, "insert into audit_assignments values (:i, :u, :u, now())",
                i=theirs.id, u=zhang_name)  # fmt: skip
    _denied_sql(engine, "update union_settings set value = 'x'")
    # their own audit they may change
    assert _rowcount(engine, "update audits set title = 'y' where id = :i", i=mine.id) == 1


def test_viewer_cannot_write_anything(office: Office) -> None:
    admin = office.workspace(office.add(OfficeRole.ADMIN))
    audit = _audit(admin)
    viewer_name = office.add(OfficeRole.VIEWER, "王只读")
    viewer = office.workspace(viewer_name)

    assert "只读" in _refused(lambda: _answer(viewer, audit))
    _refused(lambda: _company(viewer, "只读的企业"))
    _refused(lambda: towns.add_town(viewer, "马陆镇"))
    _refused(lambda: audits.start_audit(viewer, audit.company_id))
    assert audits.get_audit(viewer, audit.id).id == audit.id  # view and export

    engine = office.raw(viewer_name)
    for statement in (
        "insert into companies (id, created_at, updated_at, name, legal_representative,"
        " address, town, industry, has_union, contact_name, contact_phone, notes)"
        " values ('c', now(), now(), 'x', '', '', '', '', false, '', '', '')",
        "update audits set title = 'x'",
        "delete from answers",
        "delete from audits",
        "update companies set name = 'x'",
        "insert into towns (id, created_at, updated_at, name) values ('t', now(), now(), 'x')",
        "update schema_version set version = 1",
        "insert into office_users values ('x', 'x', 'admin', now())",
    ):
        _denied_sql(engine, statement)


def test_admin_may_do_everything(office: Office) -> None:
    admin_name = office.add(OfficeRole.ADMIN, "主任")
    admin = office.workspace(admin_name)
    zhang = office.workspace(office.add(OfficeRole.AUDITOR, "张律师"))
    theirs = _audit(zhang)
    assert _answer(admin, theirs).answered_by == "主任"  # not assigned, an admin still may
    assert towns.add_town(admin, "马陆镇") == "马陆镇"
    audits.change_status(admin, theirs.id, AuditStatus.DIAGNOSED)
    assert companies.delete_company(admin, theirs.company_id).audits == 1
    engine = office.raw(admin_name)
    assert _rowcount(engine, "update towns set name = '南翔镇'") == 1


# ------------------------------------------------------------------ the signed-in user
def test_author_is_the_signed_in_user_whatever_the_client_says(office: Office) -> None:
    zhang_name = office.add(OfficeRole.AUDITOR, "张律师")
    zhang = office.workspace(zhang_name)
    assert zhang.user == OfficeUser(name=zhang_name, display_name="张律师",
                                    role=OfficeRole.AUDITOR, created_at=zhang.user.created_at)  # type: ignore[union-attr]  # fmt: skip
    assert zhang.author("冒名") == "张律师"
    audit = _audit(zhang)
    answer = _answer(zhang, audit, by="冒名")
    assert answer.answered_by == "张律师"
    assert {c.changed_by for c in visit.history(zhang, audit.id, ITEM)} == {"张律师"}
    # the server stamps it even when a client sends another name
    with office.raw(zhang_name).begin() as conn:
        conn.execute(text("update answers set answered_by = '冒名', note = 'n'"
                          " where audit_id = :i"), {"i": audit.id})  # fmt: skip
        stored = conn.execute(text("select answered_by from answers where audit_id = :i"),
                              {"i": audit.id}).scalar_one()  # fmt: skip
    assert stored == "张律师"
    # the administrator's own login (not an office user) is nobody's: as the client says
    superuser = office.workspace()
    assert superuser.user is None
    assert superuser.author("李") == "李"


def test_a_transaction_names_the_signed_in_user_whatever_the_service_was_given(
    office: Office,
) -> None:
    zhang = office.workspace(office.add(OfficeRole.AUDITOR, "张律师"))
    with zhang.store.transaction() as tx:
        assert tx.author("冒名") == "张律师"
    audit = _audit(zhang)
    _answer(zhang, audit, by="冒名")
    [finding] = visit.gather_findings(zhang, audit.id, by="冒名")
    assert finding.updated_by == "张律师"
    dismissed = visit.dismiss_finding(zhang, finding.id, "与另一问题重复", by="冒名")
    assert (dismissed.dismissed_by, dismissed.updated_by) == ("张律师", "张律师")
    assert {c.changed_by for c in visit.history(zhang, audit.id, ITEM)} == {"张律师"}
    assert visit.undo_last_answer(zhang, audit.id, by="冒名") == ITEM  # 张律师's own change


def test_sqlite_has_no_users(ws: Workspace) -> None:
    assert ws.user is None
    assert ws.author("李") == "李"
    with pytest.raises(AuditDeskError, match="只用于服务器数据库"):
        users.list_users(ws)


def test_a_login_of_another_database_cannot_connect(office: Office) -> None:
    stranger = f"u{uuid.uuid4().hex[:10]}"
    office.roles.append(stranger)
    with office.server._admin() as conn:
        conn.execute(f'create role "{stranger}" login')
    with pytest.raises(PermissionDeniedError, match="无权连接"):
        office.workspace(stranger)


# ------------------------------------------------------------------ with the other office tables
def test_rights_cover_versions_change_log_and_evidence_files(
    office: Office, tmp_path: Path
) -> None:
    """The tables of record versions, the change log and the server's evidence files follow the
    same rights: a company edit by an auditor is logged (an entry with no audit), the stale-save
    name is the signed-in user's, entries cannot be changed or deleted by anyone but the owner
    (an admin may purge), and an evidence file is stored by an auditor but deleted only when no
    attachment uses it."""
    from auditdesk.services import attachments, changelog

    admin_name = office.add(OfficeRole.ADMIN, "主任")
    admin = office.workspace(admin_name)
    zhang_name = office.add(OfficeRole.AUDITOR, "张律师")
    zhang = office.workspace(zhang_name)
    audit = _audit(zhang, "张律师的企业")

    company = companies.get_company(zhang, audit.company_id)
    edited = companies.update_company(
        zhang, company.id, CompanyInput(name=company.name, town="马陆镇"), by="冒名",
        expected_version=company.version,
    )  # fmt: skip
    assert edited.version == company.version + 1
    assert companies.get_company(admin, company.id).updated_by == "张律师"
    entries = changelog.entries(admin, changelog.LogFilter(company_id=company.id))
    assert any(e.field == "town" and e.changed_by == "张律师" for e in entries)

    engine = office.raw(zhang_name)
    _denied_sql(engine, "update change_log set new_value = 'x'")
    _denied_sql(engine, "delete from change_log")
    admin_engine = office.raw(admin_name)
    _denied_sql(admin_engine, "update change_log set new_value = 'x'")
    assert (
        _rowcount(
            admin_engine, "delete from change_log where changed_at < now() - interval '1 day'"
        )
        == 0
    )

    answer = _answer(zhang, audit)
    evidence = tmp_path / "工资条.pdf"
    evidence.write_bytes(b"%PDF-1.4 evidence " * 1000)
    attached = attachments.attach_file(zhang, evidence, answer_id=answer.id, by="冒名")
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from file_chunks where sha256 = :s"),
                            {"s": attached.sha256}).scalar_one() >= 1  # fmt: skip
    # referenced: the policy hides it from a delete, and no row may change; a viewer reads only
    deleted = _rowcount(engine, "delete from file_blobs where sha256 = :s", s=attached.sha256)
    assert deleted == 0
    _denied_sql(engine, "update file_blobs set size = 0 where sha256 = :s", s=attached.sha256)
    viewer_name = office.add(OfficeRole.VIEWER)
    _denied_sql(office.raw(viewer_name), "delete from file_chunks")
    with office.raw(viewer_name).connect() as conn:
        assert conn.execute(text("select count(*) from file_blobs")).scalar_one() == 1


def test_an_office_admin_backs_up_the_server_and_others_are_refused_in_chinese(
    office: Office,
) -> None:
    """pg_dump as an office administrator (not a superuser: row security applies to them) makes a
    whole, verifiable backup; a lawyer or a viewer gets a Chinese refusal, not pg_dump's English."""
    from auditdesk.services import server_backups

    admin = office.workspace(office.add(OfficeRole.ADMIN, "刘主任"))
    audit = _audit(admin)
    _answer(admin, audit)
    info = server_backups.create_server_backup(admin)
    assert server_backups.verify_server_backup(admin.paths, info.id).db_sha256 == info.db_sha256
    assert info.records["answers"] == 1
    for role in (OfficeRole.AUDITOR, OfficeRole.VIEWER):
        ws = office.workspace(office.add(role))
        with pytest.raises(AuditDeskError) as refused:
            server_backups.create_server_backup(ws)
        assert "管理员" in refused.value.message
        assert "pg_dump:" not in refused.value.message


def test_a_versioned_answer_save_on_an_unassigned_audit_is_a_refusal_not_stale(
    office: Office,
) -> None:
    """The GUI and ``--expect-version`` save an answer at the version read: row security hides
    the row from the UPDATE, and that is 没有权限, not 已被某人修改 (the row did not change)."""
    admin = office.workspace(office.add(OfficeRole.ADMIN, "刘主任"))
    zhang = office.workspace(office.add(OfficeRole.AUDITOR, "张律师"))
    audit = _audit(admin)
    answer = _answer(admin, audit)
    message = _refused(
        lambda: visit.answer_item(
            zhang, audit.id, ITEM, AnswerResult.COMPLIANT, expected_version=answer.version
        )
    )
    assert "未分配给您" in message
    assert "修改（您打开后）" not in message


def test_office_wide_refusals_do_not_speak_of_audits(office: Office) -> None:
    """Follow-up days (office settings) and purging the change log are the administrator's: the
    refusal says so, instead of 该体检未分配给您."""
    from auditdesk.services import changelog, office_settings

    for role in (OfficeRole.AUDITOR, OfficeRole.VIEWER):
        ws = office.workspace(office.add(role))
        message = _refused(lambda ws=ws: office_settings.set_followup_days(ws, {"critical": 3}))
        assert "仅管理员" in message, message
        assert "体检" not in message
        message = _refused(lambda ws=ws: changelog.purge(ws, date(2026, 1, 1)))
        assert "管理员" in message, message
        assert "体检" not in message
