"""What the public side of citizen promises stores itself: the addresses that follow a
municipality's promises by e-mail. Whether a promise is published and the feedback written
for citizens live in follow-up (followup.models.public: Publication, PublicFeedback), so
the JSON exchange format can carry them; addresses never travel."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation


class Subscription(models.Model):
    """An e-mail address following one municipality's promises. Only the address and when
    it was asked for and confirmed are kept: the row is deleted at unsubscribe, and an
    unconfirmed one after CONFIRM_DAYS (citizens/mailing.py)."""

    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    email = models.EmailField(_("e-mail address"), max_length=254)
    requested_at = models.DateTimeField(_("asked for"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail subscription")
        verbose_name_plural = _("e-mail subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "email"], name="subscription_unique_address"
            )
        ]

    def __str__(self):
        return self.email
