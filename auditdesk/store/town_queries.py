"""SQL for the office's list of towns (街镇) and the companies that use each one."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, select, update

from auditdesk.models.town import TownUsage
from auditdesk.store import schema


class TownQueries:
    conn: Connection

    def list_towns(self) -> list[TownUsage]:
        """Listed towns by name, each with the number of companies whose town it is."""
        t, c = schema.towns, schema.companies
        used = select(c.c.town, func.count().label("n")).group_by(c.c.town).subquery()
        rows = self.conn.execute(
            select(t.c.name, func.coalesce(used.c.n, 0))
            .outerjoin(used, used.c.town == t.c.name)
            .order_by(t.c.name)
        )
        return [TownUsage(str(name), int(n)) for name, n in rows]

    def town_listed(self, name: str) -> bool:
        t = schema.towns
        return self.conn.execute(select(t.c.id).where(t.c.name == name)).first() is not None

    def companies_in_town(self, name: str) -> int:
        c = schema.companies
        return int(
            self.conn.execute(
                select(func.count()).select_from(c).where(c.c.town == name)
            ).scalar_one()
        )

    def insert_town(self, name: str, now: datetime) -> None:
        self.conn.execute(
            insert(schema.towns).values(
                id=str(uuid.uuid4()), created_at=now, updated_at=now, name=name
            )
        )

    def add_missing_towns(self, names: Iterable[str], now: datetime) -> list[str]:
        """Add each non-empty name not yet listed; return the ones added."""
        added = []
        for name in dict.fromkeys(n for n in names if n):
            if not self.town_listed(name):
                self.insert_town(name, now)
                added.append(name)
        return added

    def company_towns(self) -> list[str]:
        """The distinct non-empty towns written on companies."""
        c = schema.companies
        query = select(c.c.town).where(c.c.town != "").distinct()
        return [str(t) for t in self.conn.execute(query).scalars()]

    def rename_town(self, old: str, new: str, now: datetime) -> int:
        """Companies in ``old`` move to ``new``; the list row of ``old`` is renamed, or dropped
        when ``new`` is listed already. Return the number of companies moved."""
        t, c = schema.towns, schema.companies
        moved = self.conn.execute(
            update(c)
            .where(c.c.town == old)
            .values(town=new, updated_at=now, version=c.c.version + 1)
        ).rowcount
        if self.town_listed(new):
            self.conn.execute(delete(t).where(t.c.name == old))
        else:
            self.conn.execute(
                update(t)
                .where(t.c.name == old)
                .values(name=new, updated_at=now, version=t.c.version + 1)
            )
        return int(moved)

    def delete_town(self, name: str) -> int:
        t = schema.towns
        return int(self.conn.execute(delete(t).where(t.c.name == name)).rowcount)
