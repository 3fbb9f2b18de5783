#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into a NEW, empty PostgreSQL database and an empty (or absent)
# EVIDENCE_ROOT. It never overwrites: a database with tables or a folder with files is refused.
#
#   createdb -O zhenggai zhenggai_restored
#   DATABASE_URL=postgres://zhenggai@127.0.0.1:5432/zhenggai_restored EVIDENCE_ROOT=/var/lib/zhenggai/evidence.new \
#     deploy/restore.sh /var/backups/zhenggai/zhenggai-20270101T021500Z
#
# Then point /etc/zhenggai/zhenggai.env at the restored database and folder (or rename them), run
# `zhenggai migrate` (nothing to apply when the code is the backup's version; the newer migrations
# otherwise) and start zhenggai-web and zhenggai-worker. docs/deployment.md, "Backups and restore".
# The last line printed is "restored=<database> evidence=<folder>".
set -euo pipefail
umask 027

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"

if [ "$#" -ne 1 ] || [ ! -d "$1" ]; then
  echo "usage: DATABASE_URL=postgres://… [EVIDENCE_ROOT=…] $0 BACKUP_FOLDER" >&2
  exit 2
fi
backup="$(cd "$1" && pwd)"
: "${DATABASE_URL:?DATABASE_URL must name the new, empty PostgreSQL database to restore into}"
pg_exports="$(python3 "$here/pgenv.py" "$DATABASE_URL")" || exit 2
eval "$pg_exports"
var_dir="${ZHENGGAI_VAR_DIR:-$repo/var}"
evidence_root="${EVIDENCE_ROOT:-$var_dir/evidence}"

# 1. The backup is whole and unchanged.
(cd "$backup" && sha256sum --check --quiet SHA256SUMS) || {
  echo "restore.sh: $backup fails its SHA256SUMS check; not restoring" >&2
  exit 1
}

# 2. Nothing is overwritten.
tables="$(psql --no-psqlrc --tuples-only --no-align --command \
  "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")"
if [ "$tables" != "0" ]; then
  echo "restore.sh: database $PGDATABASE already has $tables tables; restore into a new database (createdb)" >&2
  exit 1
fi
if [ -d "$evidence_root" ] && [ -n "$(find "$evidence_root" -mindepth 1 -print -quit)" ]; then
  echo "restore.sh: $evidence_root is not empty; restore the files into a new folder" >&2
  exit 1
fi

# 3. The database in one transaction (all or nothing), owned by the connecting role whatever role owned
# it on the old server; grants are left to the new server's set-up.
pg_restore --dbname="$PGDATABASE" --no-owner --no-privileges --exit-on-error --single-transaction \
  "$backup/database.dump"

# 4. The files.
mkdir -p "$evidence_root"
tar --extract --gzip --file="$backup/evidence.tar.gz" --directory="$evidence_root" --no-same-owner

echo "restored=$PGDATABASE evidence=$evidence_root"
