#!/usr/bin/env bash
# Install what is needed, build the UI and the app, and open WSO Desk.
# First run: asks for the demo desk (--demo: sample facility, users, officers,
# holds) in ~/.local/share/wso-desk/ unless WSO_DB names another database.
# The app never makes a demo desk unless asked; an existing desk is opened.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh

printf '\n== Building the UI ==\n'
(cd ui && npm run build)

printf '\n== Building the app (release) ==\n'
cargo build --release -p wso-desk --features custom-protocol

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  cat >&2 <<'MSG'

WSO Desk is built (target/release/wso-desk) but there is no display to open
its window on: DISPLAY and WAYLAND_DISPLAY are both unset. Run this from a
desktop session, or to try it headless:
  xvfb-run -a -s "-screen 0 1366x768x24" dbus-run-session -- target/release/wso-desk --demo
MSG
  exit 1
fi

printf '\n== Starting WSO Desk ==\n'
echo "Demo accounts: dep.jones / demo-deputy-pass, sgt.rivera / demo-supervisor-pass, admin / demo-admin-pass"
exec target/release/wso-desk --demo
