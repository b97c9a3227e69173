#!/usr/bin/env bash
# Every test and check. Installs what it needs first (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
step() { printf '\n== %s\n' "$*"; }

step "setup"
scripts/setup.sh --browser --node-packages

step "format"
cargo fmt --check
(cd tools/vectorgen && cargo fmt --check)

step "clippy (native and wasm32, panic-free lint set)"
cargo clippy --quiet --all-targets -- -D warnings
cargo clippy --quiet --target wasm32-unknown-unknown --lib --tests -- -D warnings

step "builds with fewer features (algorithm families, audit, gateway, yaml) compile cleanly"
for features in rsa hmac "" hmac,eddsa hmac,audit,gateway,yaml; do
  cargo clippy --quiet --lib --no-default-features ${features:+--features $features} -- -D warnings
done
# The front-end module's feature set, as the package builds it (pkg/lite).
cargo clippy --quiet --lib --target wasm32-unknown-unknown --no-default-features --features hmac,eddsa -- -D warnings

step "vectors are what the committed generator writes"
fresh=$(mktemp -d)
cargo run --quiet --release --manifest-path tools/vectorgen/Cargo.toml -- "$fresh"
diff -q "$fresh/tokens.json" tests/vectors/tokens.json
diff -q "$fresh/rbac.json" tests/vectors/rbac.json
rm -rf "$fresh"

step "native tests"
cargo test --quiet

step "the Rust gateway example (axum): format, clippy, its loopback HTTP test"
(cd examples/axum-gateway && cargo fmt --check && cargo clippy --quiet --all-targets -- -D warnings && cargo test --quiet)

step "wasm tests in Node (wasm-bindgen-test)"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
cargo test --target wasm32-unknown-unknown --test vectors --test rbac --test kestra_config --test authentik_fixture

step "wasm tests in headless Chromium (wasm-bindgen-test)"
WASM_BINDGEN_USE_BROWSER=1 cargo test --target wasm32-unknown-unknown --test vectors --test rbac --test kestra_config --test authentik_fixture

step "package"
scripts/build-pkg.sh

step "TypeScript: the package's types, strict (tsc --noEmit on tests/ts/usage.ts); the boundary's JS type-checked (src/wasm)"
npx tsc -p tests/ts
npx tsc -p src/wasm

step "JS tests (node:test, against pkg/): API, RBAC, packaging, remote keys, parity in Node, Chromium, Deno and workerd, examples, demo page, properties, differential vs jose, soak"
# --test-force-exit: a test file's process ends when its tests have, even if some handle would
# keep it alive (one CI run sat idle for minutes after policy-source.test.mjs had finished;
# leaks are the soak test's to find, not a reason to hang).
node --test --test-force-exit tests/js/

echo
echo "all checks passed"
