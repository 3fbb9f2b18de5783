"""The default SQLite database runs in WAL mode with foreign keys enforced."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

PROBE = """
import django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    journal = cursor.fetchone()[0]
    cursor.execute("PRAGMA foreign_keys")
    foreign_keys = cursor.fetchone()[0]
print(journal, foreign_keys, connection.settings_dict["OPTIONS"]["transaction_mode"])
"""


def test_default_sqlite_file_uses_wal_and_foreign_keys():
    with tempfile.TemporaryDirectory() as var_dir:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(DJANGO_SETTINGS_MODULE="zhenggai.config.settings", ZHENGGAI_VAR_DIR=var_dir)
        result = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["wal", "1", "IMMEDIATE"]
        assert (Path(var_dir) / "zhenggai.sqlite3").exists()
