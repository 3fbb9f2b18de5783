"""The ``zhenggai`` console script: Django's management commands plus the project's own.

``zhenggai migrate``, ``zhenggai createsuperuser``, ``zhenggai load_demo`` … run
against the database in DATABASE_URL (default: the SQLite file under var/).
``zhenggai --help`` lists every command.
"""

from __future__ import annotations

import os
import sys

# Hyphenated spellings of the project's commands (Django names a command after its module).
ALIASES = {"verify-signatures": "verify_signatures"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenggai.config.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "zhenggai"
    if len(args) == 1 or args[1] in {"-h", "--help"}:
        args = [args[0], "help"]
    elif args[1] in ALIASES:
        args[1] = ALIASES[args[1]]
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
