from django import template
from django.urls import reverse

from organisations.models import Organisation, OrganisationKind
from organisations.names import all_municipality_slugs, police_area_slug

register = template.Library()


@register.simple_tag
def municipality_page_slug(municipality) -> str:
    """The address of the municipality's page (/kommuner/<this>/), in one query."""
    return all_municipality_slugs()[municipality.pk]


@register.inclusion_tag("areas/_my_pages.html")
def my_area_pages(user):
    """Links to the pages of the user's own municipalities and police areas (two queries)."""
    organisations = (
        Organisation.objects.filter(
            memberships__user=user,
            kind__in=[OrganisationKind.MUNICIPALITY, OrganisationKind.POLICE_AREA],
        )
        .distinct()
        .order_by("kind", "name")
    )
    organisations = list(organisations) if user.is_authenticated else []
    slugs = all_municipality_slugs() if organisations else {}
    links = []
    for organisation in organisations:
        if organisation.is_municipality:
            links.append(
                (organisation.name, reverse("municipality_page", args=[slugs[organisation.pk]]))
            )
        else:
            links.append(
                (
                    organisation.name,
                    reverse("police_area_page", args=[police_area_slug(organisation.name)]),
                )
            )
    return {"links": links}
