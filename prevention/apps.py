from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreventionConfig(AppConfig):
    """What law 2023:196 asks of each municipality: a lägesbild, an åtgärdsplan and a
    coordinating function (docs/law-items.md)."""

    name = "prevention"
    verbose_name = _("Crime prevention duties")
