import datetime

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from signing.lifecycle import refresh_statuses


class Command(BaseCommand):
    help = (
        "Records the renewals of agreements renewed per calendar year (one event per new "
        "year); their status is computed from the dates, nothing else needs storing. "
        "Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=datetime.date.fromisoformat, help="the day to use (YYYY-MM-DD)"
        )

    def handle(self, *args, date=None, **options):
        renewed = refresh_statuses(date)
        self.stdout.write(
            ngettext(
                "%(count)s agreement renewed for a new calendar year.",
                "%(count)s agreements renewed for a new calendar year.",
                renewed,
            )
            % {"count": renewed}
        )
