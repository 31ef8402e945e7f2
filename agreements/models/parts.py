"""What an agreement is made of: its parties, sections and signatories, its problem picture,
its overall goals and its focus areas.

An agreement is printed in the order of its sections. A section may embed one of the
structured blocks (problem picture, focus areas, action plans, signatures) right after its
text, so that a block stands where the source document has it. Blocks that no section embeds
are printed after the last section, in that same order.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation
from samverkan.dates import validate_domain_date
from samverkan.versioning import Versioned

from .agreement import Agreement


class PartyRole(models.TextChoices):
    PARTY = "party", _("party")
    CONVENER = "convener", _("convening party")
    PARTICIPANT = "participant", _("participant (not signing)")


class Party(Versioned):
    """An organisation's place in an agreement."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="parties"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="parties",
    )
    position = models.PositiveIntegerField(_("position"))
    role = models.CharField(
        _("role"), max_length=32, choices=PartyRole.choices, default=PartyRole.PARTY
    )
    name = models.CharField(
        _("name in the document"),
        max_length=200,
        blank=True,
        help_text=_(
            "The party as the document names it, e.g. 'Strängnäs kommun' or 'Polisen'. "
            "Leave blank to use the organisation's name."
        ),
    )
    label = models.CharField(
        _("column label"),
        max_length=60,
        blank=True,
        help_text=_(
            "Short name used as a column heading in action plans, e.g. 'Kommun' or 'Polis'."
        ),
    )

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["agreement", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organisation"], name="party_unique_organisation"
            ),
            models.UniqueConstraint(fields=["agreement", "position"], name="party_unique_position"),
        ]

    def __str__(self):
        return str(self.organisation)

    @property
    def shown_name(self) -> str:
        """The party as the document names it; the organisation keeps its registry name
        (e.g. "Strängnäs"), by which it is found, while the text says "Strängnäs kommun"."""
        return self.name or self.organisation.name

    @property
    def display_label(self) -> str:
        return self.label or self.shown_name


class SectionEmbed(models.TextChoices):
    NONE = "", _("nothing")
    PROBLEM_PICTURE = "problem_picture", _("the problem picture")
    FOCUS_AREAS = "focus_areas", _("the focus areas")
    ACTION_PLANS = "action_plans", _("the action plans")
    SIGNATURES = "signatures", _("the signatures")


class Section(Versioned):
    """An ordered heading and text. A section without heading continues the text before it."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveIntegerField(_("position"))
    heading = models.CharField(_("heading"), max_length=300, blank=True)
    body = models.TextField(
        _("text"),
        blank=True,
        help_text=_("Paragraphs separated by a blank line; lines starting with '- ' form a list."),
    )
    embed = models.CharField(
        _("followed by"),
        max_length=32,
        choices=SectionEmbed.choices,
        blank=True,
        default=SectionEmbed.NONE,
    )

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["agreement", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "position"], name="section_unique_position"
            ),
            models.UniqueConstraint(
                fields=["agreement", "embed"],
                condition=~Q(embed=""),
                name="section_embeds_each_block_once",
            ),
        ]

    def __str__(self):
        return self.heading or str(_("(continued text)"))


class Signatory(Versioned):
    """A person who signs for a party; an agreement may have any number per party. The
    date is written when the signatures are registered."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="signatories",
    )
    party = models.ForeignKey(
        Party, verbose_name=_("party"), on_delete=models.CASCADE, related_name="signatories"
    )
    position = models.PositiveIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    signed_on = models.DateField(
        _("date"), null=True, blank=True, validators=[validate_domain_date]
    )

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["agreement", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "position"], name="signatory_unique_position"
            ),
        ]

    def __str__(self):
        return f"{self.name}, {self.title}" if self.title else self.name

    def clean(self):
        if self.party_id and self.agreement_id and self.party.agreement_id != self.agreement_id:
            raise ValidationError(
                {"party": _("The signatory must sign for a party of this agreement.")}
            )


class ProblemPicture(Versioned):
    """The shared problem picture (lägesbild / problembild) the priorities are drawn from."""

    agreement = models.OneToOneField(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="problem_picture",
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    drawn_up_on = models.DateField(
        _("drawn up on"), null=True, blank=True, validators=[validate_domain_date]
    )
    period_note = models.CharField(
        _("when, as written"), max_length=200, blank=True, help_text=_("e.g. 'Under våren 2012'")
    )
    summary = models.TextField(_("summary"), blank=True)
    # The municipality's own lägesbild (law 2023:196 § 4) the picture was drawn from.
    situation_report = models.ForeignKey(
        "prevention.SituationReport",
        verbose_name=_("built on the municipality's lägesbild"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problem_pictures",
        help_text=_("The municipality's own lägesbild the problem picture was drawn from, if any."),
    )

    class Meta:
        verbose_name = _("problem picture")
        verbose_name_plural = _("problem pictures")

    def __str__(self):
        return self.title or str(_("Problem picture"))


class SourceKind(models.TextChoices):
    STATISTICS = "statistics", _("statistics")
    SURVEY = "survey", _("survey")
    CITIZEN_DIALOGUE = "citizen_dialogue", _("citizen dialogue")
    STAFF_DIALOGUE = "staff_dialogue", _("staff dialogue")
    DOCUMENT = "document", _("document or report")
    OTHER = "other", _("other source")


class ProblemSource(Versioned):
    """Where the facts came from: statistics, surveys, or a dialogue with citizens or staff."""

    problem_picture = models.ForeignKey(
        ProblemPicture,
        verbose_name=_("problem picture"),
        on_delete=models.CASCADE,
        related_name="sources",
    )
    position = models.PositiveIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=32, choices=SourceKind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    held_on = models.DateField(_("date"), null=True, blank=True, validators=[validate_domain_date])
    place = models.CharField(_("place"), max_length=200, blank=True)
    people_reached = models.PositiveIntegerField(_("people reached"), null=True, blank=True)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["problem_picture", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem_picture", "position"], name="problemsource_unique_position"
            ),
        ]

    def __str__(self):
        return self.title


class ProblemArea(Versioned):
    problem_picture = models.ForeignKey(
        ProblemPicture,
        verbose_name=_("problem picture"),
        on_delete=models.CASCADE,
        related_name="areas",
    )
    position = models.PositiveIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        verbose_name = _("problem area")
        verbose_name_plural = _("problem areas")
        ordering = ["problem_picture", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem_picture", "position"], name="problemarea_unique_position"
            ),
        ]

    def __str__(self):
        return self.title


class ProblemItem(Versioned):
    area = models.ForeignKey(
        ProblemArea, verbose_name=_("problem area"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveIntegerField(_("position"))
    text = models.TextField(_("problem"))
    probable_causes = models.TextField(_("probable causes"), blank=True)

    class Meta:
        verbose_name = _("problem item")
        verbose_name_plural = _("problem items")
        ordering = ["area", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "position"], name="problemitem_unique_position"
            ),
        ]

    def __str__(self):
        return self.text


class OverallGoal(Versioned):
    """One of the agreement's overall goals (övergripande mål), in order: printed as a list
    under their own heading before the action plans, not as text in an introduction."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="overall_goals",
    )
    position = models.PositiveIntegerField(_("position"))
    text = models.TextField(_("goal"), help_text=_("e.g. 'Minska ungdomsbrottsligheten'"))

    class Meta:
        verbose_name = _("overall goal")
        verbose_name_plural = _("overall goals")
        ordering = ["agreement", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "position"], name="overallgoal_unique_position"
            ),
        ]

    def __str__(self):
        return self.text[:80]


class FocusAreaCategory(models.TextChoices):
    NONE = "", _("not stated")
    CRIME_PREVENTION = "crime_prevention", _("crime prevention")
    SAFETY = "safety", _("safety")


class FocusArea(Versioned):
    """A priority (fokusområde, prioriterat område, inriktning) of the agreement."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="focus_areas"
    )
    position = models.PositiveIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=300)
    category = models.CharField(
        _("category"), max_length=32, choices=FocusAreaCategory.choices, blank=True, default=""
    )
    background = models.TextField(_("background"), blank=True)
    goals = models.TextField(_("goals"), blank=True)
    footnotes = models.TextField(
        _("footnotes"), blank=True, help_text=_("One per line, with its mark, e.g. '¹ Brå'.")
    )

    class Meta:
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        ordering = ["agreement", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "position"], name="focusarea_unique_position"
            ),
        ]

    def __str__(self):
        return self.title
