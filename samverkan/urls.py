"""The project's URLs: each app's own, included by name, so this module imports no app
(docs/architecture.md)."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from .favicon import favicon
from .health import healthz

urlpatterns = [
    path("", include("pages.urls")),
    path("", include("actionplans.urls")),
    path("", include("followup.urls")),
    path("", include("signing.urls")),
    path("", include("printing.urls")),
    path("", include("audit.urls")),
    path("", include("organisations.urls")),
    path("", include("citizens.urls")),
    path("", include("areas.urls")),
    path(
        "tillganglighet/",
        TemplateView.as_view(template_name="accessibility.html"),
        name="accessibility",
    ),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    # Django's set_language view: POST language=en|sv chooses the language (a cookie).
    path("i18n/", include("django.conf.urls.i18n")),
]

handler404 = "samverkan.errors.page_not_found"
handler500 = "samverkan.errors.server_error"
