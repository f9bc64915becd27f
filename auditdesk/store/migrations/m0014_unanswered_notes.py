"""Schema version 14: an answer's result may be empty (NULL = 未作答), so a note, a channel or
evidence can be kept on an item that has not been answered yet. Frozen.

SQLite cannot drop NOT NULL in place: alembic's batch mode rebuilds the table (create a copy,
drop ``answers``, rename the copy). With foreign keys on, dropping ``answers`` would delete the
evidence linked to it (``attachments.answer_id ON DELETE CASCADE``), and the pragma cannot be
turned off inside the migration's transaction, so those links are set aside first and put back
after the rebuild. On PostgreSQL batch mode is a plain ``ALTER COLUMN … DROP NOT NULL``.
"""

from __future__ import annotations

from alembic.operations import Operations
from sqlalchemy import String, column, select, table, update


def upgrade(op: Operations) -> None:
    conn = op.get_bind()
    attachments = table("attachments", column("id"), column("answer_id"))
    links = conn.execute(
        select(attachments.c.id, attachments.c.answer_id).where(
            attachments.c.answer_id.is_not(None)
        )
    ).all()
    if links:
        conn.execute(update(attachments).values(answer_id=None))
    with op.batch_alter_table("answers") as batch:
        batch.alter_column("result", existing_type=String(20), nullable=True)
    for attachment_id, answer_id in links:
        conn.execute(
            update(attachments).where(attachments.c.id == attachment_id).values(answer_id=answer_id)
        )
