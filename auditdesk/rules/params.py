"""Dated regional figures (minimum wage, social-insurance and housing-fund limits, rates, retirement
schedule) loaded from ``resources/regions/<region>.toml``, looked up by pay month."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from auditdesk.errors import AuditDeskError
from auditdesk.paths import shipped_dir

KNOWN_REGIONS = {"shanghai": "上海市"}


def period_start(period: str) -> date:
    return date(int(period[:4]), int(period[5:7]), 1)


@dataclass(frozen=True)
class Dated:
    """One dated figure of a series: in force from ``start`` until the next one."""

    start: date
    values: dict[str, Decimal]
    status: str
    source: str


@dataclass(frozen=True)
class Lookup:
    """The figure for a pay month, and whether it may be outdated (month after ``known_until``)."""

    entry: Dated
    outdated: bool

    def __getitem__(self, key: str) -> Decimal:
        return self.entry.values[key]


@dataclass(frozen=True)
class Series:
    name: str
    label: str
    entries: tuple[Dated, ...]
    known_until: date
    note: str
    yearly_from_july: bool = False
    """The figures are set for a year running July to June (SI and HF bases): a figure is known to
    be current only to the 30 June after its start's year, even where the next one is missing."""

    def at(self, period: str) -> Lookup | None:
        """The figure in force on the first day of ``period``; ``None`` before the first one.
        ``outdated`` after ``known_until``, and for a yearly series in a year with no figure of
        its own (a gap in the data: the last earlier figure is used)."""
        day = period_start(period)
        found = None
        for entry in self.entries:
            if entry.start <= day:
                found = entry
        if found is None:
            return None
        return Lookup(found, day > self.known_until or day > self.current_until(found))

    def current_until(self, entry: Dated) -> date:
        """The last day ``entry`` is known to be current (for a yearly series, the 30 June after
        the year it starts in; else ``known_until``)."""
        if self.yearly_from_july:
            return min(self.known_until, date(entry.start.year + 1, 6, 30))
        return self.known_until


@dataclass(frozen=True)
class RetirementSchedule:
    old_age: int
    start_birth: tuple[int, int]
    step_months: int
    max_delay_months: int

    def retirement_month(self, birth: date) -> tuple[int, int]:
        """(year, month) in which the statutory retirement age is reached (facts file §1.8)."""
        k = (birth.year - self.start_birth[0]) * 12 + (birth.month - self.start_birth[1])
        delay = 0 if k < 0 else min(self.max_delay_months, k // self.step_months + 1)
        months = birth.year * 12 + (birth.month - 1) + self.old_age * 12 + delay
        return months // 12, months % 12 + 1

    def age_text(self, birth: date) -> str:
        k = (birth.year - self.start_birth[0]) * 12 + (birth.month - self.start_birth[1])
        delay = 0 if k < 0 else min(self.max_delay_months, k // self.step_months + 1)
        return f"{self.old_age} 岁" + (f" {delay} 个月" if delay else "")


@dataclass(frozen=True)
class RegionParams:
    region: str
    name: str
    minimum_wage: Series
    si_base: Series
    hf_base: Series
    si_employee_rates: dict[str, Decimal]
    si_employer_total: Decimal
    si_rates_source: str
    hf_rate: Decimal
    hf_min_rate: Decimal
    hf_rates_source: str
    high_temp_months: frozenset[int]
    high_temp_monthly: Decimal
    high_temp_from: date
    high_temp_source: str
    overtime: dict[str, Decimal]
    overtime_source: str
    si_catch_up_months: frozenset[str]
    si_catch_up_old_lower: Decimal
    si_catch_up_deadline: date | None
    minimum_wage_exclusions: str
    minimum_wage_exclusions_source: str
    retirement: dict[str, RetirementSchedule]
    retirement_source: str
    source_file: Path
    source_titles: dict[str, str] = field(default_factory=dict)
    """Footnote code (``S11``) → the source's Chinese name, for codes that stand alone in a
    ``source`` text (``[sources]`` of the region file)."""

    @property
    def si_employee_total(self) -> Decimal:
        return sum(self.si_employee_rates.values(), Decimal(0))


def _series(data: dict[str, Any], name: str, label: str, keys: tuple[str, ...]) -> Series:
    """One dated series of a region file (``yearly_from_july`` from the table, default false)."""
    entries = tuple(
        sorted(
            (
                Dated(
                    start=e["from"],
                    values={k: Decimal(str(e[k])) for k in keys},
                    status=e.get("status", ""),
                    source=e.get("source", ""),
                )
                for e in data["entries"]
            ),
            key=lambda d: d.start,
        )
    )
    return Series(
        name,
        label,
        entries,
        data["known_until"],
        data.get("note", ""),
        bool(data.get("yearly_from_july", False)),
    )


def _schedule(d: dict[str, Any]) -> RetirementSchedule:
    y, m = (int(x) for x in str(d["start_birth"]).split("-"))
    return RetirementSchedule(
        int(d["old_age"]), (y, m), int(d["step_months"]), int(d["max_delay_months"])
    )


def parse_params(path: Path) -> RegionParams:
    """Read one region file. Raises AuditDeskError naming the file and the missing key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        ot = data["overtime"]
        hta = data["high_temperature_allowance"]
        si = data["si_base_limits"]
        catch = si.get("catch_up", {})
        return RegionParams(
            region=data["region"],
            name=data["name"],
            minimum_wage=_series(
                data["minimum_wage"], "minimum_wage", "最低工资", ("monthly", "hourly")
            ),
            si_base=_series(si, "si_base_limits", "社保缴费基数上下限", ("lower", "upper")),
            hf_base=_series(
                data["housing_fund_base_limits"],
                "housing_fund_base_limits",
                "公积金缴存基数上下限",
                ("lower", "upper"),
            ),
            si_employee_rates={k: Decimal(v) for k, v in data["si_rates"]["employee"].items()},
            si_employer_total=Decimal(data["si_rates"]["employer_total"]),
            si_rates_source=data["si_rates"]["source"],
            hf_rate=Decimal(data["housing_fund_rates"]["standard"]),
            hf_min_rate=Decimal(data["housing_fund_rates"]["minimum"]),
            hf_rates_source=data["housing_fund_rates"]["source"],
            high_temp_months=frozenset(int(m) for m in hta["months"]),
            high_temp_monthly=Decimal(hta["monthly"]),
            high_temp_from=hta["from"],
            high_temp_source=hta["source"],
            overtime={k: Decimal(v) for k, v in ot.items() if k != "source"},
            overtime_source=ot["source"],
            si_catch_up_months=frozenset(catch.get("months", [])),
            si_catch_up_old_lower=Decimal(catch.get("old_lower", "0")),
            si_catch_up_deadline=catch.get("deadline"),
            minimum_wage_exclusions=data["minimum_wage"]["exclusions"],
            minimum_wage_exclusions_source=data["minimum_wage"]["exclusions_source"],
            retirement={
                k: _schedule(data["retirement"][k]) for k in ("men", "women_55", "women_50")
            },
            retirement_source=data["retirement"]["source"],
            source_file=path,
            source_titles={str(k): str(v) for k, v in data.get("sources", {}).items()},
        )
    except KeyError as exc:
        raise AuditDeskError(
            f"地区参数文件 {path.name} 缺少“{exc.args[0]}”。", location=str(path)
        ) from exc
    except (tomllib.TOMLDecodeError, ValueError, ArithmeticError) as exc:
        raise AuditDeskError(f"地区参数文件 {path.name} 有误：{exc}", location=str(path)) from exc


@cache
def load_params(region: str = "shanghai") -> RegionParams:
    """The parameters of a region shipped with AuditDesk.

    Raises:
        AuditDeskError: unknown region, or a broken parameter file (named).
    """
    if region not in KNOWN_REGIONS:
        known = "、".join(f"{k}（{v}）" for k, v in KNOWN_REGIONS.items())
        raise AuditDeskError(f"暂不支持地区“{region}”。可用：{known}")
    return parse_params(shipped_dir("resources") / "regions" / f"{region}.toml")


@dataclass(frozen=True)
class ParamLine:
    """One line of the read-only 法规参数 view."""

    topic: str
    effective: str
    value: str
    status: str
    source: str
    source_ref: str = ""
    """The source as the region file gives it, footnote codes (``S56``) included."""


_CODE_NOTE = re.compile(r"（S\d+(?:、S\d+)*）")
_CODE = re.compile(r"(?<![A-Za-z0-9])S\d+(?![0-9])")


def plain_source(text: str, titles: dict[str, str]) -> str:
    """A region file's ``source`` text for the screen: the team's footnote codes dropped where
    they follow a named source (``2018 年上海最低工资调整公告（S56）``), and named where they stand
    alone (``S11`` → its title in ``titles``, else 资料来源)."""
    text = _CODE_NOTE.sub("", text)
    return _CODE.sub(lambda m: titles.get(m.group(0), "资料来源"), text)


STATUS_LABELS = {
    "verified": "已核实",
    "2nd-hand": "二手来源，待复核",
    "inferred": "生效日期为推断，待复核",
    "": "",
}
UNVERIFIED_WHY = {"2nd-hand": "为二手来源", "inferred": "的生效日期为推断"}
"""How a finding says that the figure it rests on is not verified (by the entry's ``status``)."""


def unverified_why(entry: Dated) -> str:
    """``""`` for a verified figure; else why it is not (``为二手来源``), to follow its name."""
    if entry.status == "verified":
        return ""
    return UNVERIFIED_WHY.get(entry.status, "未经核实")


def describe(params: RegionParams) -> list[ParamLine]:
    """Every figure of a region, with its dates, status and source, for display."""
    lines: list[ParamLine] = []
    for series, template in (
        (params.minimum_wage, "月 {monthly} 元；小时 {hourly} 元"),
        (params.si_base, "下限 {lower} 元；上限 {upper} 元"),
        (params.hf_base, "下限 {lower} 元；上限 {upper} 元"),
    ):
        for entry in series.entries:
            lines.append(
                ParamLine(
                    series.label,
                    f"{entry.start} 起",
                    template.format(**entry.values),
                    STATUS_LABELS.get(entry.status, entry.status),
                    entry.source,
                )
            )
        lines.append(
            ParamLine(
                series.label,
                f"已知有效至 {series.known_until}",
                series.note or "此后的月份沿用最后一档并提示可能过时",
                "",
                "",
            )
        )
    lines.append(
        ParamLine(
            "最低工资不含",
            "",
            params.minimum_wage_exclusions,
            "已核实",
            params.minimum_wage_exclusions_source,
        )
    )
    rates = params.si_employee_rates
    lines.append(
        ParamLine(
            "社保个人费率",
            "",
            f"养老 {rates['pension']}、医疗 {rates['medical']}、失业 {rates['unemployment']}",
            "已核实",
            params.si_rates_source,
        )
    )
    lines.append(
        ParamLine(
            "社保单位费率",
            "",
            f"合计约 {params.si_employer_total}（养老 16%、医疗含生育 10.5%、失业 0.5%，不含工伤；"
            "只用于估算金额）",
            "待核实（医疗费率下调为 10% 的日期未核实）",
            params.si_rates_source,
        )
    )
    lines.append(
        ParamLine(
            "公积金比例",
            "",
            f"单位、个人各 {params.hf_rate}（不低于 {params.hf_min_rate}）",
            "二手来源，待复核",
            params.hf_rates_source,
        )
    )
    months = "、".join(str(m) for m in sorted(params.high_temp_months))
    lines.append(
        ParamLine(
            "高温津贴",
            f"{params.high_temp_from} 起",
            f"{months} 月，每月 {params.high_temp_monthly} 元",
            "已核实",
            params.high_temp_source,
        )
    )
    ot = params.overtime
    lines.append(
        ParamLine(
            "加班",
            "",
            f"工作日 {ot['workday']} 倍、休息日 {ot['restday']} 倍、法定节假日 "
            f"{ot['holiday']} 倍；月计薪 {ot['days_per_month']} 天、{ot['hours_per_month']} 小时；"
            f"每月上限 {ot['monthly_cap_hours']} 小时；未约定工资时基数为正常工资的 "
            f"{ot['base_share_if_not_agreed']}",
            "已核实",
            params.overtime_source,
        )
    )
    names = {"men": "男职工", "women_55": "女职工（原 55 岁）", "women_50": "女职工（原 50 岁）"}
    for key, s in params.retirement.items():
        lines.append(
            ParamLine(
                "法定退休年龄",
                f"{s.start_birth[0]}-{s.start_birth[1]:02d} 及以后出生",
                f"{names[key]}：原 {s.old_age} 岁，每 {s.step_months} 个月延迟 1 个月，最多 {s.max_delay_months} 个月",
                "已核实",
                params.retirement_source,
            )
        )
    return [
        replace(
            line, source=plain_source(line.source, params.source_titles), source_ref=line.source
        )
        for line in lines
    ]
