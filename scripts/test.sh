#!/usr/bin/env bash
# `npm test`: every test. Native Rust first, then the wasm package under Node, then the CLI
# end to end, then the page in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh

echo "== cargo test (native core)"
cargo test --all-targets
echo "== fuzz smoke (every target of fuzz/, 6 s each; cargo-fuzz on nightly, else the stable fallback)"
node scripts/fuzz.js --seconds 6
echo "== cargo clippy (native and wasm32)"
cargo clippy --all-targets -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings
echo "== cargo doc"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
echo "== TypeScript declarations"
./node_modules/.bin/tsc -p tests/types/tsconfig.json
echo "== node --test (wasm package, Node API, CLI, browser page)"
node --test --test-reporter=spec tests/js/ tests/e2e/
