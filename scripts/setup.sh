#!/usr/bin/env bash
# Installs what the build and the tests need. Idempotent and quick when all is present.
# Usage: scripts/setup.sh [--browser] [--node-packages]
#   --browser        Debian's chromium and chromium-driver (the browser tests)
#   --node-packages  the Node dev packages of package-lock.json (npm ci)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

browser=no
node_packages=no
for arg in "$@"; do
  case "$arg" in
    --browser) browser=yes ;;
    --node-packages) node_packages=yes ;;
    *) echo "setup: unknown option $arg" >&2; exit 2 ;;
  esac
done

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen's CLI must match the wasm-bindgen crate in Cargo.lock exactly.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  echo "setup: installing wasm-bindgen-cli $want (a few minutes, once)"
  # --locked fails here: the CLI's lock file names a crate version the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$want" --force
fi

if [ "$browser" = yes ] && { ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; }; then
  echo "setup: installing Debian chromium and chromium-driver"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi

if [ "$node_packages" = yes ] && { [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  npm ci --no-audit --no-fund --loglevel=error
fi
