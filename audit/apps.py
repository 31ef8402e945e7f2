from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("audit trail")

    def ready(self):
        from . import seals  # noqa: F401  (connects the sealing of new records)
