"""How long the event log keeps events (CARNET_EVENT_RETENTION_COUNT / _DAYS)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from boards.models import Space
from realtime.models import Event


def events_prune(*, keep_count: int | None = None, keep_days: int | None = None) -> int:
    """Delete, in every space, the events beyond the last `keep_count` or older than
    `keep_days` days (both limits apply). Returns how many were deleted.

    A client that resumes from a pruned seq is answered `reload`.
    """
    keep_count = settings.CARNET_EVENT_RETENTION_COUNT if keep_count is None else keep_count
    keep_days = settings.CARNET_EVENT_RETENTION_DAYS if keep_days is None else keep_days
    deleted = 0
    if keep_days:
        cutoff = timezone.now() - timedelta(days=keep_days)
        deleted += Event.objects.filter(created_at__lt=cutoff).delete()[0]
    if keep_count:
        for space_id, head in Space.objects.values_list("id", "event_seq").iterator():
            if head > keep_count:
                deleted += Event.objects.filter(
                    space_id=space_id, seq__lte=head - keep_count
                ).delete()[0]
    return deleted
