"""Adding and editing a person held accountable, with the decision document; personas."""

from __future__ import annotations

import hashlib

from django.urls import reverse

from zhenggai.accountability.choices import Rank, Sanction
from zhenggai.accountability.models import AccountablePerson
from zhenggai.accountability.tests.pages import tags
from zhenggai.accountability.tests.world import PDF, AccountabilityWorldTestCase, pdf


class PersonFormTests(AccountabilityWorldTestCase):
    def data(self, **extra) -> dict:
        base = {"name": "赵新", "post": "甲市某局副局长", "rank": Rank.DIVISION}
        return base | {"sanction": Sanction.ADMONITION} | extra

    def test_office_adds_a_person_with_a_document(self):
        self.login("office_A")
        url = reverse("accountability:person_create", args=[self.tp["A"].pk])
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(url, self.data(document=pdf("诫勉决定.pdf"), decided_on="2026-01-05"))
        self.assertRedirects(response, reverse("accountability:problem_detail", args=[self.tp["A"].pk]))
        person = AccountablePerson.objects.get(name="赵新")
        self.assertEqual(person.document_sha256, hashlib.sha256(PDF).hexdigest())
        self.assertFalse(person.publish_name)
        self.assertEqual(person.created_by, self.world.users["office_A"])

    def test_a_wrong_file_is_a_form_error(self):
        self.login("office_A")
        url = reverse("accountability:person_create", args=[self.tp["A"].pk])
        response = self.client.post(url, self.data(document=pdf("x.pdf", b"just text, not a PDF")))
        self.assertEqual(response.status_code, 200)
        self.assertEqual([e.get("data-field") for e in tags(response.content, "form-error")], ["document"])
        self.assertFalse(AccountablePerson.objects.filter(name="赵新").exists())

    def test_edit_marks_the_name_for_publication(self):
        person = self.person["hidden"]
        self.login("office_A")
        url = reverse("accountability:person_edit", args=[person.pk])
        self.assertEqual(self.client.get(url).status_code, 200)
        data = self.data(name=person.name, post=person.post, publish_name="on", reason="本人同意公开")
        response = self.client.post(url, data)
        self.assertRedirects(response, reverse("accountability:problem_detail", args=[self.tp["A"].pk]))
        person.refresh_from_db()
        self.assertTrue(person.publish_name)
        self.assertEqual(person.history.first().history_change_reason, "本人同意公开")

    def test_hidden_is_404(self):
        for persona in ("office_B", "unit_A1", "reviewer_A", "no_unit"):
            for url in (
                reverse("accountability:person_create", args=[self.tp["A"].pk]),
                reverse("accountability:person_edit", args=[self.person["hidden"].pk]),
            ):
                with self.subTest(persona=persona, url=url):
                    self.login(persona)
                    self.assertEqual(self.client.get(url).status_code, 404)
                    self.assertEqual(self.client.post(url, self.data()).status_code, 404)
        self.assertFalse(AccountablePerson.objects.filter(name="赵新").exists())
