from django.contrib import admin

from .models import Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organisation"
    extra = 0
    autocomplete_fields = ["user", "works_with"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "kommunkod", "parent", "county"]
    list_filter = ["kind", "county"]
    search_fields = ["name", "kommunkod"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["municipalities"]
    list_select_related = ["parent"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "works_with"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation", "works_with"]
    list_select_related = ["user", "organisation", "works_with"]
