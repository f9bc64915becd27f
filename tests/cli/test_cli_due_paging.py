"""``followups due --limit/--offset``: the most urgent entries first, with the whole list's total;
without them the whole list, and ``--json`` the same list as before paging existed."""

from __future__ import annotations

from tests.cli.conftest import CliRunner


def test_due_pages_with_totals_and_keeps_the_unpaged_list(cli: CliRunner) -> None:
    assert cli("demo").returncode == 0
    whole = cli("followups", "due", "--json", "--within", "60").json()
    assert isinstance(whole, list)
    assert len(whole) >= 3
    first = cli("followups", "due", "--json", "--within", "60", "--limit", "2").json()
    assert first["total"] == len(whole)
    assert first["overdue"] == sum(1 for d in whole if d["overdue"])
    assert sum(first["by_kind"].values()) == len(whole)
    assert (first["offset"], first["limit"]) == (0, 2)
    assert first["items"] == whole[:2]
    rest = cli("followups", "due", "--json", "--within", "60", "--offset", "2").json()
    assert rest["items"] == whole[2:]
    counts = cli("followups", "due", "--json", "--within", "60", "--limit", "0").json()
    assert (counts["items"], counts["total"]) == ([], len(whole))
    text = cli("followups", "due", "--within", "60", "--limit", "1")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.strip().splitlines()
    assert lines[-1] == (f"显示第 1 至 1 条，共 {len(whole)} 条（逾期 {first['overdue']} 条）；"
                         f"用 --offset 1 查看后面的 {len(whole) - 1} 条。")  # fmt: skip
    assert len(lines) == 2
    unpaged = cli("followups", "due", "--within", "60").stdout
    assert "共" not in unpaged.strip().splitlines()[-1]


def test_a_negative_limit_is_refused_in_chinese(cli: CliRunner) -> None:
    done = cli("followups", "due", "--limit", "-3")
    assert done.returncode == 2
    assert "不是有效的条数" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_empty_page_says_so_and_points_somewhere_useful(cli: CliRunner) -> None:
    """Past the end, the count line says where the list ends; with --limit 0 (the counts alone)
    the hint asks for a limit, not for the same --offset again."""
    assert cli("demo").returncode == 0
    page = cli("followups", "due", "--json", "--within", "60", "--limit", "0").json()
    total, overdue = page["total"], page["overdue"]
    past = cli("followups", "due", "--within", "60", "--offset", "100", "--limit", "5")
    assert past.returncode == 0, past.stderr
    assert past.stdout.strip().splitlines()[-1] == (
        f"第 100 条之后没有了，共 {total} 条（逾期 {overdue} 条）。"
    )
    counts = cli("followups", "due", "--within", "60", "--limit", "0")
    line = counts.stdout.strip().splitlines()[-1]
    assert line.startswith(f"显示 0 条，共 {total} 条")
    assert "用 --limit N 查看前 N 条" in line
    assert "--offset 0" not in line
