"""Exit 0 when the PostgreSQL server of a database URL answers; create the database if it is missing.

Used by ``make test-postgres``: pytest-django then creates ``test_<name>`` beside it. Exit 1 (with
the reason on stderr) when the server cannot be reached.
"""

from __future__ import annotations

import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


def main(url: str) -> int:
    try:
        psycopg.connect(url, connect_timeout=3).close()
        return 0
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc):
            print(exc, file=sys.stderr)
            return 1
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(maintenance, connect_timeout=3, autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"created database {name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
