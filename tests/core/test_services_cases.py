"""Case files: a full round trip between two data dirs, merging with conflicts, sealing, and every
hostile file refused before anything is written."""

from __future__ import annotations

import hashlib
import io
import json
import stat
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from auditdesk.archive import ArchiveError, PassphraseError
from auditdesk.errors import Cancelled, NotFoundError
from auditdesk.models.common import utcnow
from auditdesk.models.company import CompanyInput
from auditdesk.progress import CancelToken
from auditdesk.services import attachments, audits, cases, companies, towns, visit
from auditdesk.services.cases import CaseConflictError
from auditdesk.services.workspace import Workspace
from auditdesk.store import schema
from auditdesk.store.exchange import encode_row
from tests.core.conftest import StartCase

TABLES = [s.name for s in cases.SPECS]


@pytest.fixture
def laptop(tmp_path: Path, start_case: StartCase) -> Iterator[Workspace]:
    """The lawyer's machine: the demo company with payroll, a mapping profile and evidence."""
    ws = Workspace.open(tmp_path / "laptop", database="sqlite")  # a laptop keeps its own file
    start_case(ws, tmp_path / "排班表照片.jpg", b"\xff\xd8\xff" + bytes(range(256)) * 40)
    yield ws
    ws.close()


@pytest.fixture
def office(tmp_path: Path, office_database: str | None) -> Iterator[Workspace]:
    """The union office: a file, or (the ``postgresql`` variant) the shared server database."""
    ws = Workspace.open(tmp_path / "office", database=office_database)
    yield ws
    ws.close()


def _company_id(ws: Workspace) -> str:
    return companies.list_companies(ws)[0].company.id


def _dump(ws: Workspace) -> dict[str, list[str]]:
    """Every row of every carried table, as sorted JSON without local serial ids (nor the
    receiving side's own change-log entries of case imports)."""
    out: dict[str, list[str]] = {}
    with ws.store.read() as tx:
        for name in TABLES:
            table = schema.metadata.tables[name]
            rows = [encode_row(table, r) for r in tx.conn.execute(table.select())]
            if "id" in table.c and isinstance(rows[0]["id"] if rows else "", int):
                for r in rows:
                    r.pop("id")
            if name == "change_log":  # an import is itself a change of the receiving side
                rows = [r for r in rows if r["entity"] != "case_import"]
            out[name] = sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in rows)
    return out


def _findings(ws: Workspace) -> list[dict[str, Any]]:
    with ws.store.read() as tx:
        rows = tx.conn.execute(schema.findings.select().order_by(schema.findings.c.id))
        return [dict(r._mapping) for r in rows]


def _retitle(ws: Workspace, finding_id: str, title: str) -> None:
    with ws.store.transaction() as tx:
        audit_id = next(f["audit_id"] for f in _findings_tx(tx) if f["id"] == finding_id)
        finding = next(f for f in tx.list_findings(audit_id) if f.id == finding_id)
        tx.update_finding(finding.model_copy(update={"title": title, "updated_at": utcnow()}))


def _findings_tx(tx: Any) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in tx.conn.execute(schema.findings.select())]


def _blobs(ws: Workspace) -> dict[str, bytes]:
    """Every stored evidence file by hash: the data dir's, or (a server) the database's."""
    if not ws.is_server:
        return {p.name: p.read_bytes() for p in ws.paths.attachments.rglob("*") if p.is_file()}
    with ws.store.read() as tx:
        hashes = [str(h) for h in tx.conn.execute(schema.file_blobs.select()).scalars()]
    out = {}
    for sha in hashes:
        attachments.save_copy(ws, sha, ws.paths.tmp / "check" / sha)
        out[sha] = (ws.paths.tmp / "check" / sha).read_bytes()
    return out


# ------------------------------------------------------------------ round trip
def test_round_trip_into_an_empty_data_dir_is_exact(
    laptop: Workspace, office: Workspace, tmp_path: Path
) -> None:
    file = tmp_path / "嘉研.adcase"
    result = cases.export_case(laptop, _company_id(laptop), file)
    assert result.counts["payroll_rows"] == 40
    assert result.attachments == 1
    plan = cases.import_case(office, file)
    assert plan.counts["企业"]["added"] == 1
    assert plan.attachments_added == 1
    assert _dump(office) == _dump(laptop)
    assert _blobs(office) == _blobs(laptop)
    # the office can work with what arrived
    audit_id = next(r["audit_id"] for r in _findings(office))
    assert audits.get_audit(office, audit_id).company_id == _company_id(laptop)


def test_importing_the_same_file_twice_changes_nothing(
    laptop: Workspace, office: Workspace, tmp_path: Path
) -> None:
    file = tmp_path / "c.adcase"
    cases.export_case(laptop, _company_id(laptop), file)
    cases.import_case(office, file)
    before = _dump(office)
    again = cases.import_case(office, file)
    assert again.changes == 0
    assert not again.conflicts
    assert "没有需要导入的内容" in again.summary()
    assert _dump(office) == before


def test_selected_audits_only(laptop: Workspace, office: Workspace, tmp_path: Path) -> None:
    company = _company_id(laptop)
    chosen = audits.list_audits(laptop, company)[0].audit.id
    file = tmp_path / "one.adcase"
    result = cases.export_case(laptop, company, file, audit_ids=[chosen])
    assert result.counts["audits"] == 1
    cases.import_case(office, file)
    assert {f["audit_id"] for f in _findings(office)} <= {chosen}
    with pytest.raises(NotFoundError, match="不属于企业"):
        cases.export_case(laptop, company, tmp_path / "x.adcase", audit_ids=["nope"])


# ------------------------------------------------------------------ merging
@pytest.fixture
def exchanged(laptop: Workspace, office: Workspace, tmp_path: Path) -> str:
    """Both sides hold the same case after one exchange; returns a finding id."""
    file = tmp_path / "first.adcase"
    cases.export_case(laptop, _company_id(laptop), file)
    cases.import_case(office, file)
    return str(_findings(laptop)[0]["id"])


def _send(source: Workspace, tmp_path: Path, name: str = "again.adcase") -> Path:
    file = tmp_path / name
    cases.export_case(source, _company_id(source), file)
    return file


def _title(ws: Workspace, finding_id: str) -> str:
    return next(str(f["title"]) for f in _findings(ws) if f["id"] == finding_id)


def test_change_on_one_side_is_taken_without_a_conflict(
    laptop: Workspace, office: Workspace, exchanged: str, tmp_path: Path
) -> None:
    _retitle(laptop, exchanged, "律师现场改过的标题")
    plan = cases.import_case(office, _send(laptop, tmp_path))
    assert plan.counts["问题"]["updated"] == 1
    assert _title(office, exchanged) == "律师现场改过的标题"


def test_change_only_here_is_kept_when_the_old_version_comes_back(
    laptop: Workspace, office: Workspace, exchanged: str, tmp_path: Path
) -> None:
    stale = _send(laptop, tmp_path)
    _retitle(office, exchanged, "办公室改过的标题")
    plan = cases.import_case(office, stale)
    assert plan.counts["问题"]["kept"] == 1
    assert _title(office, exchanged) == "办公室改过的标题"


def test_change_on_both_sides_is_a_conflict_with_both_values(
    laptop: Workspace, office: Workspace, exchanged: str, tmp_path: Path
) -> None:
    _retitle(laptop, exchanged, "律师的标题")
    _retitle(office, exchanged, "办公室的标题")
    file = _send(laptop, tmp_path)
    before = _dump(office)

    preview = cases.import_case(office, file, dry_run=True)
    [conflict] = preview.conflicts
    assert conflict.label == "问题"
    assert conflict.description == "律师的标题"
    assert [(d.field, d.mine, d.theirs) for d in conflict.diffs] == [
        ("title", "办公室的标题", "律师的标题")
    ]

    with pytest.raises(CaseConflictError) as info:
        cases.import_case(office, file)
    assert "1 处记录在两边都被修改过" in info.value.message
    assert "本机“办公室的标题” / 文件“律师的标题”" in info.value.message
    assert _dump(office) == before  # stopped: nothing at all was written

    cases.import_case(office, file, choices={conflict.ref: "mine"})
    assert _title(office, exchanged) == "办公室的标题"
    cases.import_case(office, file, prefer="theirs")  # the base now is the file: no conflict
    assert _title(office, exchanged) == "办公室的标题"


def test_prefer_theirs_takes_the_file(
    laptop: Workspace, office: Workspace, exchanged: str, tmp_path: Path
) -> None:
    _retitle(laptop, exchanged, "律师的标题")
    _retitle(office, exchanged, "办公室的标题")
    cases.import_case(office, _send(laptop, tmp_path), prefer="theirs")
    assert _title(office, exchanged) == "律师的标题"


def test_same_company_created_on_both_machines_is_matched_by_credit_code(
    laptop: Workspace, office: Workspace, tmp_path: Path
) -> None:
    mine = companies.add_company(
        office,
        CompanyInput(
            name="嘉研（办公室录入）",
            credit_code=companies.list_companies(laptop)[0].company.credit_code,
        ),
    )
    plan = cases.import_case(office, _send(laptop, tmp_path), prefer="mine")
    assert [c.company.id for c in companies.list_companies(office)] == [mine.id]
    assert plan.counts["体检"]["added"] == 3
    assert {a.audit.company_id for a in audits.list_audits(office, mine.id)} == {mine.id}


# ------------------------------------------------------------------ sealing
def test_sealed_file_needs_the_right_passphrase(
    laptop: Workspace, office: Workspace, tmp_path: Path
) -> None:
    usb = tmp_path / "U盘"
    file = usb / "sealed.adcase"
    result = cases.export_case(laptop, _company_id(laptop), file, passphrase="正确的口令123")
    assert result.encrypted
    assert "上海嘉研".encode() not in file.read_bytes()
    assert [p.name for p in usb.iterdir()] == ["sealed.adcase"]  # no plain copy ever on the stick
    assert list(laptop.paths.tmp.iterdir()) == []
    with pytest.raises(PassphraseError, match="请输入口令"):
        cases.import_case(office, file)
    with pytest.raises(PassphraseError, match="口令错误"):
        cases.import_case(office, file, passphrase="错误的口令")
    cases.import_case(office, file, passphrase="正确的口令123")
    assert _dump(office) == _dump(laptop)
    assert list(office.paths.tmp.iterdir()) == []  # the decrypted copy is gone


def test_sealed_file_cut_short_or_altered_is_refused(
    laptop: Workspace, office: Workspace, tmp_path: Path
) -> None:
    file = tmp_path / "sealed.adcase"
    cases.export_case(laptop, _company_id(laptop), file, passphrase="passphrase-1")
    data = file.read_bytes()
    cut = tmp_path / "cut.adcase"
    cut.write_bytes(data[: len(data) - 100])
    flipped = tmp_path / "flipped.adcase"
    flipped.write_bytes(data[:-5] + bytes([data[-5] ^ 1]) + data[-4:])
    before = _dump(office)
    for bad in (cut, flipped):
        with pytest.raises(ArchiveError, match="无法解密"):
            cases.import_case(office, bad, passphrase="passphrase-1")
    assert _dump(office) == before


# ------------------------------------------------------------------ hostile files
@pytest.fixture
def genuine(laptop: Workspace, tmp_path: Path) -> Path:
    return _send(laptop, tmp_path, "genuine.adcase")


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _rebuild(
    source: Path,
    target: Path,
    *,
    change: Callable[[dict[str, bytes]], None] = lambda _m: None,
    manifest: Callable[[dict[str, Any]], None] | None = None,
    rehash: bool = True,
    raw: Callable[[zipfile.ZipFile], None] | None = None,
) -> Path:
    members = _members(source)
    meta = json.loads(members.pop("manifest.json"))
    change(members)
    if rehash:
        meta["members"] = {n: {"sha256": hashlib.sha256(d).hexdigest(), "size": len(d)}
                           for n, d in members.items()}  # fmt: skip
    if manifest:
        manifest(meta)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        if raw:
            raw(zf)
        zf.writestr("manifest.json", json.dumps(meta))
    return target


def _refused(office: Workspace, path: Path, match: str) -> None:
    before, blobs = _dump(office), _blobs(office)
    with pytest.raises(ArchiveError, match=match) as info:
        cases.import_case(office, path)
    assert info.value.message.startswith(path.name)
    assert _dump(office) == before
    assert _blobs(office) == blobs


def _add_member(name: str) -> Callable[[dict[str, bytes]], None]:
    return lambda m: m.__setitem__(name, b"pwned")


def test_path_traversal_member(genuine: Path, office: Workspace, tmp_path: Path) -> None:
    bad = _rebuild(
        genuine, tmp_path / "trav.adcase", change=_add_member("attachments/../../evil.txt")
    )
    _refused(office, bad, r"指向上级目录的路径")
    assert not (office.paths.root / "evil.txt").exists()


def test_absolute_path_member(genuine: Path, office: Workspace, tmp_path: Path) -> None:
    bad = _rebuild(genuine, tmp_path / "abs.adcase", change=_add_member("/tmp/evil.txt"))
    _refused(office, bad, "绝对路径")


def test_windows_drive_member(genuine: Path, office: Workspace, tmp_path: Path) -> None:
    bad = _rebuild(genuine, tmp_path / "drive.adcase", change=_add_member("C:\\evil.txt"))
    _refused(office, bad, "Windows 路径")


def test_symlink_member(genuine: Path, office: Workspace, tmp_path: Path) -> None:
    def link(zf: zipfile.ZipFile) -> None:
        info = zipfile.ZipInfo("attachments/link")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")

    bad = _rebuild(genuine, tmp_path / "link.adcase", raw=link)
    _refused(office, bad, "符号链接")


def test_zip_bomb_is_refused_by_the_declared_size(
    genuine: Path, office: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from auditdesk import archive

    monkeypatch.setattr(archive, "MAX_UNPACKED_BYTES", 8 << 20)
    bad = _rebuild(
        genuine,
        tmp_path / "bomb.adcase",
        change=lambda m: m.__setitem__("attachments/" + "0" * 64, bytes(16 << 20)),
    )
    monkeypatch.setattr(
        cases,
        "open_archive",
        lambda p, **kw: archive.open_archive(p, max_unpacked=archive.MAX_UNPACKED_BYTES, **kw),
    )
    _refused(office, bad, "压缩炸弹")


def test_member_that_inflates_beyond_what_the_manifest_says(
    genuine: Path, office: Workspace, tmp_path: Path
) -> None:
    def lie(meta: dict[str, Any]) -> None:
        meta["members"]["records/findings.json"]["size"] = 10

    bad = _rebuild(genuine, tmp_path / "lie.adcase", manifest=lie)
    _refused(office, bad, "实际大小超过清单所记")


def test_hash_mismatch(genuine: Path, office: Workspace, tmp_path: Path) -> None:
    def edit(m: dict[str, bytes]) -> None:
        m["records/findings.json"] = m["records/findings.json"].replace(
            "加班".encode(), "加薪".encode()
        )

    bad = _rebuild(genuine, tmp_path / "edited.adcase", change=edit, rehash=False)
    _refused(office, bad, "校验值与清单不符")


def test_member_missing_from_the_manifest(genuine: Path, office: Workspace, tmp_path: Path) -> None:
    bad = _rebuild(
        genuine,
        tmp_path / "extra.adcase",
        manifest=lambda meta: meta["members"].pop("records/letters.json"),
    )
    _refused(office, bad, "未列在清单中")


def test_newer_format_version(genuine: Path, office: Workspace, tmp_path: Path) -> None:
    bad = _rebuild(
        genuine, tmp_path / "future.adcase", manifest=lambda meta: meta.update(format_version=99)
    )
    _refused(office, bad, "更新版本的 AuditDesk")


def test_newer_schema_version(genuine: Path, office: Workspace, tmp_path: Path) -> None:
    bad = _rebuild(
        genuine, tmp_path / "schema.adcase", manifest=lambda meta: meta.update(schema_version=999)
    )
    _refused(office, bad, "比本程序新")


def test_truncated_file(genuine: Path, office: Workspace, tmp_path: Path) -> None:
    bad = tmp_path / "cut.adcase"
    bad.write_bytes(genuine.read_bytes()[: genuine.stat().st_size * 2 // 3])
    _refused(office, bad, "不完整或已损坏")


def test_not_a_case_file(office: Workspace, tmp_path: Path) -> None:
    bad = tmp_path / "照片.adcase"
    bad.write_bytes(b"\x89PNG\r\n" + bytes(100))
    _refused(office, bad, "不完整或已损坏")
    plain_zip = tmp_path / "普通压缩包.adcase"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("readme.txt", "hi")
    plain_zip.write_bytes(buffer.getvalue())
    _refused(office, plain_zip, "缺少清单")


def test_record_with_an_invalid_value_names_the_member_and_row(
    genuine: Path, office: Workspace, tmp_path: Path
) -> None:
    def edit(m: dict[str, bytes]) -> None:
        rows = json.loads(m["records/findings.json"])
        rows[1]["legal_basis"] = [{"law": 42}]
        m["records/findings.json"] = json.dumps(rows).encode()

    bad = _rebuild(genuine, tmp_path / "junk.adcase", change=edit)
    _refused(office, bad, "「records/findings.json」第 2 条记录：字段 legal_basis")


def test_dangling_reference_lands_nothing(genuine: Path, office: Workspace, tmp_path: Path) -> None:
    def edit(m: dict[str, bytes]) -> None:
        rows = json.loads(m["records/letters.json"])
        rows[0]["audit_id"] = "00000000-0000-0000-0000-000000000000"
        m["records/letters.json"] = json.dumps(rows).encode()

    bad = _rebuild(genuine, tmp_path / "dangling.adcase", change=edit)
    _refused(office, bad, "相互矛盾")
    assert companies.list_companies(office) == []


def test_a_file_that_never_arrived_does_not_hide_an_edit(
    laptop: Workspace, office: Workspace, exchanged: str, tmp_path: Path
) -> None:
    _retitle(laptop, exchanged, "律师第二次修改")
    _send(laptop, tmp_path, "lost-on-the-way.adcase")  # never imported at the office
    _retitle(office, exchanged, "办公室修改")
    plan = cases.import_case(laptop, _send(office, tmp_path, "from-office.adcase"), dry_run=True)
    [conflict] = plan.conflicts
    assert (conflict.diffs[0].mine, conflict.diffs[0].theirs) == ("律师第二次修改", "办公室修改")


def test_after_a_resolved_conflict_the_next_exchange_is_clean(
    laptop: Workspace, office: Workspace, exchanged: str, tmp_path: Path
) -> None:
    _retitle(laptop, exchanged, "律师的标题")
    _retitle(office, exchanged, "办公室的标题")
    cases.import_case(office, _send(laptop, tmp_path), prefer="mine")
    # the office's answer goes back to the laptop: the laptop takes it without a conflict
    plan = cases.import_case(laptop, _send(office, tmp_path, "answer.adcase"))
    assert plan.counts["问题"]["updated"] == 1
    assert _title(laptop, exchanged) == "办公室的标题"


def test_attachment_whose_content_is_not_its_hash(
    genuine: Path, office: Workspace, tmp_path: Path
) -> None:
    def swap(m: dict[str, bytes]) -> None:
        [name] = [n for n in m if n.startswith("attachments/")]
        m[name] = b"something else entirely"

    bad = _rebuild(genuine, tmp_path / "swapped.adcase", change=swap)
    _refused(office, bad, "内容与其名称中的校验值不符")


def test_checklist_snapshot_that_does_not_match_its_hash(
    genuine: Path, office: Workspace, tmp_path: Path
) -> None:
    def edit(m: dict[str, bytes]) -> None:
        rows = json.loads(m["records/checklist_snapshots.json"])
        rows[0]["payload"]["title"] = "被改过的清单"
        m["records/checklist_snapshots.json"] = json.dumps(rows).encode()

    bad = _rebuild(genuine, tmp_path / "snapshot.adcase", change=edit)
    _refused(office, bad, "清单快照的内容与其校验值不符")


def test_two_laptops_through_the_office(laptop: Workspace, tmp_path: Path) -> None:
    """The office hands one case to two lawyers; both send back edits of the same finding."""
    office = laptop  # here the fixture's data dir plays the office
    lawyers = [Workspace.open(tmp_path / name) for name in ("lawyer1", "lawyer2")]
    try:
        start = _send(office, tmp_path, "start.adcase")
        for ws in lawyers:
            cases.import_case(ws, start)
        finding = str(_findings(office)[0]["id"])
        _retitle(lawyers[0], finding, "律师甲的标题")
        _retitle(lawyers[1], finding, "律师乙的标题")

        first = cases.import_case(office, _send(lawyers[0], tmp_path, "l1.adcase"))
        assert (
            first.counts["问题"]["updated"] == 1
        )  # only lawyer 1 changed it since the office sent it
        second = cases.import_case(office, _send(lawyers[1], tmp_path, "l2.adcase"), dry_run=True)
        assert [c.diffs[0].theirs for c in second.conflicts] == ["律师乙的标题"]
        cases.import_case(office, _send(lawyers[1], tmp_path, "l2.adcase"), prefer="theirs")

        # the office's decision reaches lawyer 1 without a conflict: it knows lawyer 1's version
        back = cases.import_case(lawyers[0], _send(office, tmp_path, "back.adcase"))
        assert not back.conflicts
        assert _title(lawyers[0], finding) == "律师乙的标题"
    finally:
        for ws in lawyers:
            ws.close()


def test_cancelled_import_writes_nothing(genuine: Path, office: Workspace) -> None:
    token = CancelToken()
    steps: list[str] = []

    def progress(done: int, total: int, message: str) -> None:
        steps.append(message)
        if message == "正在写入问题":
            token.cancel()

    with pytest.raises(Cancelled):
        cases.import_case(office, genuine, progress=progress, cancel=token)
    assert "正在核对企业" in steps
    assert companies.list_companies(office) == []
    assert (
        list(office.paths.attachments.rglob("*.*")) == [] or not office.paths.attachments.exists()
    )
    assert _blobs(office) == {}


# ------------------------------------------------------------------ unanswered items with notes
def _unanswered_noted(ws: Workspace) -> tuple[str, str]:
    """Write a note on an item of the demo audit that has no answer; returns (audit, item)."""
    audit_id = next(r["audit_id"] for r in _findings(ws))
    walk = visit.load_walk(ws, audit_id)
    item_id = next(w.item.id for w in walk.items if w.answer is None)
    visit.note_item(ws, audit_id, item_id, note="只查了花名册，合同待补看", by="陈静")
    return audit_id, item_id


def test_a_note_on_an_unanswered_item_round_trips(
    laptop: Workspace, office: Workspace, tmp_path: Path
) -> None:
    audit_id, item_id = _unanswered_noted(laptop)
    file = tmp_path / "noted.adcase"
    cases.export_case(laptop, _company_id(laptop), file)
    cases.import_case(office, file)
    assert _dump(office) == _dump(laptop)
    with office.store.read() as tx:
        arrived = tx.get_answer(audit_id, item_id)
    assert arrived is not None
    assert (arrived.result, arrived.note) == (None, "只查了花名册，合同待补看")
    walk = visit.load_walk(office, audit_id)
    assert next(w for w in walk.items if w.item.id == item_id).result is None


def test_a_case_file_from_before_empty_results_still_imports(
    genuine: Path, office: Workspace, tmp_path: Path
) -> None:
    older = _rebuild(
        genuine, tmp_path / "v11.adcase", manifest=lambda m: m.update(schema_version=11)
    )
    plan = cases.import_case(office, older)
    assert plan.counts["检查结果"]["added"] > 0
    with office.store.read() as tx:
        audit_id = next(r["audit_id"] for r in _findings(office))
        assert all(a.result is not None for a in tx.list_answers(audit_id))


def test_a_case_with_a_new_town_adds_it_to_the_list(
    laptop: Workspace, office: Workspace, tmp_path: Path
) -> None:
    towns.add_town(office, "安亭镇")
    file = tmp_path / "town.adcase"
    cases.export_case(laptop, _company_id(laptop), file)
    cases.import_case(office, file, dry_run=True)
    assert towns.town_names(office) == ["安亭镇"]  # a dry run lists nothing
    cases.import_case(office, file)
    town = companies.get_company(office, _company_id(laptop)).town
    assert town == "嘉定区马陆镇"  # carried as written on the laptop
    assert [(t.name, t.companies) for t in towns.list_towns(office)] == [
        ("嘉定区马陆镇", 1), ("安亭镇", 0)
    ]  # fmt: skip


# ------------------------------------------------------------------ record versions (schema 15)
def test_a_case_file_without_record_versions_still_imports(
    laptop: Workspace, office: Workspace, tmp_path: Path
) -> None:
    """A case file written before schema 15 has no ``version``/``updated_by``: its records
    arrive at version 1, and the same records sent again with them are unchanged."""
    genuine = _send(laptop, tmp_path, "new.adcase")

    def strip(members: dict[str, bytes]) -> None:
        for name in [n for n in members if n.startswith("records/")]:
            table = name.removeprefix("records/").removesuffix(".json")
            if "updated_by" not in schema.metadata.tables[table].c:
                continue  # e.g. checklist_snapshots.version is the checklist's own version
            rows = json.loads(members[name])
            for row in rows:
                row.pop("version", None)
                row.pop("updated_by", None)
            members[name] = json.dumps(rows, ensure_ascii=False).encode()

    def older(meta: dict[str, Any]) -> None:
        meta["schema_version"] = 14

    old = _rebuild(genuine, tmp_path / "old.adcase", change=strip, manifest=older)
    plan = cases.import_case(office, old)
    assert plan.counts["企业"]["added"] == 1
    assert plan.conflicts == []
    assert {f["version"] for f in _findings(office)} == {1}
    assert {f["updated_by"] for f in _findings(office)} == {""}
    # the same records, now carrying their versions, are no change and no conflict
    again = cases.import_case(office, genuine)
    assert again.conflicts == []
    assert again.counts["问题"].get("updated", 0) == 0


def test_a_record_updated_by_an_import_is_stale_in_an_open_view(
    laptop: Workspace, office: Workspace, exchanged: str, tmp_path: Path
) -> None:
    from auditdesk.errors import StaleRecordError

    seen = visit.find_finding(office, exchanged)  # someone at the office has it open
    _retitle(laptop, exchanged, "律师现场改过的标题")
    cases.import_case(office, _send(laptop, tmp_path))
    with pytest.raises(StaleRecordError):
        visit.edit_finding(office, exchanged, {"owner": "人事部"}, expected_version=seen.version)
    assert visit.find_finding(office, exchanged).version == seen.version + 1
