"""Bounded fuzzing of the other readers of outside files: the CSV reader, the checklist TOML loader
and the Word template check. Whatever the bytes, each answers with its own error (``AuditDeskError``
naming the file, or a located checklist problem), never another exception.

Inputs are generated (text in every CSV encoding with quotes, separators, surrogates and cut-off
tails; nested TOML; template placeholders) and mutated from genuine files. ``FUZZ_EXAMPLES`` raises
the example count for a longer local run, as in ``test_fuzz_importers.py``.
"""

from __future__ import annotations

import pytest
from docx import Document
from hypothesis import given
from hypothesis import strategies as st

from auditdesk.checklists.loader import read_module
from auditdesk.errors import AuditDeskError
from auditdesk.paths import shipped_dir
from auditdesk.payroll.readers import read_workbook
from auditdesk.reports.docx import check_template
from tests.core.test_fuzz_importers import FUZZ, mutated

CSV_TEXT = st.text(
    alphabet=st.sampled_from([*'工号姓名应发实发,;|\t"=\r\n 0123456789.-￥', "\ud800", "\x00"]),
    max_size=400,
)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "gb18030"]


@FUZZ
@given(text=CSV_TEXT, encoding=st.sampled_from(ENCODINGS), cut=st.integers(0, 3))
def test_csv_reader_raises_only_its_own_error(
    tmp_path_factory: pytest.TempPathFactory, text: str, encoding: str, cut: int
) -> None:
    path = tmp_path_factory.mktemp("csv") / "fuzz.csv"
    data = text.encode(encoding, errors="surrogatepass" if "16" in encoding else "replace")
    if encoding == "utf-16-le":
        data = b"\xff\xfe" + data
    path.write_bytes(data[: len(data) - cut] if cut < len(data) else data)
    try:
        book = read_workbook(path)
    except AuditDeskError as exc:
        assert path.name in exc.message  # noqa: PT017 - may or may not raise
        return
    assert all(len(row) == len(book.sheets[0].rows[0]) for row in book.sheets[0].rows)


TOML_PIECES = st.sampled_from(
    ["[", "]", "{", "}", "=", '"', "'", "\n", "[[items]]\n", 'id = "X1"\n', "a = ", ", ", "1",
     "true", "# 注释\n", '"""', "x.y", "\\", "严重"]
)  # fmt: skip
GENUINE_TOML = (shipped_dir("checklists") / "pay.toml").read_bytes()


@FUZZ
@given(pieces=st.lists(TOML_PIECES, max_size=300), depth=st.integers(0, 1500))
def test_checklist_loader_generated(
    tmp_path_factory: pytest.TempPathFactory, pieces: list[str], depth: int
) -> None:
    path = tmp_path_factory.mktemp("toml") / "fuzz.toml"
    nested = "deep = " + "[" * depth + "]" * depth + "\n" if depth else ""
    path.write_text('area = "pay"\ntitle = "模块"\n' + nested + "".join(pieces), encoding="utf-8")
    module, problems = read_module(path, custom=True)
    assert (module is None) == bool(problems)
    assert all(p.file == "fuzz.toml" for p in problems)


@FUZZ
@given(data=mutated(GENUINE_TOML))
def test_checklist_loader_mutated(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("toml") / "pay.toml"
    path.write_bytes(data)
    module, problems = read_module(path, custom=True)
    assert (module is None) == bool(problems)


PLACEHOLDER = st.lists(
    st.sampled_from([*"{}%#|() .[]'\"abc_0-+*~", "{{", "}}", "{%", "%}", "for ", "if ", "endfor",
                     "endif", "company.name", "in ", "x"]), max_size=30,
).map("".join)  # fmt: skip


@FUZZ
@given(paragraphs=st.lists(PLACEHOLDER, min_size=1, max_size=4))
def test_template_check_generated(
    tmp_path_factory: pytest.TempPathFactory, paragraphs: list[str]
) -> None:
    path = tmp_path_factory.mktemp("tpl") / "mine.docx"
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    doc.save(str(path))
    try:
        check_template(path)
    except AuditDeskError as exc:
        assert path.name in exc.message  # noqa: PT017 - may or may not raise


GENUINE_TEMPLATE = (shipped_dir("report_templates") / "notice.docx").read_bytes()


@FUZZ
@given(data=mutated(GENUINE_TEMPLATE))
def test_template_check_mutated(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("tpl") / "notice.docx"
    path.write_bytes(data)
    try:
        check_template(path)
    except AuditDeskError as exc:
        assert path.name in exc.message  # noqa: PT017 - may or may not raise
