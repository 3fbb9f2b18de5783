"""Helpers of the page tests: reading ``data-testid`` attributes from a rendered page."""

from __future__ import annotations

from html.parser import HTMLParser


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        self.tags.append({"tag": tag, **{name: value or "" for name, value in attrs}})


def tags(content: bytes, testid: str) -> list[dict[str, str]]:
    parser = _Tags()
    parser.feed(content.decode())
    return [tag for tag in parser.tags if tag.get("data-testid") == testid]
