# Sourced by the other scripts: where set-up puts tools that are not on PATH
# by default (cargo's bin dir, and a Node.js fetched when Debian's is too old).
export PATH="$HOME/.cargo/bin:$HOME/.local/share/wso-desk-tools/node/bin:$PATH"
