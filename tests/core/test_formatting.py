from datetime import UTC, date, datetime
from decimal import Decimal

from auditdesk.formatting import format_date, format_datetime, format_money, mask_id_number


def test_format_money_rounds_half_up_with_separators() -> None:
    assert format_money(Decimal("1234567.005")) == "¥1,234,567.01"
    assert format_money(Decimal("0")) == "¥0.00"
    assert format_money(Decimal("-12.5"), symbol=False) == "-12.50"
    assert format_money(None) == ""


def test_format_dates() -> None:
    assert format_date(date(2025, 7, 1)) == "2025-07-01"
    assert format_date(None) == ""
    # 16:30 UTC is 00:30 the next day in Shanghai
    assert format_datetime(datetime(2025, 6, 30, 16, 30, tzinfo=UTC)) == "2025-07-01 00:30"


def test_mask_id_number() -> None:
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_id_number("110105491231002") == "110105*****1002"
    assert mask_id_number("12345") == "***45"
    assert mask_id_number("") == ""
    assert mask_id_number(None) == ""
