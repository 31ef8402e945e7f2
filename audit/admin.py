"""The history of organisations and memberships, which belong to no agreement's Historik
page, is read in the admin. It is a record: it can be read, never changed."""

from django.contrib import admin

from organisations.models import Membership, Organisation


class HistoryAdmin(admin.ModelAdmin):
    list_display = ["history_date", "history_type", "history_user_name", "__str__"]
    list_filter = ["history_type", "history_date"]
    date_hierarchy = "history_date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Membership.history.model)
class MembershipHistoryAdmin(HistoryAdmin):
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "organisation__name"]


@admin.register(Organisation.history.model)
class OrganisationHistoryAdmin(HistoryAdmin):
    search_fields = ["name", "kommunkod"]
