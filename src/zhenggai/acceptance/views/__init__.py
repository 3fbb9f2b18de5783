"""Acceptance pages (验收销号): the problem's acceptance page and downloads (``problem``), the forms that
move a request (``steps``), 公示 for the office (``notices``), the inbox (``inbox``), and the public
notice page with its objection form (``public``). Shared checks live in ``common``."""
