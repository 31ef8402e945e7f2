from django.conf import settings
from django.utils import translation


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
