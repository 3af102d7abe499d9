#!/usr/bin/env bash
# Install what WSO Desk needs on Debian 12, idempotently: Debian packages
# (WebKitGTK, GTK, Xvfb, WebKitWebDriver, fonts, ...), tauri-driver, and the
# UI's npm packages from package-lock.json. Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/env.sh
say() { printf '\n== %s ==\n' "$*"; }

# Vite 8 needs Node.js 20.19 or newer; Debian 12 ships 18.
NODE_VERSION=22.12.0
node_ok() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'
}

PACKAGES=(
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev libxdo-dev
  libssl-dev build-essential pkg-config xvfb xauth webkit2gtk-driver xdotool imagemagick
  dbus dbus-x11 file poppler-utils fonts-dejavu-core fonts-noto-cjk python3 curl ca-certificates xz-utils
  faketime postgresql
)

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

say "Debian packages"
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_if_needed apt-get update
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
else
  echo "all present"
fi

say "Node.js"
if ! node_ok; then
  # The official build, checked against nodejs.org's published SHA-256 sums.
  dir="$HOME/.local/share/wso-desk-tools"
  tarball="node-v$NODE_VERSION-linux-x64.tar.xz"
  mkdir -p "$dir"
  curl -fsSLo "$dir/$tarball" "https://nodejs.org/dist/v$NODE_VERSION/$tarball"
  curl -fsSLo "$dir/SHASUMS256.txt" "https://nodejs.org/dist/v$NODE_VERSION/SHASUMS256.txt"
  (cd "$dir" && grep " $tarball\$" SHASUMS256.txt | sha256sum -c -)
  rm -rf "$dir/node" && mkdir -p "$dir/node"
  tar -xJf "$dir/$tarball" -C "$dir/node" --strip-components=1
  rm -f "$dir/$tarball"
fi
node_ok || { echo "Node.js 20.19 or newer is needed and could not be set up" >&2; exit 1; }
echo "node $(node --version), npm $(npm --version)"

say "Rust toolchain"
if ! command -v cargo >/dev/null 2>&1; then
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
  fi
fi
cargo --version

say "tauri-driver"
if ! command -v tauri-driver >/dev/null 2>&1; then
  # crates.io's newest is a 3.x alpha: stay on the 2.x line that matches Tauri 2.
  cargo install tauri-driver --version '^2' --locked
fi
echo "tauri-driver at $(command -v tauri-driver)"

say "UI packages (npm ci)"
# Skip the reinstall when node_modules already matches the lockfile.
if [ ui/node_modules/.package-lock.json -nt ui/package-lock.json ] 2>/dev/null; then
  echo "ui/node_modules is up to date"
else
  (cd ui && npm ci --no-audit --no-fund)
fi
