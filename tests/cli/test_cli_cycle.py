"""The whole 三诊 cycle scripted through the command line only (``--json`` everywhere), and the
user errors of the 会诊 and letter commands (exit 2, a Chinese message, no traceback)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cli.conftest import CliRunner, Run
from tests.samples import PAYROLL_SAMPLES as SAMPLES

S1_GROUPS = 14
"""Rule × month groups the payroll rules find in s1-simple.xlsx (one employee each)."""


UNION = ["--set", "union_name=嘉定区马陆镇总工会", "--set", "contact_person=张卫东",
         "--set", "contact_phone=021-0000 0000", "--set", "prefix_notice=马陆工监提",
         "--set", "prefix_opinion=马陆工监意"]  # fmt: skip
"""The union settings letters need (`settings union --set`)."""


def ok(done: Run) -> Any:
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.json()


def user_error(done: Run, *words: str) -> str:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr + done.stdout
    for word in words:
        assert word in done.stderr, done.stderr
    return done.stderr


def test_the_whole_cycle_through_the_cli(cli: CliRunner) -> None:
    # 问诊 / 查诊: a company, an audit, a few answers (Chinese and English words), a payroll
    company = ok(cli("company", "add", "--name", "上海脚本测试有限公司", "--credit-code",
                     "91310114MA1GT8Q270", "--headcount", "54", "--json"))  # fmt: skip
    audit = ok(cli("audit", "start", "--company", company["id"], "--scope", "deep",
                   "--auditor", "张卫东:工会干部", "--auditor", "陈静:lawyer",
                   "--region", "shanghai", "--visit-date", "2026-03-02", "--json"))  # fmt: skip
    a = audit["id"]
    assert audit["status"] == "in_progress"  # the first visit was recorded, as in the GUI
    assert audit["started_on"] == "2026-03-02"
    assert audit["visit"]["visit_date"] == "2026-03-02"
    assert audit["auditors"] == [{"name": "张卫东", "role": "union_cadre"},
                                 {"name": "陈静", "role": "lawyer"}]  # fmt: skip
    assert [x["id"] for x in ok(cli("audit", "list", "--json"))] == [a]

    for item, result in [("RUL.HANDBOOK", "不符合"), ("HRS.WEEKLY_REST", "部分符合"),
                         ("LEV.PUBLIC_HOLIDAYS", "符合"), ("PAY.MIN_WAGE", "non_compliant"),
                         ("ONB.HAS_MINORS", "否")]:  # fmt: skip
        answer = ok(cli("audit", "answer", a, item, result, "--by", "陈静", "--json"))
        assert answer["item_id"] == item
    assert answer["result"] == "no"

    imported = ok(cli("payroll", "import", "--audit", a, str(SAMPLES / "s1-simple.xlsx"),
                      "--json"))  # fmt: skip
    assert imported["imported_rows"] == 135

    # 会诊: gather the three non-compliant answers, once
    gathered = ok(cli("findings", "gather", "--audit", a, "--by", "陈静", "--json"))
    assert sorted(f["origin_ref"] for f in gathered["created"]) == [
        "HRS.WEEKLY_REST", "PAY.MIN_WAGE", "RUL.HANDBOOK"]  # fmt: skip
    assert gathered["total"] == 3
    assert ok(cli("findings", "gather", "--audit", a, "--json")) == {"created": [], "total": 3}

    groups = ok(cli("findings", "groups", "--audit", a, "--json"))
    assert groups["rows"] == 135
    keys = [g["key"] for g in groups["groups"]]
    assert len(keys) == S1_GROUPS
    assert "PAY.MIN_WAGE@2025-07" in keys
    assert not any(g["adopted"] for g in groups["groups"])

    one = ok(cli("findings", "adopt", "--audit", a, "--group", "PAY.MIN_WAGE@2025-07", "--json"))
    [adopted] = one["adopted"]
    assert adopted["refreshed"] is False
    assert adopted["finding"]["origin_ref"] == "PAY.MIN_WAGE@2025-07"
    assert adopted["finding"]["money_at_stake"] == "1845.30"
    every = ok(cli("findings", "adopt", "--audit", a, "--all", "--json"))["adopted"]
    assert len(every) == S1_GROUPS
    assert sum(x["refreshed"] for x in every) == 1  # adopting again refreshes, never duplicates
    groups = ok(cli("findings", "groups", "--audit", a, "--json"))["groups"]
    assert all(g["adopted"] for g in groups)

    listed = ok(cli("findings", "list", "--audit", a, "--json"))
    assert len(listed) == 3 + S1_GROUPS
    by_origin = {f["origin_ref"]: f for f in listed}
    handbook, rest = by_origin["RUL.HANDBOOK"], by_origin["HRS.WEEKLY_REST"]
    assert handbook["ref"] == handbook["id"][:8].upper()
    # stated as a finding, with its item's own consequence; a payroll finding with its rule's
    assert handbook["title"] == "缺少书面规章制度，或制度未记录版本和生效日期"
    assert handbook["consequence"].startswith("没有书面制度或版本混乱的")
    assert by_origin["PAY.MIN_WAGE@2025-07"]["consequence"].startswith("低于最低工资标准的")

    # edit one finding (several fields, one command), by its 问题编号 in lower case
    edited = ok(cli("findings", "edit", handbook["ref"].lower(), "--title", "未制定员工手册",
                    "--severity", "高", "--due", "2026-04-30", "--owner", "刘敏（人事经理）",
                    "--remedy", "制定员工手册并经民主程序公示", "--by", "陈静", "--json"))  # fmt: skip
    assert (edited["title"], edited["severity"], edited["due_date"], edited["owner"]) == (
        "未制定员工手册", "high", "2026-04-30", "刘敏（人事经理）")  # fmt: skip
    assert edited["remedy"] == "制定员工手册并经民主程序公示"
    edited = ok(
        cli("findings", "edit", handbook["ref"], "--consequence", "处分依据不足。", "--json")
    )
    assert edited["consequence"] == "处分依据不足。"

    # dismiss with a reason, then restore
    dismissed = ok(cli("findings", "dismiss", rest["ref"], "--reason", "企业已提供轮休记录",
                       "--by", "陈静", "--json"))  # fmt: skip
    assert dismissed["dismissed"] is True
    assert (dismissed["dismissed_reason"], dismissed["dismissed_by"]) == (
        "企业已提供轮休记录",
        "陈静",
    )
    assert len(ok(cli("findings", "list", "--audit", a, "--open", "--json"))) == 2 + S1_GROUPS
    assert len(ok(cli("findings", "list", "--audit", a, "--json"))) == 3 + S1_GROUPS
    restored = ok(cli("findings", "restore", rest["ref"], "--audit", a, "--by", "陈静", "--json"))
    assert restored["dismissed"] is False
    assert restored["dismissed_reason"] is None
    assert len(ok(cli("findings", "list", "--audit", a, "--open", "--json"))) == 3 + S1_GROUPS

    # diagnosed; an 意见书 sent and answered
    status = ok(cli("audit", "status", a, "diagnosed", "--json"))
    assert (status["status"], status["status_label"]) == ("diagnosed", "已会诊")
    ok(cli("settings", "union", *UNION, "--json"))
    letter = ok(cli("letters", "issue", "--audit", a, "--kind", "opinion", "--date", "2026-03-10",
                    "--json"))  # fmt: skip
    assert (letter["kind"], letter["issued_on"], letter["replied_on"]) == (
        "opinion", "2026-03-10", None)  # fmt: skip
    assert letter["reply_due"] == "2026-03-31"  # 15 working days, estimated from the issue date
    assert (letter["number"], letter["due_estimated"]) == ("马陆工监意〔2026〕第1号", True)
    assert letter["file"] is None
    assert [x["ref"] for x in ok(cli("letters", "list", "--audit", a, "--json"))] == [letter["ref"]]
    replied = ok(cli("letters", "reply", letter["ref"], "--date", "2026-03-20", "--json"))
    assert (replied["replied_on"], replied["overdue"]) == ("2026-03-20", False)
    [listed_letter] = ok(cli("letters", "list", "--audit", a, "--json"))
    assert listed_letter["replied_on"] == "2026-03-20"

    # 跟诊: deadlines by severity for the findings without one, follow-ups proposed
    planned = ok(cli("followups", "plan", "--audit", a, "--json"))
    assert 1 <= len(planned) <= 2
    open_now = ok(cli("findings", "list", "--audit", a, "--open", "--json"))
    assert len(open_now) == 3 + S1_GROUPS
    assert all(f["due_date"] for f in open_now)
    assert next(f for f in open_now if f["id"] == handbook["id"])["due_date"] == "2026-04-30"
    assert ok(cli("followups", "plan", "--audit", a, "--json")) == []  # nothing new to plan
    moved = cli("followups", "reschedule", planned[0]["id"], "--date", "2026-05-08")
    assert moved.returncode == 0, moved.stderr
    assert "2026-05-08" in moved.stdout


@pytest.fixture
def audit_with_findings(cli: CliRunner) -> tuple[str, list[dict[str, Any]]]:
    company = ok(cli("company", "add", "--name", "上海报错测试有限公司", "--json"))
    a = ok(cli("audit", "start", "--company", company["id"], "--json"))["id"]
    ok(cli("audit", "answer", a, "RUL.HANDBOOK", "不符合", "--json"))
    ok(cli("audit", "answer", a, "HRS.WEEKLY_REST", "partial", "--json"))
    created = ok(cli("findings", "gather", "--audit", a, "--json"))["created"]
    ok(cli("settings", "union", *UNION, "--json"))
    return a, created


def test_dismiss_needs_a_reason(cli: CliRunner, audit_with_findings: Any) -> None:
    a, [first, _] = audit_with_findings
    user_error(cli("findings", "dismiss", first["ref"]), "错误：", "理由")
    user_error(cli("findings", "dismiss", first["ref"], "--reason", "   "), "理由")
    done = cli("findings", "dismiss", first["ref"], "--json")
    user_error(done, "理由")
    assert "理由" in done.json()["error"]["message"]  # a script reading stdout gets an object
    assert all(not f["dismissed"] for f in ok(cli("findings", "list", "--audit", a, "--json")))


def test_unknown_finding_and_letter(cli: CliRunner, audit_with_findings: Any) -> None:
    a, _ = audit_with_findings
    user_error(cli("findings", "edit", "ZZZZ9999", "--title", "x"), "找不到问题编号 ZZZZ9999")
    user_error(cli("findings", "restore", "00000000-0000-0000-0000-000000000000"), "找不到问题编号")
    user_error(
        cli("findings", "dismiss", "ZZZZ9999", "--audit", a, "--reason", "x"), "找不到问题编号"
    )
    user_error(cli("findings", "list", "--audit", "no-such-audit"), "找不到体检")
    user_error(cli("letters", "reply", "ABCDEF12", "--date", "2026-03-01"), "找不到函件编号")
    user_error(cli("findings", "adopt", "--audit", a, "--all"), "还没有导入工资表")


def test_bad_dates_are_argument_errors(cli: CliRunner, audit_with_findings: Any) -> None:
    a, [first, _] = audit_with_findings
    user_error(cli("findings", "edit", first["ref"], "--due", "2026-02-30"),
               "参数 --due", "不是有效的日期")  # fmt: skip
    user_error(cli("letters", "issue", "--audit", a, "--kind", "notice", "--date", "明天"),
               "不是有效的日期")  # fmt: skip
    user_error(cli("audit", "start", "--company", "x", "--visit-date", "2026/03/02"),
               "不是有效的日期")  # fmt: skip
    user_error(cli("followups", "visit", "--audit", a, "--date", "2026-3-2x", "--fixed", "X"),
               "不是有效的日期")  # fmt: skip
    letter = ok(cli("letters", "issue", "--audit", a, "--kind", "提示函", "--date", "2026-03-10",
                    "--json"))  # fmt: skip
    user_error(
        cli("letters", "reply", letter["ref"], "--date", "2026-03-09"), "早于提示函的发出日期"
    )


def test_other_user_errors(cli: CliRunner, audit_with_findings: Any) -> None:
    a, [first, _] = audit_with_findings
    user_error(cli("findings", "edit", first["ref"]), "请至少给出一项要修改的内容")
    user_error(cli("findings", "restore", first["ref"]), "没有被剔除")
    user_error(cli("findings", "edit", first["ref"], "--severity", "很高"), "无效", "critical 严重")
    user_error(cli("audit", "status", a, "closed"), "不能从“进行中”改为“已关闭”")
    user_error(cli("audit", "answer", a, "RUL.HANDBOOK", "也许"), "无效", "不符合")
    user_error(cli("audit", "start", "--company", "no-such-company"), "找不到")
    user_error(cli("audit", "start", "--company", "x", "--auditor", "陈静:法官"), "无效")
    # the answer words are those of the item's scale
    user_error(cli("audit", "answer", a, "RUL.HANDBOOK", "是"), "答案只能是")


def test_findings_list_marks_an_adopted_finding_whose_payroll_changed(
    cli: CliRunner, tmp_path: Any
) -> None:
    from tests.builders.payroll_files import SheetSpec, id_number, write_xlsx

    a = ok(cli("audit", "start", "--company",
               ok(cli("company", "add", "--name", "上海重导测试有限公司", "--json"))["id"],
               "--json"))["id"]  # fmt: skip
    header = ["工号", "姓名", "身份证号", "基本工资", "应发工资"]
    person = ["E001", "张三", id_number("31011419900101123")]
    path = tmp_path / "7月.xlsx"
    write_xlsx(path, [SheetSpec("2025-07", [header, [*person, 2000, 2000]], text_columns=[2])])
    ok(cli("payroll", "import", "--audit", a, str(path), "--json"))
    ok(cli("findings", "adopt", "--audit", a, "--group", "PAY.MIN_WAGE@2025-07", "--json"))
    [before] = ok(cli("findings", "list", "--audit", a, "--json"))
    assert before["payroll_state"] is None
    write_xlsx(path, [SheetSpec("2025-07", [header, [*person, 2500, 2500]], text_columns=[2])])
    ok(cli("payroll", "import", "--audit", a, str(path), "--json"))
    [after] = ok(cli("findings", "list", "--audit", a, "--json"))
    assert after["payroll_state"] == "changed"
    assert after["money_at_stake"] == before["money_at_stake"]  # marked, not silently changed
    text = cli("findings", "list", "--audit", a)
    assert "采纳后工资表已变更" in text.stdout
