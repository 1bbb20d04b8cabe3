#!/usr/bin/env bash
# Install or upgrade the Chamber server on a Linux machine with systemd (run as root):
#   sudo installers/linux/install-server.sh [BUNDLE_DIR] [--name "HĐND Phường Hòa Bình"]
# BUNDLE_DIR is the PyInstaller folder (default build/dist/chamber, see installers/chamber.spec).
# It creates the unprivileged user `chamber`, /var/lib/chamber (data, 0750) and /var/backups/chamber
# (0700), puts the program in /opt/chamber (the previous one is kept as /opt/chamber.previous for a
# rollback), installs the systemd units and starts the server and the nightly backup timer.
# Upgrading is running it again with the new bundle: the server migrates its database on start.
# DRY_RUN=1 prints what it would do and changes nothing.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BUNDLE="$HERE/../../build/dist/chamber"
NAME=""
while [ $# -gt 0 ]; do
    case "$1" in
        --name) NAME="$2"; shift 2 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) BUNDLE="$1"; shift ;;
    esac
done
run() { if [ "${DRY_RUN:-0}" = 1 ]; then echo "+ $*"; else "$@"; fi; }

[ -x "$BUNDLE/chamber" ] || { echo "No Chamber bundle at $BUNDLE (build it with installers/chamber.spec)." >&2; exit 2; }
if [ "${DRY_RUN:-0}" != 1 ] && [ "$(id -u)" != 0 ]; then echo "Run as root (sudo)." >&2; exit 2; fi

# 1. the service account: no login, no home of its own beyond its data
if ! id chamber >/dev/null 2>&1; then
    run useradd --system --user-group --home-dir /var/lib/chamber --no-create-home --shell /usr/sbin/nologin chamber
fi
run install -d -o chamber -g chamber -m 0750 /var/lib/chamber
run install -d -o chamber -g chamber -m 0700 /var/backups/chamber

# 2. the program, swapped in whole (never a mix of two versions)
run rm -rf /opt/chamber.new
run cp -a "$BUNDLE" /opt/chamber.new
run chown -R root:root /opt/chamber.new
run chmod -R go-w /opt/chamber.new
if [ -f "$HERE/../../README.md" ]; then run install -m 0644 "$HERE/../../README.md" /opt/chamber.new/README.md; fi
if [ -d /opt/chamber ]; then
    run systemctl stop chamber-server.service 2>/dev/null || true
    run rm -rf /opt/chamber.previous
    run mv /opt/chamber /opt/chamber.previous
fi
run mv /opt/chamber.new /opt/chamber

# 3. settings kept across upgrades
if [ ! -f /etc/default/chamber ]; then
    if [ "${DRY_RUN:-0}" = 1 ]; then echo "+ write /etc/default/chamber"; else
        cat >/etc/default/chamber <<'CONF'
# Extra arguments for `chamber server` and `chamber admin backup` (see chamber-server.service).
# PostgreSQL instead of SQLite: the same --db on both lines.
CHAMBER_ARGS=
CHAMBER_BACKUP_ARGS=
# Days of nightly backups kept in /var/backups/chamber
KEEP_DAYS=14
CONF
    fi
fi
if [ -n "$NAME" ] && [ ! -f /var/lib/chamber/server.toml ]; then
    if [ "${DRY_RUN:-0}" = 1 ]; then echo "+ write /var/lib/chamber/server.toml (name = \"$NAME\")"; else
        printf 'name = "%s"\n' "$NAME" >/var/lib/chamber/server.toml
        chown chamber:chamber /var/lib/chamber/server.toml
        chmod 0640 /var/lib/chamber/server.toml
    fi
fi

# 4. systemd
run install -m 0644 "$HERE/chamber-server.service" "$HERE/chamber-backup.service" "$HERE/chamber-backup.timer" /etc/systemd/system/
if [ -d /run/systemd/system ] || [ "${DRY_RUN:-0}" = 1 ]; then
    run systemctl daemon-reload
    run systemctl enable --now chamber-server.service chamber-backup.timer
    run systemctl restart chamber-server.service
    echo
    echo "Chamber server installed. Its pairing code and certificate fingerprint:"
    run sleep 5
    run journalctl -u chamber-server.service -n 30 --no-pager -o cat
else
    echo "systemd is not running here: units copied to /etc/systemd/system, start them when it is." >&2
fi
cat <<'NEXT'

Next steps:
  - first admin:  printf '%s\n' 'a-long-password' | sudo -u chamber /opt/chamber/chamber admin create-user admin --role admin --data /var/lib/chamber --password-stdin
  - firewall:     open 8443/tcp (clients) and 5353/udp (zeroconf discovery) to the chamber's LAN only
  - logs:         journalctl -u chamber-server -f   (journald rotates them: SystemMaxUse= in journald.conf)
  - backups:      systemctl list-timers chamber-backup.timer; ls -l /var/backups/chamber
NEXT
