from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from exchange.demo import DEMO_PASSWORD, load_demo
from exchange.importer import DocumentError


class Command(BaseCommand):
    help = (
        "Load the five demo agreements, this year's demo citizen promises, each seed's invented "
        "current period with work due and the demo users. Agreements already there are left as "
        "they are, so running it twice leaves the same data; run in a new year, it adds that "
        "year's citizen promises, and once a current period has ended, the next one."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEMO_PASSWORD,
            help="Password for every demo user (default: %(default)s).",
        )

    def handle(self, *args, password, **options):
        try:
            result = load_demo(password)
        except DocumentError as error:
            raise CommandError("\n".join(error.messages)) from None
        for reference in result.created:
            self.stdout.write(_("Loaded agreement %(reference)s") % {"reference": reference})
        for reference in result.existing:
            self.stdout.write(_("Already there: %(reference)s") % {"reference": reference})
        self.stdout.write(
            self.style.SUCCESS(
                _("%(count)s demo users, password: %(password)s")
                % {"count": len(result.users), "password": password}
            )
        )
