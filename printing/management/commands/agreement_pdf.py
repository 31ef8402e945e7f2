from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from agreements.models import Agreement
from printing.documents import agreement_pdf


class Command(BaseCommand):
    help = (
        "Writes an agreement's PDF as it is printed for signature (a draft is marked UTKAST): "
        "`agreement_pdf ID -o FILE`, or `agreement_pdf --all -o DIR` for one file per agreement."
    )

    def add_arguments(self, parser):
        parser.add_argument("id", nargs="?", type=int, help="the agreement's id")
        parser.add_argument("--all", action="store_true", help="every agreement, into DIR")
        parser.add_argument("-o", "--output", required=True, help="FILE, or DIR with --all")

    def handle(self, *args, id=None, all=False, output, **options):
        if all == (id is not None):
            raise CommandError(_("Give either an agreement's id or --all."))
        if all:
            folder = Path(output)
            folder.mkdir(parents=True, exist_ok=True)
            for agreement in Agreement.objects.order_by("reference"):
                self._write(agreement, folder / f"{agreement.reference}.pdf")
            return
        try:
            agreement = Agreement.objects.get(pk=id)
        except Agreement.DoesNotExist:
            raise CommandError(_("No agreement has the id %(id)s.") % {"id": id}) from None
        self._write(agreement, Path(output))

    def _write(self, agreement, path: Path):
        path.write_bytes(agreement_pdf(agreement))
        self.stdout.write(f"{path} ({agreement.title})")
