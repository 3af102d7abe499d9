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

section "UI: type check (svelte-check), build and unit tests (vitest)"
(cd ui && npm run check && npm run build && npx vitest run)

section "Rust: workspace tests (no display needed)"
# The endpoint's tests run on SQLite and on a throwaway PostgreSQL cluster
# (scripts/pg.sh); WSO_REQUIRE_PG makes a missing cluster a failure, not a skip.
. scripts/pg.sh
pg_start
trap pg_stop EXIT
export WSO_REQUIRE_PG=1
# One package selection for every cargo call below, so dependencies are built
# once with one feature set (a different -p/--exclude would rebuild them).
# The window tests are #[ignore]d here: they need Xvfb and run below.
cargo test --workspace

section "Generated TypeScript types match the Rust types"
# `cargo test` above ran src-tauri's export_bindings, which rewrites
# ui/src/lib/generated/ from the Rust types; what is committed must be that.
git diff --exit-code -- ui/src/lib/generated
if [ -n "$(git status --porcelain -- ui/src/lib/generated)" ]; then
  git status --porcelain -- ui/src/lib/generated
  echo "ui/src/lib/generated/ has files that are not committed: run cargo test -p wso-desk --lib export_bindings and commit" >&2
  exit 1
fi

section "Rust: build the desktop app"
cargo build --workspace --all-targets

section "Soak (short): kill -9 during writes and sync, clock steps, offline then faults"
scripts/soak.sh --short --no-build

section "End to end: the real window under Xvfb (tauri-driver + WebKitWebDriver)"
# Only the end-to-end tests are #[ignore]d in this workspace.
xvfb-run -a -s "-screen 0 1366x768x24" dbus-run-session -- \
  cargo test --workspace -- --ignored --test-threads=1

section "All tests passed"
