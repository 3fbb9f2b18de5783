"""The interface is Chinese unless the user chose English."""

from django.test import TestCase
from django.urls import reverse


class ChosenLanguageTestCase(TestCase):
    def test_chinese_by_default_even_for_an_english_browser(self):
        response = self.client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        self.assertContains(response, "登录")
        self.assertEqual(response["Content-Language"], "zh-hans")

    def test_switching_to_english_sticks(self):
        response = self.client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
        self.assertEqual(response.status_code, 302)
        response = self.client.get(reverse("login"))
        self.assertContains(response, "Sign in")
        self.assertNotContains(response, "登录</h1>")

    def test_unknown_cookie_value_falls_back_to_chinese(self):
        self.client.cookies["django_language"] = "xx"
        self.assertContains(self.client.get(reverse("login")), "登录")
