"""Map source column headers onto canonical payroll fields: synonyms, fuzzy match, saved profiles."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from auditdesk.models.payroll import ColumnMapping, FieldKind, PayrollField

F = PayrollField

SYNONYMS: dict[PayrollField, tuple[str, ...]] = {
    F.EMPLOYEE_ID: ("工号", "员工编号", "职工编号", "人员编码", "人员编号", "员工号", "员工工号",
                    "工作证号", "职员编号", "编号", "员工代码", "人员代码", "emp_id", "employee_id"),
    F.NAME: ("姓名", "员工姓名", "职工姓名", "人员姓名", "名字", "name"),
    F.DEPARTMENT: ("部门", "所属部门", "部门名称", "车间", "班组", "科室", "部门/车间", "department"),
    F.ID_NUMBER: ("身份证号", "身份证号码", "身份证", "证件号码", "证件号", "居民身份证号码",
                  "公民身份号码", "身份证件号码", "id_number"),
    F.HIRE_DATE: ("入职日期", "入职时间", "进厂日期", "到岗日期", "入司日期", "参加工作日期",
                  "入职日", "hire_date"),
    F.CONTRACT_SIGNED_DATE: ("合同签订日期", "劳动合同签订日期", "签订合同日期", "合同签订时间",
                             "签约日期", "合同日期", "合同签订日"),
    F.SCHEDULED_DAYS: ("应出勤天数", "应出勤", "应出勤日", "应勤天数", "计薪天数", "应到天数",
                       "标准出勤天数", "满勤天数"),
    F.ATTENDED_DAYS: ("实际出勤天数", "实出勤天数", "出勤天数", "实际出勤", "实出勤", "出勤",
                      "实到天数", "出勤日数"),
    F.BASE_PAY: ("基本工资", "底薪", "基础工资", "基本薪资", "基薪", "月基本工资", "基本工资标准",
                 "标准工资"),
    F.POSITION_PAY: ("岗位工资", "职务工资", "岗位津贴", "职位工资", "技能工资", "岗位薪资"),
    F.BONUS: ("绩效奖金", "奖金", "绩效工资", "绩效", "月度奖金", "考核工资", "提成", "绩效奖"),
    F.OT_HOURS_WORKDAY: ("工作日加班", "平时加班", "延时加班", "工作日加班时数", "平时加班时数",
                         "平时加班小时", "延长工作时间", "工作日延时加班", "平日加班"),
    F.OT_HOURS_RESTDAY: ("休息日加班", "周末加班", "双休日加班", "休息日加班时数", "周末加班时数",
                         "公休日加班", "休息日加班小时"),
    F.OT_HOURS_HOLIDAY: ("法定节假日加班", "节假日加班", "法定假日加班", "法定节日加班",
                         "节日加班", "法定节假日加班时数", "节假日加班时数"),
    F.OT_PAY: ("加班费", "加班工资", "加班费合计", "加点工资", "加班津贴", "加班补贴"),
    F.NIGHT_SHIFT_ALLOWANCE: ("夜班津贴", "夜班费", "中夜班津贴", "夜班补贴", "中班费",
                              "轮班津贴", "倒班津贴", "夜班补助"),
    F.MEAL_ALLOWANCE: ("餐补", "餐费补贴", "伙食补贴", "午餐补贴", "餐贴", "饭贴", "就餐补贴",
                       "误餐补贴"),
    F.TRANSPORT_ALLOWANCE: ("交通补贴", "交通费", "车贴", "交通补助", "通勤补贴", "车费补贴"),
    F.HIGH_TEMP_ALLOWANCE: ("高温津贴", "高温费", "防暑降温费", "高温补贴"),
    F.HOUSING_ALLOWANCE: ("住房补贴", "房贴", "住房津贴", "租房补贴", "住宿补贴"),
    F.GROSS_PAY: ("应发工资", "应发合计", "应付工资", "税前工资", "应发金额", "应发", "工资总额",
                  "应发数", "应发薪资", "税前收入"),
    F.SI_BASE: ("社保缴费基数", "社保基数", "缴费基数", "社会保险缴费基数", "社保缴纳基数"),
    F.PENSION_EMPLOYEE: ("养老保险个人", "个人养老", "养老个人", "养老保险", "养老金个人",
                         "个人养老保险", "养老"),
    F.MEDICAL_EMPLOYEE: ("医疗保险个人", "个人医疗", "医疗个人", "医疗保险", "个人医疗保险",
                         "医保个人", "医疗"),
    F.UNEMPLOYMENT_EMPLOYEE: ("失业保险个人", "个人失业", "失业个人", "失业保险", "个人失业保险",
                              "失业"),
    F.HOUSING_FUND_EMPLOYEE: ("住房公积金个人", "个人公积金", "公积金个人", "住房公积金", "公积金",
                              "个人住房公积金"),
    F.INCOME_TAX: ("个人所得税", "个税", "代扣个税", "代扣个人所得税", "所得税", "扣个税"),
    F.OTHER_DEDUCTIONS: ("其他扣款", "其它扣款", "扣款", "其他扣除", "考勤扣款", "其他代扣"),
    F.NET_PAY: ("实发工资", "实发合计", "实发金额", "实发", "实发数", "税后工资", "到手工资",
                "实发薪资", "实付工资"),
    F.PAY_DATE: ("发放日期", "发薪日期", "工资发放日期", "支付日期", "发放时间", "发薪日",
                 "付款日期"),
    F.PERIOD: ("工资月份", "月份", "所属月份", "工资所属期", "薪资月份", "核算月份", "工资期间",
               "年月", "所属期", "计薪月份"),
}  # fmt: skip

_UNITS = re.compile(r"[(\[【]?(元|人民币|小时|时数|工时|天|日|h|%|‰)[)\]】]?$")
_PUNCT = re.compile(r"[\s()\[\]{}【】<>《》/\\|_\-—:：;；,，.。·、*\uff0a#\uff03\"“”']")
_EMPLOYER = re.compile(r"单位|公司|企业|雇主")
_MONEY_HINT = re.compile(r"费|金额|工资|元|补贴|津贴")
_HOURS_HINT = re.compile(r"小时|时数|工时|时长")


def normalize_header(text: str) -> str:
    """The comparison form of a header: half-width, lower case, no spaces, punctuation or units."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    previous = None
    while previous != text:  # strip trailing unit marks, possibly several: 加班(小时)(h)
        previous = text
        text = _UNITS.sub("", text).strip()
    return _PUNCT.sub("", text)


_INDEX: dict[str, PayrollField] = {
    normalize_header(name): field for field, names in SYNONYMS.items() for name in names
}


def is_known_header(text: str) -> bool:
    """Whether ``text`` is exactly one of the synonyms (after normalisation)."""
    return normalize_header(text) in _INDEX


@dataclass(frozen=True)
class Suggestion:
    field: PayrollField | None
    confidence: float


def _plausible(field: PayrollField, raw: str) -> bool:
    """Rule out matches a similar-looking name would make wrongly."""
    kind = field.kind
    if _EMPLOYER.search(raw) and kind is FieldKind.MONEY and field is not PayrollField.GROSS_PAY:
        return False  # employer's share of insurance, not the employee's deduction
    if kind is FieldKind.NUMBER and _MONEY_HINT.search(raw) and not _HOURS_HINT.search(raw):
        return False  # 加班费 is money, not hours
    return not (kind is FieldKind.MONEY and _HOURS_HINT.search(raw))


def suggest(parts: tuple[str, ...]) -> Suggestion:
    """Best field for a column whose header is ``parts`` (group label, sub-label; either may be "").

    Exact synonyms score 1.0 (the sub-label first, then group+sub), a header containing a synonym
    0.85, and otherwise the closest synonym by edit similarity when it reaches 0.75.
    """
    texts = [p for p in parts if p]
    if not texts:
        return Suggestion(None, 0.0)
    raw_all = "".join(texts)
    candidates = [normalize_header(texts[-1]), normalize_header(raw_all)]
    scores = [1.0, 1.0]
    if len(texts) > 1:
        # 加班时数 / 平时 reads as 平时加班时数; the group alone is a weak hint.
        candidates += [normalize_header(texts[-1] + texts[0]), normalize_header(texts[0])]
        scores += [0.95, 0.8]
    for cand, score in zip(candidates, scores, strict=True):
        field = _INDEX.get(cand)
        if field is not None and _plausible(field, raw_all):
            return Suggestion(field, score)
    best: Suggestion = Suggestion(None, 0.0)
    main = candidates[0] if len(candidates[0]) >= 2 else candidates[1]
    for name, field in _INDEX.items():
        if not _plausible(field, raw_all):
            continue
        if len(name) >= 2 and name in main:
            score = 0.85 if len(name) >= 3 else 0.7
        else:
            score = SequenceMatcher(None, main, name).ratio()
        if score > best.confidence:
            best = Suggestion(field, round(score, 2))
    if best.confidence < 0.75:
        return Suggestion(None, best.confidence)
    return best


@dataclass(frozen=True)
class ColumnChoice:
    index: int
    field: PayrollField | None
    confidence: float
    source: str


def choose_fields(
    headers: list[tuple[int, tuple[str, ...], bool]],
    *,
    user: ColumnMapping | None = None,
    profile: ColumnMapping | None = None,
) -> dict[int, ColumnChoice]:
    """Assign each field to at most one column.

    ``headers`` lists (column index, header parts, hidden). A user mapping wins over the saved
    profile, which wins over suggestions; among suggestions higher confidence wins, then a visible
    column over a hidden one, then the leftmost.
    """
    fixed: dict[int, ColumnChoice] = {}
    proposals: list[tuple[float, bool, int, PayrollField]] = []
    for index, parts, hidden in headers:
        keys = [header_key(parts)]
        if len([p for p in parts if p]) > 1:
            keys.append(normalize_header(parts[-1]))  # a mapping may name just the sub-label
        for source, mapping in (("user", user), ("profile", profile)):
            key = next((k for k in keys if mapping is not None and k in mapping.columns), None)
            if mapping is not None and key is not None:
                fixed[index] = ColumnChoice(index, mapping.columns[key], 1.0, source)
                break
        else:
            s = suggest(parts)
            if s.field is not None:
                proposals.append((s.confidence, hidden, index, s.field))
            else:
                fixed[index] = ColumnChoice(index, None, s.confidence, "none")
    taken: set[PayrollField] = set()
    rank = {"user": 0, "profile": 1, "none": 2}
    for choice in sorted(fixed.values(), key=lambda c: (rank[c.source], c.index)):
        if choice.field is None:
            continue
        if choice.field in taken:  # two mapped headers for one field: the first one wins
            fixed[choice.index] = ColumnChoice(choice.index, None, 0.0, choice.source)
        taken.add(choice.field)
    result = dict(fixed)
    for confidence, _hidden, index, field in sorted(proposals, key=lambda p: (-p[0], p[1], p[2])):
        if field in taken:
            result[index] = ColumnChoice(index, None, 0.0, "none")
            continue
        taken.add(field)
        result[index] = ColumnChoice(index, field, confidence, "auto")
    return result


def header_key(parts: tuple[str, ...]) -> str:
    """The key a mapping uses for a column with these header parts."""
    return normalize_header("".join(p for p in parts if p))


def merge_profile(old: ColumnMapping | None, new: ColumnMapping) -> ColumnMapping:
    """The saved profile after a confirmed import: the newly confirmed entries win."""
    columns = dict(old.columns) if old else {}
    columns.update(new.columns)
    return ColumnMapping(columns=columns)
