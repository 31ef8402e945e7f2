from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizensConfig(AppConfig):
    """The public side of citizen promises (medborgarlöften): publishing them, feedback
    written for citizens, the public pages without login, the Atom feed and e-mail
    subscriptions. The top layer: it shows what every app below holds."""

    name = "citizens"
    verbose_name = _("citizen promises for the public")

    def ready(self):
        # A 404 under the public pages is theirs: their look, a citizen's words, no cookie.
        from samverkan.errors import not_found_page

        from .urls import public

        not_found_page("/" + public, "citizens/404.html")
