"""Every payroll rule, in the order they are run and reported."""

from __future__ import annotations

from auditdesk.rules.data import ARITHMETIC, DUPLICATE, ID_INVALID
from auditdesk.rules.engine import Rule
from auditdesk.rules.hours import OT_MONTHLY_CAP
from auditdesk.rules.pay import DEDUCTION_CAP, HIGH_TEMP, LATE, MIN_WAGE, OT_UNDERPAID
from auditdesk.rules.people import CHILD_LABOR, CONTRACT_NOT_SIGNED, MINOR_WORKER, PAST_RETIREMENT
from auditdesk.rules.social_insurance import HF_NOT_PAID, SI_BASE_BELOW_FLOOR, SI_NOT_PAID

RULES: tuple[Rule, ...] = (
    CHILD_LABOR,
    MINOR_WORKER,
    PAST_RETIREMENT,
    CONTRACT_NOT_SIGNED,
    MIN_WAGE,
    OT_UNDERPAID,
    LATE,
    DEDUCTION_CAP,
    HIGH_TEMP,
    OT_MONTHLY_CAP,
    SI_NOT_PAID,
    SI_BASE_BELOW_FLOOR,
    HF_NOT_PAID,
    ID_INVALID,
    DUPLICATE,
    ARITHMETIC,
)
RULES_BY_ID = {r.id: r for r in RULES}
