from django import template

from organisations.names import all_municipality_slugs

register = template.Library()


@register.simple_tag
def municipality_page_slug(municipality) -> str:
    """The address of the municipality's page (/kommuner/<this>/), in one query."""
    return all_municipality_slugs()[municipality.pk]
