"""The paragraphs of a written .docx as a reader sees them, table cells included."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from docx.table import Table
from docx.text.paragraph import Paragraph


def paragraphs(container: Any) -> Iterator[Paragraph]:
    """Every paragraph of ``container`` (a ``docx`` Document, or a table cell) in reading order:
    body paragraphs, and inside each table row by row, cell by cell (tables in cells too). A
    cell merged across columns is read once. The body's own ``.paragraphs`` leaves out what
    stands in a table, such as a letter's closing block with its seal line."""
    for item in container.iter_inner_content():
        if isinstance(item, Paragraph):
            yield item
        elif isinstance(item, Table):
            for row in item.rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    yield from paragraphs(cell)
