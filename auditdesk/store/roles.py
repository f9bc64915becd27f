"""Users, roles and row-level security of a shared PostgreSQL database (server only).

``auditdesk server init`` creates three group roles per database (``<db>_admin``, ``<db>_auditor``,
``<db>_viewer``), grants them their privileges and puts row-level security on the audit tables, so
that PostgreSQL itself refuses what a user may not do: a stolen laptop credential gets that user's
rights and no more. People are login roles, members of one group, listed with their display name
in ``office_users``; ``audit_assignments`` says which audits an auditor may edit. Both tables and
everything else here exist only on a server (SQLite stays single-user).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    String,
    Table,
    and_,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy import exc as sa_exc

from auditdesk.errors import AuditDeskError, NotFoundError, PermissionDeniedError
from auditdesk.models.common import utcnow
from auditdesk.models.user import USER_NAME, AuditAssignment, OfficeRole, OfficeUser
from auditdesk.store import schema
from auditdesk.store.authors import AUTHOR_COLUMNS
from auditdesk.store.change_log import restrict_append_only
from auditdesk.store.errors import driver_error, sqlstate
from auditdesk.store.migrate import migrate, read_version
from auditdesk.store.server import advisory_lock
from auditdesk.store.types import Timestamp

server_metadata = MetaData()
"""Tables that exist only on a server, created by ``server init`` (not by the migrations)."""

office_users = Table(
    "office_users",
    server_metadata,
    Column("name", String(63), primary_key=True),
    Column("display_name", String(50), nullable=False),
    Column("role", String(20), nullable=False),
    Column("created_at", Timestamp, nullable=False),
)

audit_assignments = Table(
    "audit_assignments",
    server_metadata,
    Column("audit_id", String(36), primary_key=True),
    Column("user_name", String(63), primary_key=True),
    Column("assigned_by", String(63), nullable=False),
    Column("assigned_at", Timestamp, nullable=False),
)

SERVER_TABLES_DDL = (
    """CREATE TABLE IF NOT EXISTS office_users (
        name varchar(63) PRIMARY KEY,
        display_name varchar(50) NOT NULL,
        role varchar(20) NOT NULL CHECK (role IN ('admin', 'auditor', 'viewer')),
        created_at timestamptz NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS audit_assignments (
        audit_id varchar(36) NOT NULL REFERENCES audits (id) ON DELETE CASCADE,
        user_name varchar(63) NOT NULL REFERENCES office_users (name) ON DELETE CASCADE,
        assigned_by varchar(63) NOT NULL,
        assigned_at timestamptz NOT NULL,
        PRIMARY KEY (audit_id, user_name))""",
    "CREATE INDEX IF NOT EXISTS ix_assignments_user ON audit_assignments (user_name)",
)

ASSIGN_CREATOR_FN = """
CREATE OR REPLACE FUNCTION auditdesk_assign_creator() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
BEGIN
    -- session_user: inside SECURITY DEFINER current_user is the owner; AuditDesk logs in as the
    -- person, so the session user is who created the audit
    IF EXISTS (SELECT 1 FROM office_users WHERE name = session_user) THEN
        INSERT INTO audit_assignments (audit_id, user_name, assigned_by, assigned_at)
        VALUES (NEW.id, session_user, session_user, now())
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$fn$"""
"""The audit's creator is assigned to it (an auditor may then edit what they started)."""

STAMP_AUTHOR_FN = """
CREATE OR REPLACE FUNCTION auditdesk_stamp_author() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
    who text;
    col text := TG_ARGV[0];
    mode text := TG_ARGV[1];
    new_value text := to_jsonb(NEW) ->> TG_ARGV[0];
BEGIN
    SELECT u.display_name INTO who FROM office_users u WHERE u.name = current_user;
    IF who IS NULL THEN
        RETURN NEW;  -- not an office user (the administrator's own login): as the client says
    END IF;
    IF mode <> 'always' THEN
        IF new_value IS NULL THEN
            RETURN NEW;
        END IF;
        IF TG_OP = 'UPDATE'
           AND new_value IS NOT DISTINCT FROM (to_jsonb(OLD) ->> col)
           AND (mode = 'changed'
                OR (to_jsonb(NEW) ->> mode) IS NOT DISTINCT FROM (to_jsonb(OLD) ->> mode)) THEN
            RETURN NEW;  -- the author of an earlier change stays
        END IF;
    END IF;
    NEW := jsonb_populate_record(NEW, jsonb_build_object(col, who));
    RETURN NEW;
END
$fn$"""
"""Write the signed-in person's display name into an author column, whatever the client sent.
Arguments: the column; ``always`` (every write), ``changed`` (when the client changes it) or the
name of a companion column whose change also marks a new author (``dismissed_at``)."""

COMPANY_TABLES = {"companies": "id", "mapping_profiles": "company_id"}
"""Company-level tables: an auditor may add a company, and edit one that has no audit yet or one of
whose audits is assigned to them; only an admin deletes a company."""

AUDITOR_INSERT_ONLY = ("checklist_snapshots", "towns")
"""Office tables an auditor adds to as a side effect of their own work (the checklist an audit is
pinned to; the town of a new company), but never changes or deletes."""

AUDITOR_WRITES = ("exchange_state",)

FILE_TABLES = {"file_blobs": "file_blobs.sha256", "file_chunks": "file_chunks.sha256"}
"""A server's evidence files (by SHA-256): an auditor stores files for their attachments and
removes one only when no attachment uses it any more (the policy checks), whoever's it was."""

UNREFERENCED = "NOT EXISTS (SELECT 1 FROM attachments x WHERE x.sha256 = {col})"
"""Bookkeeping of case-file imports, written by whoever imports a case."""

READ_ONLY_TABLES = ("schema_version",)
"""Changed only by the database owner (``db upgrade``)."""

ASSIGNED = "{col} IN (SELECT x.audit_id FROM audit_assignments x WHERE x.user_name = current_user)"

ATTACHMENT_AUDIT = (
    "coalesce((SELECT a.audit_id FROM answers a WHERE a.id = attachments.answer_id),"
    " (SELECT f.audit_id FROM findings f WHERE f.id = attachments.finding_id))"
)

COMPANY_EDITABLE = (
    "(NOT EXISTS (SELECT 1 FROM audits a WHERE a.company_id = {table}.{col})"
    " OR EXISTS (SELECT 1 FROM audits a JOIN audit_assignments x ON x.audit_id = a.id"
    " WHERE a.company_id = {table}.{col} AND x.user_name = current_user))"
)

PROTECTED_ROLES = ("postgres",)


@dataclass(frozen=True)
class GroupRoles:
    """The three group roles of one database, named after it so that two AuditDesk databases on
    one cluster never share them."""

    database: str

    def name(self, role: OfficeRole) -> str:
        return f"{self.database}_{role.value}"

    @property
    def all(self) -> list[str]:
        return [self.name(r) for r in OfficeRole]


@dataclass(frozen=True)
class InitResult:
    """What ``server init`` did: schema versions and the group roles (created now or found)."""

    before: int
    after: int
    roles: dict[str, str]
    created_roles: list[str]


def quote(conn: Connection, name: str) -> str:
    """``name`` as a quoted SQL identifier."""
    return str(conn.dialect.identifier_preparer.quote_identifier(name))


def literal(value: str) -> str:
    """A string literal for utility statements (CREATE ROLE … PASSWORD), which take no bound
    parameters; ``standard_conforming_strings`` is on (checked by :func:`check_literals`)."""
    if "\x00" in value:
        raise AuditDeskError("密码不能包含空字符。")
    return "'" + value.replace("'", "''") + "'"


def check_literals(conn: Connection) -> None:
    if conn.execute(text("show standard_conforming_strings")).scalar_one() != "on":
        raise AuditDeskError(
            "服务器设置 standard_conforming_strings 为 off，AuditDesk 无法安全地设置密码；"
            "请数据库管理员将其改为 on。"
        )


def scram_verifier(password: str, *, iterations: int = 4096) -> str | None:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password``, computed here so the
    password itself never travels to the server or into its log; ``None`` for a password
    outside printable ASCII (the server must then apply SASLprep itself)."""
    if not password.isascii() or not password.isprintable():
        return None
    salt = secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def _utility(conn: Connection, statement: str) -> None:
    """Run a statement holding a literal as the driver's own: SQLAlchemy would read ``:x`` in it
    as a bound parameter, and psycopg reads ``%s`` even without parameters (so ``%`` doubled)."""
    conn.exec_driver_sql(statement.replace("%", "%%"))


def password_clause(password: str) -> str:
    verifier = scram_verifier(password)
    return f"PASSWORD {literal(verifier if verifier is not None else password)}"


def database_name(conn: Connection) -> str:
    return str(conn.execute(text("select current_database()")).scalar_one())


def group_roles(conn: Connection) -> GroupRoles:
    """The group roles of the connected database.

    Raises:
        AuditDeskError: the database name is too long for role names (63 bytes).
    """
    name = database_name(conn)
    if len(f"{name}_auditor".encode()) > 63:
        raise AuditDeskError(
            f"数据库名“{name}”过长，无法据此命名角色（PostgreSQL 角色名最多 63 字节）；"
            "请改用较短的数据库名。"
        )
    return GroupRoles(name)


def can_create_roles(conn: Connection) -> bool:
    """Whether the connected PostgreSQL user may create roles (superuser or CREATEROLE)."""
    row = conn.execute(
        text("select rolsuper or rolcreaterole from pg_roles where rolname = current_user")
    ).first()
    return bool(row and row[0])


def require_role_admin(conn: Connection, what: str) -> None:
    """Raises :class:`PermissionDeniedError` (Chinese) unless the user may create roles."""
    if not can_create_roles(conn):
        user = conn.execute(text("select current_user")).scalar_one()
        raise PermissionDeniedError(
            f"{what}需要能创建角色的 PostgreSQL 用户（超级用户或具有 CREATEROLE 权限），"
            f"当前用户 {user} 没有此权限。请用数据库管理员账户（如 postgres）运行。"
        )


def role_exists(conn: Connection, name: str) -> bool:
    found = conn.execute(text("select 1 from pg_roles where rolname = :n"), {"n": name}).first()
    return found is not None


def is_installed(conn: Connection) -> bool:
    """Whether ``server init`` has prepared this database (its ``office_users`` table exists)."""
    return conn.execute(text("select to_regclass('office_users')")).scalar() is not None


# ------------------------------------------------------------------ server init
def install(conn: Connection) -> tuple[GroupRoles, list[str]]:
    """Create (when missing) the group roles, the server-only tables and triggers, and (again)
    all grants and row-level-security policies. Idempotent; one transaction.

    Raises:
        PermissionDeniedError: the user cannot create roles.
    """
    require_role_admin(conn, "初始化服务器数据库（server init）")
    groups = group_roles(conn)
    created = create_groups(conn, groups)
    install_objects(conn, groups)
    return groups, created


def create_groups(conn: Connection, groups: GroupRoles) -> list[str]:
    """Create the group roles of ``groups`` that do not exist yet; return their names."""
    created = []
    for role in groups.all:
        if not role_exists(conn, role):
            conn.execute(text(f"CREATE ROLE {quote(conn, role)} NOLOGIN"))
            created.append(role)
    return created


def install_objects(conn: Connection, groups: GroupRoles) -> None:
    """The server-only tables, the triggers and (again) every grant and policy of ``groups``:
    :func:`install` without the roles, run as the owner of the database's objects."""
    for ddl in SERVER_TABLES_DDL:
        conn.execute(text(ddl))
    conn.execute(text(ASSIGN_CREATOR_FN))
    conn.execute(text(STAMP_AUTHOR_FN))
    conn.execute(text("REVOKE ALL ON FUNCTION auditdesk_assign_creator() FROM PUBLIC"))
    conn.execute(text("DROP TRIGGER IF EXISTS auditdesk_assign_creator ON audits"))
    conn.execute(
        text(
            "CREATE TRIGGER auditdesk_assign_creator AFTER INSERT ON audits"
            " FOR EACH ROW EXECUTE FUNCTION auditdesk_assign_creator()"
        )
    )
    for table in {t for t, _c, _m in AUTHOR_COLUMNS}:
        conn.execute(text(f"DROP TRIGGER IF EXISTS auditdesk_stamp_author ON {table}"))
    for table, column, mode in AUTHOR_COLUMNS:
        if not _has_column(table, column):
            continue
        trigger = f"auditdesk_stamp_{column}"
        conn.execute(text(f"DROP TRIGGER IF EXISTS {trigger} ON {table}"))
        conn.execute(
            text(
                f"CREATE TRIGGER {trigger} BEFORE INSERT OR UPDATE ON {table}"
                f" FOR EACH ROW EXECUTE FUNCTION auditdesk_stamp_author('{column}', '{mode}')"
            )
        )
    apply_security(conn, groups)


# ------------------------------------------------------------------ after a restore
@dataclass(frozen=True)
class RestoredUsers:
    """What :func:`restored_security` did to logins: created without a password (listed in the
    backup, unknown to this server), and taken out of this database's groups (members of them
    the backup does not list: the database's users are exactly the backup's)."""

    without_password: list[str]
    revoked: list[str]


def restored_security(conn: Connection, owner: str) -> RestoredUsers:
    """Make a database just restored from a backup (objects owned by ``owner``, without the
    dump's grants and policies) exactly as ``server init`` prepares one: the group roles named
    after *this* database (created when missing), every user listed in ``office_users`` a member
    of this database's group of their role and of no other of its groups, then, as ``owner``,
    the server-only objects, grants and policies. A listed user whose login does not exist on
    this server (a backup from another server) is created without a password: it cannot sign
    in until an administrator sets one (``server user password``). A login that is a member of
    one of this database's groups (left from an earlier database of the same name) but is not
    listed is taken out of it: the database's users are exactly the backup's.

    The connection is the restoring login's (it must be able to create roles and to act as
    ``owner``); ``SET ROLE`` is undone before returning. One transaction, the caller's.

    Raises:
        PermissionDeniedError: the login cannot create roles.
    """
    require_role_admin(conn, "恢复服务器数据库的用户与权限")
    groups = group_roles(conn)
    create_groups(conn, groups)
    without_login = []
    listed = conn.execute(select(office_users.c.name, office_users.c.role)).all()
    for name, role in listed:
        who = quote(conn, name)
        if not role_exists(conn, name):
            conn.execute(text(f"CREATE ROLE {who} LOGIN"))
            without_login.append(name)
        for other in OfficeRole:
            if other.value != role:
                conn.execute(text(f"REVOKE {quote(conn, groups.name(other))} FROM {who}"))
        conn.execute(text(f"GRANT {quote(conn, groups.name(OfficeRole(role)))} TO {who}"))
    revoked = _revoke_unlisted(conn, groups, {str(n) for n, _r in listed}, owner)
    conn.execute(text(f"SET ROLE {quote(conn, owner)}"))
    try:
        install_objects(conn, groups)
    finally:
        conn.execute(text("RESET ROLE"))
    return RestoredUsers(without_login, revoked)


def _revoke_unlisted(
    conn: Connection, groups: GroupRoles, listed: set[str], owner: str
) -> list[str]:
    """Take every member of the groups that is not a listed user out of them (never the owner,
    the login itself, nor a member that administers the group); return their names."""
    rows = conn.execute(
        text(
            "select g.rolname as grp, r.rolname as member from pg_auth_members m"
            " join pg_roles g on g.oid = m.roleid join pg_roles r on r.oid = m.member"
            " where g.rolname = any(:groups) and not m.admin_option"
            " and r.rolname <> all(:keep)"
        ),
        {"groups": groups.all, "keep": [owner, *listed]},
    ).all()
    me = {str(conn.execute(text("select session_user")).scalar_one())}
    revoked = []
    for row in rows:
        if row.member in me:
            continue
        conn.execute(text(f"REVOKE {quote(conn, row.grp)} FROM {quote(conn, row.member)}"))
        revoked.append(str(row.member))
    return sorted(set(revoked))


def database_owner(conn: Connection) -> str:
    """The owner of the connected database (``createdb -O …``)."""
    return str(
        conn.execute(
            text(
                "select pg_get_userbyid(datdba) from pg_database where datname = current_database()"
            )
        ).scalar_one()
    )


def may_act_as(conn: Connection, role: str) -> bool:
    """Whether the connected user may ``SET ROLE`` to ``role`` (is it, a member, or superuser)."""
    return bool(
        conn.execute(
            text("select pg_has_role(current_user, :r, 'MEMBER')"), {"r": role}
        ).scalar_one()
    )


def other_sessions(conn: Connection) -> list[str]:
    """The users of other client connections to the connected database (one name per
    connection), this one left out."""
    return [
        str(name)
        for name in conn.execute(
            text(
                "select coalesce(usename, '?') from pg_stat_activity"
                " where datname = current_database() and pid <> pg_backend_pid()"
                " and backend_type = 'client backend' order by 1"
            )
        ).scalars()
    ]


def public_functions(conn: Connection) -> set[str]:
    """The functions of the ``public`` schema, as ``name(argument types)``."""
    return set(
        conn.execute(
            text(
                "select p.oid::regprocedure::text from pg_proc p"
                " join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public'"
            )
        ).scalars()
    )


def clear_restored(conn: Connection, functions_before: set[str]) -> None:
    """Take out what a restore put into a database that had no tables before: every table of
    the ``public`` schema (with their sequences, triggers and policies) and every function not
    in ``functions_before``. Run as the objects' owner."""
    tables = conn.execute(
        text("select tablename from pg_tables where schemaname = 'public'")
    ).scalars()
    names = ", ".join(quote(conn, t) for t in tables)
    if names:
        conn.execute(text(f"DROP TABLE IF EXISTS {names} CASCADE"))
    for function in sorted(public_functions(conn) - functions_before):
        conn.execute(text(f"DROP FUNCTION IF EXISTS {function} CASCADE"))


def init_server(engine: Engine, where: str) -> InitResult:
    """``server init``: check the user may create roles, migrate the schema (as ``db upgrade``),
    then :func:`install`, all under the schema advisory lock.

    Raises:
        PermissionDeniedError: the user cannot create roles (nothing was changed).
        StoreError: as ``db upgrade``.
    """
    with advisory_lock(engine):
        with engine.connect() as conn:
            require_role_admin(conn, "初始化服务器数据库（server init）")
            group_roles(conn)  # a database name too long for role names: refused before migrating
            before = read_version(conn, where)
        after = migrate(engine, where=where)
        with engine.begin() as conn:
            groups, created = install(conn)
    roles = {role.value: groups.name(role) for role in OfficeRole}
    return InitResult(before=before, after=after, roles=roles, created_roles=created)


def refresh_security(engine: Engine) -> bool:
    """After ``db upgrade``: grants and policies again (new tables covered) when ``server init``
    prepared the database; ``False`` when it did not."""
    with engine.begin() as conn:
        if not is_installed(conn):
            return False
        apply_security(conn, group_roles(conn))
    return True


def _has_column(table: str, column: str) -> bool:
    found = schema.metadata.tables.get(table)
    return found is not None and column in found.c


def _tables() -> list[str]:
    return [*schema.metadata.tables, *server_metadata.tables]


def audit_tables() -> list[str]:
    """Tables whose rows belong to one audit (an ``audit_id`` column), plus audits and
    attachments: an auditor writes these only for the audits assigned to them."""
    children = [name for name, t in schema.metadata.tables.items() if "audit_id" in t.c]
    by_answer = ["attachments"] if _has_column("attachments", "answer_id") else []
    return ["audits", *children, *[t for t in by_answer if t not in children]]


def apply_security(conn: Connection, groups: GroupRoles) -> None:
    """(Re)grant every privilege and (re)create every policy of the three groups; run again after
    a schema upgrade so new tables are covered."""
    q = {role: quote(conn, groups.name(role)) for role in OfficeRole}
    admin, auditor, viewer = q[OfficeRole.ADMIN], q[OfficeRole.AUDITOR], q[OfficeRole.VIEWER]
    everyone = f"{admin}, {auditor}, {viewer}"
    db = quote(conn, groups.database)
    run = [
        f"REVOKE ALL ON DATABASE {db} FROM PUBLIC",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {everyone}",
        f"GRANT USAGE ON SCHEMA public TO {everyone}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {everyone}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {everyone}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {admin}, {auditor}",
    ]
    audit_side = audit_tables()
    for table in _tables():
        if table not in READ_ONLY_TABLES:
            run.append(f"GRANT INSERT, UPDATE, DELETE ON {table} TO {admin}")
        if table in schema.APPEND_ONLY_TABLES:
            run.append(f"GRANT INSERT ON {table} TO {auditor}")
        elif table in FILE_TABLES:
            # UPDATE only so that the rows can be locked (FOR SHARE / FOR UPDATE): the policies
            # let no row be changed
            run.append(f"GRANT INSERT, UPDATE, DELETE ON {table} TO {auditor}")
        elif table in audit_side or table in AUDITOR_WRITES:
            run.append(f"GRANT INSERT, UPDATE, DELETE ON {table} TO {auditor}")
        elif table in COMPANY_TABLES:
            run.append(f"GRANT INSERT, UPDATE ON {table} TO {auditor}")
        elif table in AUDITOR_INSERT_ONLY:
            run.append(f"GRANT INSERT ON {table} TO {auditor}")
    for statement in run:
        conn.execute(text(statement))
    # entries are only ever added: not even an admin changes one; purging old entries
    # (``log purge``, a retention setting) is the admin's one deletion
    restrict_append_only(conn, [groups.name(r) for r in OfficeRole])
    for table in schema.APPEND_ONLY_TABLES:
        conn.execute(text(f"GRANT DELETE ON {table} TO {admin}"))
    policed = [*audit_side, *(t for t in COMPANY_TABLES if t in schema.metadata.tables)]
    policed += [t for t in FILE_TABLES if t in schema.metadata.tables]
    for table in policed:
        _policies(conn, table, admin=admin, auditor=auditor, viewer=viewer)


def _policies(conn: Connection, table: str, *, admin: str, auditor: str, viewer: str) -> None:
    existing = conn.execute(
        text("select policyname from pg_policies where schemaname = 'public' and tablename = :t"),
        {"t": table},
    ).scalars()
    for name in list(existing):
        if name.startswith("ad_"):
            conn.execute(text(f"DROP POLICY {quote(conn, name)} ON {table}"))
    owner = conn.execute(
        text("select tableowner from pg_tables where schemaname = 'public' and tablename = :t"),
        {"t": table},
    ).scalar_one()
    if table == "audits":
        insert_check, mine = "true", ASSIGNED.format(col="audits.id")
    elif table == "attachments" and not _has_column(table, "audit_id"):
        insert_check = mine = ASSIGNED.format(col=ATTACHMENT_AUDIT)
    elif table in COMPANY_TABLES:
        insert_check = "true"
        mine = COMPANY_EDITABLE.format(table=table, col=COMPANY_TABLES[table])
    elif table in FILE_TABLES:
        # any file may be stored; a row is "changed" only by locking it; one goes when unused
        insert_check, mine = "true", UNREFERENCED.format(col=FILE_TABLES[table])
    elif table in schema.APPEND_ONLY_TABLES:
        # an entry about a company (no audit) or about an audit assigned to the user
        mine = ASSIGNED.format(col=f"{table}.audit_id")
        insert_check = f"({table}.audit_id IS NULL OR {mine})"
    else:
        insert_check = mine = ASSIGNED.format(col=f"{table}.audit_id")
    statements = [
        # FORCE: the owner, too, goes through the policies (its own policy lets it do all)
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY ad_owner ON {table} FOR ALL TO {quote(conn, owner)}"
        " USING (true) WITH CHECK (true)",
        f"CREATE POLICY ad_admin ON {table} FOR ALL TO {admin} USING (true) WITH CHECK (true)",
        f"CREATE POLICY ad_read ON {table} FOR SELECT TO {auditor}, {viewer} USING (true)",
        f"CREATE POLICY ad_insert ON {table} FOR INSERT TO {auditor} WITH CHECK ({insert_check})",
        f"CREATE POLICY ad_update ON {table} FOR UPDATE TO {auditor} USING ({mine})"
        f" WITH CHECK ({mine})",
    ]
    if table in FILE_TABLES:
        # locking a row (FOR SHARE / FOR UPDATE) needs an UPDATE policy; none lets it change
        statements[-1] = (
            f"CREATE POLICY ad_update ON {table} FOR UPDATE TO {auditor} USING (true)"
            " WITH CHECK (false)"
        )
    if table in schema.APPEND_ONLY_TABLES:
        statements.pop()  # no UPDATE policy (nor grant) for an auditor
    elif table != "companies":
        statements.append(
            f"CREATE POLICY ad_delete ON {table} FOR DELETE TO {auditor} USING ({mine})"
        )
    for statement in statements:
        conn.execute(text(statement))


# ------------------------------------------------------------------ users
def _user(row: Any) -> OfficeUser:
    return OfficeUser(
        name=row.name, display_name=row.display_name, role=OfficeRole(row.role),
        created_at=row.created_at,
    )  # fmt: skip


def check_user_name(name: str) -> str:
    """The login name as stored. Raises AuditDeskError for a name PostgreSQL users may not have."""
    if not USER_NAME.match(name):
        raise AuditDeskError(
            f"用户名“{name}”无效：只能用小写英文字母、数字和下划线，以字母开头，最多 40 个字符"
            "（如 zhang_lv）；中文姓名请用 --display-name 给出。",
            location="name",
        )
    if name in PROTECTED_ROLES or name.startswith("pg_"):
        raise AuditDeskError(f"用户名“{name}”是 PostgreSQL 保留的名字，请换一个。", location="name")
    return name


class RoleQueries:
    """Users, roles and audit assignments of a server database (mixed into :class:`Tx`)."""

    conn: Connection

    def signed_in_user(self) -> OfficeUser | None:
        """The office user the connection is signed in as; ``None`` when the database was not
        prepared by ``server init`` or the login is not an office user (the administrator's)."""
        if self.conn.dialect.name != "postgresql" or not is_installed(self.conn):
            return None
        u = office_users
        row = self.conn.execute(select(u).where(u.c.name == func.current_user())).first()
        return None if row is None else _user(row)

    def may_create_roles(self) -> bool:
        """Whether the signed-in user may add, remove and change users (superuser or CREATEROLE);
        ``False`` on SQLite."""
        return self.conn.dialect.name == "postgresql" and can_create_roles(self.conn)

    def _require_installed(self) -> GroupRoles:
        if self.conn.dialect.name != "postgresql":
            raise AuditDeskError(
                "用户与权限只用于服务器数据库：请用 --database 或环境变量 AUDITDESK_DATABASE "
                "指定地址。本机数据库只有一个使用者，无需账户。"
            )
        if not is_installed(self.conn):
            raise AuditDeskError(
                "此服务器数据库尚未初始化用户与权限：请管理员先运行 auditdesk server init。"
            )
        return group_roles(self.conn)

    def list_office_users(self) -> list[OfficeUser]:
        self._require_installed()
        u = office_users
        return [_user(r) for r in self.conn.execute(select(u).order_by(u.c.name))]

    def get_office_user(self, name: str) -> OfficeUser | None:
        u = office_users
        row = self.conn.execute(select(u).where(u.c.name == name)).first()
        return None if row is None else _user(row)

    def require_office_user(self, name: str) -> OfficeUser:
        found = self.get_office_user(name)
        if found is None:
            raise NotFoundError(f"没有用户 {name}（auditdesk server user list 列出全部用户）。",
                                location=name)  # fmt: skip
        return found

    def add_office_user(
        self, name: str, role: OfficeRole, password: str, display_name: str = ""
    ) -> OfficeUser:
        """Create a login role with ``password`` (stored only as PostgreSQL's SCRAM verifier),
        make it a member of its group and list it in ``office_users``.

        Raises:
            PermissionDeniedError: the connected user cannot create roles.
            AuditDeskError: a bad name, an empty password, the name taken in the cluster.
        """
        groups = self._require_installed()
        require_role_admin(self.conn, "添加用户")
        check_user_name(name)
        if not password:
            raise AuditDeskError("密码不能为空。", location="password")
        if self.get_office_user(name) is not None:
            raise AuditDeskError(f"用户 {name} 已存在；改角色用 server user role。", location=name)
        if role_exists(self.conn, name):
            raise AuditDeskError(
                f"数据库服务器上已有名为 {name} 的角色（可能属于其他数据库或系统），请换一个用户名。",
                location=name,
            )
        check_literals(self.conn)
        who = quote(self.conn, name)
        _utility(self.conn, f"CREATE ROLE {who} LOGIN {password_clause(password)}")
        self.conn.execute(text(f"GRANT {quote(self.conn, groups.name(role))} TO {who}"))
        user = OfficeUser(name=name, display_name=display_name.strip() or name, role=role,
                          created_at=utcnow())  # fmt: skip
        self.conn.execute(insert(office_users).values(**user.model_dump(mode="python")))
        return user

    def set_office_role(self, name: str, role: OfficeRole) -> OfficeUser:
        """Move a user to another group (revoking the others)."""
        groups = self._require_installed()
        require_role_admin(self.conn, "修改用户角色")
        user = self.require_office_user(name)
        who = quote(self.conn, name)
        for other in OfficeRole:
            if other is not role:
                self.conn.execute(text(f"REVOKE {quote(self.conn, groups.name(other))} FROM {who}"))
        self.conn.execute(text(f"GRANT {quote(self.conn, groups.name(role))} TO {who}"))
        u = office_users
        self.conn.execute(update(u).where(u.c.name == name).values(role=role.value))
        return user.model_copy(update={"role": role})

    def set_office_password(self, name: str, password: str) -> None:
        self._require_installed()
        require_role_admin(self.conn, "修改密码")
        self.require_office_user(name)
        if not password:
            raise AuditDeskError("密码不能为空。", location="password")
        check_literals(self.conn)
        who = quote(self.conn, name)
        _utility(self.conn, f"ALTER ROLE {who} {password_clause(password)}")

    def remove_office_user(self, name: str) -> OfficeUser:
        """Drop the login role and its listing (its assignments go with it; what it wrote stays,
        under its display name)."""
        self._require_installed()
        require_role_admin(self.conn, "删除用户")
        user = self.require_office_user(name)
        self.conn.execute(delete(office_users).where(office_users.c.name == name))
        try:
            self.conn.execute(text(f"DROP ROLE IF EXISTS {quote(self.conn, name)}"))
        except sa_exc.DBAPIError as exc:
            if sqlstate(exc) != "2BP01":  # dependent_objects_still_exist
                raise
            raise AuditDeskError(_owns_objects(name, exc), location=name) from exc
        return user

    # -------------------------------------------------------------- assignments
    def assign_audit(self, audit_id: str, user_name: str) -> bool:
        """Assign ``user_name`` to the audit; ``False`` when already assigned."""
        self._require_installed()
        values = {"audit_id": audit_id, "user_name": user_name,
                  "assigned_by": func.current_user(), "assigned_at": utcnow()}  # fmt: skip
        x = audit_assignments
        found = self.conn.execute(
            select(x.c.audit_id).where(and_(x.c.audit_id == audit_id, x.c.user_name == user_name))
        ).first()
        if found is not None:
            return False
        self.conn.execute(insert(x).values(**values))
        return True

    def unassign_audit(self, audit_id: str, user_name: str) -> bool:
        """``False`` when the user was not assigned."""
        self._require_installed()
        x = audit_assignments
        where = and_(x.c.audit_id == audit_id, x.c.user_name == user_name)
        return bool(self.conn.execute(delete(x).where(where)).rowcount)

    def list_assignments(self, audit_id: str | None = None) -> list[AuditAssignment]:
        self._require_installed()
        x, u = audit_assignments, office_users
        query = (
            select(x, func.coalesce(u.c.display_name, x.c.user_name).label("display_name"))
            .outerjoin(u, u.c.name == x.c.user_name)
            .order_by(x.c.audit_id, x.c.assigned_at)
        )
        if audit_id is not None:
            query = query.where(x.c.audit_id == audit_id)
        return [AuditAssignment.model_validate(dict(r._mapping)) for r in self.conn.execute(query)]


def _owns_objects(name: str, exc: BaseException) -> str:
    """The refusal to drop a login that still owns something (a database it restored a backup
    into, tables in it), naming what PostgreSQL listed and how the database administrator frees
    it."""
    diag = getattr(driver_error(exc), "diag", None)
    detail = "；".join(
        line.strip() for line in (getattr(diag, "message_detail", None) or "").splitlines()
    )
    owned = f"（{detail}）" if detail else ""
    return (
        f"无法删除用户 {name}：该账户仍拥有数据库对象{owned}，例如它恢复备份时新建的数据库。"
        f"请数据库管理员先把这些对象交给其他账户（ALTER DATABASE 数据库名 OWNER TO 新所有者；"
        f"并在相关数据库中运行 REASSIGN OWNED BY {name} TO 新所有者），再删除该用户。"
    )
