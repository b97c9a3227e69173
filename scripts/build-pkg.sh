#!/usr/bin/env bash
# Builds the npm package into pkg/: the release .wasm, then wasm-bindgen's Node and web builds,
# the front-end build, and the entries that make each host's import ready to use. pkg/ is
# generated; never edit it by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

# Extra arguments go to cargo: `scripts/build-pkg.sh --no-default-features --features rsa`
# builds a package that verifies RS*/PS* only.
cargo build --quiet --profile wasm --target wasm32-unknown-unknown "$@"
wasm="${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm/kestra_authz.wasm"
# The front-end module: no RSA or ECDSA arithmetic (the host's WebCrypto, through
# verifyIdTokenAsync), no explain / diffPolicies (audit), no authorizeHttp / kestraRoute
# (gateway), the configuration as JSON only (no YAML reader). Its own target directory, so the
# two feature sets do not rebuild each other.
lite_target="${CARGO_TARGET_DIR:-target}/lite"
CARGO_TARGET_DIR="$lite_target" cargo build --quiet --profile wasm-lite --target wasm32-unknown-unknown \
  --no-default-features --features hmac,eddsa
rm -rf pkg
for target in nodejs web; do
  wasm-bindgen --target "$target" --remove-name-section --out-dir "pkg/$target" "$wasm"
done
wasm-bindgen --target web --remove-name-section --out-dir pkg/lite "$lite_target/wasm32-unknown-unknown/wasm-lite/kestra_authz.wasm"
# wasm-bindgen's string glue writes whatever it is handed into wasm memory as if it were a
# string; a number or an object corrupts memory, and wasm-bindgen has no option to check. The
# `&str` arguments (the hot UI checks) get a NUL in place of a non-string, which the Rust side
# refuses with a coded error (src/wasm/transport.rs, NOT_A_STRING). Taking a JsValue instead
# would cost a call back into JS per argument. Checked here, and by tests/js/rbac.test.mjs
# (a non-string argument must throw ERR_OPTION_INVALID), so a wasm-bindgen upgrade cannot
# silently drop it.
guard='    if (typeof arg !== "string") arg = "\0";'
for glue in pkg/nodejs/kestra_authz.js pkg/web/kestra_authz.js pkg/lite/kestra_authz.js; do
  sed -i "s/^function passStringToWasm0(arg, malloc, realloc) {\$/&\n${guard//\\/\\\\}/" "$glue"
  if [ "$(grep -cF "$guard" "$glue")" != 1 ]; then
    echo "build-pkg: could not guard passStringToWasm0 in $glue" >&2
    exit 1
  fi
done
# The Node build checks RSA and ECDSA signatures with node:crypto, synchronously (its verify
# takes microseconds where the module's arithmetic takes hundreds); src/wasm/hostcrypto.js
# falls back to the module for anything node:crypto cannot check. Only this build gets it.
hostcrypto=$(cd pkg/nodejs && ls snippets/*/src/wasm/hostcrypto.js)
if [ "$(printf '%s\n' "$hostcrypto" | wc -l)" != 1 ]; then
  echo "build-pkg: expected one hostcrypto.js snippet in pkg/nodejs" >&2
  exit 1
fi
printf '\nrequire("./%s").useNodeCrypto(require("node:crypto"));\n' "$hostcrypto" >> pkg/nodejs/kestra_authz.js
# Options are optional at run time; wasm-bindgen can name their type but not mark them optional.
for types in pkg/nodejs/kestra_authz.d.ts pkg/web/kestra_authz.d.ts pkg/lite/kestra_authz.d.ts; do
  sed -i -E 's/\b(options): (VerifyOptions|MatrixOptions|WhoCanOptions|DiffOptions)\)/\1?: \2)/g' "$types"
  if grep -qE '\boptions: (VerifyOptions|MatrixOptions|WhoCanOptions|DiffOptions)\)' "$types" || ! grep -q 'options?: VerifyOptions)' "$types"; then
    echo "build-pkg: could not mark the optional options of $types" >&2
    exit 1
  fi
done
# The JS of src/wasm/ are ES modules; the Node build require()s them, which Node (20.19+,
# 22.12+) does for a file its package.json declares a module.
for snippets in pkg/nodejs/snippets/*/; do
  printf '{ "type": "module" }\n' > "$snippets/package.json"
done
# Each build declares its module kind; the package manifest maps hosts to builds.
printf '{ "type": "commonjs" }\n' > pkg/nodejs/package.json
printf '{ "type": "module" }\n' > pkg/web/package.json
printf '{ "type": "module" }\n' > pkg/lite/package.json
version=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)
# Node's import gets an ES module over the CommonJS build (one instance for import and
# require); init and initSync are harmless there, so code shared with browsers runs.
cat >> pkg/nodejs/kestra_authz.js <<'JS'

// Ready when loaded: these answer what the web build's do, for code shared with browsers.
module.exports.init = async function init() {
  return wasm;
};
module.exports.initSync = function initSync() {
  return wasm;
};
// A default import compiled to CommonJS (TypeScript, Babel) reads `default` of an ES module.
Object.defineProperty(module.exports, "__esModule", { value: true });
module.exports.default = module.exports.init;
JS
names=$(node -e 'console.log(Object.keys(require("./pkg/nodejs/kestra_authz.js")).filter((n) => !["init", "initSync", "default", "__esModule"].includes(n)).join(", "))')
cat > pkg/nodejs/index.mjs <<JS
// kestra-authz for Node's import: the Node build (CommonJS), re-exported.
import build from "./kestra_authz.js";

export const { $names, init, initSync } = build;
export default build.init;
JS
cat >> pkg/nodejs/kestra_authz.d.ts <<'TS'

/** Nothing to do: the Node build is ready when loaded (for code shared with browsers). */
export function init(): Promise<unknown>;
/** Nothing to do: the Node build is ready when loaded (for code shared with browsers). */
export function initSync(): unknown;
export default init;
TS
# The entries' types: the web build's, with `init` also by name, as the entries export it.
cat > pkg/entry.d.ts <<'TS'
export * from "./web/kestra_authz.js";
export { default, default as init, initSync } from "./web/kestra_authz.js";
TS
cat > pkg/nodejs/index.d.mts <<'TS'
export * from "./kestra_authz.js";
import { init } from "./kestra_authz.js";
export default init;
TS
# Hosts get a build that is ready when imported: browsers and bundlers the web build, fetched
# through new URL(..., import.meta.url); Deno and workerd the web build from the module they
# compile; Node the Node build. kestra-authz/web stays for a host that loads the .wasm itself.
cp js/entries/browser.js js/entries/deno.js js/entries/workerd.js pkg/
# The Node build, for import (an ES module over it) and for require: "." in Node, and "./node".
node_build='{
      "import": { "types": "./nodejs/index.d.mts", "default": "./nodejs/index.mjs" },
      "require": { "types": "./nodejs/kestra_authz.d.ts", "default": "./nodejs/kestra_authz.js" }
    }'
cat > pkg/package.json <<JSON
{
  "name": "kestra-authz",
  "version": "$version",
  "description": "Verify authentik ID tokens and decide Kestra RBAC permissions: one WebAssembly module for browsers, edge workers and Node.",
  "license": "Apache-2.0",
  "types": "./entry.d.ts",
  "exports": {
    ".": {
      "deno": "./deno.js",
      "workerd": "./workerd.js",
      "browser": "./browser.js",
      "worker": "./browser.js",
      "node": $node_build,
      "types": "./entry.d.ts",
      "default": "./browser.js"
    },
    "./web": { "types": "./web/kestra_authz.d.ts", "default": "./web/kestra_authz.js" },
    "./kestra_authz_bg.wasm": "./web/kestra_authz_bg.wasm",
    "./lite": { "types": "./lite/kestra_authz.d.ts", "default": "./lite/kestra_authz.js" },
    "./lite/kestra_authz_bg.wasm": "./lite/kestra_authz_bg.wasm",
    "./node": $node_build,
    "./remote": {
      "node": {
        "import": { "types": "./remote.d.mts", "default": "./remote.js" },
        "require": { "types": "./remote.d.cts", "default": "./remote.cjs" }
      },
      "types": "./remote.d.ts",
      "default": "./remote.js"
    },
    "./testing": { "types": "./testing.d.ts", "default": "./testing.js" },
    "./package.json": "./package.json"
  },
  "type": "module",
  "bin": { "kestra-authz": "./cli.js" },
  "engines": { "node": "^20.19.0 || >=22.12.0" },
  "files": ["nodejs/", "web/", "lite/", "entry.d.ts", "browser.js", "deno.js", "workerd.js", "remote.js", "remote.d.ts", "remote.cjs", "remote.d.cts", "remote.d.mts", "testing.js", "testing.d.ts", "cli.js", "README.md"]
}
JSON
cp js/README.md js/remote.js js/remote.d.ts js/testing.js js/testing.d.ts js/cli.js pkg/
# kestra-authz/remote for CommonJS: the ES module, which require() loads on the Node versions the
# package supports, with types that name the Node build's (CommonJS) declarations.
printf '// kestra-authz/remote for require(): the ES module (Node 20.19+ and 22.12+ load it).\nmodule.exports = require("./remote.js");\n' > pkg/remote.cjs
sed 's#"./web/kestra_authz.js"#"./nodejs/kestra_authz.js"#' js/remote.d.ts > pkg/remote.d.cts
cp pkg/remote.d.cts pkg/remote.d.mts
if ! grep -q '"./nodejs/kestra_authz.js"' pkg/remote.d.cts; then
  echo "build-pkg: remote.d.cts does not name the Node build's declarations" >&2
  exit 1
fi
chmod +x pkg/cli.js
raw=$(stat -c %s pkg/web/kestra_authz_bg.wasm)
gz=$(gzip -9 -c pkg/web/kestra_authz_bg.wasm | wc -c)
lite_raw=$(stat -c %s pkg/lite/kestra_authz_bg.wasm)
lite_gz=$(gzip -9 -c pkg/lite/kestra_authz_bg.wasm | wc -c)
echo "build-pkg: pkg/ ready; kestra_authz_bg.wasm is $raw bytes, $gz gzip -9; the front-end build (lite/) $lite_raw bytes, $lite_gz gzip -9"
