from __future__ import annotations

import json
from decimal import Decimal

import pytest

from auditdesk.models.payroll import (
    PAYROLL_ROW_FIELDS,
    ColumnInfo,
    ColumnMapping,
    FieldKind,
    MappingSource,
    PayrollField,
    SheetReport,
)
from auditdesk.payroll.mapping import (
    GUESS_THRESHOLD,
    SYNONYMS,
    Exclusion,
    choose_fields,
    exclusion,
    is_known_header,
    looks_like_money_header,
    looks_like_rate,
    normalize_header,
    suggest,
    unmapped_money_columns,
)

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
    s = suggest(("本月应发工资总计",))
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


# --- headers that are not this month's amount -------------------------------------------------


def _fields(headers: list[str] | list[tuple[str, ...]]) -> dict[str, PayrollField | None]:
    rows = [(i, h if isinstance(h, tuple) else (h,), False) for i, h in enumerate(headers)]
    choices = choose_fields(rows)
    return {"/".join(p for p in parts if p): choices[i].field for i, parts, _ in rows}


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("累计应发工资", Exclusion.CUMULATIVE),
        ("本年累计实发", Exclusion.CUMULATIVE),
        ("以前月累计应发合计", Exclusion.CUMULATIVE),
        ("上月累计个税", Exclusion.CUMULATIVE),
        ("累计个人所得税", Exclusion.CUMULATIVE),
        ("上月实发工资", Exclusion.PRIOR_PERIOD),
        ("已缴税额", Exclusion.PRIOR_PERIOD),
        ("养老保险个人费率", Exclusion.RATE),
        ("公积金缴存比例", Exclusion.RATE),
        ("个人缴费比率", Exclusion.RATE),
        ("养老缴费率", Exclusion.RATE),
        ("养老保险(%)", Exclusion.RATE),
        ("个人所得税计税基数", Exclusion.TAX_BASE),
        ("应纳税所得额", Exclusion.TAX_BASE),
        ("应税工资", Exclusion.TAX_BASE),
        ("免税收入", Exclusion.TAX_BASE),
        ("专项附加扣除", Exclusion.TAX_BASE),
        ("减除费用", Exclusion.TAX_BASE),
        ("公积金缴费基数", Exclusion.CONTRIBUTION_BASE),
        ("养老保险(单位)", Exclusion.EMPLOYER),
        ("公司缴纳公积金", Exclusion.EMPLOYER),
        ("企业承担医疗", Exclusion.EMPLOYER),
        ("单位养老", Exclusion.EMPLOYER),
        ("应扣合计", Exclusion.DEDUCTION_TOTAL),
        ("应扣部分", Exclusion.DEDUCTION_TOTAL),
        ("应缴合计", Exclusion.DEDUCTION_TOTAL),
        ("扣款合计", Exclusion.DEDUCTION_TOTAL),
        ("个人扣款小计", Exclusion.DEDUCTION_TOTAL),
    ],
)
def test_headers_that_are_not_a_monthly_amount_are_classified(header: str, kind: Exclusion) -> None:
    assert exclusion(header) is kind
    s = suggest((header,))
    assert s.field is None, s
    if s.candidate is not None:
        assert s.excluded is kind


@pytest.mark.parametrize(
    "header",
    ["应发工资", "养老保险个人缴费", "本月代扣个人所得税", "本月应扣缴额", "本期应扣缴税额", "养老8%",
     "个人养老8%", "扣款", "代扣社保", "社保缴费基数", "发放月份", "单位：元", "代扣代缴个税"],
)  # fmt: skip
def test_ordinary_monthly_headers_are_not_excluded(header: str) -> None:
    assert exclusion(header, suggest((header,)).field) is None


def test_the_tax_period_is_not_the_pay_month() -> None:
    for header in ("税款所属月份", "税款所属期"):
        s = suggest((header,))
        assert (s.field, s.candidate, s.excluded) == (None, F.PERIOD, Exclusion.TAX_PERIOD)
    assert exclusion("税款所属期") is None  # not an amount question
    assert exclusion("税款所属期", F.PERIOD) is Exclusion.TAX_PERIOD


def test_employer_or_employee_is_decided_by_the_most_specific_part() -> None:
    group = "应扣部分（单位/个人承担社会保险）"
    assert suggest((group, "养老保险", "个人8%")).field is F.PENSION_EMPLOYEE
    employer = suggest((group, "养老保险", "单位16%"))
    assert (employer.field, employer.candidate) == (None, F.PENSION_EMPLOYEE)
    assert employer.excluded is Exclusion.EMPLOYER
    assert suggest(("单位缴纳", "养老保险")).field is None
    assert suggest(("个人缴纳", "医疗保险")).field is F.MEDICAL_EMPLOYEE
    assert suggest(("单位代扣个税",)).field is F.INCOME_TAX  # both sides named: not excluded


def test_field_case_01_three_row_header() -> None:
    group = "应扣部分（单位/个人承担社会保险）"
    fields = _fields(
        [("序号",), ("姓名",), ("应发工资", "基本工资"), ("应发工资", "岗位工资"),
         ("应发工资", "绩效奖金"), ("应发工资", "小计"), (group, "养老保险", "单位16%"),
         (group, "养老保险", "个人8%"), (group, "医疗保险", "单位9%"),
         (group, "医疗保险", "个人2%"), ("实发金额",)]
    )  # fmt: skip
    assert list(fields.values()) == [
        None, F.NAME, F.BASE_PAY, F.POSITION_PAY, F.BONUS, F.GROSS_PAY,
        None, F.PENSION_EMPLOYEE, None, F.MEDICAL_EMPLOYEE, F.NET_PAY,
    ]  # fmt: skip


def test_a_total_under_an_insurance_group_is_not_the_employee_share() -> None:
    s = suggest(("养老保险", "合计"))
    assert s.source is not MappingSource.SYNONYM  # may add up both shares: at most a guess
    assert suggest(("个人缴纳养老保险", "合计")).field is F.PENSION_EMPLOYEE


# --- the better-named column wins, and the loser says why -------------------------------------

CASE_04 = ["工号", "姓名", "基本工资", "应发工资", "累计应发工资", "养老保险个人费率", "养老保险个人缴费",
           "个人所得税计税基数", "累计个人所得税", "本月代扣个人所得税", "实发工资"]  # fmt: skip


def test_field_case_04_cumulative_rate_and_tax_base_columns() -> None:
    choices = choose_fields([(i, (h,), False) for i, h in enumerate(CASE_04)])
    by_header = {CASE_04[i]: c for i, c in choices.items()}
    assert by_header["应发工资"].field is F.GROSS_PAY
    assert by_header["养老保险个人缴费"].field is F.PENSION_EMPLOYEE
    assert by_header["本月代扣个人所得税"].field is F.INCOME_TAX
    assert by_header["实发工资"].field is F.NET_PAY
    for header, note in [
        ("累计应发工资", "累计数，不是本月金额"),
        ("养老保险个人费率", "费率/比例，不是金额"),
        ("个人所得税计税基数", "计税基数/应纳税所得额，不是工资或扣缴税额"),
        ("累计个人所得税", "累计数，不是本月金额"),
    ]:
        choice = by_header[header]
        assert (choice.field, choice.source, choice.note) == (None, MappingSource.NONE, note)
        assert choice.candidate is not None


CASE_06 = ["姓名", "身份证号", "基本工资", "税前工资", "养老8%", "医疗2%", "失业0.5%", "公积金7%",
           "社保个人部分扣款", "本月应扣缴额", "员工实得", "发放月份"]  # fmt: skip


def test_field_case_06_synonym_gaps() -> None:
    assert list(_fields(CASE_06).values()) == [
        F.NAME, F.ID_NUMBER, F.BASE_PAY, F.GROSS_PAY, F.PENSION_EMPLOYEE, F.MEDICAL_EMPLOYEE,
        F.UNEMPLOYMENT_EMPLOYEE, F.HOUSING_FUND_EMPLOYEE, F.SI_EMPLOYEE_TOTAL, F.INCOME_TAX,
        F.NET_PAY, F.PERIOD,
    ]  # fmt: skip
    for header in CASE_06:
        assert suggest((header,)).source is MappingSource.SYNONYM, header


def test_field_case_07_combined_si_and_housing_fund() -> None:
    fields = _fields(["姓名", "基本工资", "请假扣款", "加班费", "福利补贴", "五险一金", "应发工资",
                      "个人缴税", "实发工资"])  # fmt: skip
    assert fields["五险一金"] is F.SI_HF_EMPLOYEE_TOTAL
    assert fields["个人缴税"] is F.INCOME_TAX
    # pay not paid for days not worked: its own field, never capped at 20 % (issue 14)
    assert fields["请假扣款"] is F.ABSENCE_DEDUCTIONS
    assert fields["福利补贴"] is None


def test_tax_client_export() -> None:
    headers = ["工号", "姓名", "证件号码", "本期收入", "本期免税收入", "基本养老保险费", "基本医疗保险费",
               "失业保险费", "住房公积金", "累计收入额", "累计减除费用", "累计专项扣除",
               "累计子女教育", "累计应纳税所得额", "税率", "速算扣除数", "累计应纳税额",
               "累计应扣缴税额", "已缴税额", "本期应扣缴税额"]  # fmt: skip
    fields = _fields(headers)
    assert fields["本期收入"] is F.GROSS_PAY
    assert fields["基本养老保险费"] is F.PENSION_EMPLOYEE
    assert fields["基本医疗保险费"] is F.MEDICAL_EMPLOYEE
    assert fields["失业保险费"] is F.UNEMPLOYMENT_EMPLOYEE
    assert fields["住房公积金"] is F.HOUSING_FUND_EMPLOYEE
    assert fields["本期应扣缴税额"] is F.INCOME_TAX
    mapped = {h for h, f in fields.items() if f is not None}
    assert mapped == {"工号", "姓名", "证件号码", "本期收入", "基本养老保险费", "基本医疗保险费",
                      "失业保险费", "住房公积金", "本期应扣缴税额"}  # fmt: skip


def test_outsourcing_export_cumulative_columns_come_first() -> None:
    headers = ["员工工号", "姓名", "以前月累计应发合计", "本月应发合计", "累计实发工资", "本月实发",
               "上月累计个税", "本月个税"]  # fmt: skip
    choices = choose_fields([(i, (h,), False) for i, h in enumerate(headers)])
    assert [c.field for c in choices.values()] == [
        F.EMPLOYEE_ID,
        F.NAME,
        None,
        F.GROSS_PAY,
        None,
        F.NET_PAY,
        None,
        F.INCOME_TAX,
    ]
    assert choices[2].note == "累计数，不是本月金额"
    assert choices[2].candidate is F.GROSS_PAY


def test_the_better_name_wins_wherever_it_stands_and_the_loser_says_why() -> None:
    choices = choose_fields(
        [(0, ("姓名",), False), (1, ("本月应发工资总计",), False), (2, ("累计应发工资",), False),
         (3, ("应发工资",), True)]
    )  # fmt: skip
    assert choices[3].field is F.GROSS_PAY  # exact, though right-most and hidden
    assert choices[1].field is None
    assert choices[1].note == "与 D 列“应发工资”竞争“应发工资”，未采用"
    assert choices[1].candidate is F.GROSS_PAY
    assert choices[2].note == "累计数，不是本月金额"


def test_equal_matches_prefer_the_name_that_covers_more_of_the_header() -> None:
    choices = choose_fields(
        [(0, ("养老保险个人缴纳金额明细",), False), (1, ("养老保险个人缴纳金额",), False)]
    )
    assert choices[1].field is F.PENSION_EMPLOYEE
    assert "B 列" in choices[0].note


def test_a_profile_may_still_map_an_excluded_column_and_is_told_so() -> None:
    profile = ColumnMapping(columns={normalize_header("累计应发工资"): F.GROSS_PAY})
    choices = choose_fields([(0, ("累计应发工资",), False)], profile=profile)
    assert (choices[0].field, choices[0].source) == (F.GROSS_PAY, MappingSource.PROFILE)
    assert choices[0].note == "累计数，不是本月金额；按企业档案映射"


def test_two_mapped_headers_for_one_field_the_loser_says_which_won() -> None:
    user = ColumnMapping(columns={"甲": F.BONUS, "乙": F.BONUS})
    choices = choose_fields([(0, ("甲",), False), (1, ("乙",), False)], user=user)
    assert choices[0].field is F.BONUS
    assert (choices[1].field, choices[1].candidate) == (None, F.BONUS)
    assert choices[1].note.startswith("与 A 列“甲”竞争")


# --- new synonyms -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("养老8%", F.PENSION_EMPLOYEE), ("医疗2%", F.MEDICAL_EMPLOYEE),
        ("失业0.5%", F.UNEMPLOYMENT_EMPLOYEE), ("公积金7%", F.HOUSING_FUND_EMPLOYEE),
        ("公积金12%", F.HOUSING_FUND_EMPLOYEE), ("养老保险(8%)", F.PENSION_EMPLOYEE),
        ("养老保险（8%）", F.PENSION_EMPLOYEE), ("个人养老8%", F.PENSION_EMPLOYEE),
        ("养老个人8%", F.PENSION_EMPLOYEE), ("养老保险个人缴纳", F.PENSION_EMPLOYEE),
        ("代扣医保", F.MEDICAL_EMPLOYEE), ("个人住房公积金", F.HOUSING_FUND_EMPLOYEE),
        ("本月个税", F.INCOME_TAX), ("本月应扣缴额", F.INCOME_TAX),
        ("本期应扣缴税额", F.INCOME_TAX), ("个人缴税", F.INCOME_TAX),
        ("代扣代缴个税", F.INCOME_TAX), ("本月代扣个人所得税", F.INCOME_TAX),
        ("实得", F.NET_PAY), ("实领", F.NET_PAY), ("员工实得", F.NET_PAY),
        ("实发数额", F.NET_PAY), ("实领工资", F.NET_PAY), ("银行代发", F.NET_PAY),
        ("本月实发", F.NET_PAY),
        ("发放月份", F.PERIOD), ("薪资期间", F.PERIOD), ("薪资所属月份", F.PERIOD),
        ("工资所属月份", F.PERIOD),
        ("税前工资", F.GROSS_PAY), ("本月应发合计", F.GROSS_PAY), ("本期收入", F.GROSS_PAY),
        ("社保个人合计", F.SI_EMPLOYEE_TOTAL), ("个人社保合计", F.SI_EMPLOYEE_TOTAL),
        ("社保个人部分", F.SI_EMPLOYEE_TOTAL), ("社保个人部分扣款", F.SI_EMPLOYEE_TOTAL),
        ("个人社保", F.SI_EMPLOYEE_TOTAL), ("社保扣款", F.SI_EMPLOYEE_TOTAL),
        ("代扣社保", F.SI_EMPLOYEE_TOTAL), ("社会保险个人合计", F.SI_EMPLOYEE_TOTAL),
        ("社保(个人)", F.SI_EMPLOYEE_TOTAL),
        ("五险一金", F.SI_HF_EMPLOYEE_TOTAL), ("五险一金个人", F.SI_HF_EMPLOYEE_TOTAL),
        ("个人五险一金", F.SI_HF_EMPLOYEE_TOTAL), ("社保+公积金", F.SI_HF_EMPLOYEE_TOTAL),
    ],
)  # fmt: skip
def test_common_wordings_are_synonyms(header: str, field: PayrollField) -> None:
    s = suggest((header,))
    assert (s.field, s.source) == (field, MappingSource.SYNONYM), s
    assert s.confidence == 1.0


def test_rate_suffix_is_ignored_for_matching_but_not_for_mapping_keys() -> None:
    assert is_known_header("养老8%")
    assert normalize_header("养老8%") == "养老8"  # saved mappings keep their keys
    assert suggest(("养老保险个人费率",)).field is None  # a rate stays a rate


def test_the_sub_label_under_a_total_group_is_the_group_field() -> None:
    s = suggest(("应发工资", "小计"))
    assert (s.field, s.source) == (F.GROSS_PAY, MappingSource.SYNONYM)
    assert suggest(("社会保险", "个人合计")).field is F.SI_EMPLOYEE_TOTAL


def test_new_fields_are_money_and_on_the_row() -> None:
    for field in (F.SI_EMPLOYEE_TOTAL, F.SI_HF_EMPLOYEE_TOTAL):
        assert field.kind is FieldKind.MONEY
        assert field.value in PAYROLL_ROW_FIELDS
    assert F.SI_EMPLOYEE_TOTAL.label == "社保个人合计"
    assert F.SI_HF_EMPLOYEE_TOTAL.label == "五险一金个人合计"


# --- source and confidence --------------------------------------------------------------------


def test_exact_synonyms_and_guesses_are_told_apart() -> None:
    exact = suggest(("应发工资",))
    assert (exact.source, exact.confidence) == (MappingSource.SYNONYM, 1.0)
    guess = suggest(("本月应发工资总计",))
    assert guess.source is MappingSource.GUESS
    assert 0.75 <= guess.confidence < 1.0
    assert suggest(("备用列",)).source is MappingSource.NONE
    choices = choose_fields([(0, ("本月应发工资总计",), False), (1, ("姓名",), False)])
    assert (choices[0].source, choices[1].source) == (MappingSource.GUESS, MappingSource.SYNONYM)


def test_mapping_sources_have_chinese_labels() -> None:
    assert [s.label for s in MappingSource] == ["同义词", "推测", "企业档案", "用户指定", "未映射"]


def _column(**kw: object) -> ColumnInfo:
    return ColumnInfo.model_validate({"index": 0, "column": "A", "header": "应发", **kw})


def test_guesses_below_the_threshold_need_confirmation() -> None:
    assert GUESS_THRESHOLD == 0.9
    assert _column(field="gross_pay", source="guess", confidence=0.85).needs_confirmation
    assert not _column(field="gross_pay", source="guess", confidence=0.92).needs_confirmation
    assert not _column(field="gross_pay", source="synonym", confidence=1.0).needs_confirmation
    assert not _column(field="gross_pay", source="user", confidence=1.0).needs_confirmation
    assert not _column(field=None, source="none", confidence=0.5).needs_confirmation


def test_stored_reports_with_source_auto_still_load() -> None:
    old = {"index": 0, "column": "A", "header": "工号", "field": "employee_id",
           "confidence": 1.0, "hidden": False, "source": "auto"}  # fmt: skip
    assert ColumnInfo.model_validate(old).source is MappingSource.SYNONYM
    fuzzy = {**old, "confidence": 0.85}
    assert ColumnInfo.model_validate(fuzzy).source is MappingSource.GUESS
    sheet = SheetReport.model_validate_json(json.dumps({"name": "工资", "columns": [old]}))
    assert sheet.columns[0].source is MappingSource.SYNONYM
    assert sheet.columns[0].note == ""
    again = SheetReport.model_validate_json(sheet.model_dump_json())
    assert again == sheet


# --- helpers for the importer ---------------------------------------------------------------


def test_looks_like_rate() -> None:
    assert looks_like_rate([0.08, 0.08, None, 0.08])
    assert looks_like_rate([Decimal("0.005"), Decimal("0"), Decimal("0.005")])
    assert not looks_like_rate([720.0, 640.0, 0.08])
    assert not looks_like_rate([None, 0, 0])
    assert not looks_like_rate([1.0, 1.0])  # 100 %: not told from one yuan
    assert not looks_like_rate([])


def test_money_looking_columns_left_out() -> None:
    headers = ["姓名", "基本工资", "请假扣款", "福利补贴", "节日补助", "备注", "出勤天数", "累计应发工资",
               "应发工资", "加班时数"]  # fmt: skip
    choices = choose_fields([(i, (h,), False) for i, h in enumerate(headers)])
    columns = [
        ColumnInfo(index=i, column=chr(65 + i), header=h, field=choices[i].field,
                   source=choices[i].source, note=choices[i].note)
        for i, h in enumerate(headers)
    ]  # fmt: skip
    assert [c.header for c in unmapped_money_columns(columns)] == ["福利补贴", "节日补助"]
    assert looks_like_money_header("误餐费")
    assert not looks_like_money_header("加班小时")
    assert not looks_like_money_header("缴费比例")
