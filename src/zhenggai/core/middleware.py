"""Language selection: Chinese unless the user chose otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language, which puts an
office's PC with an English-language browser into English. Zhenggai's users work in
Chinese, so the interface is zh-hans unless the user picked a language with the
switcher in the header (Django's ``set_language`` view stores it in a cookie).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_supported_language_variant


class ChosenLanguageMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = get_supported_language_variant(chosen) if chosen else settings.LANGUAGE_CODE
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
