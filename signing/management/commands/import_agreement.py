from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exchange.importer import DocumentError, import_document, load_file
from signing.archive import is_archive, restore_archive


class Command(BaseCommand):
    help = (
        "Create the agreements of a JSON document (format version 1) in one transaction: "
        "all of them, or, if anything is wrong, none. A backup archive (from "
        "export_agreement --archive) restores the versions, PDFs and signed scans too."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The JSON file or backup archive to import.")
        parser.add_argument(
            "--trust-unsigned",
            action="store_true",
            help=(
                "Restore a backup archive whose signature does not verify (made under another "
                "SECRET_KEY, or changed since): its versions and signatures are taken as they "
                "are, so only for an archive you know nobody has changed."
            ),
        )

    def handle(self, *args, file, trust_unsigned, **options):
        try:
            if is_archive(file):
                agreements = _restore(file, trust_unsigned)
            else:
                agreements = import_document(load_file(file))
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


def _restore(file, trust_unsigned: bool):
    """The archive restored; an entry it lacks (a hand-edited or truncated signing.json or
    manifest) is told as a damaged archive, not a traceback. Nothing is written then: the
    restore runs in one transaction."""
    try:
        return restore_archive(file, trust_unsigned=trust_unsigned)
    except KeyError as error:
        raise DocumentError(
            [_("The archive is incomplete: the entry %(key)s is missing.") % {"key": error}]
        ) from None
    except (TypeError, AttributeError, ValueError, RecursionError):
        raise DocumentError([_("The archive is damaged or incomplete.")]) from None
