"""The user's digests (newest first, marked read when shown) and, for offices, muting a unit."""

from __future__ import annotations

import re
from datetime import date

from django.urls import reverse

from zhenggai.progress.models import Notification, NotificationMute
from zhenggai.progress.tests.test_board_world import BoardTestCase

URL = reverse("progress:notification_list")
MUTE = reverse("progress:unit_mute")


def shown(response) -> list[tuple[int, str]]:
    """(notification id, new flag) in page order."""
    pattern = r'data-testid="notification" data-notification="(\d+)" data-new="(\d)"'
    return [(int(pk), new) for pk, new in re.findall(pattern, response.content.decode())]


class NotificationListTestCase(BoardTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        county = cls.world.users["unit_A1"]
        cls.older = Notification.objects.create(
            user=county, day=date(2026, 3, 13), subject="三月十三日", body="x", item_count=2
        )
        cls.newer = Notification.objects.create(
            user=county, day=date(2026, 3, 14), subject="三月十四日", body="y", item_count=1
        )
        cls.others = Notification.objects.create(
            user=cls.world.users["unit_A2"], day=date(2026, 3, 14), subject="别人的", body="z"
        )

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        self.assertRedirects(self.client.get(URL), f"{reverse('login')}?next={URL}")

    def test_every_role_may_open_its_own_list(self):
        for persona in ("office_A", "office_B", "unit_B1", "supervisor_Aeco", "reviewer_A"):
            with self.subTest(persona=persona):
                self.login(persona)
                response = self.client.get(URL)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(shown(response), [])

    def test_newest_first_new_once_then_read(self):
        self.login("unit_A1")
        self.assertEqual(shown(self.client.get(URL)), [(self.newer.pk, "1"), (self.older.pk, "1")])
        self.assertFalse(Notification.objects.filter(user=self.world.users["unit_A1"], read_at__isnull=True).exists())
        self.assertEqual(shown(self.client.get(URL)), [(self.newer.pk, "0"), (self.older.pk, "0")])
        self.others.refresh_from_db()
        self.assertIsNone(self.others.read_at)

    def test_units_get_no_mute_form(self):
        self.login("unit_A1")
        self.assertNotContains(self.client.get(URL), 'data-testid="mute-form"')
        self.login("office_A")
        self.assertContains(self.client.get(URL), 'data-testid="mute-form"')


class MuteUnitTestCase(BoardTestCase):
    def test_an_office_mutes_and_unmutes_a_unit_of_its_city(self):
        office = self.login("office_A")
        county = self.world.units["A1"]
        response = self.client.post(MUTE, {"unit": county.pk, "action": "mute", "reason": "机构调整"})
        self.assertRedirects(response, URL)
        mute = NotificationMute.objects.get()
        self.assertEqual((mute.unit, mute.muted_by, mute.reason), (county, office, "机构调整"))
        self.assertContains(self.client.get(URL), f'data-testid="muted-unit" data-unit="{county.pk}"')
        self.client.post(MUTE, {"unit": county.pk, "action": "unmute"})
        self.assertFalse(NotificationMute.objects.exists())

    def test_a_unit_outside_the_office_scope_is_not_found(self):
        self.login("office_B")
        self.assertEqual(self.client.post(MUTE, {"unit": self.world.units["A1"].pk, "action": "mute"}).status_code, 404)
        self.assertEqual(self.client.post(MUTE, {"unit": "x", "action": "mute"}).status_code, 404)
        self.assertFalse(NotificationMute.objects.exists())

    def test_the_other_citys_mutes_are_not_listed(self):
        NotificationMute.objects.create(unit=self.world.units["A1"], muted_by=self.world.users["office_A"])
        self.login("office_B")
        self.assertNotContains(self.client.get(URL), 'data-testid="muted-unit"')

    def test_only_offices_and_administrators_mute(self):
        for persona in ("unit_A1", "supervisor_Aeco", "reviewer_A"):
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertEqual(self.client.post(MUTE, {"unit": self.world.units["A1"].pk}).status_code, 403)
        self.login("system")
        self.client.post(MUTE, {"unit": self.world.units["B1"].pk, "action": "mute"})
        self.assertTrue(NotificationMute.objects.filter(unit=self.world.units["B1"]).exists())

    def test_muting_is_a_post(self):
        self.login("office_A")
        self.assertEqual(self.client.get(MUTE).status_code, 405)

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        self.assertRedirects(self.client.post(MUTE, {"unit": 1}), f"{reverse('login')}?next={MUTE}")
