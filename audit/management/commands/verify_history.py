from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit import seals
from audit.models import HistorySeal


class Command(BaseCommand):
    help = (
        "Check that no history record has been changed, deleted or slipped in since it was "
        "recorded: walks the keyed hash chain over every record and names the first one "
        "that does not fit (exit status 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seal-unsealed",
            action="store_true",
            help=(
                "Seal records that have none (written before sealing began), once the chain "
                "itself is intact. Only for records you trust as they are."
            ),
        )

    def handle(self, *args, seal_unsealed, **options):
        found = seals.verify()
        if found is not None and found.reason == "unsealed" and seal_unsealed:
            count = seals.seal(list(seals.unsealed()))
            self.stdout.write(
                ngettext("%(count)s record sealed.", "%(count)s records sealed.", count)
                % {"count": count}
            )
            found = seals.verify()
        if found is not None:
            raise CommandError(describe(found))
        count = HistorySeal.objects.count()
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "The history is intact: %(count)s record sealed.",
                    "The history is intact: %(count)s records sealed.",
                    count,
                )
                % {"count": count}
            )
        )


def describe(found: seals.Break) -> str:
    values = {
        "model": found.label,
        "id": found.record_id,
        "position": found.seal.position if found.seal else "",
    }
    messages = {
        "changed": _(
            "History record %(model)s #%(id)s (link %(position)s of the chain) has been "
            "changed since it was recorded."
        ),
        "deleted": _(
            "History record %(model)s #%(id)s (link %(position)s of the chain) has been deleted."
        ),
        "missing": _(
            "The link before link %(position)s of the chain has been deleted, with the "
            "history record it sealed."
        ),
        "truncated": _("The last links of the history chain have been deleted."),
        "unsealed": _(
            "History record %(model)s #%(id)s has no seal: it was added outside the "
            "application, or before sealing began (then seal such records once with "
            "--seal-unsealed)."
        ),
    }
    return messages[found.reason] % values
