from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from citizens.demo import publish_demo_promises


class Command(BaseCommand):
    help = (
        "Publish the demo's signed citizen promises on the public pages (/medborgarloften/), "
        "each with invented feedback on its first rows. Run after load_demo; safe to run again."
    )

    def handle(self, *args, **options):
        for reference in publish_demo_promises():
            self.stdout.write(
                _("Published citizen promise %(reference)s") % {"reference": reference}
            )
