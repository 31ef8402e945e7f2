from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("admin/", admin.site.urls),
    # Django's set_language view: POST language=en|sv chooses the language (a cookie).
    path("i18n/", include("django.conf.urls.i18n")),
    # The workspace comes with the next issue; until then the start page is the admin.
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False), name="home"),
]
