from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AreasConfig(AppConfig):
    """The municipality's page and the police area's page: the law's items beside the
    agreements, plans and follow-up of every app below."""

    name = "areas"
    verbose_name = _("Municipalities and police areas")
