from django.urls import path

from . import chain_views, drafting_views, next_period_views, search_views, step_views, views

draft = "overenskommelser/<int:pk>/utkast/"
part = draft + "<slug:kind>/<int:part_pk>/"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("overenskommelser/", views.agreement_list, name="agreement_list"),
    path("sok/", search_views.search_page, name="search"),
    path("overenskommelser/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("overenskommelser/ny/", drafting_views.agreement_create, name="agreement_create"),
    path(
        "overenskommelser/<int:pk>/kopiera/", drafting_views.agreement_copy, name="agreement_copy"
    ),
    path(
        "overenskommelser/<int:pk>/nytt-medborgarlofte/",
        next_period_views.next_citizen_promise,
        name="next_citizen_promise",
    ),
    path(
        "overenskommelser/<int:pk>/nasta-period/",
        next_period_views.next_period,
        name="next_period",
    ),
    path(
        "overenskommelser/<int:pk>/handlingsplaner/<int:plan_pk>/nasta-period/",
        next_period_views.plan_next_period,
        name="plan_next_period",
    ),
    path(
        "overenskommelser/<int:pk>/steg/<slug:item>/bocka/",
        step_views.step_tick,
        name="step_tick",
    ),
    path(
        "overenskommelser/<int:pk>/steg/<slug:item>/ta-bort/",
        step_views.step_untick,
        name="step_untick",
    ),
    path("overenskommelser/<int:pk>/kedja/", chain_views.agreement_chain, name="agreement_chain"),
    path(draft, drafting_views.draft_editor, name="draft_editor"),
    path(draft + "gamla-ar/", next_period_views.draft_old_texts, name="draft_old_texts"),
    path(draft + "uppgifter/", drafting_views.draft_facts, name="draft_facts"),
    path(draft + "problembild/", drafting_views.draft_picture, name="draft_picture"),
    path(draft + "uppfoljning/", drafting_views.draft_follow_up, name="draft_follow_up"),
    path(draft + "<slug:kind>/ny/", drafting_views.part_create, name="part_create"),
    path(part + "redigera/", drafting_views.part_edit, name="part_edit"),
    path(part + "ta-bort/", drafting_views.part_delete, name="part_delete"),
    path(part + "flytta/", drafting_views.part_move, name="part_move"),
]
