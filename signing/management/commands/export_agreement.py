import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from exchange.export import agreements_for_export, export_document
from signing.archive import write_archive


class Command(BaseCommand):
    help = (
        "Write agreements as a JSON document (format version 1) on standard output, or with "
        "--archive as a zip archive with their frozen versions, PDFs and signed scans."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="Ids of the agreements to export.")
        parser.add_argument("--all", action="store_true", help="Export every agreement.")
        parser.add_argument(
            "--archive",
            metavar="FILE",
            help="Write a backup archive (zip) with the agreements' attachments to FILE.",
        )

    def handle(self, *args, ids, all, archive, **options):
        if not ids and not all:
            raise CommandError(_("Name the agreements to export by id, or give --all."))
        agreements = list(agreements_for_export(None if all else ids))
        missing = sorted(set(ids) - {agreement.pk for agreement in agreements})
        if missing:
            raise CommandError(
                _("No agreement with id %(ids)s.") % {"ids": ", ".join(map(str, missing))}
            )
        if archive:
            summary = write_archive(archive, None if all else ids)
            written = _(
                "%(agreements)s agreements, %(versions)s versions and %(files)s files in %(path)s"
            )
            self.stdout.write(
                written
                % {
                    "agreements": summary.agreements,
                    "versions": summary.versions,
                    "files": summary.files,
                    "path": archive,
                }
            )
            return
        # Written once: json.dump would write chunk by chunk, and the command's stdout
        # wrapper ends every chunk with a newline.
        document = json.dumps(export_document(agreements), ensure_ascii=False, indent=2)
        self.stdout.write(document)
