"""Payroll as the importer delivers it: canonical fields, typed rows, and what the import did."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum
from itertools import repeat
from typing import Annotated, Any, Literal, NamedTuple, get_type_hints

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    create_model,
    model_validator,
)
from pydantic_core import core_schema

from auditdesk.models.common import Area, LabeledEnum, Record, labels
from auditdesk.models.finding import Certainty, Citation, MoneyKind, Severity

_PERIOD_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _check_period(value: str) -> str:
    if not _PERIOD_RE.match(value):
        raise ValueError(f"“{value}”不是有效的工资月份（应为 YYYY-MM）")
    return value


Period = Annotated[str, AfterValidator(_check_period)]
"""A pay month as ``YYYY-MM``."""


class FieldKind(StrEnum):
    TEXT = "text"
    ID_NUMBER = "id_number"
    DATE = "date"
    NUMBER = "number"
    MONEY = "money"
    PERIOD = "period"


class PayrollField(LabeledEnum):
    """The canonical payroll fields that source columns are mapped onto."""

    EMPLOYEE_ID = "employee_id"
    NAME = "name"
    DEPARTMENT = "department"
    ID_NUMBER = "id_number"
    HIRE_DATE = "hire_date"
    CONTRACT_SIGNED_DATE = "contract_signed_date"
    SCHEDULED_DAYS = "scheduled_days"
    ATTENDED_DAYS = "attended_days"
    BASE_PAY = "base_pay"
    POSITION_PAY = "position_pay"
    BONUS = "bonus"
    ANNUAL_BONUS = "annual_bonus"
    CONTRACT_WAGE = "contract_wage"
    EMPLOYMENT_TYPE = "employment_type"
    WORK_HOURS = "work_hours"
    HOURLY_RATE = "hourly_rate"
    PAID_LEAVE_DAYS = "paid_leave_days"
    OT_HOURS_WORKDAY = "ot_hours_workday"
    OT_HOURS_RESTDAY = "ot_hours_restday"
    OT_HOURS_HOLIDAY = "ot_hours_holiday"
    OT_PAY = "ot_pay"
    NIGHT_SHIFT_ALLOWANCE = "night_shift_allowance"
    MEAL_ALLOWANCE = "meal_allowance"
    TRANSPORT_ALLOWANCE = "transport_allowance"
    HIGH_TEMP_ALLOWANCE = "high_temp_allowance"
    HOUSING_ALLOWANCE = "housing_allowance"
    GROSS_PAY = "gross_pay"
    SI_BASE = "si_base"
    PENSION_EMPLOYEE = "pension_employee"
    MEDICAL_EMPLOYEE = "medical_employee"
    UNEMPLOYMENT_EMPLOYEE = "unemployment_employee"
    HOUSING_FUND_EMPLOYEE = "housing_fund_employee"
    SI_EMPLOYEE_TOTAL = "si_employee_total"
    """The employee's social insurance in one column (养老+医疗+失业…, 社保个人合计)."""
    SI_HF_EMPLOYEE_TOTAL = "si_hf_employee_total"
    """The employee's social insurance and housing fund in one column (五险一金个人)."""
    INCOME_TAX = "income_tax"
    OTHER_DEDUCTIONS = "other_deductions"
    ABSENCE_DEDUCTIONS = "absence_deductions"
    NET_PAY = "net_pay"
    PAY_DATE = "pay_date"
    PERIOD = "period"

    @property
    def kind(self) -> FieldKind:
        return _KINDS.get(self, FieldKind.MONEY)


labels(
    PayrollField,
    {
        "employee_id": "工号",
        "name": "姓名",
        "department": "部门",
        "id_number": "身份证号",
        "hire_date": "入职日期",
        "contract_signed_date": "合同签订日期",
        "scheduled_days": "应出勤天数",
        "attended_days": "实际出勤天数",
        "base_pay": "基本工资",
        "position_pay": "岗位工资",
        "bonus": "奖金/绩效",
        "annual_bonus": "年终奖",
        "contract_wage": "合同约定工资",
        "employment_type": "用工形式",
        "work_hours": "工作小时数",
        "hourly_rate": "小时工资",
        "paid_leave_days": "带薪假天数",
        "ot_hours_workday": "工作日加班小时",
        "ot_hours_restday": "休息日加班小时",
        "ot_hours_holiday": "法定节假日加班小时",
        "ot_pay": "加班费",
        "night_shift_allowance": "夜班/中班津贴",
        "meal_allowance": "餐费补贴",
        "transport_allowance": "交通补贴",
        "high_temp_allowance": "高温津贴",
        "housing_allowance": "住房补贴",
        "gross_pay": "应发工资",
        "si_base": "社保缴费基数",
        "pension_employee": "养老保险（个人）",
        "medical_employee": "医疗保险（个人）",
        "unemployment_employee": "失业保险（个人）",
        "housing_fund_employee": "住房公积金（个人）",
        "si_employee_total": "社保个人合计",
        "si_hf_employee_total": "五险一金个人合计",
        "income_tax": "个人所得税",
        "other_deductions": "其他扣款",
        "absence_deductions": "缺勤扣款（事假、病假等）",
        "net_pay": "实发工资",
        "pay_date": "发放日期",
        "period": "工资月份",
    },
)

_KINDS: dict[PayrollField, FieldKind] = {
    PayrollField.EMPLOYEE_ID: FieldKind.TEXT,
    PayrollField.NAME: FieldKind.TEXT,
    PayrollField.DEPARTMENT: FieldKind.TEXT,
    PayrollField.ID_NUMBER: FieldKind.ID_NUMBER,
    PayrollField.HIRE_DATE: FieldKind.DATE,
    PayrollField.CONTRACT_SIGNED_DATE: FieldKind.DATE,
    PayrollField.PAY_DATE: FieldKind.DATE,
    PayrollField.SCHEDULED_DAYS: FieldKind.NUMBER,
    PayrollField.ATTENDED_DAYS: FieldKind.NUMBER,
    PayrollField.EMPLOYMENT_TYPE: FieldKind.TEXT,
    PayrollField.WORK_HOURS: FieldKind.NUMBER,
    PayrollField.PAID_LEAVE_DAYS: FieldKind.NUMBER,
    PayrollField.OT_HOURS_WORKDAY: FieldKind.NUMBER,
    PayrollField.OT_HOURS_RESTDAY: FieldKind.NUMBER,
    PayrollField.OT_HOURS_HOLIDAY: FieldKind.NUMBER,
    PayrollField.PERIOD: FieldKind.PERIOD,
}

IDENTITY_FIELDS = (PayrollField.EMPLOYEE_ID, PayrollField.NAME, PayrollField.ID_NUMBER)
"""A data row names its employee through at least one of these."""


class _PayrollRowFields(NamedTuple):
    """The fields of :class:`PayrollRow`, in order (see there)."""

    source_file: str
    source_sheet: str
    source_row: int
    period: Period
    hidden: bool = False
    """The row was hidden in the source sheet (imported all the same, and findings say so)."""
    employee_id: str | None = None
    name: str | None = None
    department: str | None = None
    id_number: str | None = None
    hire_date: date | None = None
    contract_signed_date: date | None = None
    scheduled_days: Decimal | None = None
    attended_days: Decimal | None = None
    base_pay: Decimal | None = None
    position_pay: Decimal | None = None
    bonus: Decimal | None = None
    annual_bonus: Decimal | None = None
    contract_wage: Decimal | None = None
    employment_type: str | None = None
    work_hours: Decimal | None = None
    hourly_rate: Decimal | None = None
    paid_leave_days: Decimal | None = None
    ot_hours_workday: Decimal | None = None
    ot_hours_restday: Decimal | None = None
    ot_hours_holiday: Decimal | None = None
    ot_pay: Decimal | None = None
    night_shift_allowance: Decimal | None = None
    meal_allowance: Decimal | None = None
    transport_allowance: Decimal | None = None
    high_temp_allowance: Decimal | None = None
    housing_allowance: Decimal | None = None
    gross_pay: Decimal | None = None
    si_base: Decimal | None = None
    pension_employee: Decimal | None = None
    medical_employee: Decimal | None = None
    unemployment_employee: Decimal | None = None
    housing_fund_employee: Decimal | None = None
    si_employee_total: Decimal | None = None
    si_hf_employee_total: Decimal | None = None
    income_tax: Decimal | None = None
    other_deductions: Decimal | None = None
    absence_deductions: Decimal | None = None
    net_pay: Decimal | None = None
    pay_date: date | None = None


class PayrollRow(_PayrollRowFields):
    """One employee-month, typed. Missing cells are ``None``, never zero.

    Money is yuan (``Decimal``), hours and days are ``Decimal``; ``source_row`` is the 1-based row
    number in the sheet (as Excel shows it), for pointing back at the source.

    An immutable named tuple, not a pydantic model (issue 15): an import holds one per
    employee-month (60,000 and more); a model's per-instance ``__dict__`` of 44 entries took
    1.6 kB, this takes 400 bytes, and the importer builds one in a single C call. Read it by
    attribute; that it is a tuple is an implementation detail. Construction:

    - ``PayrollRow(**fields)`` and :meth:`model_validate` validate as a pydantic model of these
      fields would (same coercions, same ``pydantic.ValidationError`` titled ``PayrollRow``): for
      anything not built by this program (case files, the database, tests).
    - :meth:`trusted_columns` builds rows from values the importer has already typed and checked,
      without validation.

    :meth:`model_dump` and :meth:`model_copy` behave as pydantic's (``model_copy`` does not
    validate its ``update``). Inside a pydantic model a field of this type accepts a row or a
    mapping (validated) and serialises as :meth:`model_dump` does.
    """

    __slots__ = ()

    def __new__(cls, **values: Any) -> PayrollRow:
        """Validate ``values`` (field names; missing optional fields are ``None``, ``hidden``
        ``False``). Raises ``pydantic.ValidationError``; unknown names are ignored."""
        return cls._make(_PayrollRowModel(**values).__dict__.values())

    def __reduce__(self) -> tuple[Any, ...]:
        return (_row_from_values, (tuple(self),))

    @property
    def source_ref(self) -> str:
        """``文件 工资!17`` style pointer for messages and reports."""
        return f"{self.source_file} {self.source_sheet}!{self.source_row}"

    @classmethod
    def model_validate(cls, data: Any) -> PayrollRow:
        """A row from a mapping of field values (JSON from the database or a case file), validated
        as ``PayrollRow(**data)``; a row is returned as it is. Raises ``pydantic.ValidationError``."""
        if isinstance(data, PayrollRow):
            return data
        return cls._make(_PayrollRowModel.model_validate(data).__dict__.values())

    @classmethod
    def trusted_columns(
        cls, count: int, columns: Mapping[str, Sequence[Any]], fixed: Mapping[str, Any]
    ) -> list[PayrollRow]:
        """``count`` rows, NOT validated: each field's value is ``columns[field][i]`` for the
        ``i``-th row, else ``fixed[field]`` for every row, else its default (``None``, ``False``
        for ``hidden``). The values must already have the fields' types (the importer's parsers
        make them). Raises ``ValueError`` for a column that is not ``count`` long or a name that
        is not a field. The rows are made in C (``tuple.__new__`` mapped over ``zip``)."""
        unknown = (columns.keys() | fixed.keys()) - set(cls._fields)
        if unknown:
            raise ValueError(f"not PayrollRow fields: {sorted(unknown)}")
        parts: list[Iterable[Any]] = []
        for name in cls._fields:
            column = columns.get(name)
            if column is None:
                parts.append(repeat(fixed.get(name, cls._field_defaults.get(name)), count))
            elif len(column) != count:
                raise ValueError(f"column {name}: {len(column)} values for {count} rows")
            else:
                parts.append(column)
        return list(map(tuple.__new__, repeat(cls), zip(*parts, strict=True)))

    def model_copy(self, *, update: Mapping[str, Any] | None = None) -> PayrollRow:
        """A copy with the fields in ``update`` replaced, without validation (as pydantic's
        ``model_copy``). Raises ``AttributeError`` for a name that is not a field."""
        unknown = set(update or ()) - set(self._fields)
        if unknown:
            raise AttributeError(f"PayrollRow has no field {sorted(unknown)}")
        return self._replace(**(update or {}))

    def model_dump(
        self,
        *,
        mode: Literal["python", "json"] = "python",
        exclude_none: bool = False,
        exclude: Collection[str] = (),
    ) -> dict[str, Any]:
        """The fields as a dict, in field order, as pydantic's ``model_dump``: ``mode="json"``
        gives ``Decimal`` as its ``str`` and dates as ISO text."""
        out: dict[str, Any] = {}
        for name, value in zip(self._fields, self, strict=True):
            if (value is None and exclude_none) or name in exclude:
                continue
            if mode == "json" and isinstance(value, Decimal | date):
                value = str(value) if isinstance(value, Decimal) else value.isoformat()
            out[name] = value
        return out

    @classmethod
    def __get_pydantic_core_schema__(
        cls, _source: Any, _handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        # a row passes as it is (the importer's 60,000 are not validated again), a mapping is
        # validated; dumped as model_dump(mode=...) would
        return core_schema.no_info_plain_validator_function(
            cls.model_validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                _dump_for_pydantic, info_arg=True
            ),
        )


PAYROLL_ROW_FIELDS: tuple[str, ...] = PayrollRow._fields
"""The field names of :class:`PayrollRow`, in order."""


def _row_from_values(values: tuple[Any, ...]) -> PayrollRow:
    return PayrollRow._make(values)


def _dump_for_pydantic(row: PayrollRow, info: core_schema.SerializationInfo) -> dict[str, Any]:
    return row.model_dump(mode="json" if info.mode_is_json() else "python")


_ROW_HINTS = get_type_hints(_PayrollRowFields, include_extras=True)
_PayrollRowModel: type[BaseModel] = create_model(
    "PayrollRow",
    __config__=ConfigDict(frozen=True),
    **{
        name: (_ROW_HINTS[name], PayrollRow._field_defaults.get(name, ...))
        for name in PAYROLL_ROW_FIELDS
    },  # type: ignore[call-overload]
)
"""Validates a row's fields (the pydantic model :class:`PayrollRow` was until issue 15)."""


class SkipReason(LabeledEnum):
    BLANK = "blank"
    SUBTOTAL = "subtotal"
    TOTAL = "total"
    SIGNATURE = "signature"
    NOTE = "note"
    HEADER_REPEAT = "header_repeat"
    NO_EMPLOYEE = "no_employee"
    AFTER_END = "after_end"
    COPY = "copy"
    TITLE = "title"
    OTHER_TABLE = "other_table"
    COLUMN_NUMBERS = "column_numbers"
    CAPTION = "caption"


labels(
    SkipReason,
    {
        "blank": "空行",
        "subtotal": "小计行",
        "total": "合计行",
        "signature": "签字行",
        "note": "备注/说明行",
        "header_repeat": "重复的表头行",
        "no_employee": "没有工号、姓名或身份证号",
        "after_end": "表尾（合计/签字）之后的内容",
        "copy": "其他工作表中的相同行（副本），未重复计入",
        "title": "表格标题行",
        "other_table": "另一张表（表头或月份不同），未导入",
        "column_numbers": "栏次行（列的编号 1、2、3… 或 A、B、C…）",
        "caption": "分组或标题行（整行只有一段文字，如部门名、工资条标题）",
    },
)


class SkippedRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    row: int
    reason: SkipReason
    text: str = ""


class CellProblem(BaseModel):
    """A cell that could not be read; the rest of its row is still imported."""

    model_config = ConfigDict(frozen=True)

    file: str
    sheet: str
    cell: str
    value: str
    reason: str
    field: PayrollField | None = None

    @property
    def location(self) -> str:
        return f"{self.sheet}!{self.cell}"


GUESS_THRESHOLD = 0.9
"""A guessed mapping (containment or similarity) below this confidence needs the user's
confirmation before rules rely on it."""


class MappingSource(LabeledEnum):
    """How a column's field was chosen."""

    SYNONYM = "synonym"
    """The header is one of the known names (or a group label + sub-label that is)."""
    GUESS = "guess"
    """The header contains a known name or resembles one; ``confidence`` says how closely."""
    PROFILE = "profile"
    """The company's saved mapping profile."""
    USER = "user"
    """The mapping given for this import."""
    NONE = "none"
    """Not mapped."""


labels(
    MappingSource,
    {
        "synonym": "同义词",
        "guess": "推测",
        "profile": "企业档案",
        "user": "用户指定",
        "none": "未映射",
    },
)

LEGACY_AUTO_SYNONYM_CONFIDENCE = 0.95
"""Reports stored before sources were split say ``auto``; at or above this confidence that was
an exact synonym (1.0 for the label, 0.95 for sub-label + group label), below it a guess."""


class ColumnInfo(BaseModel):
    """A source column: its letter, joined header text and the field it maps onto."""

    model_config = ConfigDict(frozen=True)

    index: int
    column: str
    header: str
    field: PayrollField | None = None
    confidence: float = 0.0
    hidden: bool = False
    source: MappingSource = MappingSource.SYNONYM
    """How the field was chosen (see ``MappingSource``)."""
    note: str = ""
    """Why a column whose header names a field was left out, e.g. “累计数，不是本月金额” or
    “与 D 列“应发工资”竞争“应发工资”，未采用”; empty otherwise."""
    candidate: PayrollField | None = None
    """The field the header names when the column was left out for it (see ``note``)."""

    @model_validator(mode="before")
    @classmethod
    def _legacy_auto(cls, data: object) -> object:
        # Stored reports from before the split: ``auto`` was an exact synonym or a guess.
        if isinstance(data, dict) and data.get("source") == "auto":
            confidence = float(data.get("confidence") or 0.0)
            exact = confidence >= LEGACY_AUTO_SYNONYM_CONFIDENCE
            data = {**data, "source": MappingSource.SYNONYM if exact else MappingSource.GUESS}
        return data

    @property
    def needs_confirmation(self) -> bool:
        """A guessed field the user has not confirmed, below ``GUESS_THRESHOLD``."""
        return (
            self.field is not None
            and self.source is MappingSource.GUESS
            and self.confidence < GUESS_THRESHOLD
        )


class SheetReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    header_rows: list[int] = Field(default_factory=list)
    columns: list[ColumnInfo] = Field(default_factory=list)
    periods: list[str] = Field(default_factory=list)
    period_source: str = ""
    data_rows: int = 0
    skipped_rows: list[SkippedRow] = Field(default_factory=list)
    problems: list[CellProblem] = Field(default_factory=list)
    note: str = ""
    """Why a sheet was not imported (e.g. no header found); empty when it was."""
    found_rows: int = 0
    """Employee rows seen on a sheet that was not imported for want of a pay month."""
    hidden_rows: list[int] = Field(default_factory=list)
    """1-based numbers of imported rows the sheet hides."""
    unmapped_money: list[str] = Field(default_factory=list)
    """Columns holding amounts that no field was chosen for, as ``C 请假扣款``: sums over the
    mapped items cannot be checked when such columns exist."""
    remarks: list[str] = Field(default_factory=list)
    """What the import decided that the user should know: units converted, rows after the end of
    the table, copies of another sheet, hidden rows, money columns left unmapped."""

    @property
    def imported(self) -> bool:
        return not self.note


class FileReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    file: str
    path: str
    format: str
    encoding: str = ""
    sha256: str = ""
    sheets: list[SheetReport] = Field(default_factory=list)

    @property
    def data_rows(self) -> int:
        return sum(s.data_rows for s in self.sheets)


class ImportResult(BaseModel):
    """Everything one import produced: per-file reports and the typed rows."""

    model_config = ConfigDict(frozen=True)

    files: list[FileReport]
    rows: list[PayrollRow] = Field(default_factory=list)

    @property
    def periods(self) -> list[str]:
        return sorted({r.period for r in self.rows})

    @property
    def problems(self) -> list[CellProblem]:
        return [p for f in self.files for s in f.sheets for p in s.problems]


class ColumnMapping(BaseModel):
    """Header text → field, as confirmed by a user; ``None`` means "ignore this column".

    Keys are normalised header texts (see ``auditdesk.payroll.mapping.normalize_header``), so a
    mapping survives columns moving around between months.
    """

    model_config = ConfigDict(frozen=True)

    columns: dict[str, PayrollField | None] = Field(default_factory=dict)


class PayrollImport(Record):
    """One imported file, kept with the audit that imported it."""

    audit_id: str
    file_name: str = Field(max_length=255)
    sha256: str
    row_count: int
    periods: list[str]
    report: FileReport


class PayrollFinding(BaseModel):
    """One rule broken on one employee-month, with the figures used and the money at stake."""

    model_config = ConfigDict(frozen=True)

    rule: str
    title: str
    severity: Severity
    area: Area
    period: str
    employee_key: str
    """工号; without one, a masked ID number or the name — what the report can show."""
    person: str = ""
    """The employee's identity token (``rules.engine.person_token``): a hashed ID number, else
    ``emp:`` 工号, else ``name:`` name; what re-checks and groups match on."""
    employee_id: str | None = None
    employee_name: str | None = None
    department: str | None = None
    message: str
    legal_basis: list[Citation] = Field(default_factory=list)
    amount: Decimal | None = None
    money_kind: MoneyKind | None = None
    """What ``amount`` is (wages owed, contributions owed, exposure, fine risk, paid late)."""
    certainty: Certainty = Certainty.DEFINITE
    depends_on: str = ""
    """With ``certainty`` ``depends``: the fact the file cannot show (“劳动合同约定的工资”)."""
    caveat: str = ""
    """A limit of this finding: a possibly outdated parameter, a partial month to verify…"""
    source_file: str = ""
    source_sheet: str = ""
    source_row: int = 0

    @property
    def source_ref(self) -> str:
        return f"{self.source_file} {self.source_sheet}!{self.source_row}"


class RuleSkip(BaseModel):
    model_config = ConfigDict(frozen=True)

    rule: str
    title: str
    reason: str


class CheckResult(BaseModel):
    """The rules applied to a set of payroll rows."""

    model_config = ConfigDict(frozen=True)

    region: str
    rows: int
    employees: int
    periods: list[str]
    rules_run: list[str]
    rules_skipped: list[RuleSkip] = Field(default_factory=list)
    findings: list[PayrollFinding] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
