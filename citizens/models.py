"""What the public side of citizen promises stores: which promises are published, the
feedback written for citizens on each promise, and the addresses that follow a
municipality's promises by e-mail.

Nothing here is shown to the public until an editor publishes it: a promise by
Publicera (Publication), a piece of feedback by its own Publicera (PublicFeedback.published_at).
The internal follow-up log (followup.FollowUpEntry) is never shown by itself."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actionplans.models import ActionItem
from agreements.models import Agreement
from organisations.models import Organisation
from samverkan.dates import validate_domain_date


class Publication(models.Model):
    """A citizen promise published on the public page: who published it and when. Taking it
    off (Avpublicera) deletes this row; both acts are recorded as the agreement's events
    (signing.AgreementEvent), so the history keeps who did what when."""

    agreement = models.OneToOneField(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="publication",
    )
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self):
        return str(self.agreement_id)


class PublicFeedbackQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)


class PublicFeedback(models.Model):
    """A dated piece of feedback to citizens on one promise (a row of the promise's plan),
    written for the public and published by an explicit act; mailed to the subscribers
    once (mailed_at)."""

    item = models.ForeignKey(
        ActionItem,
        verbose_name=_("promise"),
        on_delete=models.CASCADE,
        related_name="public_feedback",
    )
    written_on = models.DateField(_("date"), validators=[validate_domain_date])
    text = models.TextField(_("feedback to citizens"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Set once, when the feedback is handed to the mailer: never mailed twice.
    mailed_at = models.DateTimeField(_("mailed to subscribers"), null=True, blank=True)

    objects = PublicFeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("feedback to citizens")
        verbose_name_plural = _("feedback to citizens")
        ordering = ["item", "written_on", "pk"]
        indexes = [
            models.Index(
                fields=["published_at"],
                condition=Q(mailed_at__isnull=True, published_at__isnull=False),
                name="feedback_to_mail",
            )
        ]

    def __str__(self):
        return f"{self.written_on:%Y-%m-%d}: {self.text[:60]}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


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
