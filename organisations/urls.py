from django.urls import path

from . import views

members = "organisationer/<int:pk>/anvandare/"

urlpatterns = [
    path("organisationer/", views.my_organisations, name="my_organisations"),
    path(members, views.members, name="members"),
    path(members + "ny/", views.member_create, name="member_create"),
    path(members + "<int:membership_pk>/", views.member_edit, name="member_edit"),
    path(members + "<int:membership_pk>/ta-bort/", views.member_remove, name="member_remove"),
]
