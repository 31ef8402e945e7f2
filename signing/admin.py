from django.contrib import admin

from .models import AgreementEvent, AgreementVersion


@admin.register(AgreementVersion)
class AgreementVersionAdmin(admin.ModelAdmin):
    """Frozen versions are shown, never changed or deleted: they are made by Klar för
    underskrift and Registrera underskrift only."""

    list_display = ["agreement", "number", "frozen_at", "signed_on"]
    list_filter = ["signed_on"]
    search_fields = ["agreement__title", "agreement__reference"]
    list_select_related = ["agreement"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AgreementEvent)
class AgreementEventAdmin(admin.ModelAdmin):
    list_display = ["agreement", "kind", "happened_on", "version", "recorded_by"]
    list_filter = ["kind"]
    list_select_related = ["agreement", "recorded_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
