from django.contrib import admin

from .models import (
    Agreement,
    FocusArea,
    Party,
    ProblemArea,
    ProblemItem,
    ProblemPicture,
    ProblemSource,
    Section,
    Signatory,
)


class PartyInline(admin.TabularInline):
    model = Party
    extra = 0
    autocomplete_fields = ["organisation"]


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0


class SignatoryInline(admin.TabularInline):
    model = Signatory
    extra = 0


class FocusAreaInline(admin.StackedInline):
    model = FocusArea
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "reference", "status", "version", "valid_from", "valid_until"]
    list_filter = ["status", "renewal_rule", "cycle_step"]
    search_fields = ["title", "reference", "parties__organisation__name"]
    prepopulated_fields = {"reference": ["title"]}
    inlines = [PartyInline, SectionInline, SignatoryInline, FocusAreaInline]


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ["organisation", "agreement", "role", "label", "position"]
    list_select_related = ["organisation", "agreement"]
    search_fields = ["organisation__name", "agreement__title"]
    autocomplete_fields = ["organisation", "agreement"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "agreement", "position", "embed"]
    list_select_related = ["agreement"]
    search_fields = ["heading", "body"]
    autocomplete_fields = ["agreement"]


@admin.register(Signatory)
class SignatoryAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "party", "place", "signed_on", "agreement"]
    list_select_related = ["agreement", "party__organisation"]
    search_fields = ["name", "title"]
    autocomplete_fields = ["agreement"]


class ProblemSourceInline(admin.StackedInline):
    model = ProblemSource
    extra = 0


class ProblemAreaInline(admin.TabularInline):
    model = ProblemArea
    extra = 0
    show_change_link = True


@admin.register(ProblemPicture)
class ProblemPictureAdmin(admin.ModelAdmin):
    list_display = ["__str__", "agreement", "drawn_up_on", "period_note"]
    list_select_related = ["agreement"]
    autocomplete_fields = ["agreement"]
    inlines = [ProblemSourceInline, ProblemAreaInline]


@admin.register(ProblemSource)
class ProblemSourceAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "held_on", "place", "people_reached", "problem_picture"]
    list_filter = ["kind"]
    list_select_related = ["problem_picture__agreement"]
    search_fields = ["title", "description"]


class ProblemItemInline(admin.TabularInline):
    model = ProblemItem
    extra = 0


@admin.register(ProblemArea)
class ProblemAreaAdmin(admin.ModelAdmin):
    list_display = ["title", "problem_picture", "position"]
    list_select_related = ["problem_picture__agreement"]
    search_fields = ["title"]
    inlines = [ProblemItemInline]


@admin.register(ProblemItem)
class ProblemItemAdmin(admin.ModelAdmin):
    list_display = ["text", "area", "position"]
    list_select_related = ["area"]
    search_fields = ["text", "probable_causes"]


@admin.register(FocusArea)
class FocusAreaAdmin(admin.ModelAdmin):
    list_display = ["title", "agreement", "category", "position"]
    list_filter = ["category"]
    list_select_related = ["agreement"]
    search_fields = ["title", "background", "goals"]
    autocomplete_fields = ["agreement"]
