"""The per-space event log: append inside the writing transaction, broadcast on commit."""

from functools import partial
from typing import Any

from django.db import transaction

from boards.models import Space
from realtime.models import Event
from realtime.publish import broadcast_event


def event_frame(event: Event, space_slug: str) -> dict[str, Any]:
    """The wire form of an event (docs/realtime-protocol.md, frame `event`)."""
    return {
        "op": "event",
        "space": space_slug,
        "seq": event.seq,
        "type": event.type,
        "data": event.payload.get("data", {}),
        "html": event.payload.get("html", ""),
    }


def event_append(*, space: Space, type: str, data: dict[str, Any], html: str = "") -> Event:
    """Append an event to the space's log and broadcast it once the transaction commits.

    Must run inside the transaction that made the change. It takes the space's row
    lock, so that sequence numbers have no gaps and commit order equals seq order.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("event_append must run inside the writing transaction")
    locked = Space.objects.select_for_update().only("id", "slug", "event_seq").get(pk=space.pk)
    locked.event_seq += 1
    Space.objects.filter(pk=space.pk).update(event_seq=locked.event_seq)
    space.event_seq = locked.event_seq
    event = Event.objects.create(
        space_id=space.pk,
        seq=locked.event_seq,
        type=type,
        payload={"data": data, "html": html},
    )
    transaction.on_commit(
        partial(broadcast_event, space_id=space.pk, frame=event_frame(event, locked.slug))
    )
    return event
