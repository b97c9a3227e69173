#!/usr/bin/env bash
# The main job on built-in defaults: build the wasm package, verify the bundled real authentik
# token with a pinned clock (printing its claims), then serve the demo page on 127.0.0.1
# (PORT, default 8000) until stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build-pkg.sh
node examples/verify-fixture.mjs
exec node scripts/serve.mjs
