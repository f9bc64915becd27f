"""Schema version 10: a finding carries its own legal consequence (法律后果), copied from its
checklist item (or payroll rule) instead of one sentence for every finding. Existing checklist
findings are filled from the checklist snapshot their audit pinned, where the item is in it.
Frozen."""

from __future__ import annotations

import json
from typing import Any

from alembic.operations import Operations
from sqlalchemy import Column, Text, text


def _consequences(payload: Any) -> dict[str, str]:
    """Item id → consequence in one stored snapshot (its JSON as written by step 2's callers)."""
    library = json.loads(payload) if isinstance(payload, str) else payload
    found: dict[str, str] = {}
    for module in (library or {}).get("modules", []):
        for item in module.get("items", []):
            if item.get("id") and item.get("consequence"):
                found[item["id"]] = str(item["consequence"])
    return found


def upgrade(op: Operations) -> None:
    # A plain ADD COLUMN, as in steps 4 and 8: copying findings would fire ON DELETE CASCADE.
    op.add_column("findings", Column("consequence", Text, nullable=False, server_default=""))
    conn = op.get_bind()
    rows = conn.execute(
        text(
            "select f.id, f.origin_ref, s.key, s.payload from findings f"
            " join audits a on a.id = f.audit_id"
            " join checklist_snapshots s on s.key = a.checklist_version"
            " where f.origin = 'checklist'"
        )
    ).all()
    by_snapshot: dict[str, dict[str, str]] = {}
    for finding_id, item_id, key, payload in rows:
        if key not in by_snapshot:
            by_snapshot[key] = _consequences(payload)
        items = by_snapshot[key]
        if item_id in items:
            conn.execute(
                text("update findings set consequence = :c where id = :i"),
                {"c": items[item_id], "i": finding_id},
            )
