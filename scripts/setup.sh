#!/usr/bin/env bash
# Idempotent toolchain bootstrap: installs only what is missing.
#   scripts/setup.sh            everything the tests need
#   scripts/setup.sh --minimal  only what `npm start` needs (no browser)
set -euo pipefail
cd "$(dirname "$0")/.."
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)
minimal=false
[ "${1:-}" = "--minimal" ] && minimal=true

say() { printf 'setup: %s\n' "$*" >&2; }

# Debian packages, as root or through sudo.
apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (matches the pinned wasm-bindgen crate)"
  # No --locked: the registry snapshot lacks some locked versions (DESIGN.md).
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
fi

# The fuzz smoke run uses cargo-fuzz when the nightly toolchain exists (scripts/fuzz.js falls
# back to a stable-toolchain loop otherwise, and installs cargo-fuzz itself when run alone).
if ! $minimal && rustup toolchain list 2>/dev/null | grep -q '^nightly' && ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz 0.13.2 for the fuzz smoke run"
  cargo install cargo-fuzz --version "=0.13.2" || say "cargo-fuzz could not be installed; fuzzing will use the stable fallback"
fi

if [ ! -d node_modules ] || [ package.json -nt node_modules/.package-lock.json ] || { [ -f package-lock.json ] && [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  say "installing npm packages"
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi

# GNU time measures each benchmark contender's peak RSS (npm run bench).
if ! $minimal && [ ! -x /usr/bin/time ]; then
  say "installing GNU time for the benchmarks"
  apt_install time
fi

if ! $minimal && [ ! -x /usr/bin/chromium ]; then
  say "installing Debian's chromium for the browser tests"
  apt_install chromium
fi
