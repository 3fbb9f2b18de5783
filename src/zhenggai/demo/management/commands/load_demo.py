"""``zhenggai load_demo``: load the fictional demo data set and print the demo logins."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhenggai.demo.data import DemoError, DemoResult, load_demo

# (key in DemoResult.counts, Chinese, English) for the summary line.
COUNT_LABELS = (
    ("units", "单位", "units"),
    ("persons", "人员", "persons"),
    ("users", "用户", "users"),
    ("plans", "整改方案", "plans"),
    ("problems", "问题", "problems"),
    ("targets", "整改目标", "targets"),
    ("measures", "整改措施", "measures"),
    ("assignments", "责任分工", "assignments"),
)


def display_width(text: str) -> int:
    """Columns the text takes in a terminal: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """Left-align ``text`` in ``width`` terminal columns."""
    return text + " " * max(width - display_width(text), 0)


def format_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    """A plain-text table aligned for terminals that show CJK characters double width."""
    widths = [max(display_width(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = ["  ".join(pad(cell, w) for cell, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend("  ".join(pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows)
    return lines


def summary_line(result: DemoResult) -> str:
    """One line: what happened and the row counts."""
    state = (
        "已加载演示数据 (demo data loaded)"
        if result.created
        else "演示数据已存在，未作改动 (demo data already present, unchanged)"
    )
    counts = "，".join(f"{zh} ({en}) {result.counts.get(key, 0)}" for key, zh, en in COUNT_LABELS)
    return f"{state}：{counts}"


class Command(BaseCommand):
    help = "加载演示数据（虚构的青岚市整改方案）并列出演示账号。Load the demo data set and list the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="不打印账号表 (do not print the login table)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = load_demo()
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        if not options["quiet"]:
            headers = ["用户名 (username)", "密码 (password)", "角色 (role)", "单位 (unit)"]
            rows = [[login.username, login.password, login.role, login.unit] for login in result.logins]
            self.stdout.write("演示账号 (demo logins)：")
            for line in format_table(headers, rows):
                self.stdout.write(line)
            self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(summary_line(result)))
