"""The five steps of Brå, Polisen and SKR ("Samverkan i lokalt brottsförebyggande arbete")
with each step's done-when list, and the ticks that say an item of a list is done.

A tick is data of the agreement: who ticked the item, on which date, with what evidence
(a short text, a section of the agreement). What the product can see for itself (a signed
version, dialogues held, a final report) it ticks by itself without storing anything: that
is worked out where the signed versions and reports are known (pages/steps.py)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.dates import validate_domain_date
from samverkan.saving import saved_without_save
from samverkan.versioning import Versioned

from .agreement import Agreement, CycleStep
from .parts import Section


class StepItem(models.TextChoices):
    """One item of a step's done-when list, as the guidance lists them."""

    # 1. Initiera
    DECISION_TO_START = "decision_to_start", _("A joint decision to start or renew the work")
    ROLES = "roles", _("Roles and responsibilities are clear")
    ORGANISATION = "organisation", _("A joint organisation with named people")
    COMMUNICATION = "communication", _("A communication lead and a communication plan")
    # 2. Egna förberedelser
    OWN_SITUATION_PICTURES = "own_situation_pictures", _("Each party's own situation picture")
    STAFF_DIALOGUES = "staff_dialogues", _("Staff dialogues held")
    LEADERSHIPS_INFORMED = (
        "leaderships_informed",
        _("Each party's leadership has seen the material"),
    )
    # 3. Gemensamma förberedelser
    JOINT_SITUATION_PICTURE = "joint_situation_picture", _("One joint situation picture")
    PROBLEMS_PRIORITISED = "problems_prioritised", _("Problems prioritised")
    CITIZEN_DIALOGUES = "citizen_dialogues", _("Citizen dialogues held")
    CAUSE_ANALYSIS = "cause_analysis", _("A cause analysis for each prioritised problem")
    AGREEMENT_SIGNED = (
        "agreement_signed",
        _("The agreement signed by the local police area chief and the municipal board chair"),
    )
    # 4. Genomförande
    GOALS = "goals", _("Goals formulated")
    MEASURES_ON_CAUSES = "measures_on_causes", _("Measures chosen that act on the causes")
    PLANS_DRAWN_UP = "plans_drawn_up", _("Action plans drawn up")
    PLANS_ADOPTED = "plans_adopted", _("Action plans adopted by the steering group")
    CITIZEN_PROMISES = "citizen_promises", _("Citizen promises written, signed and communicated")
    FOLLOW_UP_PLANNED = "follow_up_planned", _("Follow-up planned")
    MEASURES_CARRIED_OUT = "measures_carried_out", _("Measures carried out and documented")
    # 5. Uppföljning och återkoppling
    EFFECT_EXAMINED = "effect_examined", _("The effect on the problems examined")
    COMMITMENTS_ASSESSED = "commitments_assessed", _("How each party met its commitments assessed")
    PROCESS_REVIEWED = "process_reviewed", _("The process reviewed")
    REPORTED = "reported", _("Reported to the steering group")
    CITIZENS_TOLD = "citizens_told", _("Citizens told")


# Each step's done-when list, in the guidance's order.
STEP_ITEMS: dict[int, tuple[StepItem, ...]] = {
    CycleStep.INITIATE: (
        StepItem.DECISION_TO_START,
        StepItem.ROLES,
        StepItem.ORGANISATION,
        StepItem.COMMUNICATION,
    ),
    CycleStep.OWN_PREPARATIONS: (
        StepItem.OWN_SITUATION_PICTURES,
        StepItem.STAFF_DIALOGUES,
        StepItem.LEADERSHIPS_INFORMED,
    ),
    CycleStep.JOINT_PREPARATIONS: (
        StepItem.JOINT_SITUATION_PICTURE,
        StepItem.PROBLEMS_PRIORITISED,
        StepItem.CITIZEN_DIALOGUES,
        StepItem.CAUSE_ANALYSIS,
        StepItem.AGREEMENT_SIGNED,
    ),
    CycleStep.IMPLEMENTATION: (
        StepItem.GOALS,
        StepItem.MEASURES_ON_CAUSES,
        StepItem.PLANS_DRAWN_UP,
        StepItem.PLANS_ADOPTED,
        StepItem.CITIZEN_PROMISES,
        StepItem.FOLLOW_UP_PLANNED,
        StepItem.MEASURES_CARRIED_OUT,
    ),
    CycleStep.FOLLOW_UP: (
        StepItem.EFFECT_EXAMINED,
        StepItem.COMMITMENTS_ASSESSED,
        StepItem.PROCESS_REVIEWED,
        StepItem.REPORTED,
        StepItem.CITIZENS_TOLD,
    ),
}

STEP_OF = {item: step for step, items in STEP_ITEMS.items() for item in items}

# What still holds in the next period of the same cooperation: the people, their roles and
# how the work is communicated. Everything else is done again for each period.
HOLDS_INTO_NEXT_PERIOD = (StepItem.ROLES, StepItem.ORGANISATION, StepItem.COMMUNICATION)


class StepTick(Versioned):
    """An item of a step's done-when list ticked by someone, on a date, with evidence.
    Unticking deletes the tick (the history keeps it)."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="step_ticks"
    )
    item = models.CharField(_("item"), max_length=40, choices=StepItem.choices)
    ticked_on = models.DateField(_("date"), validators=[validate_domain_date])
    ticked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ticked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The name as it was when ticked: it stays when the account is removed, and it is what
    # an imported or carried tick has instead of an account.
    ticked_by_name = models.CharField(_("ticked by (name)"), max_length=300, blank=True)
    evidence = models.CharField(
        _("evidence"),
        max_length=500,
        blank=True,
        help_text=_("e.g. 'Beslut i kommunstyrelsen 2024-02-12, § 14'"),
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("section of the agreement"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A section of the agreement that shows it, if any."),
    )
    # Ticked in the period before and still holding (start_steps_again).
    carried_from = models.ForeignKey(
        Agreement,
        verbose_name=_("carried from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ticked step item")
        verbose_name_plural = _("ticked step items")
        ordering = ["agreement", "ticked_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "item"], name="steptick_once_per_item"),
            models.CheckConstraint(
                condition=Q(item__in=StepItem.values), name="steptick_item_is_known"
            ),
        ]

    def __str__(self):
        return f"{self.get_item_display()} ({self.ticked_on:%Y-%m-%d})"

    @property
    def step(self) -> CycleStep:
        return CycleStep(STEP_OF[self.item])

    @property
    def ticked_by_shown(self) -> str:
        if self.ticked_by_id and not self.ticked_by_name:
            return self.ticked_by.get_full_name() or self.ticked_by.get_username()
        return self.ticked_by_name

    def clean(self):
        if self.ticked_on and self.ticked_on > timezone.localdate():
            raise ValidationError({"ticked_on": _("An item cannot be ticked for a future date.")})
        if self.section_id and self.agreement_id and self.section.agreement_id != self.agreement_id:
            raise ValidationError({"section": _("Choose a section of this agreement.")})


def start_steps_again(previous: Agreement, new: Agreement) -> list[StepTick]:
    """The five steps of a next period's agreement, started again from the period before:
    the items that still hold (HOLDS_INTO_NEXT_PERIOD) keep their tick, with who ticked
    them, when and on what evidence, marked as carried; everything else is left unticked,
    and the agreement starts again at step 1. Ticks `new` already has are kept. Returns the
    ticks carried."""
    present = set(new.step_ticks.values_list("item", flat=True))
    carried = [
        StepTick(
            agreement=new,
            item=tick.item,
            ticked_on=tick.ticked_on,
            ticked_by_id=tick.ticked_by_id,
            ticked_by_name=tick.ticked_by_shown,
            evidence=tick.evidence,
            carried_from=previous,
        )
        for tick in previous.step_ticks.filter(item__in=HOLDS_INTO_NEXT_PERIOD).select_related(
            "ticked_by"
        )
        if tick.item not in present
    ]
    for tick in carried:
        tick.save()  # one by one, so that the history records each
    if new.cycle_step != CycleStep.INITIATE:
        Agreement.objects.filter(pk=new.pk).update(cycle_step=CycleStep.INITIATE)
        new.cycle_step = CycleStep.INITIATE
        saved_without_save(new, ["cycle_step"])
    return carried
