import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import ngettext

from followup.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "E-mail each responsible person what is overdue or due within 14 days, and the "
        "coordinators which agreements end within 90 and 30 days. Safe to run again: "
        "nothing is sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            default=None,
            help="Act as if today were this date (YYYY-MM-DD).",
        )

    def handle(self, *args, date, **options):
        sent = send_reminders(date or timezone.localdate())
        self.stdout.write(
            ngettext("%(count)s e-mail sent.", "%(count)s e-mails sent.", sent) % {"count": sent}
        )
