"""Backup and restore, for real, on PostgreSQL: deploy/backup.sh, then deploy/restore.sh into a fresh database.

A scratch database on the test server (``<name>_backup_src``) is migrated and filled with the demo data
(with its evidence files) by the ``zhenggai`` command in a subprocess, exactly as in production; the backup
is restored into a second fresh database (``<name>_backup_dst``) and a fresh folder. Checked: the same
tables with the same row counts, the same sequence positions (new rows after a restore must not collide),
no migration missing in the restored database, the same files byte for byte. Both databases are dropped
at the end. Skipped on SQLite; under CI=true missing PostgreSQL client tools are a failure.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.test import SimpleTestCase
from psycopg import sql

REPO = Path(__file__).resolve().parents[4]
DEPLOY = REPO / "deploy"
IN_CI = os.environ.get("CI") == "true"
_CLEARED = ("SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "DATABASE_URL", "ALLOWED_HOSTS", "EVIDENCE_ROOT", "BACKUP_DIR")


def file_digests(root: Path) -> dict[str, str]:
    """Every file under ``root`` (relative path → SHA-256)."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.mark.postgres_only
class BackupRestoreTestCase(SimpleTestCase):
    """One populated source database and one backup of it, shared by the tests (they only read them)."""

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        db = settings.DATABASES["default"]
        if db["ENGINE"] != "django.db.backends.postgresql":
            raise unittest.SkipTest("backup.sh and restore.sh are for PostgreSQL (run with DATABASE_URL=postgres://…)")
        missing = [tool for tool in ("pg_dump", "pg_restore", "psql", "tar", "sha256sum") if not shutil.which(tool)]
        if missing:
            message = f"missing PostgreSQL client tools: {', '.join(missing)}"
            if IN_CI:
                raise AssertionError(f"{message} (CI=true: a missing prerequisite is a failure)")
            raise unittest.SkipTest(message)

        cls.server = {
            "host": db["HOST"] or "127.0.0.1",
            "port": int(db["PORT"] or 5432),
            "user": db["USER"] or "postgres",
            "password": db["PASSWORD"] or None,
        }
        # Named after the run's own database, so two checkouts on one server never share scratch databases.
        base = f"{db['NAME']}{os.environ.get('PYTEST_XDIST_WORKER', '')}"[:40]
        cls.src, cls.dst = f"{base}_backup_src", f"{base}_backup_dst"
        cls.tmp = Path(tempfile.mkdtemp(prefix="zhenggai-backup-test-"))
        cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)
        cls.addClassCleanup(cls.drop_databases)
        cls.drop_databases()
        with cls.admin() as conn:
            for name in (cls.src, cls.dst):
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

        cls.zhenggai("migrate", "--noinput", database=cls.src, evidence=cls.tmp / "evidence_src")
        cls.zhenggai("load_demo", database=cls.src, evidence=cls.tmp / "evidence_src")
        result = cls.script("backup.sh", database=cls.src, evidence=cls.tmp / "evidence_src")
        cls.backup = Path(result.stdout.strip().splitlines()[-1].removeprefix("backup="))

    # --- helpers ------------------------------------------------------------------------------------
    @classmethod
    def admin(cls) -> psycopg.Connection:
        return psycopg.connect(dbname="postgres", autocommit=True, **cls.server)

    @classmethod
    def drop_databases(cls) -> None:
        with cls.admin() as conn:
            for name in (cls.src, cls.dst):
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    @classmethod
    def url(cls, name: str) -> str:
        password = f":{quote(cls.server['password'], safe='')}" if cls.server["password"] else ""
        user = quote(cls.server["user"], safe="")
        return f"postgres://{user}{password}@{cls.server['host']}:{cls.server['port']}/{name}"

    @classmethod
    def environment(cls, database: str, evidence: Path, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _CLEARED and not k.startswith("ZHENGGAI_")}
        env.update(
            DJANGO_SETTINGS_MODULE="zhenggai.config.settings",
            DATABASE_URL=cls.url(database),
            ZHENGGAI_VAR_DIR=str(cls.tmp / "var"),
            EVIDENCE_ROOT=str(evidence),
            BACKUP_DIR=str(cls.tmp / "backups"),
            PYTHONIOENCODING="utf-8",
        )
        env.update(extra)
        return env

    @classmethod
    def run_checked(cls, args: list[str], env: dict[str, str], *, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(args, capture_output=True, text=True, encoding="utf-8", env=env, timeout=600)
        if check and result.returncode != 0:
            raise AssertionError(f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    @classmethod
    def zhenggai(cls, *args: str, database: str, evidence: Path) -> subprocess.CompletedProcess:
        return cls.run_checked([sys.executable, "-m", "zhenggai.cli", *args], cls.environment(database, evidence))

    @classmethod
    def script(
        cls, name: str, *args: str, database: str, evidence: Path, check: bool = True, **extra: str
    ) -> subprocess.CompletedProcess:
        env = cls.environment(database, evidence, **extra)
        return cls.run_checked(["bash", str(DEPLOY / name), *args], env, check=check)

    def table_counts(self, name: str) -> dict[str, int]:
        with psycopg.connect(dbname=name, **self.server) as conn:
            tables = [row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
            return {
                table: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]
                for table in tables
            }

    def sequence_positions(self, name: str) -> dict[str, int | None]:
        with psycopg.connect(dbname=name, **self.server) as conn:
            query = "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
            return dict(conn.execute(query).fetchall())

    # --- tests --------------------------------------------------------------------------------------
    def test_restore_gives_the_same_rows_sequences_and_files(self):
        self.assertEqual(
            sorted(p.name for p in self.backup.iterdir()), ["SHA256SUMS", "database.dump", "evidence.tar.gz"]
        )
        result = self.script("restore.sh", str(self.backup), database=self.dst, evidence=self.tmp / "evidence_dst")
        self.assertIn(f"restored={self.dst}", result.stdout)

        source, restored = self.table_counts(self.src), self.table_counts(self.dst)
        # Not vacuous: the demo fills the ledger, history, progress, acceptance and task tables.
        self.assertGreater(len([t for t, n in source.items() if n]), 30)
        self.assertGreater(source["ledger_problem"], 0)
        self.assertGreater(source["django_migrations"], 50)
        self.assertEqual(restored, source)
        self.assertEqual(self.sequence_positions(self.dst), self.sequence_positions(self.src))

        files = file_digests(self.tmp / "evidence_src")
        self.assertTrue(files, "the demo data brings evidence files")
        self.assertEqual(file_digests(self.tmp / "evidence_dst"), files)

        # The restored database is at the code's migration state: nothing left to apply.
        self.zhenggai("migrate", "--check", database=self.dst, evidence=self.tmp / "evidence_dst")

    def test_restore_refuses_a_database_that_has_tables(self):
        result = self.script(
            "restore.sh", str(self.backup), database=self.src, evidence=self.tmp / "unused", check=False
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("already has", result.stderr)
        self.assertFalse((self.tmp / "unused").exists())

    def test_restore_refuses_a_damaged_backup(self):
        damaged = self.tmp / "damaged"
        shutil.copytree(self.backup, damaged)
        with (damaged / "database.dump").open("r+b") as dump:
            dump.seek(200)
            byte = dump.read(1)
            dump.seek(200)
            dump.write(bytes([byte[0] ^ 0xFF]))
        result = self.script("restore.sh", str(damaged), database=self.dst, evidence=self.tmp / "unused", check=False)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SHA256SUMS", result.stderr)

    def test_retention_keeps_the_newest_backups(self):
        folder = self.tmp / "retention"
        made = [
            self.script(
                "backup.sh",
                database=self.src,
                evidence=self.tmp / "evidence_src",
                BACKUP_DIR=str(folder),
                BACKUP_KEEP="2",
            )
            .stdout.strip()
            .splitlines()[-1]
            .removeprefix("backup=")
            for _ in range(3)
        ]
        self.assertEqual(len(set(made)), 3)
        self.assertEqual(sorted(str(p) for p in folder.iterdir()), made[1:])

    def test_backup_refuses_a_database_other_than_postgresql(self):
        result = self.script(
            "backup.sh", database=self.src, evidence=self.tmp / "evidence_src", check=False, DATABASE_URL="sqlite:///x"
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("not a PostgreSQL URL", result.stderr)
