"""The far-cell guard's regex scans were rewritten for speed (issue 15, second round): they must
answer exactly as the patterns the issue 17 review wrote, on every input. Compared here on the
review's spellings and on random XML-like fragments."""

from __future__ import annotations

import random
import re

import pytest

from auditdesk.payroll import readers

# The patterns as the issue 17 review wrote them: the specification the fast ones must match.
# The attribute name is matched as calamine reads it: ``r`` only (XML names are case-sensitive;
# calamine places a ``R=`` cell by counting, and SPEC_UNPLACED finds it); the column letters in
# either case, as calamine reads them.
SPEC_FAR_CELL = re.compile(
    rb"""(?<![\w.-])r\s*=\s*(["'])\s*\$?\s*"""
    rb"""(?:[a-zA-Z]{3}|[h-zH-Z][a-zA-Z]|[a-zA-Z]{0,3}\$?\s*0*[0-9]{6}|[^"'<>]*&)""",
)
SPEC_UNPLACED = re.compile(rb"""<(?:[\w.-]+:)?(?:c|row)(?=[\s/>])(?![^>]*(?<![\w.-])r\s*=)""")

PIECES = [
    b"r", b"R", b" ", b"=", b'"', b"'", b"$", b"0", b"1", b"9", b"12", b"99999", b"100000",
    b"A", b"g", b"G", b"h", b"H", b"Z", b"x", b"&", b"&#88;", b"<", b">", b"c", b"row", b"x:",
    b":", b"-", b".", b"_", b"\n", b"\t", b"/", b"<c ", b' r="', b"r='", b"<row ", b"<x:c ",
    b"\xe5\xb7\xa5",
]  # fmt: skip

KNOWN = [
    b'<row r="2"><c r="A2" t="n"><v>1</v></c></row>',
    b'<c r="GZ99999"><v>1</v></c>',
    b'<c r="HA1"><v>1</v></c>',
    b'<c r="AAA1"><v>1</v></c>',
    b'<c r="A100000"><v>1</v></c>',
    b'<c r="A0000012"><v>1</v></c>',
    b"<c r = 'xfd1048576'><v>1</v></c>",
    b'<c R="$A$1"/>',
    b'<c r="&#88;FD1"/>',
    b"<c><v>1</v></c>",
    b"<row><c r='A1'/></row>",
    b'<x:c t="n"><x:v>1</x:v></x:c>',
    b'<x:row r="1"><x:c r="B1"/></x:row>',
    b'<c\nr="A1"/>',
    b'<cx r="A1"/>',
    b'<c ar="1"/>',
    b'<c s="1" r="B7"/>',
    b'<c R="XFD1048576"><v>1</v></c>',
    b'<c r="xfd1048576"><v>1</v></c>',
]


def _fast_far(data: bytes) -> bool:
    return bool(readers._FAR_CELL.search(data))


@pytest.mark.parametrize("data", KNOWN)
def test_known_spellings_answer_as_the_review_patterns(data: bytes) -> None:
    assert _fast_far(data) == bool(SPEC_FAR_CELL.search(data))
    assert readers._unplaced(data) == bool(SPEC_UNPLACED.search(data))


def test_random_fragments_answer_as_the_review_patterns() -> None:
    rng = random.Random(20261130)
    far = unplaced = 0
    for _ in range(40_000):
        data = b"".join(rng.choice(PIECES) for _ in range(rng.randint(1, 16)))
        expected_far = bool(SPEC_FAR_CELL.search(data))
        expected_unplaced = bool(SPEC_UNPLACED.search(data))
        assert _fast_far(data) == expected_far, data
        assert readers._unplaced(data) == expected_unplaced, data
        far += expected_far
        unplaced += expected_unplaced
    # both answers occur often, so the comparison tests something
    assert far > 1000
    assert unplaced > 1000


def test_an_upper_case_attribute_name_is_still_examined() -> None:
    """calamine places ``<c R="XFD1048576">`` by counting (``R`` is not its reference): the scan
    sends the sheet to the exact parse all the same, as a cell without ``r``."""
    data = b'<row r="1"><c r="A1"><v>1</v></c><c R="XFD1048576"><v>2</v></c></row>'
    assert not readers._FAR_CELL.search(data)
    assert readers._far_in_sheet(iter([data, b""]).__next__)
