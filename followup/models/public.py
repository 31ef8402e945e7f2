"""What a citizen promise tells the public: whether it is published (Publication: when and
by whom) and the dated feedback written for citizens on each promise (PublicFeedback). Nothing
is shown to the public until an editor publishes it: a promise by Publicera, a piece of
feedback by its own Publicera (PublicFeedback.published_at). The internal follow-up log
(FollowUpEntry) is never shown by itself.

Kept here, in follow-up, because publishing a promise and its feedback is the follow-up
told to citizens, and so the JSON exchange format (above this layer) can carry them. The
public pages, the editors' views and the e-mails are the `citizens` app's."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actionplans.models import ActionItem
from agreements.models import Agreement
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
