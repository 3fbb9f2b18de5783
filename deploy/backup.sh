#!/usr/bin/env bash
# Back up Zhenggai: the PostgreSQL database (pg_dump, custom format) and the private files
# (EVIDENCE_ROOT: evidence, acceptance materials, reports, export workbooks) as one folder
#   $BACKUP_DIR/zhenggai-<UTC timestamp>/{database.dump,evidence.tar.gz,SHA256SUMS}
# made under a temporary name and renamed when complete, so a folder with the final name is always whole.
# Then only the newest $BACKUP_KEEP backups are kept. The last line printed is "backup=<folder>".
# Restore with deploy/restore.sh; src/zhenggai/config/tests/test_backup_restore.py runs both.
#
# Environment (the same file the services read, /etc/zhenggai/zhenggai.env):
#   DATABASE_URL      postgres://user:password@host:5432/name   (required; PostgreSQL only)
#   EVIDENCE_ROOT     default: $ZHENGGAI_VAR_DIR/evidence, ZHENGGAI_VAR_DIR default <repo>/var
#   BACKUP_DIR        default: /var/backups/zhenggai
#   BACKUP_KEEP       how many backups to keep, default 14 (one a night: two weeks)
#
# The database is dumped first, the files after: every file the dump names is in the tarball (files are
# only ever added while the system runs, apart from expired export workbooks), and a file uploaded in
# between is an extra, harmless file.
set -euo pipefail
umask 077

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"

: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database to back up}"
# The connection goes to pg_dump through PG* variables, never as a command-line URL (visible in ps).
pg_exports="$(python3 "$here/pgenv.py" "$DATABASE_URL")" || exit 2
eval "$pg_exports"
var_dir="${ZHENGGAI_VAR_DIR:-$repo/var}"
evidence_root="${EVIDENCE_ROOT:-$var_dir/evidence}"
backup_dir="${BACKUP_DIR:-/var/backups/zhenggai}"
keep="${BACKUP_KEEP:-14}"
if ! [[ "$keep" =~ ^[1-9][0-9]*$ ]]; then
  echo "backup.sh: BACKUP_KEEP must be a positive integer, got '$keep'" >&2
  exit 2
fi

mkdir -p "$backup_dir"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
final="$backup_dir/zhenggai-$stamp"
if [ -e "$final" ]; then
  # Two runs in the same second: wait for the next one instead of mixing them.
  sleep 1
  stamp="$(date -u +%Y%m%dT%H%M%SZ)"
  final="$backup_dir/zhenggai-$stamp"
fi
work="$(mktemp -d "$backup_dir/.incomplete-$stamp.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# 1. The database: one consistent snapshot (pg_dump runs in one repeatable-read transaction), compressed.
pg_dump --format=custom --compress=6 --file="$work/database.dump"
pg_restore --list "$work/database.dump" >/dev/null  # readable, or fail now rather than on restore day

# 2. The private files, paths relative to EVIDENCE_ROOT (an absent folder is an empty archive).
if [ -d "$evidence_root" ]; then
  tar --create --gzip --file="$work/evidence.tar.gz" --directory="$evidence_root" .
else
  echo "backup.sh: warning: $evidence_root does not exist; the archive is empty" >&2
  tar --create --gzip --file="$work/evidence.tar.gz" --files-from=/dev/null
fi

(cd "$work" && sha256sum database.dump evidence.tar.gz >SHA256SUMS)
mv "$work" "$final"
trap - EXIT

# 3. Retention: the newest $keep complete backups stay (names sort by time); the remains of a run that
# was killed half-way are removed after a day.
find "$backup_dir" -mindepth 1 -maxdepth 1 -type d -name '.incomplete-*' -mmin +1440 -exec rm -rf -- {} +
mapfile -t all < <(find "$backup_dir" -mindepth 1 -maxdepth 1 -type d -name 'zhenggai-*' | sort)
if [ "${#all[@]}" -gt "$keep" ]; then
  for old in "${all[@]:0:${#all[@]}-keep}"; do
    rm -rf -- "$old"
  done
fi

echo "backup=$final"
