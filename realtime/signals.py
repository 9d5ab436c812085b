"""Receivers that keep websockets in step with the accounts app."""

from typing import Any

from realtime.consumers import session_hash
from realtime.publish import broadcast_signed_out


def close_sockets_on_sign_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Signing out closes the websockets opened with that session, in every process."""
    if user is None or not user.is_authenticated:
        return
    session = getattr(request, "session", None)
    broadcast_signed_out(
        user_id=user.pk, session_hash=session_hash(getattr(session, "session_key", None))
    )
