from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("organisations")

    def ready(self):
        from . import accounts  # noqa: F401 (connects the login signal)
