from django.contrib import admin
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from .models import (
    Agreement,
    AgreementVisit,
    FocusArea,
    OldPeriodTexts,
    OverallGoal,
    Party,
    ProblemArea,
    ProblemItem,
    ProblemPicture,
    ProblemSource,
    Section,
    Signatory,
    StepTick,
)


def agreement_of(obj, path: str):
    """The agreement `path` ("problem_picture.agreement"; "" for the agreement itself)
    leads to from obj, or None while obj is not attached to one yet."""
    for name in filter(None, path.split(".")):
        try:
            obj = getattr(obj, name)
        except ObjectDoesNotExist:
            return None
        if obj is None:
            return None
    return obj


class AgreementPartMixin:
    """What belongs to an agreement changes in the admin only when the site would let it: a
    text, its parties and signatories while the agreement is a draft (a signed text is
    revised, never edited); an action plan while its plans are editable. Otherwise it is
    read-only: no change, no delete, nothing added to it. `agreement_path` leads from the
    object (for an inline, from its parent object) to its agreement."""

    agreement_path = "agreement"

    @staticmethod
    def is_editable(agreement) -> bool:
        return agreement.is_draft

    def may_change(self, obj) -> bool:
        agreement = agreement_of(obj, self.agreement_path) if obj is not None else None
        return agreement is None or self.is_editable(agreement)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.may_change(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.may_change(obj)


class AgreementPartAdmin(AgreementPartMixin, admin.ModelAdmin):
    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        model_admin = self

        class AgreementPartForm(form):
            def clean(self):
                # A new object may not be attached to an agreement that is not editable.
                data = super().clean()
                first, _dot, rest = model_admin.agreement_path.partition(".")
                parent = data.get(first) if first else None
                if parent is not None and not model_admin.may_change_parent(parent, rest):
                    self.add_error(
                        first,
                        _(
                            "The agreement is not a draft: what is signed is changed by "
                            "revising the agreement, not here."
                        ),
                    )
                return data

        return AgreementPartForm

    def may_change_parent(self, parent, rest) -> bool:
        agreement = agreement_of(parent, rest)
        return agreement is None or self.is_editable(agreement)


class AgreementPartInline(AgreementPartMixin):
    """An inline's permissions are asked with its parent object."""

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self.may_change(obj)


class PlanPartMixin:
    """Action plans are living documents: editable as on the site, while the agreement's
    plans are (not while a version awaits signature, nor once it is terminated)."""

    @staticmethod
    def is_editable(agreement) -> bool:
        return agreement.plans_are_editable


class PartyInline(AgreementPartInline, admin.TabularInline):
    agreement_path = ""
    model = Party
    extra = 0
    autocomplete_fields = ["organisation"]


class SectionInline(AgreementPartInline, admin.StackedInline):
    agreement_path = ""
    model = Section
    extra = 0


class SignatoryInline(AgreementPartInline, admin.TabularInline):
    agreement_path = ""
    model = Signatory
    extra = 0


class OverallGoalInline(AgreementPartInline, admin.TabularInline):
    agreement_path = ""
    model = OverallGoal
    extra = 0


class FocusAreaInline(AgreementPartInline, admin.StackedInline):
    agreement_path = ""
    model = FocusArea
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(AgreementPartAdmin):
    agreement_path = ""
    list_display = ["title", "reference", "status", "version", "valid_from", "valid_until"]
    list_filter = ["status", "renewal_rule", "cycle_step"]
    search_fields = ["title", "reference", "parties__organisation__name"]
    prepopulated_fields = {"reference": ["title"]}
    inlines = [PartyInline, SectionInline, SignatoryInline, OverallGoalInline, FocusAreaInline]

    def get_readonly_fields(self, request, obj=None):
        # Where an agreement stands in its life is changed by its steps (Klar för
        # underskrift, Registrera underskrift, Revidera...), which record them.
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += ["status", "version", "signed_version"]
        return fields


@admin.register(Party)
class PartyAdmin(AgreementPartAdmin):
    list_display = ["organisation", "agreement", "role", "label", "position"]
    list_select_related = ["organisation", "agreement"]
    search_fields = ["organisation__name", "agreement__title"]
    autocomplete_fields = ["organisation", "agreement"]


@admin.register(Section)
class SectionAdmin(AgreementPartAdmin):
    list_display = ["__str__", "agreement", "position", "embed"]
    list_select_related = ["agreement"]
    search_fields = ["heading", "body"]
    autocomplete_fields = ["agreement"]


@admin.register(Signatory)
class SignatoryAdmin(AgreementPartAdmin):
    list_display = ["name", "title", "party", "place", "signed_on", "agreement"]
    list_select_related = ["agreement", "party__organisation"]
    search_fields = ["name", "title"]
    autocomplete_fields = ["agreement"]


class ProblemSourceInline(AgreementPartInline, admin.StackedInline):
    model = ProblemSource
    extra = 0


class ProblemAreaInline(AgreementPartInline, admin.TabularInline):
    model = ProblemArea
    extra = 0
    show_change_link = True


@admin.register(ProblemPicture)
class ProblemPictureAdmin(AgreementPartAdmin):
    list_display = ["__str__", "agreement", "drawn_up_on", "period_note"]
    list_select_related = ["agreement"]
    autocomplete_fields = ["agreement"]
    inlines = [ProblemSourceInline, ProblemAreaInline]


@admin.register(ProblemSource)
class ProblemSourceAdmin(AgreementPartAdmin):
    agreement_path = "problem_picture.agreement"
    list_display = ["title", "kind", "held_on", "place", "people_reached", "problem_picture"]
    list_filter = ["kind"]
    list_select_related = ["problem_picture__agreement"]
    search_fields = ["title", "description"]


class ProblemItemInline(AgreementPartInline, admin.TabularInline):
    agreement_path = "problem_picture.agreement"
    model = ProblemItem
    extra = 0


@admin.register(ProblemArea)
class ProblemAreaAdmin(AgreementPartAdmin):
    agreement_path = "problem_picture.agreement"
    list_display = ["title", "problem_picture", "position"]
    list_select_related = ["problem_picture__agreement"]
    search_fields = ["title"]
    inlines = [ProblemItemInline]


@admin.register(ProblemItem)
class ProblemItemAdmin(AgreementPartAdmin):
    agreement_path = "area.problem_picture.agreement"
    list_display = ["text", "area", "position"]
    list_select_related = ["area"]
    search_fields = ["text", "probable_causes"]


@admin.register(OverallGoal)
class OverallGoalAdmin(AgreementPartAdmin):
    list_display = ["text", "agreement", "position"]
    list_select_related = ["agreement"]
    search_fields = ["text"]
    autocomplete_fields = ["agreement"]


@admin.register(FocusArea)
class FocusAreaAdmin(AgreementPartAdmin):
    list_display = ["title", "agreement", "category", "position"]
    list_filter = ["category"]
    list_select_related = ["agreement"]
    search_fields = ["title", "background", "goals"]
    autocomplete_fields = ["agreement"]


@admin.register(OldPeriodTexts)
class OldPeriodTextsAdmin(AgreementPartAdmin):
    """A next period's draft's years of the period before (Nästa period); written there."""

    list_display = ["agreement", "first_year", "last_year", "dismissed_at", "dismissed_by"]
    list_select_related = ["agreement", "dismissed_by"]
    autocomplete_fields = ["agreement"]
    readonly_fields = ["dismissed_at", "dismissed_by"]


@admin.register(StepTick)
class StepTickAdmin(admin.ModelAdmin):
    """Ticks are the working record of the steps, ticked in any state of the agreement."""

    list_display = ["item", "agreement", "ticked_on", "ticked_by_name"]
    list_filter = ["item"]
    list_select_related = ["agreement"]
    search_fields = ["evidence", "ticked_by_name"]
    autocomplete_fields = ["agreement", "ticked_by", "carried_from"]
    raw_id_fields = ["section"]


@admin.register(AgreementVisit)
class AgreementVisitAdmin(admin.ModelAdmin):
    """Recorded by the plan and follow-up pages (what is new to whom); only read here."""

    list_display = ["user", "agreement", "last_seen_at", "new_since"]
    list_select_related = ["user", "agreement"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
