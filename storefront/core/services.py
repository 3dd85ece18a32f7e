"""Record audit entries and queue mail; callers own the transaction."""

from __future__ import annotations

from typing import Any

from ..extensions import db
from .models import AuditEntry, OutboxMessage


def record_change(
    actor: Any,
    action: str,
    obj: Any,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    producer_id: int | None = None,
) -> AuditEntry:
    """Add an audit entry for ``obj`` to the current session (the caller commits)."""
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        producer_id=producer_id if producer_id is not None else getattr(obj, "producer_id", None),
        action=action,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        before=_jsonable(before),
        after=_jsonable(after),
    )
    db.session.add(entry)
    return entry


def queue_mail(to: str, subject: str, body: str, kind: str = "") -> OutboxMessage:
    """Put a message in the outbox (the caller commits); `flask mail send` delivers it."""
    message = OutboxMessage(to=to, subject=subject, body=body, kind=kind)
    db.session.add(message)
    return message


def _jsonable(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {
        k: v if isinstance(v, (str, int, float, bool, type(None))) else str(v)
        for k, v in values.items()
    }
