"""One builder per event type: the schema of every event in one place.

Each builder returns the keyword arguments of `realtime.log.event_append`:
`type` ("<noun>.<verb>"), `data` (ids and small JSON-safe values) and `html`
(a server-rendered, sanitized fragment the browser inserts as is).
"""

from typing import Any, TypedDict

from boards.models import Membership, Space


class EventSpec(TypedDict):
    type: str
    data: dict[str, Any]
    html: str


def space_updated(space: Space) -> EventSpec:
    return {
        "type": "space.updated",
        "data": {
            "space_id": space.pk,
            "name": space.name,
            "tagline": space.tagline,
            "visibility": space.visibility,
            "accent_color": space.accent_color,
        },
        "html": "",
    }


def member_joined(membership: Membership) -> EventSpec:
    return {
        "type": "member.joined",
        "data": {"user_id": membership.user_id, "role": membership.role},
        "html": "",
    }


def member_role_changed(membership: Membership) -> EventSpec:
    return {
        "type": "member.role_changed",
        "data": {"user_id": membership.user_id, "role": membership.role},
        "html": "",
    }


def member_removed(*, space_id: int, user_id: int) -> EventSpec:
    return {"type": "member.removed", "data": {"user_id": user_id}, "html": ""}
