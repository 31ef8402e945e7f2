"""The agreement's calendar as an .ics file, downloaded or subscribed to by a calendar
program (followup/calendar.py writes it)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from agreements.access import get_agreement

from .calendar import agreement_calendar, read_token


def _calendar_response(agreement) -> HttpResponse:
    response = HttpResponse(
        agreement_calendar(agreement), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{agreement.reference}.ics"'
    return response


@login_required
@require_GET
def calendar_download(request, pk):
    """The agreement's dated activities and follow-up dates as an .ics file."""
    return _calendar_response(get_agreement(request.user, pk))


@require_GET
def calendar_feed(request, token):
    """The same calendar for a calendar program's subscription, without a login: the token
    names the user and the agreement, and the user must still be active and a member."""
    claims = read_token(token)
    user = get_user_model().objects.filter(pk=(claims or {}).get("u"), is_active=True).first()
    if claims is None or user is None:
        raise Http404
    return _calendar_response(get_agreement(user, claims["a"]))
