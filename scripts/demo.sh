#!/usr/bin/env bash
# The main job on built-in defaults: build the wasm package, verify the bundled real authentik
# token with a pinned clock (printing its claims), print with the CLI what the authentik
# guide's configuration grants its user in tenant `main` (the permission matrix), then serve
# the demo page on 127.0.0.1 (PORT, default 8000) until stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build-pkg.sh
node examples/verify-fixture.mjs
fixtures=tests/fixtures/authentik-2025.8.1
echo
echo "What the authentik guide's configuration (examples/authentik-guide.yaml) grants this user in tenant main:"
node pkg/cli.js matrix "$(cat "$fixtures/tokens/kestra.alice.authcode.1.id_token.jwt")" \
  --config examples/authentik-guide.yaml --jwks "$fixtures/kestra.jwks.json" \
  --discovery "$fixtures/kestra.openid-configuration.json" \
  --now 1795885258 --nonce dslAhVZnwQ6O14QDuDMkVA --tenant main
echo
exec node scripts/serve.mjs
