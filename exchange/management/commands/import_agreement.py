from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exchange.archive import is_archive, restore_archive
from exchange.importer import DocumentError, import_document, load_file


class Command(BaseCommand):
    help = (
        "Create the agreements of a JSON document (format version 1) in one transaction: "
        "all of them, or, if anything is wrong, none. A backup archive (from "
        "export_agreement --archive) restores the versions, PDFs and signed scans too."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The JSON file or backup archive to import.")

    def handle(self, *args, file, **options):
        try:
            agreements = _restore(file) if is_archive(file) else import_document(load_file(file))
        except DocumentError as error:
            # One reason stays on the line; several are listed one a line.
            separator = " " if len(error.messages) == 1 else "\n"
            raise CommandError(
                _("Nothing was imported.") + separator + "\n".join(error.messages)
            ) from None
        for agreement in agreements:
            self.stdout.write(_("Imported: %(title)s") % {"title": agreement.title})
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "%(count)s agreement imported.",
                    "%(count)s agreements imported.",
                    len(agreements),
                )
                % {"count": len(agreements)}
            )
        )


def _restore(file):
    """The archive restored; an entry it lacks (a hand-edited or truncated signing.json or
    manifest) is told as a damaged archive, not a traceback. Nothing is written then: the
    restore runs in one transaction."""
    try:
        return restore_archive(file)
    except KeyError as error:
        raise DocumentError(
            [_("The archive is incomplete: the entry %(key)s is missing.") % {"key": error}]
        ) from None
    except (TypeError, AttributeError, ValueError, RecursionError):
        raise DocumentError([_("The archive is damaged or incomplete.")]) from None
