"""The public pages of citizen promises, for anyone, without logging in: the
municipalities with published promises, one municipality's promises, the signed PDF, the
Atom feed, and following the promises by e-mail.

These pages set no cookies: they touch no session and no CSRF token (their templates
extend citizens/public_base.html, which has neither), so a reader leaves no trace and the
pages can be cached. The three forms that post here (subscribe, confirm, unsubscribe) are
therefore exempt from Django's CSRF check, which needs a cookie. That is safe because a
forged post can do no harm: subscribing only sends a confirmation link to the address
given (double opt-in: nothing more happens until its owner presses the link's button),
at most once per address every mailing.RESEND_MINUTES; confirming and unsubscribing need
the signed token mailed to that address."""

from django.core.cache import cache
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organisations.names import all_municipality_slugs, municipality_slug

from . import mailing, public
from .cache import PUBLIC_PAGE_SECONDS, page_key
from .feeds import MunicipalityFeed
from .forms import MunicipalitySearchForm, SubscribeForm


def _cached(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = f"public, max-age={PUBLIC_PAGE_SECONDS}"
    return response


@require_GET
def municipality_list(request):
    municipalities = public.municipalities_with_published_promises().order_by("name")
    counties = sorted(
        {county for county in municipalities.values_list("county", flat=True) if county}
    )
    form = MunicipalitySearchForm(request.GET or None, counties=counties)
    if form.is_valid():
        if form.cleaned_data["name"]:
            municipalities = municipalities.filter(name__icontains=form.cleaned_data["name"])
        if form.cleaned_data["county"]:
            municipalities = municipalities.filter(county=form.cleaned_data["county"])
    slugs = all_municipality_slugs()
    found = [(municipality, slugs[municipality.pk]) for municipality in municipalities]
    response = render(
        request,
        "citizens/municipality_list.html",
        {"form": form, "municipalities": found, "searched": bool(request.GET)},
    )
    return _cached(response)


def _municipality_page(request, municipality, form, status=200) -> HttpResponse:
    current, earlier = public.promises_of(municipality, timezone.localdate())
    context = {
        "municipality": municipality,
        "slug": municipality_slug(municipality),
        "current": current,
        "earlier": earlier,
        "form": form,
        "confirm_days": mailing.CONFIRM_DAYS,
    }
    return render(request, "citizens/municipality.html", context, status=status)


@require_GET
def municipality_page(request, kommun):
    """Served from the cache for PUBLIC_PAGE_SECONDS (citizens/cache.py)."""
    key = page_key(kommun, translation.get_language())
    content = cache.get(key)
    if content is None:
        municipality = public.municipality_by_slug(kommun)
        response = _municipality_page(request, municipality, SubscribeForm())
        cache.set(key, response.content, PUBLIC_PAGE_SECONDS)
        return _cached(response)
    return _cached(HttpResponse(content))


@require_GET
def municipality_feed(request, kommun):
    """The Atom feed, cached as the page is."""
    key = page_key(kommun, translation.get_language(), "feed")
    content = cache.get(key)
    if content is None:
        response = MunicipalityFeed()(request, kommun=kommun)
        cache.set(key, response.content, PUBLIC_PAGE_SECONDS)
        return _cached(response)
    return _cached(HttpResponse(content, content_type=MunicipalityFeed.content_type))


@require_GET
def signed_pdf(request, kommun, pk):
    """The signed version's PDF of a published promise of the municipality."""
    municipality = public.municipality_by_slug(kommun)
    version = public.signed_pdf_of(pk, municipality)
    return FileResponse(
        version.pdf.open("rb"),
        content_type="application/pdf",
        filename=f"{version.agreement.reference}-underskrivet.pdf",
        as_attachment=True,
    )


@csrf_exempt  # harmless when forged: see the module's docstring
@require_POST
def subscribe(request, kommun):
    municipality = public.municipality_by_slug(kommun)
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return _municipality_page(request, municipality, form, status=400)
    mailing.ask_to_subscribe(municipality, form.cleaned_data["email"])
    context = {
        "municipality": municipality,
        "slug": municipality_slug(municipality),
        "email": form.cleaned_data["email"],
        "confirm_days": mailing.CONFIRM_DAYS,
    }
    return render(request, "citizens/subscribe_sent.html", context)


@csrf_exempt  # the signed token is the proof: see the module's docstring
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """The link in the confirmation e-mail opens a page with a button: a link checker
    that opens every link in a mail must not confirm an address for its owner."""
    subscription = mailing.subscription_from(token, confirming=True)
    if subscription is None:
        return render(request, "citizens/link_invalid.html", status=400)
    if request.method == "POST":
        mailing.confirm(subscription)
    return render(
        request,
        "citizens/confirm.html",
        {
            "subscription": subscription,
            "slug": municipality_slug(subscription.municipality),
            "confirmed": subscription.confirmed_at is not None,
        },
    )


@csrf_exempt  # the signed token is the proof; a mail program's one-click POST has no cookie
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET asks (a link checker opening it unsubscribes no one); POST, from the page's
    button or a mail program's List-Unsubscribe-Post, deletes the address at once."""
    if not mailing.unsubscribe_token_is_whole(token):
        return render(request, "citizens/link_invalid.html", status=400)
    subscription = mailing.subscription_from(token, confirming=False)
    if request.method == "POST" and subscription is not None:
        subscription.delete()
        subscription = None
    return render(
        request,
        "citizens/unsubscribe.html",
        {"subscription": subscription, "done": subscription is None},
    )
