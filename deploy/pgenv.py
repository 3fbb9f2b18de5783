"""Print ``export PG…=…`` lines for the PostgreSQL database named by a DATABASE_URL (argument 1).

Used by backup.sh and restore.sh so that pg_dump/pg_restore/psql take the connection from libpq's
environment variables: a password in a command-line URL would be visible to every local user in ``ps``.
Only the standard library: it runs before (and without) the project's virtualenv.
"""

from __future__ import annotations

import shlex
import sys
from urllib.parse import parse_qsl, unquote, urlsplit

# Query parameters of a libpq URL that have an environment variable (the ones a deployment uses).
_QUERY_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
}


def pg_environment(url: str) -> dict[str, str]:
    """The libpq variables for ``url`` (postgres:// or postgresql://); ValueError for anything else."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"not a PostgreSQL URL: {parts.scheme}://…")
    env = {"PGDATABASE": unquote(parts.path.lstrip("/"))}
    if not env["PGDATABASE"]:
        raise ValueError("the URL names no database")
    # A host is a name, an address, or a percent-encoded unix-socket directory (%2Fvar%2Frun%2Fpostgresql).
    socket_dir = unquote(parts.netloc.rpartition("@")[2])
    if socket_dir.startswith("/"):
        env["PGHOST"] = socket_dir
    elif parts.hostname:
        env["PGHOST"] = parts.hostname
    if parts.port:
        env["PGPORT"] = str(parts.port)
    if parts.username:
        env["PGUSER"] = unquote(parts.username)
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
    for key, value in parse_qsl(parts.query):
        if key in _QUERY_ENV:
            env[_QUERY_ENV[key]] = value
    return env


if __name__ == "__main__":
    try:
        variables = pg_environment(sys.argv[1])
    except (IndexError, ValueError) as exc:
        sys.exit(f"pgenv: {exc or 'usage: pgenv.py DATABASE_URL'}")
    for name, value in variables.items():
        print(f"export {name}={shlex.quote(value)}")
