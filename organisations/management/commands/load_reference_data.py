from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from organisations.reference import load_reference_data


class Command(BaseCommand):
    help = "Load Sweden's municipalities and the police regions and local police areas."

    def handle(self, *args, **options):
        counts = load_reference_data()
        self.stdout.write(
            _(
                "Reference data: %(municipalities)s municipalities, %(regions)s police regions, "
                "%(areas)s local police areas."
            )
            % {
                "municipalities": counts.municipalities,
                "regions": counts.police_regions,
                "areas": counts.police_areas,
            }
        )
