from django.db import models
from django.utils import timezone


class Event(models.Model):
    """One entry of a space's event log: what changed, in commit order.

    `seq` has no gaps within a space: it is allocated under the space's row lock
    inside the writing transaction (see realtime.log.event_append).
    """

    space = models.ForeignKey("boards.Space", on_delete=models.CASCADE, related_name="events")
    seq = models.BigIntegerField()
    type = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["space", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["space", "seq"], name="event_unique_space_seq")
        ]

    def __str__(self) -> str:
        return f"{self.space_id}#{self.seq} {self.type}"
