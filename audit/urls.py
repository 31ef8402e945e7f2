from django.urls import path

from . import views

urlpatterns = [
    path("overenskommelser/<int:pk>/historik/", views.agreement_history, name="agreement_history"),
    path(
        "overenskommelser/<int:pk>/historik/rader/<int:item_pk>/",
        views.row_history,
        name="row_history",
    ),
]
