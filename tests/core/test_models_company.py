import pytest
from pydantic import ValidationError

from auditdesk.models.common import field_errors
from auditdesk.models.company import (
    Company,
    CompanyInput,
    credit_code_check_char,
    credit_code_problem,
)

# Real registered codes (public business licences) whose check characters follow GB 32100.
VALID_CODES = [
    "91350200776049653A",
    "91440101MA5CJQ4N59",
    "913502000728319549",
    "9135021359498494XQ",
    "91350213678251743X",
]


@pytest.mark.parametrize("code", VALID_CODES)
def test_valid_credit_codes_pass(code: str) -> None:
    assert credit_code_problem(code) is None
    assert credit_code_check_char(code[:17]) == code[17]


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("91350200776049653B", "校验位不符（第 18 位应为 A）"),
        ("9135020077604965", "应为 18 位，当前为 16 位"),
        ("91350200776O49653A", "不允许的字符：O"),
        ("91ABCDEF776049653A", "第 3～8 位应为行政区划代码"),
    ],
)
def test_invalid_credit_codes_explain_why(code: str, fragment: str) -> None:
    problem = credit_code_problem(code)
    assert problem is not None
    assert fragment in problem


def test_every_single_character_typo_is_caught() -> None:
    code = VALID_CODES[0]
    charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for pos in range(8, 18):
        for ch in charset:
            if ch != code[pos]:
                typo = code[:pos] + ch + code[pos + 1 :]
                assert credit_code_problem(typo) is not None, typo


def test_credit_code_is_normalised() -> None:
    company = CompanyInput(name="甲", credit_code=" 91350200776049653a ")
    assert company.credit_code == "91350200776049653A"
    assert CompanyInput(name="甲", credit_code="  ").credit_code is None


def test_name_is_required_with_a_chinese_message() -> None:
    with pytest.raises(ValidationError) as info:
        CompanyInput(name="   ")
    assert field_errors(info.value) == {"name": "企业名称必填"}


def test_headcount_accepts_digits_and_rejects_words() -> None:
    assert CompanyInput(name="甲", headcount="1,200").headcount == 1200
    assert CompanyInput(name="甲", headcount="").headcount is None
    with pytest.raises(ValidationError) as info:
        CompanyInput(name="甲", headcount="一百")
    assert field_errors(info.value)["headcount"] == "职工人数必须是不小于 0 的整数"
    with pytest.raises(ValidationError) as info:
        CompanyInput(name="甲", headcount=-3)
    assert field_errors(info.value)["headcount"] == "不能小于 0"


def test_several_errors_are_reported_per_field() -> None:
    with pytest.raises(ValidationError) as info:
        CompanyInput(name="", credit_code="123", headcount="x")
    errors = field_errors(info.value)
    assert set(errors) == {"name", "credit_code", "headcount"}
    assert "18 位" in errors["credit_code"]


def test_company_record_has_uuid_and_utc_times() -> None:
    a, b = Company(name="甲"), Company(name="乙")
    assert a.id != b.id
    assert len(a.id) == 36
    assert a.created_at.tzinfo is not None
    assert a.to_input() == CompanyInput(name="甲")
