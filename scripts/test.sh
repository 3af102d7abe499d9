#!/usr/bin/env bash
# Everything CI runs: set-up, the UI's unit tests, the workspace's Rust tests,
# and the end-to-end tests that drive the real window under Xvfb.
# Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
section() { printf '\n==================== %s ====================\n' "$*"; }

section "Set-up"
scripts/setup.sh

section "UI: build and unit tests (vitest)"
(cd ui && npm run build && npx vitest run)

section "Rust: workspace tests (no display needed)"
cargo test --workspace --exclude wso-desk --exclude wso-desk-e2e
# The shell's own tests (pure logic; it links GTK, so it is outside default-members).
cargo test -p wso-desk

section "Rust: build the desktop app"
cargo build -p wso-desk
cargo build -p wso-desk-e2e --tests

section "End to end: the real window under Xvfb (tauri-driver + WebKitWebDriver)"
xvfb-run -a -s "-screen 0 1366x768x24" dbus-run-session -- \
  cargo test -p wso-desk-e2e -- --ignored --test-threads=1

section "All tests passed"
