"""Holidays the office enters (for a year the calendar library lacks) lengthen 公示 like any holiday."""

from __future__ import annotations

from datetime import date

from django.test import TestCase

from zhenggai.acceptance import signals
from zhenggai.acceptance.models import WorkdayOverride
from zhenggai.core.workdays import add_working_days, is_working_day


class WorkdayOverrideTestCase(TestCase):
    def setUp(self) -> None:
        # A rolled-back test sends no post_delete: drop the cached table on the way out too.
        self.addCleanup(signals._forget_overrides)

    def test_an_entered_holiday_and_an_adjusted_working_day_count(self):
        self.assertTrue(is_working_day(date(2027, 2, 8)))  # 2027: no library data, plain Mon–Fri
        self.assertEqual(add_working_days(date(2027, 2, 5), 3), date(2027, 2, 10))
        WorkdayOverride.objects.bulk_create(
            [WorkdayOverride(day=date(2027, 2, 8 + i), is_working_day=False, note="春节") for i in range(3)]
        )
        signals._forget_overrides()  # bulk_create sends no post_save
        WorkdayOverride.objects.create(day=date(2027, 2, 6), is_working_day=True, note="春节调休上班")
        self.assertFalse(is_working_day(date(2027, 2, 8)))
        self.assertTrue(is_working_day(date(2027, 2, 6)))  # a Saturday made a working day
        # From Friday 2-5: Sat 2-6 (调休), then Thu 2-11, Fri 2-12.
        self.assertEqual(add_working_days(date(2027, 2, 5), 3), date(2027, 2, 12))

    def test_the_library_still_decides_where_nothing_is_entered(self):
        self.assertFalse(is_working_day(date(2026, 10, 1)))  # 国庆节, from chinesecalendar
        self.assertTrue(is_working_day(date(2026, 10, 12)))
