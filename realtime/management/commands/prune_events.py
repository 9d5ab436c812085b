from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from realtime.retention import events_prune


class Command(BaseCommand):
    help = (
        "Delete events beyond each space's retention (CARNET_EVENT_RETENTION_COUNT "
        "events, CARNET_EVENT_RETENTION_DAYS days). Run it daily, e.g. from cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--keep", type=int, help="events to keep per space")
        parser.add_argument("--days", type=int, help="days of events to keep")

    def handle(self, *args: Any, keep: int | None, days: int | None, **options: Any) -> None:
        deleted = events_prune(keep_count=keep, keep_days=days)
        self.stdout.write(f"Deleted {deleted} events.")
