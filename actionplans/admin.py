from django.contrib import admin

from agreements.admin import AgreementPartAdmin, AgreementPartInline, PlanPartMixin

from .models import ActionItem, ActionPlan, PlanAdoption, Responsibility


class ActionItemInline(PlanPartMixin, AgreementPartInline, admin.TabularInline):
    model = ActionItem
    extra = 0
    fields = [
        "position",
        "focus_area",
        "goal",
        "activity",
        "when_text",
        "responsible_text",
        "status",
    ]
    show_change_link = True


@admin.register(ActionPlan)
class ActionPlanAdmin(PlanPartMixin, AgreementPartAdmin):
    list_display = ["title", "agreement", "municipality", "layout", "period_text"]
    list_filter = ["layout"]
    list_select_related = ["agreement", "municipality"]
    search_fields = ["title", "agreement__title"]
    autocomplete_fields = ["agreement", "municipality"]
    inlines = [ActionItemInline]


class ResponsibilityInline(PlanPartMixin, AgreementPartInline, admin.TabularInline):
    agreement_path = "plan.agreement"
    model = Responsibility
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(ActionItem)
class ActionItemAdmin(PlanPartMixin, AgreementPartAdmin):
    agreement_path = "plan.agreement"
    list_display = ["activity", "goal", "when_text", "responsible_text", "status", "plan"]
    list_filter = ["status", "is_citizen_promise", "recurrence"]
    list_select_related = ["plan"]
    search_fields = ["activity", "goal", "when_text", "communication"]
    autocomplete_fields = ["plan", "focus_area", "problem_items"]
    inlines = [ResponsibilityInline]


@admin.register(Responsibility)
class ResponsibilityAdmin(PlanPartMixin, AgreementPartAdmin):
    agreement_path = "item.plan.agreement"
    list_display = ["__str__", "role", "description", "item"]
    list_filter = ["role"]
    list_select_related = ["organisation", "item"]
    search_fields = ["unit", "description", "organisation__name"]
    autocomplete_fields = ["organisation", "item"]


@admin.register(PlanAdoption)
class PlanAdoptionAdmin(PlanPartMixin, AgreementPartAdmin):
    """Read-only: a plan is adopted by Fastställ on its page, and an adoption never changes."""

    agreement_path = "plan.agreement"
    list_display = ["__str__", "plan", "created_at"]
    list_select_related = ["plan"]
    search_fields = ["body", "reference_number", "plan__title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
