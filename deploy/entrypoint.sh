#!/bin/sh
# Container entrypoint: migrate when asked, then run the command (daphne).
# Only one process of a deployment sets RUN_MIGRATIONS=1, so that two never
# migrate the same database at once.
set -eu

APP_DIR=$(cd "$(dirname "$0")/.." && pwd)

if [ "${RUN_MIGRATIONS:-0}" = "1" ]; then
    python "$APP_DIR/manage.py" migrate --noinput
fi

exec "$@"
