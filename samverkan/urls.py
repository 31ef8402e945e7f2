from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

urlpatterns = [
    path("admin/", admin.site.urls),
    # The workspace comes with the next issue; until then the start page is the admin.
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False), name="home"),
]
