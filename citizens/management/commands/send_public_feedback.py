from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from citizens.mailing import delete_unconfirmed, mail_published_feedback


class Command(BaseCommand):
    help = (
        "E-mail the feedback published on citizen promises since the last run to those who "
        "follow the municipality, and delete addresses left unconfirmed for 7 days. Run it "
        "daily beside send_reminders: feedback is mailed once, however often it runs."
    )

    def handle(self, *args, **options):
        deleted = delete_unconfirmed()
        sent = mail_published_feedback()
        self.stdout.write(
            ngettext("%(count)s e-mail sent.", "%(count)s e-mails sent.", sent) % {"count": sent}
            + " "
            + ngettext(
                "%(count)s unconfirmed address deleted.",
                "%(count)s unconfirmed addresses deleted.",
                deleted,
            )
            % {"count": deleted}
        )
