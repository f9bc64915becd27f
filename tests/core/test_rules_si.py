"""Social insurance and housing fund: SI.NOT_PAID, SI.BASE_BELOW_FLOOR, HF.NOT_PAID."""

from __future__ import annotations

from datetime import date

import pytest

from auditdesk.models.finding import Certainty, MoneyKind, Severity
from auditdesk.rules.engine import derive
from auditdesk.rules.params import load_params
from auditdesk.rules.social_insurance import is_part_time
from tests.builders.payroll_rows import D, born, check, row

NO_SI = {"pension_employee": None, "medical_employee": None, "unemployment_employee": None}


# ------------------------------------------------------------------ SI / HF
def test_si_not_paid() -> None:
    found = check("SI.NOT_PAID", row(pension_employee=D(0), medical_employee=None,
                                     unemployment_employee=None))  # fmt: skip
    assert found[0].severity is Severity.HIGH
    assert found[0].amount == (D(7460) * D("0.375")).quantize(D("0.01"))


@pytest.mark.parametrize(("period", "fires"), [("2025-07", False), ("2025-08", True)])
def test_si_allows_the_thirty_day_window_for_new_hires(period: str, fires: bool) -> None:
    r = row(period=period, hire_date=date(2025, 6, 15), contract_signed_date=date(2025, 6, 15),
            pension_employee=None, medical_employee=None, unemployment_employee=None)  # fmt: skip
    assert bool(check("SI.NOT_PAID", r)) is fires


@pytest.mark.parametrize(("base", "fires"), [("7459.4", True), ("7459.5", False), ("7460", False)])
def test_si_base_floor(base: str, fires: bool) -> None:
    found = check("SI.BASE_BELOW_FLOOR", row(period="2025-10", si_base=D(base),
                                             pay_date=date(2025, 11, 10)))  # fmt: skip
    assert bool(found) is fires


def test_si_base_catch_up_months_of_2025() -> None:
    [catch_up] = check("SI.BASE_BELOW_FLOOR", row(si_base=D(7384)))
    assert catch_up.severity is Severity.LOW
    assert "补差" in catch_up.message
    [below_both] = check("SI.BASE_BELOW_FLOOR", row(si_base=D(7000)))
    assert below_both.severity is Severity.MEDIUM


def test_si_base_derived_from_pension_when_no_base_column() -> None:
    found = check("SI.BASE_BELOW_FLOOR", row(period="2025-06", si_base=None, pension_employee=D(400),
                                             pay_date=date(2025, 7, 10)))  # fmt: skip
    assert "反推" in found[0].message  # 400 / 8 % = 5,000 < 7,384


@pytest.mark.parametrize(("period", "fires"), [("2025-07", False), ("2025-08", True)])
def test_housing_fund_from_the_second_month(period: str, fires: bool) -> None:
    r = row(period=period, hire_date=date(2025, 6, 10), contract_signed_date=date(2025, 6, 10),
            housing_fund_employee=D(0))  # fmt: skip
    assert bool(check("HF.NOT_PAID", r)) is fires


# ------------------------------------------------------------------ estimates clamped to the limits
def test_si_estimate_uses_the_ceiling_for_a_declared_base_above_it() -> None:
    # 2025-08 limits 7,460 / 37,302; employer 27 % + employee 10.5 % = 37.5 %:
    # 37,302 × 0.375 = 13,988.25 (not 50,000 × 0.375 = 18,750)
    r = row(period="2025-08", si_base=D(50000), pension_employee=D(0), medical_employee=None,
            unemployment_employee=None, pay_date=date(2025, 9, 10))  # fmt: skip
    [found] = check("SI.NOT_PAID", r)
    assert found.amount == D("13988.25")
    assert "按基数上限 37,302 元估算" in found.message
    assert found.money_kind is MoneyKind.CONTRIBUTIONS_OWED
    assert found.severity is Severity.HIGH
    assert found.certainty is Certainty.DEFINITE


@pytest.mark.parametrize(
    ("si_base", "amount", "text"),
    [(None, "2797.50", "按基数下限 7,460 元估算"),    # 7,460 × 0.375
     (D(5000), "2797.50", "按基数下限 7,460 元估算"),  # below the floor: 7,460 × 0.375
     (D(10000), "3750.00", "按申报基数 10,000 元估算")],  # 10,000 × 0.375
)  # fmt: skip
def test_si_estimate_says_which_base(si_base: D | None, amount: str, text: str) -> None:
    [found] = check("SI.NOT_PAID", row(si_base=si_base, **NO_SI))
    assert found.amount == D(amount)
    assert text in found.message


def test_hf_estimate_uses_the_ceiling() -> None:
    # HF limits from 2025-07: 2,690 / 37,302; 37,302 × 7 % × 2 = 5,222.28
    r = row(period="2025-08", si_base=D(50000), housing_fund_employee=D(0),
            pay_date=date(2025, 9, 10))  # fmt: skip
    [found] = check("HF.NOT_PAID", r)
    assert found.amount == D("5222.28")
    assert "按基数上限 37,302 元估算" in found.message
    assert found.money_kind is MoneyKind.CONTRIBUTIONS_OWED


def test_hf_estimate_uses_the_floor_and_the_normal_wage() -> None:
    # no declared base: normal wage 2,000 < 2,690 → 2,690 × 7 % × 2 = 376.60
    r = row(si_base=None, gross_pay=D(2000), base_pay=D(2000), housing_fund_employee=None)
    [found] = check("HF.NOT_PAID", r)
    assert found.amount == D("376.60")
    assert "按基数下限 2,690 元估算" in found.message
    # declared 10,000: 10,000 × 7 % × 2 = 1,400.00
    [declared] = check("HF.NOT_PAID", row(si_base=D(10000), housing_fund_employee=D(0)))
    assert declared.amount == D("1400.00")
    assert "按申报基数 10,000 元估算" in declared.message


def test_si_base_below_floor_is_contributions_owed() -> None:
    # 2025-10: (7,460 - 7,000) × 0.375 = 172.50
    [found] = check("SI.BASE_BELOW_FLOOR", row(period="2025-10", si_base=D(7000),
                                               pay_date=date(2025, 11, 10)))  # fmt: skip
    assert found.amount == D("172.50")
    assert found.money_kind is MoneyKind.CONTRIBUTIONS_OWED


# ------------------------------------------------------------------ part-time workers
PART_TIME = {"employment_type": "非全日制", "work_hours": D(80), "hourly_rate": D(25),
             "base_pay": D(2000), "gross_pay": D(2000)}  # fmt: skip


def test_part_timer_gets_no_si_or_hf_finding() -> None:
    # only work-injury insurance is mandatory for part-timers (劳社部发〔2003〕12号); the old rules
    # gave SI high 7,460 × 0.375 = 2,797.50 and HF medium 7,460 × 0.14 = 1,044.40
    r = row(**PART_TIME, **NO_SI, housing_fund_employee=None)
    assert check("SI.NOT_PAID", r) == []
    assert check("HF.NOT_PAID", r) == []
    assert check("SI.BASE_BELOW_FLOOR", row(**PART_TIME, si_base=D(3000))) == []


@pytest.mark.parametrize(
    ("changes", "part_time"),
    [({"employment_type": "非全日制用工"}, True), ({"employment_type": "小时工"}, True),
     ({"employment_type": "兼职"}, True), ({"employment_type": "钟点工"}, True),
     ({"work_hours": D(60), "hourly_rate": D(30)}, True),
     ({"work_hours": D(60)}, False), ({"hourly_rate": D(30)}, False),
     ({"employment_type": "全日制"}, False),
     ({"gross_pay": D(1500), "base_pay": D(1500)}, False)],  # low pay alone says nothing
)  # fmt: skip
def test_part_time_only_where_the_payroll_says_so(
    changes: dict[str, object], part_time: bool
) -> None:
    [emp] = derive([row(**changes)], load_params("shanghai"))
    assert is_part_time(emp) is part_time


def test_low_paid_full_timer_still_gets_the_si_finding() -> None:
    assert len(check("SI.NOT_PAID", row(gross_pay=D(2000), base_pay=D(2000), **NO_SI))) == 1


# ------------------------------------------------------------------ past retirement age
RETIRED_ID = born(date(1960, 1, 1))  # a man: 60 in 2020-01, before the reform


@pytest.mark.parametrize(
    ("rule", "changes"),
    [("SI.NOT_PAID", NO_SI), ("HF.NOT_PAID", {"housing_fund_employee": D(0)}),
     ("SI.BASE_BELOW_FLOOR", {"period": "2025-10", "si_base": D(5000)})],
)  # fmt: skip
def test_past_retirement_asks_retired_or_flexible_delay(
    rule: str, changes: dict[str, object]
) -> None:
    period = str(changes.get("period", "2025-07"))
    later = f"{period[:5]}{int(period[5:]) + 1:02d}"
    rows = [row(id_number=RETIRED_ID, **{**changes, "period": p}) for p in (period, later)]
    [found] = check(rule, *rows)  # one per person, not one per month
    assert found.severity is Severity.INFO
    assert found.certainty is Certainty.DEPENDS
    assert found.depends_on == "是否已退休或办理了弹性延迟退休"
    assert found.amount is None
    assert "请核实：已退休（劳务关系）还是弹性延迟退休（仍为劳动关系）" in found.message


def test_past_retirement_and_paying_gets_nothing() -> None:
    assert check("SI.NOT_PAID", row(id_number=RETIRED_ID)) == []
    assert check("HF.NOT_PAID", row(id_number=RETIRED_ID)) == []


def test_flexible_delay_ruled_out_by_the_dates_is_said() -> None:
    # born 1960-01: 60 in 2020-01, before the 2025 measures → a flexible delay is unlikely;
    # born 1965-01: 60y1m in 2025-02, within the 3 years in 2025-07 → no such note
    [old] = check("SI.NOT_PAID", row(id_number=RETIRED_ID, **NO_SI))
    assert "早于 2025 年 1 月弹性退休办法施行" in old.message
    [recent] = check("SI.NOT_PAID", row(id_number=born(date(1965, 1, 15)), **NO_SI))
    assert "可能性很小" not in recent.message
    assert recent.severity is Severity.INFO


# ------------------------------------------------------------------ figures the facts file marks unverified
UNVERIFIED = "待核实"


def test_base_below_a_second_hand_floor_depends_on_that_figure() -> None:
    # 2021-08: the floor in force from 2021-07-01 is 5,975, marked 2nd-hand in the facts file
    # (§6.3; §11.2: the dating of the 2021-07/2022-07 steps is inferred). Declared 5,900 < 5,975:
    # (5,975 - 5,900) × 0.375 = 28.125 → 28.13, but the verdict rests on the unverified 5,975:
    # 中 at most, 待核实, and the finding says which figure.
    [found] = check("SI.BASE_BELOW_FLOOR", row(period="2021-08", si_base=D(5900),
                                               pay_date=date(2021, 9, 10)))  # fmt: skip
    assert found.amount == D("28.13")
    assert found.certainty is Certainty.DEPENDS
    assert found.severity.rank >= Severity.MEDIUM.rank
    assert "5,975" in found.depends_on
    assert UNVERIFIED in found.caveat


def test_base_below_a_floor_with_an_inferred_date_depends_on_it() -> None:
    # 2022-08: 6,520 from 2022-07-01 — the figures are sourced, the date is inferred (§6.3, §11.2);
    # the region file marks it so, and a finding on it says so. (6,520 - 6,000) × 0.375 = 195.00
    entry = load_params().si_base.at("2022-08")
    assert entry is not None
    assert entry.entry.status == "inferred"
    [found] = check("SI.BASE_BELOW_FLOOR", row(period="2022-08", si_base=D(6000),
                                               pay_date=date(2022, 9, 10)))  # fmt: skip
    assert found.amount == D("195.00")
    assert found.certainty is Certainty.DEPENDS
    assert UNVERIFIED in found.caveat


def test_base_below_a_verified_floor_stays_definite() -> None:
    # 2024-08: 7,384 (verified) → (7,384 - 7,000) × 0.375 = 144.00, definite, the floor not 待核实
    [found] = check("SI.BASE_BELOW_FLOOR", row(period="2024-08", si_base=D(7000),
                                               pay_date=date(2024, 9, 10)))  # fmt: skip
    assert found.amount == D("144.00")
    assert found.certainty is Certainty.DEFINITE
    assert "二手来源" not in found.caveat


def test_si_estimate_on_a_second_hand_floor_says_so() -> None:
    # 2021-08, declared 3,000 below the (2nd-hand) floor 5,975: 5,975 × 0.375 = 2,240.625 → 2,240.63.
    # No SI at all is definite from the file (high stays); the amount rests on the figure.
    [found] = check("SI.NOT_PAID", row(period="2021-08", si_base=D(3000), pay_date=None, **NO_SI))
    assert found.amount == D("2240.63")
    assert found.severity is Severity.HIGH
    assert UNVERIFIED in found.caveat
    assert "5,975" in found.caveat


def test_hf_estimate_on_a_second_hand_floor_says_so() -> None:
    # 2024-08: HF limits 2,690 / 36,921 are 2nd-hand (calculator code, §6.5). Normal wage 2,000 <
    # 2,690 → 2,690 × 7 % × 2 = 376.60, resting on the unverified floor.
    r = row(period="2024-08", si_base=None, gross_pay=D(2000), base_pay=D(2000),
            housing_fund_employee=None, pay_date=None)  # fmt: skip
    [found] = check("HF.NOT_PAID", r)
    assert found.amount == D("376.60")
    assert UNVERIFIED in found.caveat
    # a declared base inside the limits does not rest on them: 10,000 × 0.14 = 1,400.00
    [inside] = check("HF.NOT_PAID", row(period="2024-08", si_base=D(10000),
                                        housing_fund_employee=D(0), pay_date=None))  # fmt: skip
    assert inside.amount == D("1400.00")
    assert "二手来源" not in inside.caveat


# ------------------------------------------------------------------ rows the payroll marks as no labour relation
# Interns and students (勤工助学, 劳部发〔1995〕309号 Art. 12) and retirees re-hired (SPC-I Art. 32)
# are not in a labour relation: SI/HF/contract/OT-cap findings are not owed, nor silently dropped —
# one 提示 per person to verify the relation (facts §1.10, §9.0, §9.2).
RELATION_FACT = "是否确非劳动关系"


@pytest.mark.parametrize("kind", ["退休返聘", "实习生", "勤工助学", "劳务协议"])
@pytest.mark.parametrize(
    ("rule", "changes"),
    [("SI.NOT_PAID", NO_SI), ("HF.NOT_PAID", {"housing_fund_employee": D(0)}),
     ("SI.BASE_BELOW_FLOOR", {"si_base": D(5000)})],
)  # fmt: skip
def test_no_labour_relation_in_the_payroll_is_one_info_to_verify(
    kind: str, rule: str, changes: dict[str, object]
) -> None:
    # a man born 1990 (not past retirement by age): the 用工形式 alone says what the relation is.
    # Without it SI.NOT_PAID would be 高 7,460 × 0.375 = 2,797.50 a month.
    rows = [row(employment_type=kind, period=p, pay_date=None, **changes)
            for p in ("2025-08", "2025-09")]  # fmt: skip
    [found] = check(rule, *rows)
    assert found.severity is Severity.INFO
    assert found.certainty is Certainty.DEPENDS
    assert RELATION_FACT in found.depends_on
    assert found.amount is None
    assert kind in found.message


def test_dispatched_workers_are_in_a_labour_relation() -> None:
    # 劳务派遣: a labour relation with the agency — not a 劳务关系
    [found] = check("SI.NOT_PAID", row(employment_type="劳务派遣", **NO_SI))
    assert found.severity is Severity.HIGH


def test_si_year_without_a_known_figure_is_possibly_outdated() -> None:
    # the SI year runs July to June (facts §6.2); the facts file has 2019-05-01 (4,927) and then
    # 2021-07-01 — nothing for the 2020-07 … 2021-06 year. 2020-08 is checked with 4,927 (floors
    # are not lowered: a base under it is short in any case), but says the figure may be outdated.
    # (4,927 - 4,500) × 0.375 = 160.125 → 160.13
    from auditdesk.models.payroll import PayrollField
    from auditdesk.rules.catalog import RULES_BY_ID
    from auditdesk.rules.engine import run_rules

    r = row(period="2020-08", si_base=D(4500), pay_date=date(2020, 9, 10))
    result = run_rules([r], rules=[RULES_BY_ID["SI.BASE_BELOW_FLOOR"]],
                       present=frozenset(PayrollField))  # fmt: skip
    [found] = result.findings
    assert found.amount == D("160.13")
    assert "2019-05-01 起的标准" in found.caveat
    assert any("2020-08" in n and "社保缴费基数上下限" in n for n in result.notes), result.notes
    assert not any("至 2026-06-30" in n for n in result.notes)  # not the series' end
    # 2020-06 is still inside the 2019 figure's year: no caveat
    [june] = check("SI.BASE_BELOW_FLOOR", row(period="2020-06", si_base=D(4500), pay_date=None))
    assert "可能已有调整" not in june.caveat


def test_estimates_say_which_rates_are_unverified() -> None:
    # facts §11.3: the date the employer medical rate fell 10.5 % → 10 % is unverified, so the
    # 27 % employer total (16 + 10.5 + 0.5) behind every SI amount is; §11.4/§6.5: whether 5 % to 7 %
    # is allowed instead of the fixed 7 % is unverified, so HF amounts at 7 % + 7 % may be high.
    [si] = check("SI.NOT_PAID", row(**NO_SI))
    assert "医疗费率" in si.caveat
    assert "待核实" in si.caveat
    [hf] = check("HF.NOT_PAID", row(housing_fund_employee=D(0)))
    assert "5%" in hf.caveat
    assert "待核实" in hf.caveat
    [below] = check("SI.BASE_BELOW_FLOOR", row(period="2025-10", si_base=D(7000),
                                               pay_date=date(2025, 11, 10)))  # fmt: skip
    assert "医疗费率" in below.caveat
    assert below.certainty is Certainty.DEFINITE  # the shortfall itself is certain


@pytest.mark.parametrize(
    "kind",
    ["非实习", "非实习生", "实习期满转正", "实习转正", "非退休人员", "非劳务关系", "不是返聘"],
)
def test_a_negated_or_ended_no_labour_word_keeps_the_labour_relation(kind: str) -> None:
    # 非实习 / 实习期满转正 / 非劳务关系 say the person IS an employee: the full 高 finding
    # stands (7,460 × 0.375 = 2,797.50), not a 提示 resting on a relation the payroll denies.
    [found] = check("SI.NOT_PAID", row(employment_type=kind, **NO_SI))
    assert found.severity is Severity.HIGH
    assert RELATION_FACT not in found.depends_on
    assert found.amount == D("2797.50")


def test_a_denied_part_time_word_is_no_part_timer() -> None:
    # 非兼职 says full-time: SI is owed (高), unlike 兼职, where no SI finding is made
    [found] = check("SI.NOT_PAID", row(employment_type="非兼职", **NO_SI))
    assert found.severity is Severity.HIGH
    assert check("SI.NOT_PAID", row(employment_type="兼职", **NO_SI)) == []
