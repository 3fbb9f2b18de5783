"""The public notice page: no login, the objection form while open, CSRF, and the abuse limits."""

from __future__ import annotations

import uuid
from datetime import datetime

import time_machine
from django.test import Client
from django.urls import reverse

from zhenggai.acceptance import actions
from zhenggai.acceptance.models import Objection, PublicNotice
from zhenggai.acceptance.tests.view_world import (
    ALL_MET,
    ASKED,
    CITY_STEP,
    CLOSED,
    OBJECTED,
    SHANGHAI,
    AcceptanceViewTestCase,
    at,
    pdf_upload,
)
from zhenggai.acceptance.views.public import PER_IP_PER_HOUR, PER_NOTICE_PER_IP

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


class PublicNoticeViewTestCase(AcceptanceViewTestCase):
    today = OBJECTED

    def setUp(self):
        super().setUp()
        self.request = self.ask()
        self.city(self.request)
        self.notice = PublicNotice.objects.get()
        self.url = reverse("notices:notice", args=[self.notice.code])

    def objection(self, **overrides) -> dict:
        return {"name": "周九", "contact": "zhou@example.org", "text": "河岸仍堆有建筑垃圾。", **overrides}

    def test_an_anonymous_visitor_reads_the_notice_and_sees_the_form(self):
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, self.notice.text)
        self.assertContains(response, 'data-starts="2026-03-03"')
        self.assertContains(response, 'data-ends="2026-03-09"')
        self.assertContains(response, 'data-testid="objection-form"')
        self.assertNotContains(response, self.request.report)  # the notice, not the file

    def test_unknown_codes_are_404(self):
        self.assertEqual(self.client.get(reverse("notices:notice", args=[uuid.uuid4()])).status_code, 404)
        self.assertEqual(self.client.get("/notices/not-a-code/").status_code, 404)

    def test_an_objection_is_stored_with_the_address_and_file(self):
        response = self.client.post(
            self.url, self.objection(attachment=pdf_upload("现场照片.pdf")), REMOTE_ADDR="203.0.113.5"
        )
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        objection = Objection.objects.get()
        self.assertEqual((objection.name, objection.submitted_ip, objection.status), ("周九", "203.0.113.5", "open"))
        self.assertEqual(len(objection.attachment_sha256), 64)

    def test_missing_fields_and_a_bad_file_are_form_errors(self):
        response = self.client.post(self.url, self.objection(text="", attachment=pdf_upload("x.pdf", EXE)))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(set(response.context["form"].errors), {"text", "attachment"})
        self.assertFalse(Objection.objects.exists())

    def test_the_form_is_csrf_protected(self):
        strict = Client(enforce_csrf_checks=True)
        self.assertEqual(strict.post(self.url, self.objection()).status_code, 403)
        self.assertFalse(Objection.objects.exists())

    def test_after_the_window_the_form_is_gone_and_posts_are_refused(self):
        with at(CLOSED):
            response = self.client.get(self.url)
            self.assertContains(response, 'data-testid="notice-closed"')
            self.assertNotContains(response, 'data-testid="objection-form"')
            response = self.client.post(self.url, self.objection())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'data-testid="form-errors"')
        self.assertFalse(Objection.objects.exists())

    def test_before_the_window_the_page_says_so(self):
        PublicNotice.objects.update(starts_on=CLOSED)
        self.assertContains(self.client.get(self.url), 'data-testid="notice-not-yet"')

    def test_three_objections_per_notice_from_one_address(self):
        for index in range(PER_NOTICE_PER_IP):
            response = self.client.post(self.url, self.objection(text=f"异议{index}"), REMOTE_ADDR="203.0.113.9")
            self.assertEqual(response.status_code, 302)
        response = self.client.post(self.url, self.objection(), REMOTE_ADDR="203.0.113.9")
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, 'data-testid="rate-limited"', status_code=429)
        self.assertEqual(self.client.post(self.url, self.objection(), REMOTE_ADDR="203.0.113.10").status_code, 302)
        self.assertEqual(Objection.objects.filter(submitted_ip="203.0.113.9").count(), PER_NOTICE_PER_IP)

    def test_five_objections_an_hour_from_one_address_over_all_notices(self):
        with at(ASKED):
            other = actions.request_acceptance(
                self.world.problems["a2"],
                acting_user=self.user("unit_A2"),
                report="自查",
                signed_by_head="孙",
                checklist=ALL_MET,
            )
        with at(CITY_STEP):
            actions.decide_step(other, acting_user=self.user("reviewer_A"), decision="pass")
        other_url = reverse("notices:notice", args=[PublicNotice.objects.get(request=other).code])
        address = {"REMOTE_ADDR": "198.51.100.20"}
        for url in [self.url] * 3 + [other_url] * 2:
            self.assertEqual(self.client.post(url, self.objection(), **address).status_code, 302)
        self.assertEqual(Objection.objects.count(), PER_IP_PER_HOUR)
        self.assertEqual(self.client.post(other_url, self.objection(), **address).status_code, 429)
        later = datetime(2026, 3, 4, 11, 1, tzinfo=SHANGHAI)  # the five were filed at 10:00
        with time_machine.travel(later, tick=False):
            self.assertEqual(self.client.post(other_url, self.objection(), **address).status_code, 302)
        self.assertEqual(Objection.objects.count(), PER_IP_PER_HOUR + 1)
