#!/usr/bin/env bash
# Builds pkg/: the wasm module, its ES-module glue and TypeScript declarations (web target,
# loadable by the browser without a bundler and by Node through initSync), then wasm-opt.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --target wasm32-unknown-unknown --lib
wasm-bindgen --target web --out-dir pkg target/wasm32-unknown-unknown/release/clerk_to_supertokens.wasm
./node_modules/.bin/wasm-opt -O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  pkg/clerk_to_supertokens_bg.wasm -o pkg/clerk_to_supertokens_bg.wasm
# The page serves its own copy, so www/ is deployable as static files on its own.
mkdir -p www/pkg
cp pkg/clerk_to_supertokens.js pkg/clerk_to_supertokens_bg.wasm www/pkg/
# fflate (npm devDependency, pinned) zips the batches in the worker; its ESM browser build is
# served from the page's own origin, never from a CDN.
mkdir -p www/vendor
cp node_modules/fflate/esm/browser.js www/vendor/fflate.js
printf 'build: pkg/clerk_to_supertokens_bg.wasm %s bytes (%s gzipped)\n' \
  "$(wc -c < pkg/clerk_to_supertokens_bg.wasm)" "$(gzip -9c pkg/clerk_to_supertokens_bg.wasm | wc -c)" >&2
