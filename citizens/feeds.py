"""An Atom feed per municipality: its published promises and the feedback published on
them, newest first (Django's syndication framework)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from organisations.names import municipality_slug

from . import public


class MunicipalityFeed(Feed):
    feed_type = Atom1Feed
    content_type = "application/atom+xml; charset=utf-8"

    def get_object(self, request, kommun):
        return public.municipality_by_slug(kommun)

    def title(self, municipality):
        return _("Citizen promises in %(municipality)s") % {"municipality": municipality.name}

    def subtitle(self, municipality):
        return _("What the police and the municipality promise, and what came of it.")

    def link(self, municipality):
        return reverse("citizen_municipality", args=[municipality_slug(municipality)])

    def feed_guid(self, municipality):
        return self._absolute(self.link(municipality))

    def items(self, municipality):
        self._page = self.link(municipality)
        return public.feed_items(municipality)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.text

    def item_link(self, item):
        return f"{self._page}#{item.anchor}"

    def item_guid(self, item):
        return self._absolute(f"{self._page}#{item.guid}")

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at

    @staticmethod
    def _absolute(path):
        return settings.SITE_URL.rstrip("/") + path
