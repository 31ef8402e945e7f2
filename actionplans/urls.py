from django.urls import path

from . import spreadsheet_views, views

# Rows live under their agreement and plan, so every URL names the agreement it checks.
plan = "overenskommelser/<int:pk>/handlingsplaner/<int:plan_pk>/"
row = plan + "rader/<int:item_pk>/"

urlpatterns = [
    path("overenskommelser/<int:pk>/handlingsplaner/ny/", views.plan_create, name="plan_create"),
    path(plan, views.plan_detail, name="plan_detail"),
    path(plan + "uppgifter/", views.plan_edit, name="plan_edit"),
    path(plan + "ta-bort/", views.plan_delete, name="plan_delete"),
    path(plan + "faststall/", views.plan_adopt, name="plan_adopt"),
    path(plan + "jamfor-faststalld/", views.plan_compare_adopted, name="plan_compare_adopted"),
    path(plan + "excel/", spreadsheet_views.plan_xlsx, name="plan_xlsx"),
    path(plan + "excel/ladda-upp/", spreadsheet_views.plan_upload, name="plan_upload"),
    path(plan + "rader/ny/", views.row_create, name="row_create"),
    path(row + "redigera/", views.row_edit, name="row_edit"),
    path(row + "ta-bort/", views.row_delete, name="row_delete"),
    path(row + "flytta/", views.row_move, name="row_move"),
    path(row + "problem/", views.row_problems, name="row_problems"),
]
