"""Schema upgrades: every earlier version upgrades with its data; backups first; failures roll back."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from alembic.operations import Operations
from sqlalchemy import inspect

from auditdesk.models.audit import AnswerResult
from auditdesk.models.company import CompanyInput
from auditdesk.models.town import TownUsage
from auditdesk.paths import DB_FILENAME
from auditdesk.services import checklists, companies
from auditdesk.services.workspace import Workspace
from auditdesk.store import Store, schema
from auditdesk.store.migrate import migrate
from auditdesk.store.migrations import LATEST_VERSION, STEPS, Step, m0015_record_versions
from auditdesk.store.sqlite import create_sqlite_engine

VERSIONS = [0, *(s.version for s in STEPS)]
"""Every schema version a database can be at (step numbers may have gaps between branches)."""


def build_at_version(path: Path, version: int) -> None:
    """A database at ``version``, built by applying the real steps up to it."""
    engine = create_sqlite_engine(path)
    migrate(engine, where=str(path), steps=[s for s in STEPS if s.version <= version])
    engine.dispose()


# Representative rows written with each version's own SQL, and what must read back after upgrade.
V1_ROWS = [
    "insert into companies values ('c1','2025-07-01T00:00:00.000000+00:00',"
    "'2025-07-01T00:00:00.000000+00:00','上海老数据有限公司','91350200776049653A','','',"
    "'马陆镇','',50,1,'','','')",
    "insert into audits values ('a1','2025-07-01T00:00:00.000000+00:00',"
    "'2025-07-01T00:00:00.000000+00:00','c1','首次体检','deep','shanghai','in_progress','',"
    '\'[{"name": "王", "role": "lawyer"}]\',\'2025-07-01\')',
    "insert into findings values ('f1','2025-07-01T00:00:00.000000+00:00',"
    "'2025-07-01T00:00:00.000000+00:00','a1','payroll','PAY.MIN_WAGE','pay','high','低于最低工资',"
    '\'\',\'[{"law": "劳动法", "article": "第四十八条", "excerpt": ""}]\',\'\',\'50.00\',\'open\','
    "'',NULL)",
]
OLD_LIBRARY = {
    "version": "2025.01",
    "title": "旧版清单",
    "region": "shanghai",
    "modules": [
        {
            "area": "pay",
            "title": "薪酬管理",
            "description": "",
            "source": "pay.toml",
            "custom": False,
            "items": [
                {
                    "id": "PAY.REMOVED_LATER",
                    "question": "旧版中存在、新版已删除的检查项？",
                    "guidance": "查看工资表。",
                    "scale": "compliance",
                    "severity": "high",
                    "core": True,
                    "legal_basis": [{"law": "劳动法", "article": "第五十条", "excerpt": ""}],
                    "basis_status": "verified",
                    "consequence": "须补发。",
                    "remedy": "补发工资。",
                    "when": None,
                    "applies_to": {
                        "min_headcount": None,
                        "max_headcount": None,
                        "industry_keywords": [],
                        "has_union": None,
                    },
                    "note": "",
                }
            ],
        }
    ],
}
V2_ROWS = [
    *V1_ROWS,
    "insert into checklist_snapshots values ('2025.01+oldhash1','2025.01','oldhash',"
    f"'{json.dumps(OLD_LIBRARY, ensure_ascii=False)}','2025-07-01T00:00:00.000000+00:00')",
    "insert into audits values ('a2','2025-07-02T00:00:00.000000+00:00',"
    "'2025-07-02T00:00:00.000000+00:00','c1','第二次体检','deep','shanghai','in_progress',"
    "'2025.01+oldhash1','[]','2025-07-02')",
    "insert into answers values ('n1','2025-07-02T00:00:00.000000+00:00',"
    "'2025-07-02T00:00:00.000000+00:00','a2','PAY.REMOVED_LATER','non_compliant','旧答案',"
    "'records','王',NULL)",
    # evidence on that answer: v14 rebuilds answers and must not drop it by ON DELETE CASCADE
    "insert into attachments values ('t1','2025-07-02T00:00:00.000000+00:00',"
    "'2025-07-02T00:00:00.000000+00:00','"
    + "cd" * 32
    + "','工资条.jpg',10,'image/jpeg','n1',NULL)",
    # a checklist finding of the pinned audit: v10 fills its consequence from the snapshot
    "insert into findings values ('f2','2025-07-02T00:00:00.000000+00:00',"
    "'2025-07-02T00:00:00.000000+00:00','a2','checklist','PAY.REMOVED_LATER','pay','high',"
    "'旧版中存在、新版已删除的检查项？','旧答案','[]','补发工资。',NULL,'open','',NULL)",
]
V3_REPORT = {"file": "7月.xlsx", "path": "/x/7月.xlsx", "format": "xlsx", "encoding": "",
             "sha256": "ab" * 32, "sheets": [{"name": "7月", "header_rows": [2], "data_rows": 1}]}  # fmt: skip
V3_ROWS = [
    *V2_ROWS,
    "insert into payroll_imports values ('p1','2025-07-03T00:00:00.000000+00:00',"
    "'2025-07-03T00:00:00.000000+00:00','a2','7月.xlsx','" + "ab" * 32 + "',1,'[\"2025-07\"]',"
    f"'{json.dumps(V3_REPORT, ensure_ascii=False)}')",
    "insert into payroll_rows (import_id, audit_id, period, employee_id, data) values ("
    "'p1','a2','2025-07','E1','{\"source_file\":\"7月.xlsx\",\"source_sheet\":\"7月\","
    '"source_row":3,"period":"2025-07","employee_id":"E1",'
    '"gross_pay":"2690.50"}\')',
    "insert into mapping_profiles values ('c1','{\"应发合计\":\"gross_pay\"}',"
    "'2025-07-03T00:00:00.000000+00:00')",
]
V4_ROWS = [
    V3_ROWS[0].replace("'马陆镇','',50,1,'','','')", "'马陆镇','',50,1,'','','',10)"),
    *V3_ROWS[1:],
]
V5_ROWS = [
    *(
        r.replace("'',NULL)", "'',NULL,NULL,NULL,NULL)")
        if r.startswith("insert into findings")
        else r
        for r in V4_ROWS
    ),
    "insert into change_log (audit_id, entity, entity_id, field, old_value, new_value, "
    "changed_by, changed_at, undone) values ('a2','answer','PAY.REMOVED_LATER','result',NULL,"
    "'\"non_compliant\"','王','2025-07-02T00:00:00.000000+00:00',0)",
    "insert into self_assessments (audit_id, item_id, result) values ('a2','PAY.REMOVED_LATER',"
    "'compliant')",
]
V6_ROWS = [
    # v6 added the payroll subjects column to findings
    *(
        r.replace("NULL,NULL,NULL,NULL)", "NULL,NULL,NULL,NULL,'[\"E1\"]')")
        if r.startswith("insert into findings")
        else r
        for r in V5_ROWS
    ),
    "insert into followups values ('u1','2025-07-03T00:00:00.000000+00:00',"
    "'2025-07-03T00:00:00.000000+00:00','a2','2025-08-01','首次跟诊',NULL,NULL)",
    "insert into letters values ('l1','2025-07-03T00:00:00.000000+00:00',"
    "'2025-07-03T00:00:00.000000+00:00','a2','opinion','2025-07-03','2025-07-24',NULL,'')",
]
V7_ROWS = [
    *V6_ROWS,
    "insert into exchange_state values ('companies','c1','" + "0" * 64 + "',"
    "'2025-07-04T00:00:00.000000+00:00')",
]
V8_ROWS = [
    # v8 added the money kind of a finding's amount
    *(
        r.replace("'[\"E1\"]')", "'[\"E1\"]','wages_owed','" + "a" * 64 + "')")
        if r.startswith("insert into findings")
        else r
        for r in V7_ROWS
    ),
]
V9_ROWS = [
    # v9 added the letter's number, service date, content and document; the union settings
    *(
        r.replace(
            "'2025-07-24',NULL,'')",
            "'2025-07-24',NULL,'','马陆工监意〔2025〕第1号',2025,1,"
            '\'2025-07-03\',\'{"letter": {"number": "马陆工监意〔2025〕第1号"}}\',\''
            + "b" * 64
            + "')",
        )
        if r.startswith("insert into letters")
        else r
        for r in V8_ROWS
    ),
    "insert into union_settings values ('union_name','嘉定区马陆镇总工会','2025-07-03T00:00:00.000000+00:00')",
]
V10_ROWS = [
    # v10 added a finding's own consequence
    *(
        r[:-1] + ",'企业自写的后果')" if r.startswith("insert into findings") else r
        for r in V9_ROWS
    ),
]
SEED_SQL: dict[int, list[str]] = {
    0: [], 1: V1_ROWS, 2: V2_ROWS, 3: V3_ROWS, 4: V4_ROWS, 5: V5_ROWS, 6: V6_ROWS, 7: V7_ROWS,
    8: V8_ROWS, 9: V9_ROWS, 10: V10_ROWS,
}  # fmt: skip
# v11 gave findings their 问题编号 (the last column) and recorded issued documents (出具)
SEED_SQL[11] = [
    *(
        r[:-1] + ",3)" if r.startswith("insert into findings") else r
        for r in SEED_SQL[max(SEED_SQL)]
    ),
    "insert into report_issues values ('ri1','2025-07-05T00:00:00.000000+00:00',"
    "'2025-07-05T00:00:00.000000+00:00','a2','report','体检〔2025〕1号','2025-07-05','王',"
    '\'{"report": {"number": "体检〔2025〕1号"}}\')',
]
# v12 listed the towns (街镇); a second company spells 马陆镇 with its district in front
SEED_SQL[12] = [
    *SEED_SQL[11],
    "insert into companies values ('c2','2025-07-01T00:00:00.000000+00:00',"
    "'2025-07-01T00:00:00.000000+00:00','上海新数据有限公司',NULL,'','',"
    "'嘉定区马陆镇','',5,0,'','','',NULL)",
    *(
        f"insert into towns values ('t{i}','2025-07-01T00:00:00.000000+00:00',"
        f"'2025-07-01T00:00:00.000000+00:00','{name}')"
        for i, name in enumerate(["安亭镇", "马陆镇", "嘉定区马陆镇"])
    ),
]
# v13 recorded which finding a split copy came from (the last column of findings)
SEED_SQL[13] = [
    r[:-1] + ",NULL)" if r.startswith("insert into findings") else r
    for r in SEED_SQL[max(SEED_SQL)]
]
# v14 let an answer's result be empty: a note on an item not answered yet
SEED_SQL[14] = [
    *SEED_SQL[13],
    "insert into answers values ('n2','2025-07-06T00:00:00.000000+00:00',"
    "'2025-07-06T00:00:00.000000+00:00','a1','ONB.CONTRACT_WRITTEN',NULL,'只记了备注',"
    "NULL,'王',NULL)",
]
# v15 gave every editable record a version and who saved it last (the last two columns)
SEED_SQL[15] = [
    r[:-1] + ",2,'张律师')"
    if any(r.startswith(f"insert into {t} values") for t in m0015_record_versions.TABLES)
    else r
    for r in SEED_SQL[max(SEED_SQL)]
]
# v16 kept the change log apart from the records it names (no cascade) and added the company
# and the entry an undo reverses
SEED_SQL[16] = [
    *SEED_SQL[15],
    "insert into change_log (audit_id, entity, entity_id, field, old_value, new_value, "
    "changed_by, changed_at, undone, company_id, undoes) values (NULL,'company','c2','created',"
    "NULL,'\"上海新数据有限公司\"','王','2025-07-07T00:00:00.000000+00:00',0,'c2',NULL)",
]
# v17 kept the office's files and settings in the database (used on a server)
SEED_SQL[17] = [
    *SEED_SQL[16],
    "insert into file_blobs values ('" + "e" * 64 + "',3,'2025-07-06T00:00:00.000000+00:00')",
    "insert into file_chunks values ('" + "e" * 64 + "',0,x'616263')",
    "insert into office_settings values ('followup_days','{\"critical\": 7}',"
    "'2025-07-06T00:00:00.000000+00:00')",
    "insert into office_checklists values ('town.toml','# 本镇清单','" + "f" * 64 + "',"
    "'2025-07-06T00:00:00.000000+00:00')",
]
VERSIONS = [0, *(s.version for s in STEPS)]


@pytest.mark.parametrize("version", VERSIONS)
def test_every_version_upgrades_and_reads_back(tmp_path: Path, version: int) -> None:
    db = tmp_path / DB_FILENAME
    build_at_version(db, version)
    raw = sqlite3.connect(db)
    for sql in SEED_SQL[version]:
        raw.execute(sql)
    raw.commit()
    raw.close()

    ws = Workspace.open(tmp_path)
    try:
        assert ws.store.schema_version() == LATEST_VERSION
        if version >= 1:
            with ws.store.read() as tx:
                company = tx.get_company("c1")
                audit = tx.get_audit("a1")
                findings = tx.list_findings("a1")
            assert company is not None
            assert company.name == "上海老数据有限公司"
            assert company.has_union is True
            assert company.headcount == 50
            assert company.pay_day == (10 if version >= 4 else None)
            assert audit is not None
            assert audit.auditors[0].name == "王"
            assert str(findings[0].money_at_stake) == "50.00"
            assert findings[0].legal_basis[0].article == "第四十八条"
            # the v1 audit had no pinned checklist: it is pinned to the current library on use
            pinned = checklists.library_for_audit(ws, audit)
            assert pinned.item("ONB.CONTRACT_WRITTEN") is not None
            assert ws.store.schema_version() == LATEST_VERSION
        if version >= 2:
            with ws.store.read() as tx:
                old_audit = tx.require_audit("a2")
            old = checklists.library_for_audit(ws, old_audit)
            assert old.version == "2025.01"
            assert old.item("PAY.REMOVED_LATER") is not None
            report = checklists.audit_score(ws, "a2")
            assert report.overall.non_compliant == 1
            assert report.overall.score == 0
            with ws.store.read() as tx:
                old_finding = tx.require_finding("f2")
                [payroll_finding] = tx.list_findings("a1")
            # the old finding keeps its title; its consequence is its item's, from the snapshot
            assert old_finding.title == "旧版中存在、新版已删除的检查项？"
            assert old_finding.consequence == ("企业自写的后果" if version >= 10 else "须补发。")
            # a payroll finding (no snapshot item) is left empty until re-adopted
            assert payroll_finding.consequence == ("企业自写的后果" if version >= 10 else "")
            with ws.store.read() as tx:
                [old_answer] = tx.list_answers("a2")
                [evidence] = tx.list_attachments(answer_id="n1")
            assert old_answer.result is AnswerResult.NON_COMPLIANT
            assert old_answer.note == "旧答案"
            assert evidence.filename == "工资条.jpg"
        if version >= 1:
            # records from before step 15 start at version 1, saved by nobody known
            with ws.store.read() as tx:
                company = tx.require_company("c1")
                [finding] = tx.list_findings("a1")
            expected = (2, "张律师") if version >= 15 else (1, "")
            assert (company.version, company.updated_by) == expected
            assert (finding.version, finding.updated_by) == expected
            if version >= 6:
                with ws.store.read() as tx:
                    [letter] = tx.list_letters("a2")
                assert (letter.version, letter.updated_by) == expected
        if version >= 14:
            with ws.store.read() as tx:
                [noted] = tx.list_answers("a1")
            assert noted.result is None
            assert noted.note == "只记了备注"
        if version >= 3:
            with ws.store.read() as tx:
                [row] = tx.list_payroll_rows("a2")
                [record] = tx.list_payroll_imports("a2")
                profile = tx.get_mapping_profile("c1")
            assert str(row.gross_pay) == "2690.50"
            assert record.report.sheets[0].data_rows == 1
            assert profile is not None
            assert profile.columns["应发合计"] == "gross_pay"
        if version >= 5:
            with ws.store.read() as tx:
                [change] = tx.list_changes("a2")
                assert tx.list_self_assessment("a2") == {"PAY.REMOVED_LATER": "compliant"}
            assert change.new_value == '"non_compliant"'
        if version >= 6:
            with ws.store.read() as tx:
                [followup] = tx.list_followups("a2")
                [letter] = tx.list_letters("a2")
                [finding] = tx.list_findings("a1")
            assert followup.note == "首次跟诊"
            assert letter.kind.value == "opinion"
            assert finding.subjects == ["E1"]
            assert finding.money_kind == ("wages_owed" if version >= 8 else None)
            assert finding.payroll_hash == ("a" * 64 if version >= 8 else None)
            # letters recorded before numbering keep no number, service date or content
            assert letter.number == ("马陆工监意〔2025〕第1号" if version >= 9 else None)
            assert letter.served_on == (date(2025, 7, 3) if version >= 9 else None)
            assert (letter.content is not None) == (version >= 9)
        if version >= 1:
            with ws.store.read() as tx:
                assert not any(f.dismissed for f in tx.list_findings("a1"))
                # 问题编号: an older finding is numbered by creation time when the column arrives
                assert [f.number for f in tx.list_findings("a1")] == [3 if version >= 11 else 1]
                issued = tx.list_report_issues("a2")
            assert [i.number for i in issued] == (["体检〔2025〕1号"] if version >= 11 else [])
            # the town list: seeded from the companies' towns as written (variants kept apart
            # for the office to merge), or as the v12 database had it
            listed = {t.name: t.companies for t in tx_towns(ws)}
            if version >= 12:
                assert listed == {"安亭镇": 0, "嘉定区马陆镇": 1, "马陆镇": 1}
            else:
                assert listed == {"马陆镇": 1}
            backups = list((tmp_path / "backups").glob(f"auditdesk-v{version}-*.db"))
            # A backup is taken only when there is something to migrate.
            assert len(backups) == (1 if version < LATEST_VERSION else 0)
    finally:
        ws.close()


def tx_towns(ws: Workspace) -> list[TownUsage]:
    with ws.store.read() as tx:
        return tx.list_towns()


def test_towns_are_seeded_from_companies_once_each(tmp_path: Path) -> None:
    db = tmp_path / DB_FILENAME
    build_at_version(db, 11)
    raw = sqlite3.connect(db)
    for i, town in enumerate(["嘉定区马陆镇", "马陆镇", "", "安亭镇", "马陆镇"]):
        raw.execute(
            "insert into companies (id, created_at, updated_at, name, legal_representative,"
            " address, town, industry, has_union, contact_name, contact_phone, notes) values"
            f" ('x{i}', '2025-07-01T00:00:00.000000+00:00', '2025-07-01T00:00:00.000000+00:00',"
            f" '企业{i}', '', '', '{town}', '', 0, '', '', '')"
        )
    raw.commit()
    raw.close()
    ws = Workspace.open(tmp_path)
    try:
        assert [(t.name, t.companies) for t in tx_towns(ws)] == [
            ("嘉定区马陆镇", 1), ("安亭镇", 1), ("马陆镇", 2)
        ]  # fmt: skip
    finally:
        ws.close()


def test_seed_sql_covers_every_version() -> None:
    assert set(SEED_SQL) == set(VERSIONS), "add seed rows for the new version"


def test_schema_module_matches_the_migrated_database(template_db: Path) -> None:
    engine = create_sqlite_engine(template_db)
    insp = inspect(engine)
    try:
        assert set(insp.get_table_names()) == set(schema.metadata.tables)
        for name, table in schema.metadata.tables.items():
            db_cols = {c["name"]: c for c in insp.get_columns(name)}
            assert list(db_cols) == [c.name for c in table.columns], name
            for col in table.columns:
                assert db_cols[col.name]["nullable"] == col.nullable, f"{name}.{col.name}"
    finally:
        engine.dispose()


def _extra_step(apply: Callable[[Operations], None]) -> list[Step]:
    return [*STEPS, Step(LATEST_VERSION + 1, "test step", apply)]


@pytest.mark.sqlite_only("migrates the SQLite file through its own engine")
def test_backup_is_written_before_migrating_and_holds_the_data(ws: Workspace) -> None:
    companies.add_company(ws, CompanyInput(name="迁移前的企业"))
    ws.close()
    engine = create_sqlite_engine(ws.paths.database)
    steps = _extra_step(lambda op: op.execute("create table extra (x integer)"))
    reached = migrate(
        engine, where="db", sqlite_path=ws.paths.database, backups_dir=ws.paths.backups, steps=steps
    )
    engine.dispose()
    assert reached == LATEST_VERSION + 1
    (backup,) = ws.paths.backups.glob(f"auditdesk-v{LATEST_VERSION}-*.db")
    raw = sqlite3.connect(backup)
    assert raw.execute("select name from companies").fetchall() == [("迁移前的企业",)]
    assert raw.execute("select version from schema_version").fetchone() == (LATEST_VERSION,)
    raw.close()


@pytest.mark.sqlite_only("migrates the SQLite file through its own engine")
def test_failing_step_rolls_back_whole(ws: Workspace) -> None:
    ws.close()

    def broken(op: Operations) -> None:
        op.execute("create table half_done (x integer)")
        op.execute("this is not sql")

    engine = create_sqlite_engine(ws.paths.database)
    with pytest.raises(Exception, match="syntax error"):
        migrate(
            engine,
            where="db",
            sqlite_path=ws.paths.database,
            backups_dir=ws.paths.backups,
            steps=_extra_step(broken),
        )
    engine.dispose()
    store = Store.open_sqlite(ws.paths.database)
    try:
        assert store.schema_version() == LATEST_VERSION
        assert "half_done" not in inspect(store.engine).get_table_names()
    finally:
        store.close()


def test_step_13_names_split_copies_and_keeps_one_original_per_item(tmp_path: Path) -> None:
    db = tmp_path / DB_FILENAME
    build_at_version(db, 11)
    raw = sqlite3.connect(db)
    for sql in SEED_SQL[11][:2]:
        raw.execute(sql)
    t = "2025-07-0{}T00:00:00.000000+00:00"
    for n, fid in enumerate(("orig", "copy", "twin"), start=1):
        raw.execute(
            "insert into findings (id, created_at, updated_at, audit_id, origin, origin_ref, area,"
            " severity, title, facts, legal_basis, remedy, status, owner, consequence, number)"
            " values (?, ?, ?, 'a1', 'checklist', 'ONB.X', 'pay', 'high', '未签合同', '', '[]',"
            " '', 'open', '', '', ?)",
            (fid, t.format(n), t.format(n), n),
        )
    raw.execute(  # the split was logged by split_finding (values are JSON text)
        "insert into change_log (audit_id, entity, entity_id, field, old_value, new_value,"
        " changed_by, changed_at) values ('a1', 'finding', 'copy', 'split_from', NULL, '\"orig\"',"
        " '王', ?)",
        (t.format(2),),
    )
    raw.commit()
    raw.close()
    Workspace.open(tmp_path).close()
    raw = sqlite3.connect(db)
    rows = dict(raw.execute("select id, split_from from findings order by id").fetchall())
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        raw.execute("update findings set split_from = null where id = 'twin'")
    raw.close()
    # the logged copy names its original; an unlogged second original becomes a copy of the first
    assert rows == {"orig": None, "copy": "orig", "twin": "orig"}


def test_rebuilt_answers_table_keeps_its_constraints(tmp_path: Path) -> None:
    """Step 14 rebuilds ``answers`` on SQLite: the unique item per audit and the cascade from
    its audit (and on to the evidence) must survive the copy."""
    db = tmp_path / DB_FILENAME
    build_at_version(db, LATEST_VERSION)
    raw = sqlite3.connect(db)
    raw.execute("pragma foreign_keys = on")
    for sql in SEED_SQL[15]:
        raw.execute(sql)
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        raw.execute(
            "insert into answers values ('n9','2025-07-02T00:00:00.000000+00:00',"
            "'2025-07-02T00:00:00.000000+00:00','a2','PAY.REMOVED_LATER',NULL,'','','王',NULL,1,'')"
        )
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        raw.execute(
            "insert into answers values ('n9','2025-07-02T00:00:00.000000+00:00',"
            "'2025-07-02T00:00:00.000000+00:00','nope','X.Y',NULL,'','','王',NULL,1,'')"
        )
    raw.execute("delete from audits where id = 'a2'")
    assert raw.execute("select count(*) from answers where audit_id = 'a2'").fetchone() == (0,)
    assert raw.execute("select count(*) from attachments").fetchone() == (0,)
    raw.close()


def test_step_16_fills_the_company_and_keeps_entries_when_the_company_goes(tmp_path: Path) -> None:
    """Step 16 drops the cascade from audits: an entry written before it gets its audit's
    company and stays when that company (and so the audit) is deleted."""
    db = tmp_path / DB_FILENAME
    build_at_version(db, 14)
    raw = sqlite3.connect(db)
    for sql in SEED_SQL[14]:
        raw.execute(sql)
    raw.commit()
    raw.close()
    ws = Workspace.open(tmp_path)
    try:
        with ws.store.read() as tx:
            [change] = tx.list_changes("a2")
        assert change.company_id == "c1"
        companies.delete_company(ws, "c1")
        with ws.store.read() as tx:
            kept = tx.list_changes(company_id="c1")
        assert [c.id for c in kept if c.entity.value == "answer"] == [change.id]
        assert any(c.field == "deleted" and c.entity.value == "company" for c in kept)
    finally:
        ws.close()
