"""Map source column headers onto canonical payroll fields: synonyms, fuzzy match, saved profiles.

A header is first classified (``exclusion``): year-to-date totals, rates, tax bases, the
employer's share, deduction totals and the tax period never become a monthly field on their
own, whatever they resemble. What is left is matched against the synonyms (``suggest``), and
``choose_fields`` gives each field to the best-named column, saying why the others were left out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from difflib import SequenceMatcher

from auditdesk.models.common import LabeledEnum, labels
from auditdesk.models.payroll import (
    GUESS_THRESHOLD,
    ColumnInfo,
    ColumnMapping,
    FieldKind,
    MappingSource,
    PayrollField,
)

__all__ = [
    "GUESS_THRESHOLD",
    "HEADER_WORDS",
    "SYNONYMS",
    "ColumnChoice",
    "Exclusion",
    "MappingSource",
    "Suggestion",
    "choose_fields",
    "exclusion",
    "header_key",
    "is_known_header",
    "is_overtime_part",
    "looks_like_money_header",
    "looks_like_rate",
    "lost_tie",
    "merge_profile",
    "name_quality",
    "names_grand_total",
    "normalize_header",
    "suggest",
    "unmapped_money_columns",
]

F = PayrollField


_GENERATED: set[str] = set()
"""Wordings ``_employee_forms`` adds; matched exactly or by containment, not by edit similarity
(2,000 names would make the similarity search slow, and their stems are compared anyway)."""


def _employee_forms(*stems: str) -> tuple[str, ...]:
    """An employee contribution named by its stem, bare or with the usual 个人/代扣 wordings."""
    before = (
        "个人",
        "个人缴纳",
        "个人缴",
        "个人部分",
        "员工",
        "职工",
        "代扣",
        "代缴",
        "扣",
        "应扣",
        "应缴",
    )
    after = ("个人", "个人缴纳", "个人缴费", "个人缴存", "个人部分", "个人承担", "个人扣款",
             "个人金额", "个人合计", "个人小计", "个人应缴", "个人缴纳部分", "个人缴纳额",
             "个人缴费额", "个人部分扣款", "个人扣除", "扣款", "代扣", "代扣款", "员工",
             "员工缴纳", "职工")  # fmt: skip
    forms: list[str] = []
    for stem in stems:
        forms.append(stem)
        forms += [b + stem for b in before]
        forms += [stem + a for a in after]
        forms += [
            b + stem + a for b in ("个人", "员工", "职工") for a in ("合计", "小计", "扣款", "金额")
        ]
    plain = {*stems, *(stem + "个人" for stem in stems), *("个人" + stem for stem in stems)}
    _GENERATED.update(f for f in forms if f not in plain)
    return tuple(dict.fromkeys(forms))


OVERTIME_KINDS = ("工作日", "平时", "平日", "延时", "延长", "休息日", "周末", "双休", "双休日",
                  "公休日", "周六", "周日", "周六日", "节假日", "法定节假日", "法定假日", "法定节日",
                  "法定假", "法定", "国定假", "国定假日", "节日")  # fmt: skip
"""The kinds of overtime a payroll pays in columns of their own (工作日加班费, 双休加班费…)."""


OVERTIME_RATES = ("1.5倍", "2倍", "3倍")
"""Overtime named by its rate of pay (1.5倍加班, 加班/2倍)."""


def _overtime_kinds() -> tuple[str, ...]:
    """工作日加班费, 双休加班工资…: one kind of overtime's pay, added into the overtime pay with
    the other kinds' columns (``is_overtime_part``)."""
    kinds = (*OVERTIME_KINDS, *OVERTIME_RATES)
    forms = tuple(k + s for k in kinds for s in ("加班费", "加班工资"))
    forms += tuple(s + k for k in kinds for s in ("加班费", "加班工资"))  # 加班费(1.5倍)
    _GENERATED.update(forms)
    return forms


_OVERTIME_HOUR_KINDS = {
    F.OT_HOURS_WORKDAY: ("工作日", "平时", "平日", "延时", "延长", "1.5倍"),
    F.OT_HOURS_RESTDAY: ("休息日", "周末", "双休", "双休日", "公休日", "周六", "周日", "周六日", "2倍"),
    F.OT_HOURS_HOLIDAY: ("节假日", "法定节假日", "法定假日", "法定节日", "法定假", "法定", "国定假",
                         "国定假日", "节日", "3倍"),
}  # fmt: skip
"""Each kind of overtime (``OVERTIME_KINDS``) and rate (``OVERTIME_RATES``: 1.5 times is the
workday's, 2 times the rest day's, 3 times the holiday's, 劳动法第四十四条) by its hours field."""
assert {k for kinds in _OVERTIME_HOUR_KINDS.values() for k in kinds} == {
    *OVERTIME_KINDS,
    *OVERTIME_RATES,
}


def _overtime_hours(field: PayrollField) -> tuple[str, ...]:
    """法定加班, 双休加班天数, 平日加班时长…: one kind of overtime's hours (or days), for every
    wording of the kind that its pay columns are recognised by."""
    suffixes = ("", "天数", "时数", "小时", "时长", "工时")
    kinds = _OVERTIME_HOUR_KINDS[field]
    forms = tuple(k + "加班" + s for k in kinds for s in suffixes)
    forms += tuple("加班" + k + s for k in kinds if k in OVERTIME_RATES for s in suffixes)
    _GENERATED.update(forms)
    return forms


_KIND_PATTERN = (
    "(" + "|".join(sorted(OVERTIME_KINDS, key=len, reverse=True)) + r"|\d(\.\d)?倍|[123]\d\d%)"
)
_OVERTIME_PART = re.compile(
    _KIND_PATTERN + r"(加班|加点)" + r"|(加班|加点)(费|工资|津贴)?[(\[]?" + _KIND_PATTERN
)


_AMOUNT_UNIT = re.compile(r"\((元|金额|人民币|人民币元)\)")
"""A header's note that its cells are amounts (``双休(元)``), after NFKC."""


def is_overtime_part(header: str) -> bool:
    """Whether a column's header names the pay of one kind of overtime (``工作日加班费``,
    ``双休加班工资``, ``1.5倍加班费``), one of several columns that together are the overtime
    pay; not a total (``加班费合计``). A grouped header (``加班费/平时``) is read as the sub-label
    before its groups (平时加班费); a note of the unit (``双休(元)``) is left out."""
    parts = [re.sub(r"\s+", "", unicodedata.normalize("NFKC", p)) for p in header.split("/")]
    measure = measure_of(parts[-1]) if parts else None
    if measure is not None and measure[1] != "money":
        return False  # 平时加班 / 小时: hours, not pay
    if measure is not None and not measure[0] and len(parts) > 1:
        parts = parts[:-1]  # 平时加班 / 金额: the group's pay
    parts = [p for p in (_AMOUNT_UNIT.sub("", p) for p in parts) if p]
    if not parts or re.search(r"合计|小计|总计|总额", parts[-1]):
        return False
    return any(_OVERTIME_PART.search(parts[-1] + "".join(parts[i:-1])) for i in range(len(parts)))


_LOST_TIE = re.compile(r"^与 ([A-Z]+) 列“.*”竞争“")


def lost_tie(note: str) -> bool:
    """Whether a column's note says it lost its field to another column (``choose_fields``)."""
    return _LOST_TIE.match(note) is not None


SYNONYMS: dict[PayrollField, tuple[str, ...]] = {
    F.EMPLOYEE_ID: ("工号", "员工编号", "职工编号", "人员编码", "人员编号", "员工号", "员工工号",
                    "工作证号", "职员编号", "编号", "员工代码", "人员代码", "员工id", "职工号",
                    "emp_id", "employee_id", "employee id", "emp id", "employee no", "staff id",
                    "staff no"),
    F.NAME: ("姓名", "员工姓名", "职工姓名", "人员姓名", "名字", "员工名称", "纳税人姓名", "name", "employee name",
           "full name"),
    F.DEPARTMENT: ("部门", "所属部门", "部门名称", "车间", "班组", "科室", "部门/车间",
                   "所在部门", "成本中心", "department", "dept"),
    F.ID_NUMBER: ("身份证号", "身份证号码", "身份证", "证件号码", "证件号", "居民身份证号码",
                  "公民身份号码", "身份证件号码", "身份证件号", "id_number", "id no", "id number",
                  "id card", "id card no", "id card number", "identity card no",
                  "identity card number", "national id", "national id no"),
    F.HIRE_DATE: ("入职日期", "入职时间", "进厂日期", "到岗日期", "入司日期", "参加工作日期",
                  "入职日", "任职受雇从业日期", "受雇日期", "hire_date", "date of joining",
                  "joining date", "join date"),
    F.CONTRACT_SIGNED_DATE: ("合同签订日期", "劳动合同签订日期", "签订合同日期", "合同签订时间",
                             "签约日期", "合同日期", "合同签订日", "contract signed date", "contract signing date"),
    F.SCHEDULED_DAYS: ("应出勤天数", "应出勤", "应出勤日", "应勤天数", "计薪天数", "应到天数",
                       "标准出勤天数", "满勤天数", "应出勤日数"),
    F.ATTENDED_DAYS: ("实际出勤天数", "实出勤天数", "出勤天数", "实际出勤", "实出勤", "出勤",
                      "实到天数", "出勤日数", "实际出勤日数", "出勤日", "实际出勤日",
                      "attendance days", "days worked", "days attended"),
    F.BASE_PAY: ("基本工资", "底薪", "基础工资", "基本薪资", "基薪", "月基本工资", "基本工资标准",
                 "标准工资", "基本薪酬", "基础薪资", "基本月薪", "固定工资", "basic salary",
                 "base salary", "basic pay", "base pay", "basic wage"),
    F.POSITION_PAY: ("岗位工资", "职务工资", "岗位津贴", "职位工资", "技能工资", "岗位薪资",
                     "岗位补贴", "职级工资"),
    F.BONUS: ("绩效奖金", "奖金", "绩效工资", "绩效", "月度奖金", "考核工资", "提成", "绩效奖",
              "业绩提成", "销售提成", "绩效薪资", "提成奖金", "bonus", "performance bonus", "commission"),
    F.OT_HOURS_WORKDAY: ("工作日加班天数", "平时加班天数", "延时加班天数", "工作日加班", "平时加班",
                         "延时加班", "工作日加班时数", "平时加班时数",
                         "平时加班小时", "延长工作时间", "工作日延时加班", "平日加班",
                         "工作日加班时长", "平时加班时长",
                         *_overtime_hours(F.OT_HOURS_WORKDAY)),
    F.OT_HOURS_RESTDAY: ("休息日加班天数", "周末加班天数", "双休日加班天数", "休息日加班", "周末加班",
                         "双休日加班", "休息日加班时数", "周末加班时数",
                         "公休日加班", "休息日加班小时", "休息日加班时长", "周末加班时长",
                         *_overtime_hours(F.OT_HOURS_RESTDAY)),
    F.OT_HOURS_HOLIDAY: ("法定节假日加班天数", "节假日加班天数", "节日加班天数", "法定节假日加班", "节假日加班",
                         "法定假日加班", "法定节日加班",
                         "节日加班", "法定节假日加班时数", "节假日加班时数", "法定节假日加班时长",
                         *_overtime_hours(F.OT_HOURS_HOLIDAY)),
    F.OT_PAY: ("加班费", "加班工资", "加班费合计", "加点工资", "加班津贴", "加班补贴",
               "加班费用", "overtime pay", "ot pay", "overtime", *_overtime_kinds()),
    F.NIGHT_SHIFT_ALLOWANCE: ("夜班津贴", "夜班费", "中夜班津贴", "夜班补贴", "中班费",
                              "轮班津贴", "倒班津贴", "夜班补助", "中夜班费"),
    F.MEAL_ALLOWANCE: ("餐补", "餐费补贴", "伙食补贴", "午餐补贴", "餐贴", "饭贴", "就餐补贴",
                       "误餐补贴", "饭补", "餐费补助", "伙食补助", "餐补贴", "meal allowance"),
    F.TRANSPORT_ALLOWANCE: ("交通补贴", "交通费", "车贴", "交通补助", "通勤补贴", "车费补贴",
                            "交通费补贴", "transport allowance", "transportation allowance"),
    F.HIGH_TEMP_ALLOWANCE: ("高温津贴", "高温费", "防暑降温费", "高温补贴", "high temperature allowance"),
    F.HOUSING_ALLOWANCE: ("住房补贴", "房贴", "住房津贴", "租房补贴", "住宿补贴", "住房补助",
                          "房补", "housing allowance"),
    F.GROSS_PAY: ("应发工资", "应发合计", "应付工资", "税前工资", "应发金额", "应发", "工资总额",
                  "应发数", "应发薪资", "税前收入", "应发薪酬", "应发总额", "应发工资总额",
                  "应付合计", "应付工资合计", "税前应发", "税前应发工资", "应发数额",
                  "应发工资税前", "本期收入", "本月收入", "当月收入", "工资薪金收入", "收入合计",
                  "税前合计", "工资薪金所得", "应发小计", "应发项目合计", "应发工资合计",
                  "应发部分", "应发项目", "gross pay", "gross salary", "gross wage", "gross"),
    F.SI_BASE: ("社保缴费基数", "社保基数", "缴费基数", "社会保险缴费基数", "社保缴纳基数",
                "社会保险基数", "社保缴费工资", "缴费工资", "养老保险缴费基数", "养老缴费基数",
                "养老保险基数", "养老基数"),
    F.PENSION_EMPLOYEE: (*_employee_forms("养老保险", "养老", "养老金", "基本养老保险", "养老保险费",
                                          "基本养老保险费", "养老保险金"),
                         "pension employee", "employee pension"),
    F.MEDICAL_EMPLOYEE: (*_employee_forms("医疗保险", "医疗", "医保", "基本医疗保险", "医疗保险费",
                                          "基本医疗保险费", "医疗保险金"),
                         "medical employee", "employee medical", "medical insurance employee"),
    F.UNEMPLOYMENT_EMPLOYEE: (*_employee_forms("失业保险", "失业", "失业保险费", "失业金",
                                               "失业保险金"),
                              "unemployment employee", "employee unemployment",
                              "unemployment insurance employee"),
    F.HOUSING_FUND_EMPLOYEE: (*_employee_forms("住房公积金", "公积金"), "housing fund employee",
                              "employee housing fund"),
    F.SI_EMPLOYEE_TOTAL: _employee_forms("社保", "社会保险", "社保费", "社会保险费", "五险", "三险",
                                         "社保金额"),
    F.SI_HF_EMPLOYEE_TOTAL: _employee_forms("五险一金", "三险一金", "四险一金", "社保公积金",
                                            "社保及公积金", "社保和公积金", "社会保险及住房公积金",
                                            "社会保险和住房公积金", "社保公积金合计"),
    F.INCOME_TAX: ("个人所得税", "个税", "代扣个税", "代扣个人所得税", "所得税", "扣个税",
                   "个税扣款", "个人所得税扣款", "代扣代缴个税", "代扣代缴个人所得税", "代缴个税",
                   "个人缴税", "应扣缴额", "应扣缴税额", "应补退税额", "扣缴个税", "扣缴税额",
                   "应缴个税", "应扣个税", "扣个人所得税", "个调税", "工资薪金所得税", "扣税",
                   "税金", "个税金额", "代扣税款", "代扣税", "代缴税", "代扣税额",
                   "iit", "income tax", "individual income tax", "tax"),
    F.OTHER_DEDUCTIONS: ("其他扣款", "其它扣款", "扣款", "其他扣除", "其他代扣",
                         "其他应扣", "其它扣除", "其它代扣", "其他扣款合计", "税后扣款", "税后扣除",
                         "税后扣减", "other deductions", "other deduction"),
    F.ABSENCE_DEDUCTIONS: ("考勤扣款", "缺勤扣款", "事假扣款", "病假扣款", "请假扣款", "事病假扣款",
                           "旷工扣款", "缺勤扣除", "假期扣款", "事假扣除", "病假扣除", "缺勤扣减"),
    F.ANNUAL_BONUS: ("年终奖", "年终奖金", "年度奖金", "年终绩效", "十三薪", "第十三个月工资",
                     "年底双薪", "年终双薪", "全年一次性奖金", "年度绩效奖金", "年终奖励",
                     "year-end bonus", "year end bonus", "annual bonus", "13th month salary"),
    F.CONTRACT_WAGE: ("合同工资", "约定月薪", "约定工资", "合同约定工资", "劳动合同工资", "合同月薪",
                      "约定工资标准", "合同工资标准"),
    F.EMPLOYMENT_TYPE: ("用工形式", "用工性质", "用工类型", "员工类型", "人员类别", "用工方式",
                        "雇佣类型", "雇佣形式", "employment type"),
    F.WORK_HOURS: ("工作小时数", "工作时数", "出勤小时数", "实际工作小时", "计薪小时数", "工作时长",
                   "出勤时长", "工作小时", "hours worked", "work hours", "working hours"),
    F.HOURLY_RATE: ("小时工资", "时薪", "小时工资标准", "每小时工资", "计时工资标准", "小时单价",
                    "hourly rate", "hourly wage", "rate per hour"),
    F.PAID_LEAVE_DAYS: ("带薪假天数", "带薪休假天数", "年休假天数", "年假天数", "带薪假", "年休假",
                        "婚假天数", "产假天数", "丧假天数", "调休天数", "带薪假期天数"),
    F.NET_PAY: ("实发银行代发", "实发工资", "实发合计", "实发金额", "实发", "实发数", "税后工资", "到手工资",
                "实发薪资", "实付工资", "实得", "实领", "员工实得", "实发数额", "实领工资",
                "银行代发", "实得工资", "实领金额", "实得金额", "实付金额", "实发工资额",
                "实际发放", "实际发放金额", "银行代发金额", "银行发放", "税后实发", "实发薪酬",
                "实发工资合计", "实际发放工资", "net pay", "net salary", "take home pay", "net"),
    F.PAY_DATE: ("发放日期", "发薪日期", "工资发放日期", "支付日期", "发放时间", "发薪日",
                 "付款日期", "pay date", "payment date", "payday"),
    F.PERIOD: ("工资月份", "月份", "所属月份", "工资所属期", "薪资月份", "核算月份", "工资期间",
               "年月", "所属期", "计薪月份", "发放月份", "薪资期间", "薪资所属月份",
               "工资所属月份", "薪资所属期", "工资年月", "所属年月", "所属期间", "发薪月份",
               "计薪期间", "薪酬月份", "工资月", "考勤月份",
               "pay period", "pay month", "payroll month", "salary month", "month", "period"),
}  # fmt: skip

_UNITS = re.compile(r"[(\[【]?(元|人民币|小时|时数|工时|天|日|h|%|‰)[)\]】]?$")
_PUNCT = re.compile(r"[\s()\[\]{}【】<>《》/\\|_\-—:：;；,，.。·、*\uff0a#\uff03\"“”']")
_PERCENT_AMOUNT = re.compile(r"[(\[【]?\d+(?:\.\d+)?\s*[%‰][)\]】]?")
"""``8%`` in ``养老8%`` or ``养老保险(8%)``: the rate an amount was worked out at."""
_MATCH_ONLY_PUNCT = re.compile(r"[+&~]")  # after NFKC, which folds the full-width forms
_THIS_MONTH = re.compile(r"^(本月|本期|当月|本次)")
_TOTAL_WORD = re.compile(r"^(合计|小计|总计|总额|合计金额|小计金额)$")
_MONEY_HINT = re.compile(r"费|金额|工资|元|补贴|津贴")
_HOURS_HINT = re.compile(r"小时|时数|工时|时长|\(h\)|hours?\b|hrs?\b", re.IGNORECASE)


_MATCH_UNITS = re.compile(
    r"[(\[【](万元|千元|元|人民币|小时|时数|工时|天|日|h|%|‰)[)\]】]$"
    r"|(万元|千元|元|人民币|小时|时数|工时|时间|天|h|%|‰)$"
)
"""The units ``_match_form`` strips: a bare trailing 日 is part of the word (工作日, 双休日,
法定假日), only ``(日)`` is a unit; 时间 is one (加班时间 / 工作日 is 工作日加班)."""


def _normalized(text: str, units: re.Pattern[str]) -> str:
    text = unicodedata.normalize("NFKC", text).strip().lower()
    previous = None
    while previous != text:  # strip trailing unit marks, possibly several: 加班(小时)(h)
        previous = text
        text = units.sub("", text).strip()
    return _PUNCT.sub("", text)


def normalize_header(text: str) -> str:
    """The comparison form of a header: half-width, lower case, no spaces, punctuation or units.

    This is also the key of saved mappings (``header_key``), so it must stay stable.
    """
    return _normalized(text, _UNITS)


def _match_form(text: str) -> str:
    """The form synonyms are matched in: like ``normalize_header`` but keeping a bare trailing 日
    (``_MATCH_UNITS``), and without ``8%``-style rates or ``+``."""
    text = _PERCENT_AMOUNT.sub("", unicodedata.normalize("NFKC", text))
    return _MATCH_ONLY_PUNCT.sub("", _normalized(text, _MATCH_UNITS))


_HAS_DIGIT = re.compile(r"\d")
_MONTH_WORD = re.compile(
    r"^(?:\d{4}年?)?\d{1,2}月份?|(?:\d{4}年?)?\d{1,2}月份?$|^(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?=\D)"
)
"""The month a header names beside its item (``7月应发工资``, ``应发工资7月``, ``202507实发``), in
the match form (punctuation gone)."""
_LATIN_WORDS = re.compile(r"[a-z]+(?:[ .'&-]*[a-z]+)*\.?")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _match_forms(text: str) -> list[str]:
    """``text`` as matched: as is, and without a leading 本月/本期/当月 (本月个税 is 个税); a
    bilingual header (``Gross Pay 应发工资``, ``应发工资(RMB)``) also by its Chinese words alone."""
    form = _match_form(text)
    forms = [form]
    if not form.isascii() and _LATIN_WORDS.search(form) and _CJK.search(form):
        chinese = _match_form(_LATIN_WORDS.sub("", unicodedata.normalize("NFKC", text).lower()))
        if chinese and chinese != form:
            forms.append(chinese)
    if _HAS_DIGIT.search(form):
        dated = _MONTH_WORD.sub("", form)  # 7月应发工资, 应发工资(7月), 2025.07实发
        if dated and dated != form:
            forms.append(dated)
    for f in list(forms):
        short = _THIS_MONTH.sub("", f)
        if short and short != f:
            forms.append(short)
    return forms


_INDEX: dict[str, PayrollField] = {}
for _field, _names in SYNONYMS.items():
    for _name in _names:
        _INDEX.setdefault(_match_form(_name), _field)
_SIMILAR: dict[str, PayrollField] = {
    _match_form(name): field
    for field, names in SYNONYMS.items()
    for name in names
    if name not in _GENERATED
}
"""The names compared by edit similarity."""


HEADER_WORDS = frozenset(name for names in SYNONYMS.values() for name in names)
"""Every synonym as written: a cell holding one exactly is a column name, not an employee."""


def is_known_header(text: str) -> bool:
    """Whether ``text`` is exactly one of the synonyms (after normalisation)."""
    return any(form in _INDEX for form in _match_forms(text))


# --- what a header is, whatever it resembles --------------------------------------------------


class Exclusion(LabeledEnum):
    """Why a column is not taken for a field its header resembles; the label is the note shown."""

    EMPLOYER = "employer"
    CUMULATIVE = "cumulative"
    PRIOR_PERIOD = "prior_period"
    RATE = "rate"
    TAX_BASE = "tax_base"
    CONTRIBUTION_BASE = "contribution_base"
    DEDUCTION_TOTAL = "deduction_total"
    TAX_PERIOD = "tax_period"

    def applies_to(self, field: PayrollField) -> bool:
        """Whether a column of this kind is kept out of ``field``."""
        kind = field.kind
        if self is Exclusion.EMPLOYER:
            return field in _EMPLOYEE_SIDE
        if self is Exclusion.RATE and field is PayrollField.HOURLY_RATE:
            return False  # 时薪, 小时单价: a rate of pay is what this field holds
        if self in (Exclusion.CUMULATIVE, Exclusion.PRIOR_PERIOD, Exclusion.RATE):
            return kind in (FieldKind.MONEY, FieldKind.NUMBER)
        if self is Exclusion.CONTRIBUTION_BASE:
            return kind is FieldKind.MONEY and field is not PayrollField.SI_BASE
        if self is Exclusion.TAX_PERIOD:
            return kind in (FieldKind.PERIOD, FieldKind.DATE)
        return kind is FieldKind.MONEY  # TAX_BASE, DEDUCTION_TOTAL


labels(
    Exclusion,
    {
        "employer": "单位缴纳部分",
        "cumulative": "累计数，不是本月金额",
        "prior_period": "以前月份的数，不是本月金额",
        "rate": "费率/比例，不是金额",
        "tax_base": "计税基数/应纳税所得额，不是工资或扣缴税额",
        "contribution_base": "缴费基数，不是缴费金额",
        "deduction_total": "扣款合计，不是某一项扣款",
        "tax_period": "税款所属期，不是工资所属月份",
    },
)

_EMPLOYEE_SIDE = frozenset({
    F.PENSION_EMPLOYEE, F.MEDICAL_EMPLOYEE, F.UNEMPLOYMENT_EMPLOYEE, F.HOUSING_FUND_EMPLOYEE,
    F.SI_EMPLOYEE_TOTAL, F.SI_HF_EMPLOYEE_TOTAL, F.INCOME_TAX, F.OTHER_DEDUCTIONS,
    F.ABSENCE_DEDUCTIONS,
})  # fmt: skip
"""Fields that are the employee's deductions; the employer's share of them is something else."""

_UNIT_NOTE = re.compile(r"(金额|计量|货币)?单位\s*[:：]?\s*[(（]?\s*(万元|元|人民币)")
_EMPLOYER = re.compile(r"单位|公司|企业|雇主|用人方|(?<![a-z])(?:employer|company)(?![a-z])", re.I)
_EMPLOYEE = re.compile(r"个人|员工|职工|代扣|代缴|(?<![a-z])employee(?![a-z])", re.I)
_CUMULATIVE = re.compile(r"累计|本年累|年初至今|截至本月|截止本月|至本月|年度累")
_PRIOR = re.compile(
    r"^(上月|上期|前月|以前月|以前期间)|已缴|已预缴|已扣缴|已扣税|补缴|补扣|补交|退补"
)
_RATE = re.compile(r"费率|比例|比率|税率|缴费率|缴存率|扣除率|系数|单价|时薪|日薪|率$")
_BARE_PERCENT = re.compile(r"(?<![\d.\s])\s*[%‰]|^\s*[%‰]")
_TAX_BASE = re.compile(
    r"计税|应纳税所得|应税|免税|专项附加|专项扣除|附加扣除|减除费用|速算扣除|准予扣除|减免税|减按"
    r"|子女教育|继续教育|住房贷款利息|住房租金|赡养老人|婴幼儿照护"
)
_CONTRIBUTION_BASE = re.compile(r"基数|缴费工资")
TAX_PERIOD = re.compile(
    r"税款所属|所属税期|税款期|申报月份|申报期|扣缴月份|扣缴期|纳税月份|纳税期|缴款期"
)
"""A tax period (税款所属期…): never the work month, as a column or as a line above the table."""
_DEDUCTION_TOTAL = re.compile(
    r"^(个人)?(应扣|应缴|应扣除|应减|应扣款|代扣代缴|代扣|代缴|减项)"
    r"(合计|小计|总计|总额|部分|项目|金额|款项|款|额|工资|数|费用)*$"
    r"|^(个人)?(扣款|扣除|扣项|扣减|代扣款)(合计|小计|总计|总额|项目)+$"
    r"|^(合计|小计|总计)(扣款|扣除|应扣|代扣)$"
)


def _texts(parts: Sequence[str] | str) -> list[str]:
    if isinstance(parts, str):
        parts = (parts,)
    return [t for t in (unicodedata.normalize("NFKC", p).strip() for p in parts) if t]


def _employer_side(texts: list[str]) -> bool:
    """Whether the column is the employer's share: the most specific part that names one side
    only decides (``应扣部分（单位/个人承担社会保险）`` / ``养老保险`` / ``个人8%`` is the employee's)."""
    for text in reversed(texts):
        text = _UNIT_NOTE.sub("", text)
        employer, employee = bool(_EMPLOYER.search(text)), bool(_EMPLOYEE.search(text))
        if employer != employee:
            return employer
    return False


def _deduction_total(texts: list[str]) -> bool:
    last = _match_form(texts[-1])
    if _TOTAL_WORD.match(last) and len(texts) > 1:
        last = _match_form(texts[-2]) + last  # 应扣部分 / 合计
    return bool(_DEDUCTION_TOTAL.match(last))


def exclusions(parts: Sequence[str] | str) -> list[Exclusion]:
    """Every kind of "not this month's amount" a header shows, most decisive first.

    ``parts`` are the header's labels from the most general (group label) to the most specific
    (sub-label), or a single header text.
    """
    texts = _texts(parts)
    if not texts:
        return []
    found: list[Exclusion] = []
    if _employer_side(texts):
        found.append(Exclusion.EMPLOYER)
    forms = [_match_form(t) for t in texts]
    if any(_CUMULATIVE.search(f) for f in forms):
        found.append(Exclusion.CUMULATIVE)
    if any(_PRIOR.search(f) for f in forms):
        found.append(Exclusion.PRIOR_PERIOD)
    if any(_RATE.search(f) or _BARE_PERCENT.search(t) for f, t in zip(forms, texts, strict=True)):
        found.append(Exclusion.RATE)
    if any(_TAX_BASE.search(f) for f in forms):
        found.append(Exclusion.TAX_BASE)
    if any(_CONTRIBUTION_BASE.search(f) for f in forms):
        found.append(Exclusion.CONTRIBUTION_BASE)
    if _deduction_total(texts):
        found.append(Exclusion.DEDUCTION_TOTAL)
    if any(TAX_PERIOD.search(f) for f in forms):
        found.append(Exclusion.TAX_PERIOD)
    return found


def exclusion(parts: Sequence[str] | str, field: PayrollField | None = None) -> Exclusion | None:
    """Why a column with this header must not be taken for ``field`` (by default: for a monthly
    money field such as 养老保险个人), or ``None`` when nothing rules it out.

    A user mapping or saved profile may still map such a column; only suggestions obey this.
    """
    for kind in exclusions(parts):
        if field is None or kind.applies_to(field):
            if field is None and kind is Exclusion.TAX_PERIOD:
                continue  # a month, not an amount: only the period field cares
            return kind
    return None


# --- matching ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """The field a header names, or why it was left out.

    ``field`` is ``None`` when nothing matched or the match was ruled out; then ``candidate`` is
    the field the header resembles and ``excluded`` why it was not taken. ``confidence`` is the
    match's (also for a ruled-out match, so header detection still sees a label).
    """

    field: PayrollField | None
    confidence: float
    source: MappingSource = MappingSource.NONE
    candidate: PayrollField | None = None
    excluded: Exclusion | None = None


_TAX_WORD = re.compile(r"税|扣缴|(?<![a-z])(?:iit|tax)(?![a-z])", re.IGNORECASE)
"""A header naming a tax: 个税, 扣缴, IIT, Income Tax (not Taxable Income's ``taxable``)."""


def _plausible(field: PayrollField, raw: str) -> bool:
    """Rule out matches a similar-looking name would make wrongly."""
    kind = field.kind
    if kind is FieldKind.NUMBER and _MONEY_HINT.search(raw) and not _HOURS_HINT.search(raw):
        return False  # 加班费 is money, not hours
    if field is PayrollField.SI_BASE and "公积金" in raw:
        return False  # the housing fund's base is not the social insurance base
    if field is PayrollField.INCOME_TAX and not _TAX_WORD.search(raw):
        return False  # 工资薪金所得 is the income, not the tax on it
    if field is PayrollField.HOURLY_RATE:
        return True  # 小时工资: money per hour
    return not (kind is FieldKind.MONEY and _HOURS_HINT.search(raw))


_MEASURE = re.compile(
    r"^(?P<stem>.*?)[(\[【]?(?:(?P<money>金额|人民币元|人民币|元|数额)|(?P<hours>小时数|小时|时数|工时|时长|h)"
    r"|(?P<days>天数|天|日数|d))[)\]】]?$"
)
"""A sub-label that only says what its cells measure (金额, 小时, 天数, 平时(元)), after NFKC
with spaces removed: the field is the group's, in that measure (加班 / 平时 / 金额 is 平时加班费)."""
_HOUR_FIELDS = frozenset({F.OT_HOURS_WORKDAY, F.OT_HOURS_RESTDAY, F.OT_HOURS_HOLIDAY,
                          F.WORK_HOURS})  # fmt: skip
_MEASURE_SUFFIXES = {
    "money": ("费", "工资", "", "补贴", "津贴"),
    "hours": ("",),
    "days": ("天数", ""),
}
_MEASURE_FIELDS: dict[str, Callable[[PayrollField], bool]] = {
    "money": lambda f: f.kind is FieldKind.MONEY,
    "hours": lambda f: f in _HOUR_FIELDS,
    "days": lambda f: f.kind is FieldKind.NUMBER and f is not F.WORK_HOURS,
}


def measure_of(text: str) -> tuple[str, str] | None:
    """(stem, measure) when ``text`` ends in what its cells measure: ``("", "money")`` for 金额,
    ``("平时", "money")`` for 平时(元), ``("", "hours")`` for 小时, ``("", "days")`` for 天数."""
    match = _MEASURE.match(re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower())
    if match is None:
        return None
    kind = next(k for k in ("money", "hours", "days") if match.group(k))
    stem = match.group("stem")
    inner = measure_of(stem) if stem else None
    if inner is not None and inner[1] == kind:
        stem = inner[0]  # 金额(元), 时数(h)
    return stem, kind


Candidate = tuple[str, float, bool, Callable[[PayrollField], bool] | None]


def _measure_candidates(texts: list[str]) -> list[Candidate]:
    """Forms of a header whose last part names a measure under group labels: the nearest label
    (or the stem before the unit) joined with each group and the measure's wording, accepted only
    for a field of that measure (平时加班 / 金额 → 平时加班费, 加班 / 周末 / 天数 → 周末加班天数)."""
    found = measure_of(texts[-1])
    if found is None or len(texts) < 2:
        return []
    stem, kind = found
    words = [_match_form(t) or t for t in texts[:-1]]
    if stem:
        words.append(_match_form(stem) or stem)
    nearest, others = words[-1], words[-2::-1]
    want = _MEASURE_FIELDS[kind]
    if _TOTAL_WORD.match(nearest) and others:  # 加班 / 合计 / 金额 is 加班费合计
        return [
            (group + suffix + nearest, 0.95, False, want)
            for group in others
            for suffix in _MEASURE_SUFFIXES[kind]
        ]
    bases = [nearest]
    for group in others:
        bases += [nearest + group, group + nearest]
    return [
        (base + suffix, 0.95, False, want) for base in bases for suffix in _MEASURE_SUFFIXES[kind]
    ]


def _exact_candidates(texts: list[str]) -> list[Candidate]:
    """Header forms to look up as they are: (text, confidence of an exact hit, whether the text
    is a group label standing for its 合计/小计 column, which fields it may name or ``None`` for
    any)."""
    # Parts are joined in their match forms, so a unit on a part goes with it: 加班 / 平时(小时)
    # is 平时加班, not 平时(小时)加班.
    forms = [_match_form(t) or t for t in texts]
    last = forms[-1]
    ancestors = forms[-2::-1]  # nearest group label first
    out: list[Candidate] = [(texts[-1], 1.0, False, None)]
    for group in ancestors:
        out += [(group + last, 1.0, False, None), (last + group, 0.95, False, None)]
    if len(texts) > 2:
        out.append(("".join(forms), 1.0, False, None))
    if ancestors and _TOTAL_WORD.match(last):
        out.append((ancestors[0], 0.95, True, None))  # 应发工资 / 小计 is the 应发工资
    return out + _measure_candidates(texts)


_OVERTIME_WORDS = frozenset({"加班", "加点", "加班时间", "加班加点"})


def _fuzzy(mains: list[str], raw: str) -> tuple[PayrollField | None, float]:
    best: tuple[PayrollField | None, float] = (None, 0.0)
    plausible = {f: _plausible(f, raw) for f in PayrollField}
    for main in mains:
        if not main:
            continue
        matcher = SequenceMatcher(None, "", main)  # ``main`` as the second sequence is cached
        for name, field in _INDEX.items():
            if not plausible[field]:
                continue
            if len(name) >= 3 and name in main:
                score = 0.75 + 0.2 * len(name) / len(main)  # by how much of the header it covers
            elif len(name) == 2 and name in main:
                score = 0.7  # 扣款 in 请假扣款: too short to tell
            elif name in _SIMILAR:
                matcher.set_seq1(name)
                # Cheap upper bounds first: most of the ~2,000 names cannot beat the best so far.
                if round(matcher.real_quick_ratio(), 2) <= best[1]:
                    continue
                if round(matcher.quick_ratio(), 2) <= best[1]:
                    continue
                score = matcher.ratio()
            else:
                continue
            if round(score, 2) > best[1]:
                best = (field, round(score, 2))
    return best


def _lookup(texts: list[str]) -> Suggestion:
    """The best match ignoring exclusions; ``field`` set even when it will be ruled out."""
    raw_all = "".join(texts)
    exact = _exact_candidates(texts)
    for text, score, group_total, want in exact:
        for form in _match_forms(text):
            field = _INDEX.get(form)
            if field is None or not _plausible(field, raw_all) or (want and not want(field)):
                continue
            if group_total and field in _EMPLOYEE_SIDE and not _EMPLOYEE.search(raw_all):
                continue  # 养老保险 / 合计 may add up the employer's and the employee's shares
            return Suggestion(field, score, MappingSource.SYNONYM)
    measure = measure_of(texts[-1])
    if measure is not None and measure[1] != "money":
        stem = _match_form("".join(texts[:-1]) + measure[0])
    else:
        stem = _match_form(raw_all) if _HOURS_HINT.search(raw_all) else ""
    if stem in _OVERTIME_WORDS:
        # 加班小时, 加班 / 天数: overtime hours of no kind; workday's is a guess to confirm
        return Suggestion(F.OT_HOURS_WORKDAY, 0.8, MappingSource.GUESS)
    # The group label alone is a weak hint (社会保险 / 其他); a header containing or resembling
    # a synonym is a guess.
    hint: tuple[PayrollField | None, float] = (None, 0.0)
    for group in texts[-2::-1]:
        field = next((_INDEX[f] for f in _match_forms(group) if f in _INDEX), None)
        if field is not None and _plausible(field, raw_all):
            hint = (field, 0.8)
            break
    last_forms = _match_forms(texts[-1])
    mains = last_forms if len(last_forms[-1]) >= 2 else [_match_form(raw_all)]
    if len(texts) > 1:
        mains = [*mains, *_match_forms(texts[-2] + texts[-1])]
    fuzzy = _fuzzy(mains, raw_all)
    field, score = max(hint, fuzzy, key=lambda h: h[1])
    if field is None or score < 0.75:
        return Suggestion(None, score, candidate=field)  # 单位养老: a hint, too weak to map
    return Suggestion(field, score, MappingSource.GUESS)


def suggest(parts: tuple[str, ...]) -> Suggestion:
    """Best field for a column whose header is ``parts`` (group labels, then the sub-label; any
    may be "").

    Exact synonyms score 1.0 (the sub-label, or group + sub-label; 0.95 for sub-label + group),
    source ``synonym``. Otherwise a guess: a header containing a synonym 0.75 to 0.95 by how much of
    it the synonym covers, the closest synonym by edit similarity, or the group label alone (0.8),
    when it reaches 0.75. A match the header's kind rules out (``exclusion``) is returned with
    ``field`` ``None``, ``candidate`` and ``excluded`` set.
    """
    texts = _texts(parts)
    if not texts:
        return Suggestion(None, 0.0)
    found = _lookup(texts)
    if found.field is None:
        # Too weak to map, but worth saying what it is when it is ruled out anyway (单位养老).
        weak = found.candidate
        why = exclusion(texts, weak) if weak is not None and found.confidence >= 0.7 else None
        if weak is not None and why is not None:
            return Suggestion(None, found.confidence, MappingSource.NONE, weak, why)
        return Suggestion(None, found.confidence)
    why = exclusion(texts, found.field)
    if why is not None:
        return Suggestion(None, found.confidence, MappingSource.NONE, found.field, why)
    return found


_GRAND_TOTAL = re.compile(r"合计|总计|总额")


def names_grand_total(header: str) -> bool:
    """Whether a column's header (its last part, ``应发/合计``) calls it a total (``应发合计``,
    ``工资总额``), the name that wins a tie for 应发 or 实发 (``name_quality``)."""
    texts = _texts(tuple(header.split("/")))
    return bool(texts) and _GRAND_TOTAL.search(texts[-1]) is not None


def name_quality(parts: tuple[str, ...], field: PayrollField) -> float:
    """How much of the header the best synonym of ``field`` covers (1.0 = exactly a synonym);
    breaks ties between columns that match one field equally well."""
    texts = _texts(parts)
    if not texts:
        return 0.0
    forms = _match_forms(texts[-1])
    if len(texts) > 1:
        forms += _match_forms(texts[-2] + texts[-1])
    names = [_match_form(n) for n in SYNONYMS[field]]
    best = 0.0
    for form in forms:
        for name in names:
            if name and name in form:
                best = max(best, len(name) / len(form))
    if field in (PayrollField.GROSS_PAY, PayrollField.NET_PAY) and _GRAND_TOTAL.search(texts[-1]):
        best += 0.001  # 应发合计 over 应发工资 when both stand: the total includes every item
    if field is PayrollField.OT_PAY and is_overtime_part("/".join(texts)):
        best -= 0.001  # 加班费合计 over 工作日加班费: the total holds every kind's pay
    return round(best, 4)


# --- choosing one column per field ------------------------------------------------------------


@dataclass(frozen=True)
class ColumnChoice:
    index: int
    field: PayrollField | None
    confidence: float
    source: MappingSource
    note: str = ""
    """Why the column was left out of the field its header names (or, for a user/profile
    mapping, that it is mapped although it looks like one that should not be)."""
    candidate: PayrollField | None = None
    """The field the header names when the column was left out of it."""


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _lost_to(winner: int, parts: dict[int, tuple[str, ...]], field: PayrollField) -> str:
    header = "/".join(p for p in parts.get(winner, ()) if p)
    return f"与 {_column_letter(winner)} 列“{header}”竞争“{field.label}”，未采用"


def choose_fields(
    headers: list[tuple[int, tuple[str, ...], bool]],
    *,
    user: ColumnMapping | None = None,
    profile: ColumnMapping | None = None,
) -> dict[int, ColumnChoice]:
    """Assign each field to at most one column.

    ``headers`` lists (column index, header parts, hidden). A user mapping wins over the saved
    profile, which wins over suggestions. Among suggestions higher confidence wins, then the
    better name (``name_quality``), then a visible column over a hidden one, then the leftmost.
    Columns left out get a ``note`` saying why: the kind of header (``exclusion``) or the column
    that won the field.
    """
    all_parts = {index: parts for index, parts, _hidden in headers}
    fixed: dict[int, ColumnChoice] = {}
    proposals: list[tuple[float, float, bool, int, PayrollField]] = []
    for index, parts, hidden in headers:
        keys = [header_key(parts)]
        if len([p for p in parts if p]) > 1:
            keys.append(normalize_header(parts[-1]))  # a mapping may name just the sub-label
        for source, mapping in ((MappingSource.USER, user), (MappingSource.PROFILE, profile)):
            key = next((k for k in keys if mapping is not None and k in mapping.columns), None)
            if mapping is not None and key is not None:
                field = mapping.columns[key]
                why = exclusion(parts, field) if field is not None else None
                note = f"{why.label}；按{source.label}映射" if why is not None else ""
                fixed[index] = ColumnChoice(index, field, 1.0, source, note)
                break
        else:
            s = suggest(parts)
            if s.field is not None:
                quality = name_quality(parts, s.field)
                proposals.append((s.confidence, quality, hidden, index, s.field))
                fixed[index] = ColumnChoice(index, s.field, s.confidence, s.source)
            else:
                why = s.excluded
                if why is None and looks_like_money_header("".join(parts)):
                    why = exclusion(parts)
                fixed[index] = ColumnChoice(
                    index, None, s.confidence, MappingSource.NONE,
                    why.label if why is not None else "", s.candidate,
                )  # fmt: skip
    taken: dict[PayrollField, int] = {}
    result = dict(fixed)
    explicit = [
        c for c in fixed.values() if c.source in (MappingSource.USER, MappingSource.PROFILE)
    ]
    rank = {MappingSource.USER: 0, MappingSource.PROFILE: 1}
    for choice in sorted(explicit, key=lambda c: (rank[c.source], c.index)):
        if choice.field is None:
            continue
        if choice.field in taken:  # two mapped headers for one field: the first one wins
            note = _lost_to(taken[choice.field], all_parts, choice.field)
            result[choice.index] = ColumnChoice(
                choice.index, None, 0.0, choice.source, note, choice.field
            )
            continue
        taken[choice.field] = choice.index
    for confidence, _quality, _hidden, index, field in sorted(
        proposals, key=lambda p: (-p[0], -p[1], p[2], p[3])
    ):
        if field in taken:
            note = _lost_to(taken[field], all_parts, field)
            result[index] = ColumnChoice(index, None, confidence, MappingSource.NONE, note, field)
            continue
        taken[field] = index
    return result


def header_key(parts: tuple[str, ...]) -> str:
    """The key a mapping uses for a column with these header parts."""
    return normalize_header("".join(p for p in parts if p))


def merge_profile(old: ColumnMapping | None, new: ColumnMapping) -> ColumnMapping:
    """The saved profile after a confirmed import: the newly confirmed entries win."""
    columns = dict(old.columns) if old else {}
    columns.update(new.columns)
    return ColumnMapping(columns=columns)


# --- helpers for the importer and the import report --------------------------------------------

_RATE_SHARE = 0.8


def looks_like_rate(values: Sequence[Decimal | float | None]) -> bool:
    """Whether a column's values are rates rather than amounts: at least one, and at least 80 %,
    of its non-empty, non-zero values lie strictly between 0 and 1 (0.08, 0.005). Zeros (people
    not insured) do not count either way; a column of small amounts of a few cents is not a
    payroll amount column either, so it is treated alike."""
    numbers = [v for v in values if v is not None and not isinstance(v, bool) and v != 0]
    if not numbers:
        return False
    fractions = sum(1 for v in numbers if 0 < v < 1)
    return fractions > 0 and fractions >= _RATE_SHARE * len(numbers)


_MONEY_HEADER = re.compile(
    r"费|金额|工资|薪|补贴|补助|津贴|扣款|扣除|奖|提成|合计|小计|社保|保险|公积金|五险|个税|所得税"
    r"|额|应发|实发|实得|收入|报销|福利|罚款|元"
)


def looks_like_money_header(header: str) -> bool:
    """Whether a header names an amount of money by its wording (费、金额、工资、补贴、津贴、扣款、
    奖…), not hours, days or a rate."""
    text = unicodedata.normalize("NFKC", header)
    if _HOURS_HINT.search(text) or re.search(r"天数|日数|次数|人数", text):
        return False
    return bool(_MONEY_HEADER.search(text)) and exclusion(text) is not Exclusion.RATE


def unmapped_money_columns(columns: Iterable[ColumnInfo]) -> list[ColumnInfo]:
    """Columns left unmapped whose header looks like an amount of this month (福利补贴, 请假扣款,
    a money item with no field), for the report's "money-looking columns left out".

    Columns left out for a reason (``note``: cumulative, rate, employer's share, lost to another
    column for the same field…) are not listed: they are not missing pay items.
    """
    out: list[ColumnInfo] = []
    for c in columns:
        if c.field is not None or c.note or not c.header:
            continue
        if not looks_like_money_header(c.header):
            continue
        if exclusion(tuple(c.header.split("/"))) is not None:
            continue
        out.append(c)
    return out
