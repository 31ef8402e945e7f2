from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from printing.models import PrintJob


class Command(BaseCommand):
    help = (
        "Removes print jobs (PDFs made by Skriv ut and PDF) asked for more than "
        "PRINT_JOB_KEEP_HOURS ago (default 24), with their files. Run it daily."
    )

    def handle(self, *args, **options):
        removed = 0
        for job in PrintJob.objects.old().defer("html").iterator():
            job.delete_with_file()
            removed += 1
        self.stdout.write(
            ngettext("%(count)s print job removed.", "%(count)s print jobs removed.", removed)
            % {"count": removed}
        )
