#!/usr/bin/env bash
# `npm start`: converts the bundled example export into out/ and prints the summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --minimal
bash scripts/build.sh
node host/cli.js convert examples/clerk-dashboard-export.csv --out out
