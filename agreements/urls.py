from django.urls import path

from . import views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("overenskommelser/", views.agreement_list, name="agreement_list"),
    path("overenskommelser/<int:pk>/", views.agreement_detail, name="agreement_detail"),
]
