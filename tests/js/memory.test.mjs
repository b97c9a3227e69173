// What large policies leave in wasm memory (the web build, so that memory can be read): the
// benchmark's 100,000 bindings built in a fresh instance, and policies over the 64 MiB cap,
// which are refused before the heap is grown for them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repo } from "./hosts.mjs";
import { ISSUER, SECRET, policy } from "../../bench/fixtures.mjs";
import { initSync, Authorizer } from "../../pkg/web/kestra_authz.js";

const wasm = initSync({ module: readFileSync(join(repo, "pkg/web/kestra_authz_bg.wasm")) });
const MiB = 2 ** 20;
const mib = () => wasm.memory.buffer.byteLength / MiB;
const build = (policy) => new Authorizer({ issuer: ISSUER, clientId: "kestra-client", clientSecret: SECRET, jwks: "{}", policy });

// First in the file: the instance is fresh.
test("100,000 bindings (9 MB of JSON) leave a fresh instance under 40 MiB of wasm memory", () => {
  const text = JSON.stringify(policy(100_000));
  assert.ok(text.length > 8.5 * MiB);
  build(text).free();
  assert.ok(mib() <= 40, `${mib()} MiB`);
});

test("a policy object over the cap is refused before wasm memory grows for it", () => {
  const before = mib();
  const huge = { tenants: { main: { roles: [], groups: [], users: [], bindings: [] } }, padding: "x".repeat(65 * MiB) };
  assert.throws(() => build(huge), (e) => e.code === "ERR_INPUT_TOO_LARGE" && /policy/.test(e.message));
  assert.ok(mib() - before < 8, `grew from ${before} to ${mib()} MiB`);
});

test("policy text over the cap in UTF-8 (under it in UTF-16 units) costs at most what the cap does", () => {
  // 60 Mi units of a three-byte character: 180 MiB of UTF-8. The units are read first (and
  // the heap reserved for them, as for any policy under the cap); the bytes are then refused.
  const before = mib();
  assert.throws(() => build("€".repeat(60 * MiB)), (e) => e.code === "ERR_INPUT_TOO_LARGE");
  assert.ok(mib() - before <= 4 * 64 + 16, `grew from ${before} to ${mib()} MiB`);
  // The instance still answers.
  build(JSON.stringify(policy(100))).free();
});
