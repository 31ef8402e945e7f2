"""What a draft started for the next period (Nästa period) keeps of the period before, for
its editor: the years of that period, so that the texts still naming them are pointed out
(pages/period_texts.py finds them) until the writer has fixed them or said they stay."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.dates import EARLIEST, LATEST

from .agreement import Agreement

YEARS = [MinValueValidator(EARLIEST.year), MaxValueValidator(LATEST.year)]


class OldPeriodTexts(models.Model):
    """Kept as years, not words: the texts themselves are read again each time the editor
    opens, so a text the writer has changed drops off the list by itself."""

    agreement = models.OneToOneField(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="old_period_texts",
    )
    first_year = models.PositiveSmallIntegerField(_("first year"), validators=YEARS)
    last_year = models.PositiveSmallIntegerField(_("last year"), validators=YEARS)
    dismissed_at = models.DateTimeField(
        _("dismissed"),
        null=True,
        blank=True,
        help_text=_("When the writer said the texts that still name those years may stay."),
    )
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dismissed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("texts naming the period before")
        verbose_name_plural = _("texts naming the period before")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_year__gte=models.F("first_year")),
                name="oldperiodtexts_last_not_before_first",
            )
        ]

    def __str__(self):
        return f"{self.agreement}: {self.years_label}"

    @property
    def years_label(self) -> str:
        if self.last_year == self.first_year:
            return str(self.first_year)
        return f"{self.first_year}–{self.last_year}"

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)
