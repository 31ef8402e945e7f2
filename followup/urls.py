from django.urls import path

from . import views

row = "overenskommelser/<int:pk>/handlingsplaner/<int:plan_pk>/rader/<int:item_pk>/"

urlpatterns = [
    path(row + "uppfoljning/", views.entry_create, name="entry_create"),
]
