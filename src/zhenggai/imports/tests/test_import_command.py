"""``zhenggai import FILE --dry-run --format json`` through the real console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SEEDS = {"004": 17, "000": 19, "003": 45}


def run_cli(*args: str, database_url: str = "postgres://nobody@127.0.0.1:1/nowhere") -> subprocess.CompletedProcess:
    """Run the CLI with a database URL that cannot be reached: a dry run must not need one."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "zhenggai.config.settings", "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "zhenggai.cli", "import", *args], capture_output=True, text=True, env=env, timeout=120
    )


def seed(seeds_dir: Path, prefix: str) -> Path:
    return next(seeds_dir.glob(f"{prefix}_*.txt"))


@pytest.mark.parametrize("prefix,problems", SEEDS.items())
def test_dry_run_prints_the_parse_as_json_without_a_database(seeds_dir, prefix, problems):
    result = run_cli(str(seed(seeds_dir, prefix)), "--dry-run", "--format", "json")
    assert result.returncode == 0, result.stderr
    parsed = json.loads(result.stdout)
    assert len(parsed["problems"]) == problems
    assert set(parsed) == {"document", "problems", "general_measures", "amendments", "warnings"}


def test_the_report_has_its_stated_counts(seeds_dir):
    parsed = json.loads(run_cli(str(seed(seeds_dir, "003")), "--dry-run").stdout)
    assert parsed["document"]["kind"] == "report"
    assert sum(len(p["measures"]) for p in parsed["problems"]) == 179


@pytest.mark.parametrize("prefix", ["001", "002"])
def test_narrative_plans_give_general_measures(seeds_dir, prefix):
    parsed = json.loads(run_cli(str(seed(seeds_dir, prefix)), "--dry-run").stdout)
    assert parsed["document"]["kind"] == "narrative"
    assert parsed["general_measures"]
    assert parsed["problems"] == []


@pytest.mark.parametrize(
    "content,message",
    [(b"", "empty"), (bytes(range(256)) * 8, "binary"), (b"PK\x03\x04broken zip", "ZIP"), (b"%PDF-1.7 x", "PDF")],
)
def test_bad_input_is_a_message_and_a_failure_status(tmp_path, content, message):
    path = tmp_path / "input.bin"
    path.write_bytes(content)
    result = run_cli(str(path), "--dry-run")
    assert result.returncode != 0
    assert message.lower() in result.stderr.lower()
    assert result.stdout == ""


def test_a_missing_file_and_an_unreachable_database_are_clear_failures(tmp_path):
    missing = run_cli(str(tmp_path / "absent.txt"), "--dry-run")
    assert missing.returncode != 0 and "cannot read" in missing.stderr
    (tmp_path / "plan.txt").write_text("第一项，问题。\n整改目标：目标。\n", encoding="utf-8")
    no_database = run_cli(str(tmp_path / "plan.txt"), "--jurisdiction", "甲市")
    assert no_database.returncode != 0 and "database" in no_database.stderr
    assert "Traceback" not in no_database.stderr


def test_a_real_import_prints_the_plan_id_last(tmp_path, seeds_dir):
    database = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "zhenggai.config.settings", "DATABASE_URL": database}
    subprocess.run([sys.executable, "-m", "zhenggai.cli", "migrate", "-v0"], env=env, check=True, timeout=120)
    subprocess.run([sys.executable, "-m", "zhenggai.cli", "load_demo", "--quiet"], env=env, check=True, timeout=120)
    result = run_cli(str(seed(seeds_dir, "004")), "--jurisdiction", "青岚市", database_url=database)
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("plan=") and last[5:].isdigit()
    again = run_cli(str(seed(seeds_dir, "004")), "--jurisdiction", "青岚市", database_url=database)
    assert again.returncode != 0 and "该文件已导入过" in again.stderr  # messages follow LANGUAGE_CODE (zh-hans)
