"""The loop every `…Updated` subscription shares: one subject's committed changes, with rights checked again."""

from __future__ import annotations

from collections.abc import AsyncGenerator

from strawberry.types import Info

from backend.graphql.audit import AuditEntry
from backend.graphql.context import Context
from backend.graphql.telemetry import pushing
from backend.projections.base import Change
from backend.telemetry import subscriptions_active


async def subject_changes(
    info: Info[Context, None], topic: str, subject_id: str
) -> AsyncGenerator[tuple[Change | None, AuditEntry | None], None]:
    """Yield (None, None) once subscribed, then each change of `subject_id` on `topic` with its audit entry.

    The first item comes after the subscription is in place, so a caller that sends the current
    state then misses no change. Before each change the caller's credentials are checked again.
    """
    subscriptions_active.inc()
    try:
        async with info.context.runtime.broker.subscribe(lambda name: name == topic) as changes:
            yield None, None
            async for change in changes:
                if change.keys.get("id") != subject_id:
                    continue
                with pushing(info, [change]):
                    await info.context.authenticate()
                    entry = None
                    if info.context.audit_rows is not None:
                        audit_row = await info.context.audit_rows.read(int(change.keys["position"]))
                        entry = AuditEntry.from_row(audit_row) if audit_row else None
                    yield change, entry
    finally:
        subscriptions_active.dec()
