#!/usr/bin/env bash
# Run a zhenggai command with the production settings, as the service user:
#   sudo -u zhenggai /srv/zhenggai/app/deploy/manage.sh migrate --noinput
#   sudo -u zhenggai /srv/zhenggai/app/deploy/manage.sh check --deploy
# Reads the environment file the systemd units read (ZHENGGAI_ENV_FILE overrides the path).
set -euo pipefail
env_file="${ZHENGGAI_ENV_FILE:-/etc/zhenggai/zhenggai.env}"
set -a
# shellcheck source=/dev/null
. "$env_file"
set +a
exec "$(cd "$(dirname "$0")/.." && pwd)/.venv/bin/zhenggai" "$@"
