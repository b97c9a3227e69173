#!/usr/bin/env bash
# The main job on built-in defaults: build the wasm package, then verify the bundled real
# authentik ID token with a pinned clock and print the verified claims.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build-pkg.sh
node examples/verify-fixture.mjs
