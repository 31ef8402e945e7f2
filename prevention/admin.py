from django.contrib import admin

from .models import CoordinatingFunction, PreventionPlan, SituationReport


@admin.register(SituationReport)
class SituationReportAdmin(admin.ModelAdmin):
    list_display = ["title", "municipality", "adopted_on"]
    list_select_related = ["municipality"]
    search_fields = ["title", "municipality__name"]
    autocomplete_fields = ["municipality"]


@admin.register(PreventionPlan)
class PreventionPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "municipality", "decided_on", "decided_by", "reference_number"]
    list_select_related = ["municipality"]
    search_fields = ["title", "municipality__name", "reference_number"]
    autocomplete_fields = ["municipality"]


@admin.register(CoordinatingFunction)
class CoordinatingFunctionAdmin(admin.ModelAdmin):
    list_display = ["municipality", "unit", "person_name"]
    list_select_related = ["municipality"]
    search_fields = ["municipality__name", "unit", "person_name"]
    autocomplete_fields = ["municipality", "user"]
