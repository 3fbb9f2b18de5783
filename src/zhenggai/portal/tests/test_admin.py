"""The portal's admin is view-only: publications change only through the actions."""

from __future__ import annotations

from django.urls import reverse

from zhenggai.portal import actions
from zhenggai.portal.tests.world import PortalWorldTestCase


class PortalAdminTestCase(PortalWorldTestCase):
    def test_items_and_their_versions_are_shown_but_not_editable(self):
        item = actions.publish_plan(self.world.plans["A"], acting_user=self.world.users["office_A"])
        self.login("system")
        page = self.client.get(reverse("admin:portal_publisheditem_change", args=[item.pk]))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, item.code)
        self.assertNotContains(page, 'name="_save"')
        self.assertEqual(self.client.get(reverse("admin:portal_publisheditem_add")).status_code, 403)
        listing = self.client.get(reverse("admin:portal_publisheditem_changelist"))
        self.assertContains(listing, self.world.plans["A"].title)
