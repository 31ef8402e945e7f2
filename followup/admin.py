from django.contrib import admin

from .models import (
    ActivityAssessment,
    Attachment,
    EntrySeen,
    FollowUpCadence,
    FollowUpEntry,
    FollowUpReport,
    Indicator,
    Measurement,
    PartyFulfilment,
    Publication,
    PublicFeedback,
    SentReminder,
)


@admin.register(FollowUpEntry)
class FollowUpEntryAdmin(admin.ModelAdmin):
    """Entries are official records: they can be added and read, never changed or removed."""

    list_display = ["occurred_on", "item", "status", "author_name", "corrects"]
    list_filter = ["status"]
    list_select_related = ["item", "corrects"]
    search_fields = ["what_was_done", "effect", "author_name"]
    autocomplete_fields = ["item", "corrects", "participants"]
    exclude = ["author"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.author = request.user
        obj.author_name = request.user.get_full_name() or request.user.get_username()
        super().save_model(request, obj, form, change)


class MeasurementInline(admin.TabularInline):
    model = Measurement
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "agreement", "focus_area", "item", "baseline", "target", "unit"]
    list_select_related = ["agreement", "focus_area", "item"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["agreement", "focus_area", "item"]
    inlines = [MeasurementInline]


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    list_display = ["indicator", "measured_on", "value", "note"]
    list_select_related = ["indicator"]
    search_fields = ["indicator__name", "note"]


@admin.register(FollowUpReport)
class FollowUpReportAdmin(admin.ModelAdmin):
    """A final report is read-only here too; the model refuses changes anyway."""

    list_display = ["title", "agreement", "period_start", "period_end", "status"]
    list_filter = ["status"]
    list_select_related = ["agreement"]
    search_fields = ["title", "summary"]
    autocomplete_fields = ["agreement"]
    exclude = ["snapshot"]

    def has_change_permission(self, request, obj=None):
        return (obj is None or not obj.is_final) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or not obj.is_final) and super().has_delete_permission(request, obj)


class FrozenWithReportAdmin(admin.ModelAdmin):
    """A final report's assessment is read-only here too; the model refuses changes anyway."""

    list_select_related = ["report"]
    search_fields = ["comment", "report__title"]

    def has_change_permission(self, request, obj=None):
        final = obj is not None and obj.report.is_final
        return not final and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        final = obj is not None and obj.report.is_final
        return not final and super().has_delete_permission(request, obj)


@admin.register(PartyFulfilment)
class PartyFulfilmentAdmin(FrozenWithReportAdmin):
    list_display = ["report", "party", "rating"]
    list_filter = ["rating"]
    autocomplete_fields = ["report", "party"]


@admin.register(ActivityAssessment)
class ActivityAssessmentAdmin(FrozenWithReportAdmin):
    list_display = ["report", "item", "process", "effect"]
    list_filter = ["process", "effect"]
    autocomplete_fields = ["report", "item"]


@admin.register(FollowUpCadence)
class FollowUpCadenceAdmin(admin.ModelAdmin):
    list_display = ["agreement", "kind", "frequency", "first_on", "description"]
    list_filter = ["kind", "frequency"]
    list_select_related = ["agreement"]
    autocomplete_fields = ["agreement"]


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    """What send_reminders has sent: read here, written only by the command."""

    list_display = ["user", "key", "sent_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "key"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class WrittenByPublishingAdmin(admin.ModelAdmin):
    """Read here, written only by Publicera and Avpublicera (citizens/publishing.py), which
    record the act as an event and forget the cached public pages."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Publication)
class PublicationAdmin(WrittenByPublishingAdmin):
    list_display = ["agreement", "published_at", "published_by"]
    list_select_related = ["agreement", "published_by"]


@admin.register(PublicFeedback)
class PublicFeedbackAdmin(WrittenByPublishingAdmin):
    list_display = ["written_on", "item", "published_at", "mailed_at"]
    list_select_related = ["item"]
    search_fields = ["text"]


@admin.register(EntrySeen)
class EntrySeenAdmin(admin.ModelAdmin):
    """Made by Markera som sedd on the timeline; the first mark stays, so it is only read."""

    list_display = ["entry", "seen_by_name", "seen_at"]
    list_select_related = ["entry"]
    search_fields = ["seen_by_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    """Attached on the logging page and the report page, where the file is checked and a
    photo cleaned; here only read, and removed (with its file) when it must go."""

    list_display = ["name", "agreement", "entry", "report", "size", "added_by_name", "added_at"]
    list_select_related = ["agreement", "entry", "report"]
    search_fields = ["name", "added_by_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        obj.remove()

    def delete_queryset(self, request, queryset):
        for attachment in queryset:
            attachment.remove()
