from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from auditdesk.payroll.values import (
    CellValueError,
    find_month,
    find_period,
    parse_date,
    parse_id_number,
    parse_money,
    parse_number,
    parse_period,
    parse_text,
    whole_number,
)


def full_width(text: str) -> str:
    """ASCII → full-width forms, as Chinese input methods type digits and punctuation."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (15100.0, Decimal("15100")),
        (3503.5600000000004, Decimal("3503.56")),
        (0.1 + 0.2, Decimal("0.3")),
        (42, Decimal("42")),
        ("￥13,600.00", Decimal("13600.00")),
        ("¥1,128.5", Decimal("1128.5")),
        ("2,740元", Decimal("2740")),
        (full_width("12,345.67"), Decimal("12345.67")),
        ("(1,234.00)", Decimal("-1234.00")),
        ("（200）", Decimal("-200")),
        ("-86.4", Decimal("-86.4")),
        (" 300 ", Decimal("300")),
        ("1.2万", Decimal("12000.0")),
        ("-", Decimal("0")),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_money(raw: Any, expected: Decimal | None) -> None:
    assert parse_money(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("abc", "“abc”不是有效的金额"),
        ("12.3.4", "不是有效的金额"),
        ("#REF!", "公式错误 #REF!"),
        (date(2025, 7, 1), "是日期 2025-07-01，不是金额"),
        (True, "不是金额"),
    ],
)
def test_money_refuses_with_a_reason(raw: Any, reason: str) -> None:
    with pytest.raises(CellValueError) as info:
        parse_money(raw)
    assert reason in info.value.reason


def test_money_never_returns_float() -> None:
    value = parse_money(1234.56)
    assert isinstance(value, Decimal)
    assert str(value) == "1234.56"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (12.0, Decimal("12")),
        ("8小时", Decimal("8")),
        ("21.5天", Decimal("21.5")),
        ("4h", Decimal("4")),
    ],
)
def test_number_with_units(raw: Any, expected: Decimal) -> None:
    assert parse_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (date(2025, 7, 1), date(2025, 7, 1)),
        (datetime(2025, 7, 1, 0, 0), date(2025, 7, 1)),
        ("2025.07.01", date(2025, 7, 1)),
        ("2025/7/1", date(2025, 7, 1)),
        ("2025-7-1", date(2025, 7, 1)),
        ("20250701", date(2025, 7, 1)),
        (20250701, date(2025, 7, 1)),
        ("2025年7月1日", date(2025, 7, 1)),
        ("2025年7月1号", date(2025, 7, 1)),
        ("2025-07-01 00:00:00", date(2025, 7, 1)),
        (full_width("2025/7/1"), date(2025, 7, 1)),
        (45839, date(2025, 7, 1)),  # Excel serial number
        (45839.0, date(2025, 7, 1)),
        (45839.75, date(2025, 7, 1)),  # a date-time serial keeps its day
        ("45839", date(2025, 7, 1)),
        (1, date(1900, 1, 1)),
        (61, date(1900, 3, 1)),  # after Excel's fictitious 1900-02-29
        ("", None),
    ],
)
def test_dates_in_every_form(raw: Any, expected: date | None) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("2025-02-30", "不是存在的日期"),
        ("下月初", "不是可识别的日期"),
        (-5, "不是有效的 Excel 日期序号"),
    ],
)
def test_bad_dates(raw: Any, reason: str) -> None:
    with pytest.raises(CellValueError) as info:
        parse_date(raw)
    assert reason in info.value.reason


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-07", "2025-07"),
        ("2025.7", "2025-07"),
        ("2025/07", "2025-07"),
        ("2025年8月", "2025-08"),
        ("2025年08月份", "2025-08"),
        ("202508", "2025-08"),
        (202508, "2025-08"),
        (date(2025, 8, 1), "2025-08"),
        (45870, "2025-08"),  # 2025-08-01 as a serial number
        ("", None),
    ],
)
def test_period(raw: Any, expected: str | None) -> None:
    assert parse_period(raw) == expected


def test_period_refuses_a_month_13() -> None:
    with pytest.raises(CellValueError):
        parse_period("2025-13")


def test_period_in_free_text() -> None:
    assert find_period("上海马陆精密机械有限公司2025年7月工资表") == "2025-07"
    assert find_period("工资表_2025-08.xlsx") == "2025-08"
    assert find_period("202509工资") == "2025-09"
    assert find_period("工资表") is None
    assert find_month("8月") == 8
    assert find_month("08月工资") == 8
    assert find_month("十二月") == 12
    assert find_month("十一月") == 11
    assert find_month("汇总") is None


def test_id_numbers_stay_text() -> None:
    assert parse_id_number("31011419850315002x") == "31011419850315002X"
    assert parse_id_number("'310114199001011236") == "310114199001011236"
    assert parse_id_number(" 3101 1419 9001 0112 36 ") == "310114199001011236"
    assert parse_id_number(310114900101123) == "310114900101123"  # 15-digit first-generation ID


def test_id_number_stored_as_a_float_is_reported_not_guessed() -> None:
    with pytest.raises(CellValueError) as info:
        parse_id_number(3.10114199001011e17)
    assert "15 位有效数字" in info.value.reason


def test_text_of_numbers() -> None:
    assert parse_text(1001.0) == "1001"
    assert parse_text(" 生产部 ") == "生产部"
    assert parse_text("") is None
    assert parse_text(date(2025, 1, 2)) == "2025-01-02"


# ------------------------------------------------------------------ IDs and text from CSV exports
ID = "310115199001011232"


@pytest.mark.parametrize(
    "raw",
    [
        f'="{ID}"',  # Excel's force-text wrapper, as HR systems write CSV
        f' ="{ID}" ',
        f"\t{ID}",  # a leading tab, the other common trick
        f"\t'{ID}",
        f"'{ID}",
        f"\u2018{ID}",
        f" {ID} ",
        f"\u3000{ID}\u3000",
        full_width(ID),
        f'\uff1d"{ID}"',  # full-width equals sign
        f'\t="{ID}"',
    ],
)
def test_id_number_wrappers_are_removed(raw: str) -> None:
    assert parse_id_number(raw) == ID


@pytest.mark.parametrize(
    "raw",
    [
        "3.10115E+17",
        "3.10115199001011E+17",
        "3.10115E17",
        "3.10115e+17",
        "3.10115199001011e17",
        " 3.10115E+17 ",
        '="3.10115E+17"',
        full_width("3.10115E+17"),
        "3E+17",
    ],
)
def test_id_number_in_scientific_notation_text_is_reported(raw: str) -> None:
    with pytest.raises(CellValueError) as info:
        parse_id_number(raw)
    assert info.value.reason == (
        "身份证号被 Excel 改成了科学计数法，后几位已丢失，无法还原；"
        "请在 Excel 中把该列设为文本后重新导出"
    )


def test_id_number_messages_for_text_and_number_agree() -> None:
    reasons = []
    for raw in ("3.10115E+17", 3.10115199001011e17, 310115199001011232):
        with pytest.raises(CellValueError) as info:
            parse_id_number(raw)
        reasons.append(info.value.reason)
    assert all("后几位已丢失，无法还原；请在 Excel 中把该列设为文本后" in r for r in reasons)


def test_passport_numbers_are_not_scientific_notation() -> None:
    assert parse_id_number("E12345678") == "E12345678"
    assert parse_id_number("G1234567E") == "G1234567E"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('="00123"', "00123"),
        (' ="00123" ', "00123"),
        ('="he said ""hi"""', 'he said "hi"'),
        ('=""', None),
        ("\tE0012", "E0012"),
        ("=A1+B1", "=A1+B1"),  # not the wrapper: kept as written
        ('="00123"&"4"', '="00123"&"4"'),
        ('=00123"', '=00123"'),
        ("=", "="),
    ],
)
def test_text_unwraps_only_the_force_text_wrapper(raw: str, expected: str | None) -> None:
    assert parse_text(raw) == expected


def test_wrapped_amounts_and_dates() -> None:
    assert parse_money('="6,000.00"') == Decimal("6000.00")
    assert parse_date('="2025-07-15"') == date(2025, 7, 15)


# ------------------------------------------------------------------ dates with a time of day
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (45853.5, date(2025, 7, 15)),
        (45853.999988, date(2025, 7, 15)),
        (45853.0001, date(2025, 7, 15)),
        ("45853.5", date(2025, 7, 15)),
        (datetime(2025, 7, 15, 13, 45), date(2025, 7, 15)),
        (datetime(2025, 7, 15, 23, 59, 59, 999999), date(2025, 7, 15)),
        ("2025/7/15 13:45", date(2025, 7, 15)),
        ("2025-07-15 08:00:00", date(2025, 7, 15)),
        ("2025-07-15T08:00:00", date(2025, 7, 15)),
        ("2025-07-15T08:00:00+08:00", date(2025, 7, 15)),
        ("2025-07-15 08:00:00.000", date(2025, 7, 15)),
        ("2025/7/15 1:45 PM", date(2025, 7, 15)),
        ("2025年7月15日 13:45", date(2025, 7, 15)),
        ("2025年7月15日 下午1:45", date(2025, 7, 15)),
        ("2025年7月15日13时45分", date(2025, 7, 15)),
        ("20250715 08:00", date(2025, 7, 15)),
        (full_width("2025/7/15 13:45"), date(2025, 7, 15)),
    ],
)
def test_dates_with_a_time_of_day_are_the_day(raw: Any, expected: date) -> None:
    assert parse_date(raw) == expected


def test_excel_serial_with_a_fraction() -> None:
    from auditdesk.payroll.values import excel_serial_to_date

    assert excel_serial_to_date(45853.5) == date(2025, 7, 15)
    assert excel_serial_to_date(45853) == date(2025, 7, 15)
    assert parse_period(45853.5) == "2025-07"


@pytest.mark.parametrize("raw", ["2025/7/15 25:99:99x", "2025-07-15 下月", "2025.7"])
def test_not_dates_even_with_a_time(raw: str) -> None:
    with pytest.raises(CellValueError):
        parse_date(raw)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [(3, 3), (3.0, 3), (-2.0, -2), (3.5, None), (True, None), (False, None), ("3", None),
     (None, None), (date(2025, 7, 1), None)],
)  # fmt: skip
def test_whole_number_takes_numbers_without_a_fraction_and_never_a_boolean(
    cell: object, expected: int | None
) -> None:
    assert whole_number(cell) == expected
