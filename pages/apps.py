from django.apps import AppConfig
from django.db.backends.signals import connection_created


class PagesConfig(AppConfig):
    """Pages that show several apps at once; no models of its own."""

    name = "pages"

    def ready(self):
        from .search_matching import register_casefold

        # The search's case folding in SQLite, on every connection (pages/search_matching.py).
        connection_created.connect(register_casefold, dispatch_uid="samverkan_casefold")
