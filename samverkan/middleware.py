from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http.response import HttpResponseRedirectBase
from django.shortcuts import resolve_url
from django.utils import translation
from django_htmx.http import HttpResponseClientRedirect


class ChosenLanguageMiddleware:
    """Swedish for everyone, English for those who choose it.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show many
    Swedish officials an English product on an English-language computer. Here only an
    explicit choice counts: the language cookie that Django's set_language view writes.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class HtmxLoginRedirectMiddleware:
    """An HTMX request that must log in first sends the whole page to the login page.

    login_required answers with a redirect, which the browser follows inside the HTMX
    request, so the login page would be swapped into a table cell. Instead htmx is told
    (HX-Redirect) to load the login page in the window, returning afterwards to the page
    the user was on rather than to the fragment's address.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.htmx and isinstance(response, HttpResponseRedirectBase):
            login_url = resolve_url(settings.LOGIN_URL)
            if urlsplit(response.url).path == login_url:
                page = request.htmx.current_url_abs_path or "/"
                return HttpResponseClientRedirect(f"{login_url}?{urlencode({'next': page})}")
        return response
