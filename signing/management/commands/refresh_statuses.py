import datetime

from django.core.management.base import BaseCommand

from signing.lifecycle import refresh_statuses


class Command(BaseCommand):
    help = (
        "Brings every signed agreement's status up to date with the calendar (signed, "
        "active, expiring 90 days before its end, expired, terminated) and records the "
        "renewals of agreements renewed per calendar year. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=datetime.date.fromisoformat, help="the day to use (YYYY-MM-DD)"
        )

    def handle(self, *args, date=None, **options):
        changed = refresh_statuses(date)
        self.stdout.write(f"{changed} agreement(s) changed status or were renewed.")
