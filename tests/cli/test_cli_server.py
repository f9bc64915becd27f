"""``auditdesk server init`` / ``server user …`` / ``audit assign`` end to end (PostgreSQL only: the
``pg_server`` fixture; every test makes its own database and users with unique names and drops
them)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url

from tests.cli.conftest import CliRunner
from tests.conftest import PgServer


@pytest.fixture
def server_db(pg_server: PgServer) -> Iterator[tuple[str, list[str]]]:
    """A database at the latest schema (``server init`` from an empty one is in
    tests/core/test_server_roles.py) and the list of roles to drop afterwards."""
    url = pg_server.create(template=pg_server.template)
    roles: list[str] = []
    yield url, roles
    pg_server.drop(url)
    with pg_server._admin() as conn:
        for role in roles:
            conn.execute(f'drop role if exists "{role}"')


def _as(url: str, user: str) -> str:
    return make_url(url).set(username=user).render_as_string(False)


def test_server_init_users_and_assignments(
    cli: CliRunner, server_db: tuple[str, list[str]]
) -> None:
    url, roles = server_db
    name = str(make_url(url).database)
    roles.extend(f"{name}_{r}" for r in ("admin", "auditor", "viewer"))
    first = cli("server", "init", "--database", url, "--json")
    assert first.returncode == 0, first.stderr
    assert first.json()["created_roles"] == [f"{name}_admin", f"{name}_auditor", f"{name}_viewer"]
    again = cli("server", "init", "--database", url)
    assert again.returncode == 0, again.stderr
    assert "已存在" in again.stdout

    zhang, wang = f"u{uuid.uuid4().hex[:10]}", f"u{uuid.uuid4().hex[:10]}"
    roles[:0] = [zhang, wang]
    added = cli("server", "user", "add", zhang, "--role", "auditor", "--display-name", "张律师",
                "--password", "s3cret", "--database", url, "--json")  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert added.json()["role_label"] == "律师/工会干部"
    assert "s3cret" not in added.stdout
    added = cli("server", "user", "add", wang, "--role", "只读", "--password", "pw",
                "--database", url)  # fmt: skip
    assert added.returncode == 0, added.stderr
    listed = cli("server", "user", "list", "--database", url, "--json").json()
    assert {(u["name"], u["display_name"], u["role"]) for u in listed} == {
        (zhang, "张律师", "auditor"), (wang, wang, "viewer")
    }  # fmt: skip

    # the admin's audit: the auditor may read it, not change it, until assigned
    company = cli("company", "add", "--name", "嘉定某厂", "--database", url, "--json").json()
    audit = cli("audit", "start", "--company", company["id"], "--database", url, "--json").json()
    refused = cli("audit", "answer", audit["id"], "PAY.MIN_WAGE", "不符合",
                  "--database", _as(url, zhang))  # fmt: skip
    assert refused.returncode == 2
    assert "未分配给您" in refused.stderr
    assert "Traceback" not in refused.stderr
    assigned = cli("audit", "assign", audit["id"], zhang, "--database", url, "--json")
    assert assigned.json() == {"audit_id": audit["id"], "user": zhang, "assigned": True,
                               "changed": True}  # fmt: skip
    answered = cli("audit", "answer", audit["id"], "PAY.MIN_WAGE", "不符合", "--by", "冒名",
                   "--database", _as(url, zhang), "--json")  # fmt: skip
    assert answered.returncode == 0, answered.stderr
    assert answered.json()["answered_by"] == "张律师"
    who = cli("audit", "assignments", audit["id"], "--database", url, "--json").json()
    assert [a["user_name"] for a in who] == [zhang]
    # a viewer is refused by the server, exit 2 with a Chinese message
    viewer = cli("company", "add", "--name", "只读的企业", "--database", _as(url, wang))
    assert viewer.returncode == 2
    assert "只读账户" in viewer.stderr

    assert cli("server", "user", "role", wang, "auditor", "--database", url).returncode == 0
    unassigned = cli("audit", "unassign", audit["id"], zhang, "--database", url, "--json")
    assert unassigned.json()["changed"] is True
    removed = cli("server", "user", "remove", zhang, "--database", url, "--json")
    assert removed.returncode == 0, removed.stderr
    listed = cli("server", "user", "list", "--database", url, "--json").json()
    assert [u["name"] for u in listed] == [wang]


def test_server_init_without_the_right_to_create_roles_exits_2(
    cli: CliRunner, server_db: tuple[str, list[str]], pg_server: PgServer
) -> None:
    url, roles = server_db
    plain = f"u{uuid.uuid4().hex[:10]}"
    roles.append(plain)
    with pg_server._admin() as conn:
        conn.execute(f'create role "{plain}" login')
    done = cli("server", "init", "--database", _as(url, plain))
    assert done.returncode == 2
    assert "能创建角色" in done.stderr


def test_server_commands_refuse_the_local_database(cli: CliRunner) -> None:
    done = cli("server", "user", "list", env={"AUDITDESK_DATABASE": ""})
    assert done.returncode == 2
    assert "只用于服务器数据库" in done.stderr
    done = cli(
        "server", "user", "add", "zhang_lv", "--role", "auditor", env={"AUDITDESK_DATABASE": ""}
    )
    assert done.returncode == 2  # no terminal to ask the password on, and no server either


def test_audit_undo_on_a_server_names_the_signed_in_user_and_needs_no_by(
    cli: CliRunner, server_db: tuple[str, list[str]]
) -> None:
    url, roles = server_db
    name = str(make_url(url).database)
    roles.extend(f"{name}_{r}" for r in ("admin", "auditor", "viewer"))
    assert cli("server", "init", "--database", url).returncode == 0
    zhang = f"u{uuid.uuid4().hex[:10]}"
    roles.insert(0, zhang)
    cli("server", "user", "add", zhang, "--role", "auditor", "--display-name", "张律师",
        "--password", "pw", "--database", url)  # fmt: skip
    company = cli("company", "add", "--name", "嘉定某厂", "--database", url, "--json").json()
    audit = cli("audit", "start", "--company", company["id"], "--database", url, "--json").json()
    cli("audit", "assign", audit["id"], zhang, "--database", url)
    as_zhang = _as(url, zhang)
    cli("audit", "answer", audit["id"], "PAY.MIN_WAGE", "不符合", "--database", as_zhang)
    cli("audit", "answer", audit["id"], "PAY.MIN_WAGE", "符合", "--database", as_zhang)
    # --by names someone else: the signed-in user's own change is what is undone, and said so
    undone = cli("audit", "undo", audit["id"], "--by", "刘主任", "--database", as_zhang)
    assert undone.returncode == 0, undone.stderr
    assert undone.stdout.strip() == "已撤销 张律师 对检查项 PAY.MIN_WAGE 的最近一次修改。"
    # without --by on a server: the signed-in user
    again = cli("audit", "undo", audit["id"], "--database", as_zhang)
    assert again.returncode == 0, again.stderr
    assert "已撤销 张律师" in again.stdout
    nothing = cli("audit", "undo", audit["id"], "--database", as_zhang)
    assert nothing.stdout.strip() == "张律师 在该体检中没有可撤销的修改。"


def test_audit_undo_on_sqlite_still_needs_by(cli: CliRunner) -> None:
    local = {"AUDITDESK_DATABASE": ""}
    company = cli("company", "add", "--name", "嘉定某厂", "--json", env=local).json()
    audit = cli("audit", "start", "--company", company["id"], "--json", env=local).json()
    done = cli("audit", "undo", audit["id"], env=local)
    assert done.returncode == 2
    assert "--by" in done.stderr
    assert "Traceback" not in done.stderr
