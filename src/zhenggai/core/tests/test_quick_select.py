"""QuickSelect writes the same <select> as Django's Select, options, selection and escaping alike."""

from __future__ import annotations

import re

from django import forms
from django.test import SimpleTestCase

from zhenggai.core.forms import QuickSelect

CHOICES = [("", "---------"), (1, "甲省"), (2, "　甲市 <b>&</b>"), (30, "　　甲一县")]


def options(html: str) -> list[tuple[str, bool, str]]:
    found = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html.replace("\n", ""))
    return [(value, bool(selected), label) for value, selected, label in found]


class QuickSelectTestCase(SimpleTestCase):
    def test_the_same_options_as_djangos_select(self):
        for value in (None, "", 2, "30"):
            with self.subTest(value=value):
                quick = QuickSelect(choices=CHOICES).render("unit", value, attrs={"class": "form-select", "id": "u"})
                django = forms.Select(choices=CHOICES).render("unit", value, attrs={"class": "form-select", "id": "u"})
                self.assertEqual(options(quick), options(django))
                self.assertTrue(quick.startswith('<select class="form-select" id="u" name="unit">'))
        self.assertIn("&lt;b&gt;&amp;&lt;/b&gt;", QuickSelect(choices=CHOICES).render("unit", None))
        self.assertEqual([o[1] for o in options(QuickSelect(choices=CHOICES).render("unit", 2))], [0, 0, 1, 0])

    def test_grouped_choices_are_left_to_django(self):
        grouped = [("省", [(1, "甲省")]), ("市", [(2, "甲市")])]
        html = QuickSelect(choices=grouped).render("unit", 2)
        self.assertIn("<optgroup", html)
        self.assertEqual(options(html), options(forms.Select(choices=grouped).render("unit", 2)))
