from django.apps import AppConfig


class PagesConfig(AppConfig):
    """Pages that show several apps at once; no models of its own."""

    name = "pages"
