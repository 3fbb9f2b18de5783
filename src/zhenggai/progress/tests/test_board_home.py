"""``progress:home`` sends each role to its own starting page."""

from django.urls import reverse

from zhenggai.progress.tests.test_board_world import BoardTestCase

URL = reverse("progress:home")


class HomeRedirectTestCase(BoardTestCase):
    def test_anonymous_visitors_are_sent_to_sign_in(self):
        self.assertRedirects(self.client.get(URL), f"{reverse('login')}?next={URL}")

    def test_offices_reviewers_and_administrators_land_on_the_dashboard(self):
        for persona in ("office_A", "office_B", "reviewer_A", "system"):
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertRedirects(self.client.get(URL), reverse("progress:dashboard"))

    def test_units_and_supervisors_land_on_their_to_do_page(self):
        for persona in ("unit_A1", "unit_B1", "supervisor_Aeco"):
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertRedirects(self.client.get(URL), reverse("progress:todo"))
