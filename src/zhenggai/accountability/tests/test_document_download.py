"""Downloading a decision document: only who sees the person, as a private attachment."""

from __future__ import annotations

from django.urls import reverse

from zhenggai.accountability.tests.world import PDF, AccountabilityWorldTestCase


class DocumentDownloadTests(AccountabilityWorldTestCase):
    def url(self, key: str = "published") -> str:
        return reverse("accountability:document", args=[self.person[key].pk])

    def test_office_downloads_the_stored_bytes(self):
        for persona, queries in {"office_A": 4, "office_P": 4, "system": 3}.items():
            with self.subTest(persona=persona):
                self.login(persona)
                with self.assertNumQueries(queries):  # session, user, [unit: offices], the person
                    response = self.client.get(self.url())
                self.assertEqual(response.status_code, 200)
                self.assertEqual(b"".join(response.streaming_content), PDF)
                self.assertEqual(response["Content-Type"], "application/pdf")
                self.assertEqual(response["Cache-Control"], "private, no-store")
                self.assertTrue(response["Content-Disposition"].startswith("attachment"))

    def test_hidden_and_missing_are_404(self):
        for persona in ("office_B", "unit_A1", "reviewer_A", "supervisor_Aeco", "no_unit"):
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.login("office_A")
        self.assertEqual(self.client.get(self.url("hidden")).status_code, 404)  # no document recorded
        self.client.logout()
        self.assertRedirects(self.client.get(self.url()), f"{reverse('login')}?next={self.url()}")
