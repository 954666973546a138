#!/usr/bin/env bash
# Nightly backup (cron: 30 1 * * * saoluu /opt/saoluu/build/deploy/backup.sh).
# The database through the server's own CLI (SQLite online backup, or pg_dump), photos with rsync.
set -euo pipefail
set -a; . /etc/saoluu/saoluu.env; set +a
dest="${BACKUP_DIR:-/var/backups/saoluu}/$(date +%F)"
mkdir -p "$dest"
cd /opt/saoluu
.venv/bin/python -m sync_server backup "$dest/saoluu.backup"
if [ "${SAOLUU_PHOTO_STORE:-local}" = "local" ]; then
    # photos are content-addressed and never rewritten: an incremental copy is enough
    rsync -a --exclude .partial "${SAOLUU_PHOTO_DIR:-$SAOLUU_DATA_DIR/photos}/" "${BACKUP_DIR:-/var/backups/saoluu}/photos/"
fi
find "${BACKUP_DIR:-/var/backups/saoluu}" -maxdepth 1 -type d -name '20*' -mtime +30 -exec rm -rf {} +
