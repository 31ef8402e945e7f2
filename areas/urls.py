from django.urls import path

from . import views

municipality = "kommuner/<slug:kommun>/"

urlpatterns = [
    path(municipality, views.municipality_page, name="municipality_page"),
    path(
        municipality + "lagesbild/ny/",
        views.situation_report_create,
        name="situation_report_create",
    ),
    path(
        municipality + "lagesbild/<int:situation_report_pk>/",
        views.situation_report_detail,
        name="situation_report_detail",
    ),
    path(
        municipality + "lagesbild/<int:situation_report_pk>/dokument.pdf",
        views.situation_report_document,
        name="situation_report_document",
    ),
    path(
        municipality + "lagesbild/<int:situation_report_pk>/andra/",
        views.situation_report_edit,
        name="situation_report_edit",
    ),
    path(
        municipality + "atgardsplan/ny/",
        views.prevention_plan_create,
        name="prevention_plan_create",
    ),
    path(
        municipality + "atgardsplan/<int:prevention_plan_pk>/andra/",
        views.prevention_plan_edit,
        name="prevention_plan_edit",
    ),
    path(municipality + "samordning/", views.coordination_edit, name="coordination_edit"),
    path("polisomraden/<slug:omrade>/", views.police_area_page, name="police_area_page"),
]
