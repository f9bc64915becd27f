from __future__ import annotations

import pytest

from auditdesk.models.payroll import ColumnMapping, PayrollField
from auditdesk.payroll.mapping import SYNONYMS, choose_fields, normalize_header, suggest

F = PayrollField


def test_every_field_has_several_synonyms() -> None:
    assert set(SYNONYMS) == set(PayrollField)
    for field, names in SYNONYMS.items():
        assert len(names) >= 3, field


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("工号", F.EMPLOYEE_ID),
        ("员工编号", F.EMPLOYEE_ID),
        ("职工编号", F.EMPLOYEE_ID),
        ("人员编码", F.EMPLOYEE_ID),
        ("应发工资", F.GROSS_PAY),
        ("应发合计", F.GROSS_PAY),
        ("应付工资", F.GROSS_PAY),
        ("税前工资", F.GROSS_PAY),
        ("应发工资（元）", F.GROSS_PAY),
        ("实发合计", F.NET_PAY),
        ("身份证号码", F.ID_NUMBER),
        ("平时加班(h)", F.OT_HOURS_WORKDAY),
        ("周末加班（小时）", F.OT_HOURS_RESTDAY),
        ("加班工资", F.OT_PAY),
        ("代扣个税", F.INCOME_TAX),
        ("工资月份", F.PERIOD),
        ("个人公积金", F.HOUSING_FUND_EMPLOYEE),
    ],
)
def test_synonyms_map_exactly(header: str, field: PayrollField) -> None:
    s = suggest((header,))
    assert s.field is field
    assert s.confidence == 1.0


def test_fuzzy_names_get_a_lower_confidence() -> None:
    s = suggest(("本月应发工资合计",))
    assert s.field is F.GROSS_PAY
    assert 0.75 <= s.confidence < 1.0


def test_employer_share_is_not_the_employee_deduction() -> None:
    assert suggest(("养老保险(单位)",)).field is None
    assert suggest(("公司缴纳公积金",)).field is None


def test_overtime_pay_is_not_overtime_hours() -> None:
    assert suggest(("工作日加班费",)).field is not F.OT_HOURS_WORKDAY
    assert suggest(("加班时数",)).field is not F.OT_PAY


def test_unknown_header_is_left_unmapped() -> None:
    s = suggest(("备用列",))
    assert s.field is None


def test_two_row_header_prefers_the_sub_label() -> None:
    assert suggest(("个人缴纳", "养老保险")).field is F.PENSION_EMPLOYEE
    assert suggest(("加班时数", "休息日加班")).field is F.OT_HOURS_RESTDAY


def test_normalize_header_drops_units_punctuation_and_width() -> None:
    assert normalize_header(" 工作日加班（小时） ") == "工作日加班"
    assert normalize_header("基本工资(元)") == "基本工资"
    assert normalize_header("养老保险(个人)") == "养老保险个人"
    assert normalize_header("\uff21\uff22\uff23") == "abc"  # full-width ABC


def test_each_field_goes_to_one_column_visible_before_hidden() -> None:
    choices = choose_fields(
        [(0, ("工号",), False), (1, ("身份证号",), True), (2, ("身份证号码",), False)]
    )
    assert choices[0].field is F.EMPLOYEE_ID
    assert choices[2].field is F.ID_NUMBER  # the visible one
    assert choices[1].field is None


def test_user_mapping_beats_profile_beats_suggestion() -> None:
    user = ColumnMapping(columns={"津贴a": F.MEAL_ALLOWANCE, "应发工资": None})
    profile = ColumnMapping(columns={"津贴a": F.TRANSPORT_ALLOWANCE, "税前合计": F.GROSS_PAY})
    choices = choose_fields(
        [(0, ("津贴A",), False), (1, ("应发工资",), False), (2, ("税前合计",), False)],
        user=user,
        profile=profile,
    )
    assert (choices[0].field, choices[0].source) == (F.MEAL_ALLOWANCE, "user")
    assert (choices[1].field, choices[1].source) == (None, "user")
    assert (choices[2].field, choices[2].source) == (F.GROSS_PAY, "profile")


def test_a_mapping_may_name_just_the_sub_label_of_a_grouped_column() -> None:
    user = ColumnMapping(columns={normalize_header("甲"): F.BONUS})
    choices = choose_fields([(0, ("奖励", "甲"), False)], user=user)
    assert choices[0].field is F.BONUS
